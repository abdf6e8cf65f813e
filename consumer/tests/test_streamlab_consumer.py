"""The notebook's logic on records exactly as the producer writes them."""

import json
from datetime import datetime, timezone

import pytest

import streamlab_consumer as sc
from streamlab_producer import env_contract
from streamlab_producer.record import FIELDS, Record


def producer_record(i, **overrides):
    """The bytes the producer puts on the stream: Record.to_bytes(), nothing added."""
    record = Record(
        id=f"at://did:plc:a{i % 3}/app.bsky.feed.post/{i}",
        created_at=f"2026-11-27T18:{40 + i // 4:02d}:{(i * 7) % 60:02d}.123Z",
        text=f"post {i} #COVID_19 en lima",
        author=f"did:plc:a{i % 3}",
        lang="es",
        hashtags=["covid_19"] + (["lima"] if i % 2 else []) + (["salud"] if i % 3 == 0 else []),
        place="lima",
        source="synthetic",
        ingested_at="2026-11-27T18:50:00.000Z",
    )
    for name, value in overrides.items():
        setattr(record, name, value)  # a dataclass: wrong types go to the wire unchanged
    return record.to_bytes()


def record_with(**raw_json):
    """A producer record with some fields replaced by raw JSON text (any token, any spacing)."""
    text = producer_record(0).decode("utf-8")
    for name, raw in raw_json.items():
        obj = json.loads(text)
        obj[name] = "\0PLACEHOLDER\0"
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace(
            '"\\u0000PLACEHOLDER\\u0000"', raw
        )
    return text.encode("utf-8")


# Records the notebook's filter drops (from_json gives a null row, or no id, or no
# created_at that try_to_timestamp can read). Each is one test case.
MALFORMED = {
    "empty": b"",
    "whitespace": b"\n",
    "not json": b"not json",
    "cut off": b'{"id": "x", "created_at": "2026-11-27T18:40:00Z"',
    "array": b"[1, 2]",
    "string": b'"just a string"',
    "number": b"42",
    "id null": producer_record(90, id=None),
    "id empty": producer_record(91, id=""),
    "id missing": b'{"created_at": "2026-11-27T18:40:00Z"}',
    "created_at null": producer_record(93, created_at=None),
    "created_at words": producer_record(94, created_at="yesterday"),
    "created_at month 13": producer_record(95, created_at="2026-13-01T00:00:00Z"),
    "created_at day 31 in November": producer_record(96, created_at="2026-11-31T00:00:00Z"),
    "created_at hour 25": producer_record(97, created_at="2026-11-27T25:00:00Z"),
    "created_at epoch number": producer_record(98, created_at=1764268817),
    "created_at bad zone": producer_record(99, created_at="2026-11-27T18:40:00+25:00"),
    "created_at lower-case z": producer_record(100, created_at="2026-11-27T18:40:00z"),
    "created_at object": producer_record(101, created_at={"at": "2026-11-27"}),
    "invalid utf-8": b"\xff\xfe\x00garbage",
}


