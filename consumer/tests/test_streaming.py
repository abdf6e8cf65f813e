"""The notebook's Spark wiring, with recording stand-ins (no Spark here)."""

import json

from notebook_fixtures import settings, view_columns
from run_files import load

sc = load()


class RecordingWriter:
    """A stand-in for pyspark's DataStreamWriter (no Spark here): records the builder calls."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return self if name not in ("start", "toTable") else "query"

        return call


class RecordingFrame:
    def __init__(self):
        self.writeStream = RecordingWriter()


class TestStartQueryWithARecordingWriter:
    def test_classic_is_a_memory_sink_named_tweets_every_10_seconds(self):
        frame = RecordingFrame()
        assert sc.start_query(frame, settings()) == "query"
        calls = {name: (args, kwargs) for name, args, kwargs in frame.writeStream.calls}
        assert calls["format"] == (("memory",), {}) and calls["queryName"] == (("tweets",), {})
        assert calls["trigger"] == ((), {"processingTime": "10 seconds"}) and "start" in calls

    def test_serverless_is_available_now_into_the_table_with_a_checkpoint(self):
        frame = RecordingFrame()
        s = settings(mode="serverless", service_credential="c")
        assert sc.start_query(frame, s) == "query"
        calls = {name: (args, kwargs) for name, args, kwargs in frame.writeStream.calls}
        assert calls["trigger"] == ((), {"availableNow": True})  # no time-based trigger on serverless
        assert calls["option"] == (("checkpointLocation", s.checkpoint), {})
        assert calls["toTable"] == (("workspace.default.streamlab_tweets",), {})
        assert "memory" not in str(calls)


class TestStopWithRecordingSpark:
    def test_stops_an_active_query_and_drops_the_view(self):
        events = []

        class Query:
            isActive = True

            def stop(self):
                events.append("stop")

        class Catalog:
            def dropTempView(self, name):
                events.append(("drop", name))

        class Spark:
            catalog = Catalog()

        sc.stop(Spark(), Query())
        assert events == ["stop", ("drop", "tweets")]
        events.clear()
        Query.isActive = False  # serverless: availableNow has already finished
        sc.stop(Spark(), Query())
        assert events == [("drop", "tweets")]


# Two micro-batches in the JSON form of Apache Spark's StreamingQueryProgress (the fields
# the notebook shows, plus some it ignores).
PROGRESS = [
    {"id": "q", "batchId": 0, "numInputRows": 0, "inputRowsPerSecond": 0.0,
     "processedRowsPerSecond": 0.0, "batchDuration": 2107, "durationMs": {"triggerExecution": 2107}},
    {"id": "q", "batchId": 1, "numInputRows": 120, "inputRowsPerSecond": 11.9,
     "processedRowsPerSecond": 85.4, "batchDuration": 1405, "sources": []},
]


class TestProgressRows:
    def test_rates_and_batch_duration_per_batch(self):
        assert sc.progress_rows(PROGRESS)[1] == {
            "batchId": 1, "numInputRows": 120, "inputRowsPerSecond": 11.9,
            "processedRowsPerSecond": 85.4, "batchDuration": 1405,
        }

    def test_reads_pyspark_4_progress_objects_through_their_json(self):
        class Progress:  # a stand-in for pyspark 4's StreamingQueryProgress (no Spark here)
            def __init__(self, doc):
                self.json = json.dumps(doc)

        assert sc.progress_rows([Progress(p) for p in PROGRESS]) == sc.progress_rows(PROGRESS)

    def test_no_batches_no_rows(self):
        assert sc.progress_rows([]) == []


def test_module_imports_without_spark_or_matplotlib():
    # Every %run file loads without them: pyspark and matplotlib are imported inside the
    # functions that use them.
    import subprocess
    import sys

    import run_files

    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['matplotlib'] = None; "
        "import run_files; run_files.load()"
    )
    subprocess.run([sys.executable, "-c", code], cwd=run_files.FOLDER, check=True)


def test_parse_kinesis_gives_the_view_the_records_fields_the_typed_times_and_the_arrival(monkeypatch):
    fields = [name for name, _, _ in sc.RECORD_FIELDS]
    assert view_columns(monkeypatch) == fields + ["created_ts", "ingested_ts", "arrived_at"]
