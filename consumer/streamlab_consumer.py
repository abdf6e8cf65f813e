# Databricks notebook source
"""Logic behind the Spark notebook tweets_streaming.py, importable without Spark.

The notebook stays a thin sequence of cells and loads this file with `%run
./streamlab_consumer` (the first line above makes Databricks treat the file as a
notebook, so `%run` finds it next to tweets_streaming.py whatever the working directory
is). On plain Python it is an ordinary module and its tests run without Spark: the
producer's record schema, a mirror of what `from_json` and `try_to_timestamp` make of a
Kinesis record's bytes, the two aggregations the course queries (top hashtags, posts per
minute), the widgets and the connector options built from them, and the two sinks
(classic: a memory table; serverless: an `availableNow` run into a Delta table).

pyspark and matplotlib are imported inside the functions that need them, so the module
loads on any Python 3.10+.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Iterable

# The producer's record (producer-app/streamlab_producer/record.py), one JSON object per
# Kinesis record: (field, JSON type, required). Required fields make a post usable; a
# record missing one is counted as malformed, as the notebook's filter drops it.
RECORD_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("id", "string", True),
    ("created_at", "timestamp", True),
    ("text", "string", False),
    ("author", "string", False),
    ("lang", "string", False),
    ("hashtags", "string[]", False),
    ("place", "string", False),
    ("source", "string", False),
    ("ingested_at", "timestamp", False),
)

# The view every SQL cell reads. Classic mode: the memory sink's table. Serverless mode: a
# temporary view over the Delta table the availableNow run appends to.
MEMORY_TABLE = "tweets"

# Spark SQL over the view, and the Python functions below compute the same answers (same
# grouping, same tie order) so the tests pin down what the queries mean.
TOP_HASHTAGS_SQL = """
SELECT tag AS hashtag, count(*) AS posts
FROM {table}
LATERAL VIEW explode(array_distinct(filter(
  transform(hashtags, h -> lower(trim(LEADING '#' FROM trim(h)))), t -> t != ''))) tags AS tag
