"""Fixtures the notebook's tests share: records as the producer writes them and the odd
ones a stream may carry (the DuckDB parity test in labs/analysis reads these too), and
widget values."""

import json
import sys
import types

from run_files import load
from streamlab_producer.record import Record

sc = load()


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
    obj = json.loads(producer_record(0))
    for i, name in enumerate(raw_json):
        obj[name] = f"\0PLACEHOLDER{i}\0"
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for i, raw in enumerate(raw_json.values()):
        text = text.replace(f'"\\u0000PLACEHOLDER{i}\\u0000"', raw)
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


def settings(**values):
    """read_settings on the values given, over a stream and region that are valid."""
    base = {"stream_name": "lab-lab-stream", "region": "us-east-1"}
    return sc.read_settings({**base, **values}, secret=lambda scope, key: f"<{scope}/{key}>")


class RecordingColumn:
    """A stand-in for a pyspark Column (no Spark here): remembers only its name."""

    def __init__(self, name: str = ""):
        self.name = name

    def alias(self, name):
        return RecordingColumn(name)

    def cast(self, _type):
        return self

    def isNotNull(self):
        return self

    def __ne__(self, _other):
        return self

    def __and__(self, _other):
        return self


class RecordingSelection:
    """A stand-in for a DataFrame: select names its columns, where keeps them."""

    def __init__(self, columns=()):
        self.columns = [c if isinstance(c, str) else c.name for c in columns]

    def select(self, *columns):
        return RecordingSelection(columns)

    def where(self, _condition):
        return self


def view_columns(monkeypatch) -> list[str]:
    """The columns parse_kinesis gives the `tweets` view, from the function itself."""
    functions = types.ModuleType("pyspark.sql.functions")
    functions.col = lambda name: RecordingColumn(name.rsplit(".", 1)[-1])
    functions.from_json = lambda *_args: RecordingColumn()
    functions.try_to_timestamp = lambda _column: RecordingColumn()
    spark_types = types.ModuleType("pyspark.sql.types")
    for name in ("ArrayType", "StringType", "StructField", "StructType"):
        setattr(spark_types, name, lambda *_args: None)
    sql = types.ModuleType("pyspark.sql")
    sql.functions, sql.types = functions, spark_types
    for name, module in (("pyspark", types.ModuleType("pyspark")), ("pyspark.sql", sql),
                         ("pyspark.sql.functions", functions), ("pyspark.sql.types", spark_types)):
        monkeypatch.setitem(sys.modules, name, module)
    return sc.parse_kinesis(RecordingSelection()).columns
