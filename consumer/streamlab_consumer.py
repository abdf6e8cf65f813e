"""Logic behind the Spark notebook, importable without Spark.

The notebook (streaming_notebook.py) stays a thin sequence of cells; what can be wrong
lives here and is tested on plain Python: the producer's record schema, turning a
Kinesis record's bytes into a post, the two aggregations the course queries (top
hashtags, posts per minute) and the connector options built from the widgets.

pyspark and matplotlib are imported inside the functions that need them, so
`import streamlab_consumer` works on any Python 3.10+.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

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

MEMORY_TABLE = "tweets"

# Spark SQL over the memory table, and the Python functions below compute the same
# answers (same grouping, same tie order) so the tests pin down what the queries mean.
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

INITIAL_POSITIONS = ("latest", "trim_horizon", "earliest")
_STREAM_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


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


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 as the producer writes it ("2026-11-27T18:40:17.123Z") → aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # fromisoformat accepts "Z" only from Python 3.11
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)  # Spark reads zoneless times as UTC too
    return parsed.astimezone(timezone.utc)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _hashtags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    tags: dict[str, None] = {}
    for tag in value:
        if isinstance(tag, str):
            norm = tag.strip(" ").lstrip("#").lower()  # as the SQL: trim, leading '#', lower
            if norm:
                tags.setdefault(norm, None)
    return tuple(tags)


def decode_data(data: bytes | bytearray | str) -> str:
    """A Kinesis record's `data` as text; the producer ends each record with a newline."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("utf-8", errors="replace")
    return data.strip()


def parse_record(data: bytes | bytearray | str) -> Post | None:
    """One Kinesis record → a Post, or None when it is not a usable producer record.

    Mirrors the notebook's Spark path: `from_json` with the schema below yields nulls for
    a field of the wrong type, and rows without an id or a readable created_at are dropped.
    """
    try:
        obj = json.loads(decode_data(data))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    post_id = _string(obj.get("id"))
    created_at = parse_timestamp(obj.get("created_at"))
    if not post_id or created_at is None:
        return None
    return Post(
        id=post_id,
        created_at=created_at,
        text=_string(obj.get("text")),
        author=_string(obj.get("author")),
        lang=_string(obj.get("lang")),
        hashtags=_hashtags(obj.get("hashtags")),
        place=_string(obj.get("place")),
        source=_string(obj.get("source")),
        ingested_at=parse_timestamp(obj.get("ingested_at")),
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


def kinesis_options(
    stream_name: str, region: str, initial_position: str = "latest", role_arn: str = ""
) -> dict[str, str]:
    """Options for `spark.readStream.format("kinesis")`, checked so a typo in a widget is
    reported by name instead of surfacing as a Java stack trace minutes later.

    initial_position: latest, trim_horizon, earliest, or at_timestamp:<ISO 8601 time>.
    role_arn: optional role to assume; empty means the cluster's instance profile.
    """
    problems = []
    stream_name, region = stream_name.strip(), region.strip()
    position = initial_position.strip().lower()
    role_arn = role_arn.strip()
    if not _STREAM_NAME.match(stream_name):
        problems.append(
            f"stream_name: {stream_name!r} is not a Kinesis stream name "
            "(1-128 letters, digits, '_', '-', '.'; see `streamlab handout`)"
        )
    if not _REGION.match(region):
        problems.append(f"region: {region!r} is not an AWS region such as 'us-east-1'")
    at_timestamp = _at_timestamp(initial_position.strip())
    if position not in INITIAL_POSITIONS and at_timestamp is None:
        problems.append(
            f"initial_position: {initial_position!r} is not one of "
            f"{', '.join(INITIAL_POSITIONS)} or at_timestamp:<ISO 8601 time>"
        )
    if role_arn and not _ROLE_ARN.match(role_arn):
        problems.append(f"role_arn: {role_arn!r} is not an IAM role ARN")
    if problems:
        raise ValueError("; ".join(problems))
    options = {
        "streamName": stream_name,
        "region": region,
        "initialPosition": at_timestamp or position,
    }
    if role_arn:
        options["roleArn"] = role_arn
    return options


def spark_schema():
    """RECORD_FIELDS as a Spark StructType (every JSON time is read as a string first)."""
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    def spark_type(kind: str):
        return ArrayType(StringType()) if kind == "string[]" else StringType()

    return StructType([StructField(name, spark_type(kind), True) for name, kind, _ in RECORD_FIELDS])


def parse_kinesis(frame):
    """Kinesis rows (binary `data`) → one row per post with typed times, like parse_record.

    The producer's trailing newline needs no trimming: JSON allows whitespace after the
    object. Records that do not parse come out of from_json as nulls and are filtered.
    """
    from pyspark.sql import functions as F

    post = F.from_json(F.col("data").cast("string"), spark_schema())
    parsed = frame.select(post.alias("post"), F.col("approximateArrivalTimestamp").alias("arrived_at"))
    return parsed.select(
        *[F.col(f"post.{name}").alias(name) for name, _, _ in RECORD_FIELDS],
        F.to_timestamp("post.created_at").alias("created_ts"),
        F.to_timestamp("post.ingested_at").alias("ingested_ts"),
        "arrived_at",
    ).where(F.col("id").isNotNull() & (F.col("id") != "") & F.col("created_ts").isNotNull())


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