GROUP BY tag
ORDER BY posts DESC, hashtag ASC
LIMIT {limit}
"""

POSTS_PER_MINUTE_SQL = """
SELECT date_trunc('MINUTE', created_ts) AS minute, count(*) AS posts
FROM {table}
GROUP BY 1
ORDER BY 1
"""


def top_hashtags_sql(limit: int = 10, table: str = MEMORY_TABLE) -> str:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise ValueError(f"limit: {limit!r} is not a whole number in 1..1000")
    return TOP_HASHTAGS_SQL.format(table=table, limit=limit)


def posts_per_minute_sql(table: str = MEMORY_TABLE) -> str:
    return POSTS_PER_MINUTE_SQL.format(table=table)


@dataclass(frozen=True)
class Post:
    """A parsed record, with the fields the queries use typed."""

    id: str
    created_at: datetime
    text: str | None
    author: str | None
    lang: str | None
    hashtags: tuple[str, ...]
    place: str | None
    source: str | None
    ingested_at: datetime | None


# ── what Spark makes of a record ──────────────────────────────────────────────────────
#
# The notebook runs `from_json(CAST(data AS STRING), schema)` with every field a string
# (hashtags an array of strings), then `try_to_timestamp` on the two times. The mirror
# follows Apache Spark's JacksonParser on a string column (CreateJacksonParser.utf8String
# reads through a Reader, so Spark 4's exact-string parsing does not apply there):
#   * a JSON string is its unescaped text;
#   * any other token for a string field (number, true/false, object, array) becomes that
#     value written back out as compact JSON: `12345` → "12345", `["x"]` → '["x"]', a
#     float through Java's shortest double rendering (`1.50` → "1.5", `1e3` → "1000.0");
#     the row is kept;
#   * JSON null is null; a field of the wrong shape for an array (a string for hashtags)
#     is null while the other fields are kept (partial results, Spark ≥ 3.4);
#   * a record that is not a JSON object, or is cut off, is all nulls (then dropped);
#   * only the first JSON value is read: bytes after it are ignored.


def _java_double(value: float) -> str:
    """Double.toString, as Jackson writes a float: shortest digits (the JDK 19+ rule),
    positional in [1e-3, 1e7), else "d.dddE±n"."""
    if math.isnan(value) or math.isinf(value):
        # Spark reads NaN/Infinity (allowNonNumericNumbers); Jackson writes them quoted.
        return '"NaN"' if math.isnan(value) else ('"-Infinity"' if value < 0 else '"Infinity"')
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)  # Python's repr is positional and shortest in this range too
    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    mantissa = f"{digits[0]}." + ("".join(map(str, digits[1:])) or "0")
    return f"{'-' if value < 0 else ''}{mantissa}E{len(digits) - 1 + int(exponent)}"


def spark_json_text(value: Any) -> str:
    """A decoded JSON value as Spark writes a non-string token into a string field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join("null" if v is None else spark_json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(
            f"{json.dumps(k, ensure_ascii=False)}:{'null' if v is None else spark_json_text(v)}"
            for k, v in value.items()
        ) + "}"
    raise TypeError(f"not a decoded JSON value: {value!r}")


def spark_string(value: Any) -> str | None:
    """A field of StringType: strings as they are, null as None, anything else as JSON text."""
    if value is None:
        return None
    return value if isinstance(value, str) else spark_json_text(value)


def spark_string_array(value: Any) -> list[str | None] | None:
    """A field of ArrayType(StringType): elements as spark_string; not an array → None."""
    if not isinstance(value, list):
        return None
    return [spark_string(v) for v in value]


_DECODER = json.JSONDecoder()


def first_json_value(text: str) -> Any:
    """The first JSON value in text, ignoring what follows it, as Jackson reads one record.

    Raises ValueError when there is none (empty, not JSON, cut off).
    """
    start = len(text) - len(text.lstrip(" \t\r\n"))
    value, _ = _DECODER.raw_decode(text, start)
    return value


def decode_data(data: bytes | bytearray | str) -> str:
    """A Kinesis record's `data` as text, as CAST(data AS STRING) and Spark's reader see it."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return data


# Apache Spark's CAST(string AS TIMESTAMP), which try_to_timestamp without a format is
# (DateTimeUtils.parseTimestampString): "[+]yyyy[-m[m][-d[d]]]", then optionally " " or "T"
# and "h[h][:m[m][:s[s][.fraction]]]"; a zone may follow the seconds only (Z, ±h[h],
# ±hh[:]mm, UTC/GMT/UT alone or with an offset, spaces before it allowed). Surrounding
# whitespace is trimmed; fraction digits past the sixth are dropped; a zoneless time is in
# the session time zone, which the notebook sets to UTC. Not mirrored (Spark accepts, this
# returns None): years outside 1-9999, time-only strings (Spark puts them on today's
# date), region or short zone ids ("Europe/Paris", "EST") and ±hh:mm:ss offsets.
_SPARK_TIMESTAMP = re.compile(
    r"\+?(?P<year>\d{4,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2})(?::(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<fraction>\d*))?(?P<zone>\D.*)?)?)?)?)?)?"
)
_OFFSET = re.compile(r"(?P<sign>[+-])(?:(?P<h>\d{1,2})|(?P<hh>\d{2}):?(?P<mm>\d{2})|(?P<h1>\d):(?P<m1>\d{2}))")


def _zone_offset(zone: str) -> timedelta | None:
    zone = zone.strip()
    if zone in ("", "Z"):
        return timedelta(0)
    for prefix in ("UTC", "GMT", "UT"):
        if zone.startswith(prefix):
            rest = zone[len(prefix) :]
            return timedelta(0) if rest == "" else _offset(rest)
    return _offset(zone)


def _offset(text: str) -> timedelta | None:
    m = _OFFSET.fullmatch(text)
    if not m:
        return None
    hours = int(m["h"] or m["hh"] or m["h1"])
    minutes = int(m["mm"] or m["m1"] or 0)
    if hours > 18 or minutes > 59 or (hours == 18 and minutes):
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return -delta if m["sign"] == "-" else delta


def parse_timestamp(value: Any) -> datetime | None:
    """try_to_timestamp(value) on a string: an aware UTC datetime, or None, never an error.

    "2026-11-27T18:40:17.123Z" (the producer's form) → 2026-11-27 18:40:17.123 UTC.
    """
    if not isinstance(value, str):
        return None
    m = _SPARK_TIMESTAMP.fullmatch(value.strip())
    if not m:
        return None
    zone = _zone_offset(m["zone"] or "")
    if zone is None:
        return None
    fraction = (m["fraction"] or "")[:6].ljust(6, "0")
    try:
        local = datetime(
            int(m["year"]),
            int(m["month"] or 1),
            int(m["day"] or 1),
            int(m["hour"] or 0),
            int(m["minute"] or 0),
            int(m["second"] or 0),
            int(fraction),
            tzinfo=timezone(zone),
        )
    except ValueError:  # month 13, day 31 in November, hour 24 …
        return None
    return local.astimezone(timezone.utc)


def _hashtags(tags: list[str | None] | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags or []:
        if tag is not None:
            norm = tag.strip(" ").lstrip("#").lower()  # as the SQL: trim, leading '#', lower
            if norm:
                seen.setdefault(norm, None)
    return tuple(seen)


def parse_record(data: bytes | bytearray | str) -> Post | None:
    """One Kinesis record → a Post, or None when the notebook's filter would drop it.

    Mirrors parse_kinesis: from_json with spark_schema() (see the notes above), then
    try_to_timestamp, then the filter: an id that is not null or empty and a created_at
    that is a timestamp.
    """
    try:
        return _post(first_json_value(decode_data(data)))
    except (ValueError, RecursionError):  # not JSON, cut off, nested too deep: no post
        return None


def _post(obj: Any) -> Post | None:
    if not isinstance(obj, dict):
        return None
    fields = {name: spark_string(obj.get(name)) for name, kind, _ in RECORD_FIELDS if kind != "string[]"}
    post_id = fields["id"]
    created_at = parse_timestamp(fields["created_at"])
    if not post_id or created_at is None:
        return None
    return Post(
        id=post_id,
        created_at=created_at,
        text=fields["text"],
        author=fields["author"],
        lang=fields["lang"],
        hashtags=_hashtags(spark_string_array(obj.get("hashtags"))),
        place=fields["place"],
        source=fields["source"],
        ingested_at=parse_timestamp(fields["ingested_at"]),
    )


def parse_records(records: Iterable[bytes | str]) -> tuple[list[Post], int]:
    """Parses many records; returns the posts and how many records were malformed."""
    posts: list[Post] = []
    malformed = 0
    for data in records:
        post = parse_record(data)
        if post is None:
            malformed += 1
        else:
            posts.append(post)
    return posts, malformed


def top_hashtags(posts: Iterable[Post], limit: int = 10) -> list[tuple[str, int]]:
    """Hashtags by number of posts carrying them (a post counts once per tag), ties by name."""
    counts: Counter[str] = Counter()
    for post in posts:
        counts.update(set(post.hashtags))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:limit]


def posts_per_minute(posts: Iterable[Post]) -> list[tuple[datetime, int]]:
    """Posts per minute of `created_at` (UTC), oldest first; minutes without posts are absent."""
    counts: Counter[datetime] = Counter(
        p.created_at.replace(second=0, microsecond=0) for p in posts
    )
    return sorted(counts.items())


# ── widgets and connector options ─────────────────────────────────────────────────────

MODES = ("classic", "serverless")
INITIAL_POSITIONS = ("latest", "trim_horizon", "earliest")

# The secret-scope keys the notebook reads access keys from (dbutils.secrets.get), so keys
# never appear in the notebook, its widgets or its output.
ACCESS_KEY_SECRET = "aws-access-key-id"
SECRET_KEY_SECRET = "aws-secret-access-key"


@dataclass(frozen=True)
class Widget:
    name: str
    default: str
    label: str
    choices: tuple[str, ...] = ()


# Every widget the notebook shows, in order; `streamlab handout` prints a value for each.
WIDGETS: tuple[Widget, ...] = (
    Widget("mode", "classic", "Mode", MODES),
    Widget("stream_name", "", "Kinesis stream"),
    Widget("region", "us-east-1", "Region"),
    Widget("initial_position", "latest", "Initial position"),
    Widget("role_arn", "", "Role ARN (optional)"),
    Widget("role_external_id", "", "Role external id (optional)"),
    Widget("service_credential", "", "Service credential (optional)"),
    Widget("secret_scope", "", "Secret scope with access keys (optional)"),
    Widget("table", "workspace.default.streamlab_tweets", "Table (serverless)"),
    Widget("checkpoint", "", "Checkpoint volume path (serverless)"),
)

_STREAM_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
# The config's region pattern (the producer's env_contract.json STREAMLAB_REGION), written
# out because this module runs alone on Databricks; tests/ checks that the two agree.
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]\Z")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
# AWS's rule for sts:ExternalId: 2-1224 characters from [\w+=,.@:/-].
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$")
_TABLE = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")
_VOLUME_PATH = re.compile(r"^/Volumes/[A-Za-z0-9_]+/[A-Za-z0-9_]+/[A-Za-z0-9_]+(/[\w.=-]+)*/?$")
SESSION_NAME = "streamlab-notebook"


@dataclass(frozen=True)
class Settings:
    """The widgets, checked: what the notebook needs to start reading."""

    mode: str
    options: dict[str, str]
    table: str
    checkpoint: str

    @property
    def volume(self) -> str:
        """Serverless: the Unity Catalog volume holding the checkpoint, catalog.schema.volume."""
        return ".".join(self.checkpoint.split("/")[2:5]) if self.checkpoint else ""

    def describe(self) -> str:
        """One line for the notebook's output; never shows a key or a credential's secret."""
        how = (
            f"service credential {self.options['serviceCredential']}"
            if "serviceCredential" in self.options
            else "access keys from the secret scope"
            if "awsAccessKey" in self.options
            else "the cluster's instance profile"
        )
        if "roleArn" in self.options:
            how += f", assuming {self.options['roleArn']}"
        where = f" into {self.table}" if self.mode == "serverless" else f" into the memory table {MEMORY_TABLE}"
        return (
            f"{self.mode}: reading {self.options['streamName']} in {self.options['region']} "
            f"from {self.options['initialPosition']} with {how}{where}"
        )


def _at_timestamp(value: str) -> str | None:
    """"at_timestamp:<ISO time>" → the connector's JSON form, or None if not that shape."""
    if not value.startswith("at_timestamp:"):
        return None
    when = parse_timestamp(value.split(":", 1)[1])
    if when is None:
        return None
    return json.dumps(
        {"at_timestamp": when.strftime("%m/%d/%Y %H:%M:%S UTC"), "format": "MM/dd/yyyy HH:mm:ss ZZZ"}
    )


def read_settings(
    values: dict[str, str], secret: Callable[[str, str], str] | None = None
) -> Settings:
    """Widget values → Settings, every bad widget named at once, before Spark starts.

    secret(scope, key) reads a secret (the notebook passes dbutils.secrets.get); it is
    called only when `secret_scope` is set.
    """
    v = {w.name: str(values.get(w.name, w.default)).strip() for w in WIDGETS}
    problems: list[str] = []
    mode = v["mode"].lower()
    if mode not in MODES:
        problems.append(f"mode: {v['mode']!r} is not one of {', '.join(MODES)}")
    if not _STREAM_NAME.match(v["stream_name"]):
        problems.append(
            f"stream_name: {v['stream_name']!r} is not a Kinesis stream name "
            "(1-128 letters, digits, '_', '-', '.'; see `streamlab handout`)"
        )
    if not _REGION.match(v["region"]):
        problems.append(f"region: {v['region']!r} is not an AWS region such as 'us-east-1'")
    position = v["initial_position"].lower()
    at_timestamp = _at_timestamp(v["initial_position"])
    if position not in INITIAL_POSITIONS and at_timestamp is None:
        problems.append(
            f"initial_position: {v['initial_position']!r} is not one of "
            f"{', '.join(INITIAL_POSITIONS)} or at_timestamp:<ISO 8601 time>"
        )
    if v["role_arn"] and not _ROLE_ARN.match(v["role_arn"]):
        problems.append(f"role_arn: {v['role_arn']!r} is not an IAM role ARN")
    if v["role_external_id"] and not _EXTERNAL_ID.match(v["role_external_id"]):
        # The value is not echoed: an external id is not a secret, but it stays out of output.
        problems.append(
            "role_external_id: is not an external id (2-1224 letters, digits and +=,.@:/-_)"
        )
    if v["role_external_id"] and not v["role_arn"]:
        problems.append("role_external_id: is set but role_arn is empty (the id belongs to a role)")
    if v["service_credential"] and not _NAME.match(v["service_credential"]):
        problems.append(f"service_credential: {v['service_credential']!r} is not a credential name")
    if v["service_credential"] and (v["role_arn"] or v["secret_scope"]):
        problems.append(
            "service_credential: use a service credential alone, or role_arn/secret_scope, not both"
        )
    if v["secret_scope"] and not _NAME.match(v["secret_scope"]):
        problems.append(f"secret_scope: {v['secret_scope']!r} is not a secret scope name")
    if mode == "serverless":
        if not (v["service_credential"] or v["secret_scope"]):
            problems.append(
                "service_credential: serverless compute has no instance profile; set "
                "service_credential, or secret_scope holding access keys"
            )
        if not _TABLE.match(v["table"]):
            problems.append(f"table: {v['table']!r} is not a table name catalog.schema.table")
        if v["checkpoint"] and not _VOLUME_PATH.match(v["checkpoint"]):
            problems.append(
                f"checkpoint: {v['checkpoint']!r} is not a volume path "
                "/Volumes/<catalog>/<schema>/<volume>/..."
            )
    if problems:
        raise ValueError("; ".join(problems))

    options = {
        "streamName": v["stream_name"],
        "region": v["region"],
        "initialPosition": at_timestamp or position,
    }
    if v["service_credential"]:
        options["serviceCredential"] = v["service_credential"]
    if v["secret_scope"]:
        if secret is None:
            raise ValueError("secret_scope: is set but no secret reader was given")
        options["awsAccessKey"] = secret(v["secret_scope"], ACCESS_KEY_SECRET)
        options["awsSecretKey"] = secret(v["secret_scope"], SECRET_KEY_SECRET)
    if v["role_arn"]:
        options["roleArn"] = v["role_arn"]
        options["roleSessionName"] = SESSION_NAME
        if v["role_external_id"]:
            options["roleExternalId"] = v["role_external_id"]
    table = v["table"] if mode == "serverless" else MEMORY_TABLE
    checkpoint = ""
    if mode == "serverless":
        schema = v["table"].rsplit(".", 1)[0].replace(".", "/")
        checkpoint = v["checkpoint"] or f"/Volumes/{schema}/streamlab/checkpoints/{v['stream_name']}"
    return Settings(mode=mode, options=options, table=table, checkpoint=checkpoint)


# ── Spark: parsing and the two sinks ─────────────────────────────────────────────────


def spark_schema():
    """RECORD_FIELDS as a Spark StructType (every JSON time is read as a string first)."""
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    def spark_type(kind: str):
        return ArrayType(StringType()) if kind == "string[]" else StringType()

    return StructType([StructField(name, spark_type(kind), True) for name, kind, _ in RECORD_FIELDS])


def parse_kinesis(frame):
    """Kinesis rows (binary `data`) → one row per post with typed times, like parse_record.

    try_to_timestamp, not to_timestamp: with ANSI mode on (Runtime 17+, serverless)
    to_timestamp raises CANNOT_PARSE_TIMESTAMP on one bad value and stops the query;
    try_to_timestamp gives NULL and the filter drops the record.
    """
    from pyspark.sql import functions as F

    post = F.from_json(F.col("data").cast("string"), spark_schema())
    parsed = frame.select(post.alias("post"), F.col("approximateArrivalTimestamp").alias("arrived_at"))
    return parsed.select(
        *[F.col(f"post.{name}").alias(name) for name, _, _ in RECORD_FIELDS],
        F.try_to_timestamp(F.col("post.created_at")).alias("created_ts"),
        F.try_to_timestamp(F.col("post.ingested_at")).alias("ingested_ts"),
        "arrived_at",
    ).where(F.col("id").isNotNull() & (F.col("id") != "") & F.col("created_ts").isNotNull())


CLASSIC_TRIGGER_SECONDS = 10


def start_query(posts, settings: Settings):
    """Starts writing the parsed posts; returns the StreamingQuery.

    classic: a memory sink named `tweets`, a micro-batch every 10 s, running until stopped.
    serverless: an availableNow run appending to the Delta table: it reads what the
    stream holds past the checkpoint, then stops by itself (serverless supports no
    time-based trigger). Re-run it to fetch what arrived since.
    """
    writer = posts.writeStream.outputMode("append")
    if settings.mode == "classic":
        return (
            writer.format("memory")
            .queryName(MEMORY_TABLE)
            .trigger(processingTime=f"{CLASSIC_TRIGGER_SECONDS} seconds")
            .start()
        )
    return (
        writer.option("checkpointLocation", settings.checkpoint)
        .trigger(availableNow=True)
        .toTable(settings.table)
    )


# The course's streaming-dashboard numbers, per micro-batch, as Spark reports them in
# StreamingQueryProgress: input vs processing rate and the batch duration.
PROGRESS_COLUMNS = ("batchId", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "batchDuration")


def progress_rows(progress: Iterable[Any]) -> list[dict[str, Any]]:
    """query.recentProgress → one row per micro-batch with PROGRESS_COLUMNS.

    Serverless shows no Spark UI and an availableNow run leaves no live chart: this is
    where its input rate, processing rate and batch duration are read. Accepts the dicts
    PySpark 3.5 returns and the StreamingQueryProgress objects of PySpark 4 (their `.json`).
    """
    rows = []
    for p in progress:
        doc = json.loads(p.json) if hasattr(p, "json") else dict(p)
        rows.append({column: doc.get(column) for column in PROGRESS_COLUMNS})
    return rows


def show_as_view(spark, settings: Settings) -> None:
    """Serverless: the SQL cells read `tweets`; point it at the table (classic: the sink made it)."""
    if settings.mode == "serverless":
        spark.read.table(settings.table).createOrReplaceTempView(MEMORY_TABLE)


def stop(spark, query) -> None:
    """Stops the query if it still runs and drops the `tweets` view.

    Spark creates the memory sink's view once, at start, and never drops it: without this
    the rows stay in the driver's memory after query.stop() until the cluster restarts.
    """
    if query is not None and query.isActive:
        query.stop()
    spark.catalog.dropTempView(MEMORY_TABLE)


def plot_top_hashtags(frame, ax=None):
    """Horizontal bars from a pandas frame with columns hashtag, posts."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 4))[1]
    ordered = frame.iloc[::-1]  # largest bar on top
    ax.barh(ordered["hashtag"], ordered["posts"])
    ax.set_xlabel("posts")
    ax.set_title("Top hashtags")
    return ax


def plot_posts_per_minute(frame, ax=None):
    """A line from a pandas frame with columns minute, posts."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 3))[1]
    ax.plot(frame["minute"], frame["posts"], marker="o")
    ax.set_ylabel("posts per minute")
    ax.set_title("Posts per minute (UTC)")
    ax.figure.autofmt_xdate()
    return ax
