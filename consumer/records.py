# Databricks notebook source
"""The record and the oracle: what the notebook tweets_streaming.py makes of a Kinesis
record, and the course's queries answered in plain Python.

The first of the notebook's `%run` files (the order is the notebook's: records.py,
queries.py, settings.py, streaming.py, plots.py; the first line above makes Databricks
treat each as a notebook, so `%run ./records` finds it next to the notebook whatever the
working directory is). It needs nothing from the others and runs on any Python 3.10+.

Two engines answer the course's queries: Spark SQL in the notebook (queries.py) and DuckDB
on one machine (labs/analysis/ in the TypeScript). Both are held to the functions here on
the same records, malformed ones included: `parse_record` mirrors Spark's parsing, and
`summary`, `top_hashtags`, `posts_per_minute` and `posts_by_place` say what each query
answers.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
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
#   * a JSON string is its unescaped text; a lone surrogate in it (`"\ud800"`) becomes
#     "?", as Java writes one into UTF-8 (UTF8String.fromString);
#   * any other token for a string field (number, true/false, object, array) becomes that
#     value written back out as compact JSON: `12345` → "12345", `["x"]` → '["x"]', a
#     float through Java's shortest double rendering (`1.50` → "1.5", `1e3` → "1000.0");
#     the row is kept;
#   * JSON null is null; a field of the wrong shape for an array (a string for hashtags)
#     is null while the other fields are kept (partial results, Spark ≥ 3.4);
#   * a record that is not a JSON object, or is cut off, is all nulls (then dropped);
#   * only the first JSON value is read: bytes after it are ignored;
#   * Jackson's limits drop a record (StreamReadConstraints): a number longer than 1000
#     characters; nesting deeper than 1000 levels, where the mirror stops at
#     MAX_NESTING_DEPTH because Python's own recursion limit is near 1000.

MAX_NUMBER_LENGTH = 1000
MAX_NESTING_DEPTH = 200


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


# A str the json module decoded holds a surrogate only where it stood alone: pairs are
# joined into one code point.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def spark_string(value: Any) -> str | None:
    """A field of StringType: strings as they are, null as None, anything else as JSON text."""
    if value is None:
        return None
    text = value if isinstance(value, str) else spark_json_text(value)
    return _LONE_SURROGATE.sub("?", text)


def spark_string_array(value: Any) -> list[str | None] | None:
    """A field of ArrayType(StringType): elements as spark_string; not an array → None."""
    if not isinstance(value, list):
        return None
    return [spark_string(v) for v in value]


def _bounded_number(convert):
    def parse(text: str):
        if len(text) > MAX_NUMBER_LENGTH:
            raise ValueError(f"number: {len(text)} characters, more than {MAX_NUMBER_LENGTH}")
        return convert(text)

    return parse


_DECODER = json.JSONDecoder(parse_int=_bounded_number(int), parse_float=_bounded_number(float))
_JSON_WHITESPACE = " \t\r\n"
# What moves the nesting depth, strings skipped whole (a bracket inside one is text).
_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _nesting_depth(text: str, start: int) -> int:
    """How deep the JSON value at text[start] nests, counted up to where it closes."""
    depth = deepest = 0
    for token in _NESTING_TOKEN.finditer(text, start):
        kind = token.group()
        if kind in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif kind in "]}":
            depth -= 1
            if depth <= 0:
                break
    return deepest


def first_json_value(text: str) -> Any:
    """The first JSON value in text, ignoring what follows it, as Jackson reads one record.

    Raises ValueError when there is none (empty, not JSON, cut off) or it passes Jackson's
    limits (MAX_NUMBER_LENGTH, MAX_NESTING_DEPTH).
    """
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    depth = _nesting_depth(text, start)
    if depth > MAX_NESTING_DEPTH:
        raise ValueError(f"nesting: {depth} levels, more than {MAX_NESTING_DEPTH}")
    value, _ = _DECODER.raw_decode(text, start)
    return value


def decode_data(data: bytes | bytearray | str) -> str:
    """A Kinesis record's `data` as text, as CAST(data AS STRING) and Spark's reader see it."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return data


# Apache Spark's CAST(string AS TIMESTAMP), which try_to_timestamp without a format is
# (SparkDateTimeUtils.parseTimestampString): "[+]yyyy[-m[m][-d[d]]]", then optionally " "
# or "T" and "h[h][:m[m][:s[s][.fraction]]]"; a zone may follow the seconds only (Z,
# ±h[h], ±hh[:]mm, UTC/GMT/UT alone or with an offset, spaces before it allowed). Digits
# are ASCII; ASCII whitespace and control characters around the text are trimmed, and
# spaces around the zone; fraction digits past the sixth are dropped; a zoneless time is
# in the session time zone, which the notebook sets to UTC. Not mirrored (Spark accepts,
# this returns None): years outside 1-9999, time-only strings (Spark puts them on today's
# date), region or short zone ids ("Europe/Paris", "EST") and ±hh:mm:ss offsets.
_SPARK_TIMESTAMP = re.compile(
    r"\+?(?P<year>\d{4,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2})(?::(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<fraction>\d*))?(?P<zone>\D.*)?)?)?)?)?)?",
    re.ASCII | re.DOTALL,
)
_OFFSET = re.compile(
    r"(?P<sign>[+-])(?:(?P<h>\d{1,2})|(?P<hh>\d{2}):?(?P<mm>\d{2})|(?P<h1>\d):(?P<m1>\d{2}))",
    re.ASCII,
)
# Spark trims bytes that are ASCII whitespace or ISO control characters around the text
# (UTF8String.isWhitespaceOrISOControl), and Java's String.trim around the zone.
_TRIMMED = "".join(map(chr, range(0x21))) + "\x7f"
_ZONE_TRIMMED = "".join(map(chr, range(0x21)))


def _zone_offset(zone: str) -> timedelta | None:
    zone = zone.strip(_ZONE_TRIMMED)
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
    m = _SPARK_TIMESTAMP.fullmatch(value.strip(_TRIMMED))
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
        return local.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # month 13, day 31 in November, hour 24, year 1 at +01:00 …
        return None


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
    except (ValueError, RecursionError):  # not JSON, cut off, past Jackson's limits: no post
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


# ── the course's queries, answered in plain Python ────────────────────────────────────
#
# Each is one query of queries.py (Spark SQL) and of labs/analysis/queries.ts (DuckDB):
# same grouping, same order, ties broken the same way (strings by code point, which is
# how Spark and DuckDB compare them too).


@dataclass(frozen=True)
class Summary:
    """Posts, distinct authors (a post without one counts for none), the newest post's time."""

    posts: int
    authors: int
    newest: datetime | None


def summary(posts: Iterable[Post]) -> Summary:
    posts = list(posts)
    return Summary(
        posts=len(posts),
        authors=len({p.author for p in posts if p.author is not None}),
        newest=max((p.created_at for p in posts), default=None),
    )


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


def posts_by_place(posts: Iterable[Post], limit: int = 10) -> list[tuple[str, int]]:
    """Places by number of posts, ties by name; a post without a place (null or "") is not counted."""
    counts: Counter[str] = Counter(p.place for p in posts if p.place)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:limit]