class TestParseRecord:
    def test_reads_a_producer_record(self):
        post = sc.parse_record(producer_record(1))
        assert post == sc.Post(
            id="at://did:plc:a1/app.bsky.feed.post/1",
            created_at=datetime(2026, 11, 27, 18, 40, 7, 123000, tzinfo=timezone.utc),
            text="post 1 #COVID_19 en lima",
            author="did:plc:a1",
            lang="es",
            hashtags=("covid_19", "lima"),
            place="lima",
            source="synthetic",
            ingested_at=datetime(2026, 11, 27, 18, 50, tzinfo=timezone.utc),
        )

    def test_the_fixture_is_the_producers_bytes_without_a_newline(self):
        data = producer_record(1)
        assert not data.endswith(b"\n") and list(json.loads(data)) == list(FIELDS)

    def test_accepts_text_and_bytearray_and_utf8(self):
        data = producer_record(2, text="ñandú 日本 🚀")
        assert sc.parse_record(data.decode("utf-8")).text == "ñandú 日本 🚀"
        assert sc.parse_record(bytearray(data)).text == "ñandú 日本 🚀"

    @pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
    def test_drops_what_is_not_a_post(self, data):
        assert sc.parse_record(data) is None

    @pytest.mark.parametrize(
        "raw, text",
        [
            ("12345", "12345"),
            ("-0", "0"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("1.50", "1.5"),
            ("1e3", "1000.0"),
            ("1.2345e-5", "1.2345E-5"),
            ("1e20", "1.0E20"),
            ("true", "true"),
            ("NaN", '"NaN"'),
            ("-Infinity", '"-Infinity"'),
            ('[ "x" , 1 ]', '["x",1]'),
            ('{ "a" : [ 1 , null ] }', '{"a":[1,null]}'),
        ],
    )
    def test_a_non_string_id_becomes_its_json_text_and_the_row_is_kept(self, raw, text):
        # from_json on a string column re-serialises any non-string token for a StringType field.
        assert sc.parse_record(record_with(id=raw)).id == text

    def test_non_string_tokens_in_other_string_fields_become_text_too(self):
        post = sc.parse_record(producer_record(3, author=42, lang=True, place=["x"], text={"k": "ñ"}))
        assert (post.author, post.lang, post.place, post.text) == ("42", "true", '["x"]', '{"k":"ñ"}')

    def test_json_null_is_null(self):
        post = sc.parse_record(producer_record(3, lang=None, place=None, ingested_at=None))
        assert (post.lang, post.place, post.ingested_at) == (None, None, None)

    def test_hashtags_that_are_not_an_array_are_null_and_the_row_is_kept(self):
        post = sc.parse_record(producer_record(3, hashtags="covid"))
        assert post is not None and post.hashtags == ()

    def test_normalises_hashtags_as_the_sql_does(self):
        # Elements are strings the way from_json makes them: 7 → "7", null stays null (dropped).
        post = sc.parse_record(producer_record(4, hashtags=["#COVID_19", " Lima", "covid_19", "", "#", 7, None]))
        assert post.hashtags == ("covid_19", "lima", "7")

    @pytest.mark.parametrize(
        "ingested_at",
        ["soon", "2026-02-30T00:00:00Z", "", 1764268817, "2026-11-27T18:40:00 Mars"],
    )
    def test_a_malformed_ingested_at_is_null_and_the_row_is_kept(self, ingested_at):
        # ANSI mode: to_timestamp would raise CANNOT_PARSE_TIMESTAMP here; try_to_timestamp is NULL.
        post = sc.parse_record(producer_record(5, ingested_at=ingested_at))
        assert post is not None and post.ingested_at is None

    @pytest.mark.parametrize(
        "data",
        [
            record_with(text="[" * 100_000 + "]" * 100_000),  # deeper than any parser allows
            record_with(id="1" * 5000),  # longer than Python's int-to-str limit
            record_with(id="[" * 990 + "]" * 990),  # decodes, but re-serialising it recurses deep
            b'{"id": "x", "created_at": "2026-11-27T18:40:00Z", "hashtags": [' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"]}",
        ],
        ids=["deep nesting", "huge number", "deep id", "deep hashtag element"],
    )
    def test_never_raises_on_pathological_records(self, data):
        # Spark's parser caps depth and number length too; what matters here is no exception.
        post = sc.parse_record(data)
        assert post is None or isinstance(post, sc.Post)

    def test_reads_only_the_first_json_value_like_jackson(self):
        assert sc.parse_record(producer_record(6) + b"\n{trailing").id.endswith("/6")

    def test_a_duplicate_key_keeps_the_last_value(self):
        data = producer_record(7).replace(b'{"id":', b'{"id":"first","id":', 1)
        assert sc.parse_record(data).id.endswith("/7")


class TestTryToTimestamp:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ("2026-11-27T18:40:17.123Z", datetime(2026, 11, 27, 18, 40, 17, 123000, tzinfo=timezone.utc)),
            ("2026-11-27T13:40:17-05:00", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T19:40:17+0100", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27 18:40:17", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17 UTC", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17UTC+05:30", datetime(2026, 11, 27, 13, 10, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18", datetime(2026, 11, 27, 18, tzinfo=timezone.utc)),
            ("+2026-11", datetime(2026, 11, 1, tzinfo=timezone.utc)),
            ("  2026-11-27T18:40:17  ", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17UTC", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40", datetime(2026, 11, 27, 18, 40, tzinfo=timezone.utc)),
            ("2026-11-27", datetime(2026, 11, 27, tzinfo=timezone.utc)),
            ("2026-1-5T1:2:3", datetime(2026, 1, 5, 1, 2, 3, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17.123456789Z", datetime(2026, 11, 27, 18, 40, 17, 123456, tzinfo=timezone.utc)),
        ],
    )
    def test_reads_what_spark_casts(self, value, expected):
        assert sc.parse_timestamp(value) == expected

    @pytest.mark.parametrize(
        "value",
        ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T18:60:00Z",
         "2026-11-27T18:40:17z", "2026-11-27T18:40:17+19:00", "26-11-27", 1764268817, None,
         "2026-11-27T", "2026-11-27T18:40Z", "2026-11-27T18:40:17+100", "2026/11/27"],
    )
    def test_gives_none_where_try_to_timestamp_gives_null(self, value):
        assert sc.parse_timestamp(value) is None


class TestAggregations:
    def setup_method(self):
        self.posts, self.malformed = sc.parse_records(
            [producer_record(i) for i in range(12)] + list(MALFORMED.values())
        )

    def test_counts_malformed_records(self):
        assert (len(self.posts), self.malformed) == (12, len(MALFORMED))

    def test_top_hashtags_counts_each_post_once_per_tag_and_breaks_ties_by_name(self):
        # covid_19 in all 12; lima in the 6 odd ones; salud in 0, 3, 6, 9.
        assert sc.top_hashtags(self.posts) == [("covid_19", 12), ("lima", 6), ("salud", 4)]
        assert sc.top_hashtags(self.posts, limit=1) == [("covid_19", 12)]
        tie = [sc.parse_record(producer_record(1, hashtags=["b", "a", "a"]))]
        assert sc.top_hashtags(tie) == [("a", 1), ("b", 1)]

    def test_posts_per_minute_in_utc(self):
        minute = lambda m: datetime(2026, 11, 27, 18, m, tzinfo=timezone.utc)  # noqa: E731
        assert sc.posts_per_minute(self.posts) == [(minute(40), 4), (minute(41), 4), (minute(42), 4)]
        shifted = sc.parse_record(producer_record(0, created_at="2026-11-27T13:40:59.999-05:00"))
        assert sc.posts_per_minute([shifted]) == [(minute(40), 1)]

    def test_nothing_in_nothing_out(self):
        assert sc.top_hashtags([]) == [] and sc.posts_per_minute([]) == []


def settings(**values):
    base = {"stream_name": "lab-lab-stream", "region": "us-east-1"}
    return sc.read_settings({**base, **values}, secret=lambda scope, key: f"<{scope}/{key}>")


class TestSettings:
    def test_widget_values_become_connector_options(self):
        s = sc.read_settings({"stream_name": " lab-lab-stream ", "region": "eu-west-1", "initial_position": "TRIM_HORIZON"})
        assert (s.mode, s.table) == ("classic", "tweets")
        assert s.options == {"streamName": "lab-lab-stream", "region": "eu-west-1", "initialPosition": "trim_horizon"}

    def test_at_timestamp_becomes_the_connector_json(self):
        s = settings(initial_position="at_timestamp:2026-11-27T13:00:00-05:00")
        assert json.loads(s.options["initialPosition"]) == {
            "at_timestamp": "11/27/2026 18:00:00 UTC",
            "format": "MM/dd/yyyy HH:mm:ss ZZZ",
        }

    def test_role_with_external_id_and_session_name(self):
        arn = "arn:aws:iam::123456789012:role/lab-lab-stream-reader"
        s = settings(role_arn=arn, role_external_id="streamlab-ext-id:7")
        assert {k: s.options[k] for k in ("roleArn", "roleExternalId", "roleSessionName")} == {
            "roleArn": arn,
            "roleExternalId": "streamlab-ext-id:7",
            "roleSessionName": "streamlab-notebook",
        }

    def test_service_credential(self):
        assert settings(service_credential="streamlab_reader").options["serviceCredential"] == "streamlab_reader"

    def test_access_keys_come_from_the_secret_scope_and_are_never_described(self):
        s = settings(secret_scope="streamlab")
        assert (s.options["awsAccessKey"], s.options["awsSecretKey"]) == (
            "<streamlab/aws-access-key-id>",
            "<streamlab/aws-secret-access-key>",
        )
        assert "<streamlab" not in s.describe() and "secret scope" in s.describe()

    def test_the_external_id_is_not_described(self):
        s = settings(role_arn="arn:aws:iam::123456789012:role/r", role_external_id="do-not-print-me")
        assert "do-not-print-me" not in s.describe()

    def test_serverless_writes_a_table_with_a_checkpoint_in_a_volume(self):
        s = settings(mode="serverless", service_credential="cred")
        assert (s.mode, s.table) == ("serverless", "workspace.default.streamlab_tweets")
        assert s.checkpoint == "/Volumes/workspace/default/streamlab/checkpoints/lab-lab-stream"
        assert s.volume == "workspace.default.streamlab"
        s = settings(mode="serverless", secret_scope="k", table="main.lab.posts", checkpoint="/Volumes/main/lab/v/cp")
        assert (s.table, s.checkpoint, s.volume) == ("main.lab.posts", "/Volumes/main/lab/v/cp", "main.lab.v")

    def test_every_bad_widget_is_named(self):
        with pytest.raises(ValueError) as err:
            sc.read_settings(
                {
                    "mode": "turbo",
                    "stream_name": "",
                    "region": "Europe",
                    "initial_position": "beginning",
                    "role_arn": "not-an-arn",
                    "role_external_id": "x",
                    "service_credential": "bad name",
                    "secret_scope": "bad scope",
                }
            )
        message = str(err.value)
        for expected in (
            "mode: 'turbo' is not one of classic, serverless",
            "stream_name: '' is not a Kinesis stream name",
            "region: 'Europe' is not an AWS region",
            "initial_position: 'beginning' is not one of latest, trim_horizon, earliest",
            "role_arn: 'not-an-arn' is not an IAM role ARN",
            "role_external_id: is not an external id",
            "service_credential: 'bad name' is not a credential name",
            "service_credential: use a service credential alone",
            "secret_scope: 'bad scope' is not a secret scope name",
        ):
            assert expected in message

    @pytest.mark.parametrize(
        "values, expected",
        [
            ({"role_external_id": "abc"}, "role_external_id: is set but role_arn is empty"),
            ({"mode": "serverless"}, "serverless compute has no instance profile"),
            ({"mode": "serverless", "service_credential": "c", "table": "tweets"}, "table: 'tweets' is not a table name"),
            ({"mode": "serverless", "service_credential": "c", "checkpoint": "/tmp/cp"}, "checkpoint: '/tmp/cp' is not a volume path"),
            ({"initial_position": "at_timestamp:soon"}, "initial_position: 'at_timestamp:soon'"),
        ],
    )
    def test_inconsistent_widgets(self, values, expected):
        with pytest.raises(ValueError, match=expected):
            settings(**values)

    def test_a_secret_scope_without_a_reader_is_refused(self):
        with pytest.raises(ValueError, match="secret_scope"):
            sc.read_settings({"stream_name": "s", "region": "us-east-1", "secret_scope": "k"})


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


class TestSql:
    def test_queries_name_the_view(self):
        assert "FROM tweets" in sc.top_hashtags_sql(5)
        assert "LIMIT 5" in sc.top_hashtags_sql(5)
        assert "FROM tweets" in sc.posts_per_minute_sql()

    @pytest.mark.parametrize("limit", [0, -1, 1001, 2.5, "10; DROP TABLE tweets", True])
    def test_limit_is_checked(self, limit):
        with pytest.raises(ValueError, match="limit"):
            sc.top_hashtags_sql(limit)


def test_schema_matches_the_producer_fields():
    assert tuple(name for name, _, _ in sc.RECORD_FIELDS) == FIELDS


def test_module_imports_without_spark_or_matplotlib():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['matplotlib'] = None; "
        "import streamlab_consumer"
    )
    subprocess.run([sys.executable, "-c", code], cwd=Path(sc.__file__).parent, check=True)


def test_region_pattern_is_the_configs():
    """The notebook cannot import the contract on Databricks, so it holds a copy: the same one."""
    assert sc._REGION.pattern == env_contract.pattern("region").pattern
