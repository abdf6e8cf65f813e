"""The record written to the stream: one JSON object per post, the same for every source.

Fields (all always present, so consumers never need to guess):
  id           str   the post's id at its source (Bluesky at-URI, tweet id, ...)
  created_at   str   when the author posted it, ISO 8601 UTC ("2026-11-27T18:40:17.123Z")
  text         str   the post's text
  author       str   the author's stable id (Bluesky DID, X user id); the partition key
  lang         str|None  first language tag the source gives, e.g. "es"
  hashtags     list[str] hashtags without "#", lower-cased, in order, unique
  place        str|None  the LOCATION keyword the post matched or the place the source gives
  source       str   "bluesky", "x", "replay" or "synthetic"
  ingested_at  str   when the producer read it, ISO 8601 UTC
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

FIELDS = ("id", "created_at", "text", "author", "lang", "hashtags", "place", "source", "ingested_at")

# A hashtag in free text: '#' then letters/digits/underscore in any script.
_HASHTAG_RE = re.compile(r"(?:^|(?<=[^\w&]))#(\w+)", re.UNICODE)


# Longest text a source passes on: Bluesky allows 3000 bytes, X 4000 characters for a
# long post, so 10 000 characters is generous, and keeps a record far under Kinesis' 1 MiB.
MAX_TEXT_CHARS = 10_000
# Ids, DIDs, language tags, hashtags, timestamps.
MAX_SHORT_CHARS = 2_048


def text_problem(value: Any, max_chars: int = MAX_SHORT_CHARS) -> str | None:
    """Why `value` is not a usable string (None when it is): type, length, lone surrogates
    (JSON can carry "\\ud800", which no UTF-8 encoder accepts)."""
    if not isinstance(value, str):
        return f"not a string ({type(value).__name__})"
    if len(value) > max_chars:
        return f"{len(value)} characters, over the {max_chars} limit"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "has a lone surrogate (not valid Unicode)"
    return None


def utc_iso(ts: datetime | None = None) -> str:
    """ISO 8601 in UTC with milliseconds and a Z: sortable and what Spark/Athena parse."""
    ts = ts or datetime.now(timezone.utc)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalize_tag(tag: str) -> str:
    return tag.lstrip("#").strip().lower()


def hashtags_in(text: str) -> list[str]:
    return unique([normalize_tag(t) for t in _HASHTAG_RE.findall(text or "")])


def unique(tags: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for t in tags:
        if t:
            seen.setdefault(t, None)
    return list(seen)


@dataclass
class Record:
    id: str
    created_at: str
    text: str
    author: str
    lang: str | None = None
    hashtags: list[str] = field(default_factory=list)
    place: str | None = None
    source: str = "synthetic"
    ingested_at: str = field(default_factory=utc_iso)

    @property
    def partition_key(self) -> str:
        # Kinesis needs 1..256 Unicode characters; an empty author would be rejected.
        return (self.author or "unknown")[:256]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RecordError(ValueError):
    """A JSON object that cannot be a Record (missing or mistyped field)."""


def from_dict(obj: Any, source: str) -> Record:
    """Builds a Record from a decoded JSON object (a replay line); strict about types."""
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    for key in ("id", "text", "author"):
        if not isinstance(obj.get(key), str) or not obj.get(key):
            raise RecordError(f"field {key!r} must be a non-empty string")
        problem = text_problem(obj[key], MAX_TEXT_CHARS if key == "text" else MAX_SHORT_CHARS)
        if problem:
            raise RecordError(f"field {key!r}: {problem}")
    tags = obj.get("hashtags")
    if tags is None:
        tags = hashtags_in(obj["text"])
    elif not (isinstance(tags, list) and all(text_problem(t) is None for t in tags)):
        raise RecordError("field 'hashtags' must be a list of strings")
    for key in ("created_at", "lang", "place"):
        if obj.get(key) is not None and text_problem(obj.get(key)) is not None:
            raise RecordError(f"field {key!r} must be a string or null ({text_problem(obj.get(key))})")
    return Record(
        id=obj["id"],
        created_at=obj.get("created_at") or utc_iso(),
        text=obj["text"],
        author=obj["author"],
        lang=obj.get("lang"),
        hashtags=unique([normalize_tag(t) for t in tags]),
        place=obj.get("place"),
        source=source,
    )
