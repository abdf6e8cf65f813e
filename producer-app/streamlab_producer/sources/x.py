"""Posts from the X API v2 recent search, via tweepy.

X's API is paid (pay-per-use since 2026); the bearer token comes only from the
environment (STREAMLAB_X_BEARER_TOKEN), never from argv. The query defaults to
`#HASHTAG place:LOCATION -is:retweet`; `place:` needs a plan that allows geo operators,
otherwise set STREAMLAB_X_QUERY (e.g. `#COVID_19 lima -is:retweet`). Polls every
--x-poll-seconds with since_id, so each post comes once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import tweepy

from ..metrics import Metrics
from ..record import MAX_TEXT_CHARS, Record, hashtags_in, normalize_tag, text_problem, unique, utc_iso
from . import SourceError
from .guard import EventGuard, Skip, optional_text, required_text

log = logging.getLogger(__name__)

# What the status codes mean for a caller of recent search, so the error says what to do.
ACCESS_HINTS = {
    401: "the bearer token was refused (401 Unauthorized): check STREAMLAB_X_BEARER_TOKEN",
    402: "the X account has no credit for this request (402 Payment Required): the X API is paid per use",
    403: "the X app lacks access to this endpoint (403 Forbidden): its plan or project does not include it",
}
CLIENT_NOT_ENROLLED = 453


def default_query(hashtag: str | None, location: str | None) -> str:
    parts = []
    if hashtag:
        parts.append("#" + hashtag.lstrip("#").strip())
    if location:
        parts.append(f'place:"{location}"' if " " in location else f"place:{location}")
    parts.append("-is:retweet")
    return " ".join(parts)


def access_error(exc: tweepy.errors.HTTPException) -> SourceError | None:
    """A SourceError explaining an access problem, or None for other (retryable) errors."""
    status = getattr(exc.response, "status_code", None)
    codes = set(getattr(exc, "api_codes", []) or [])
    if CLIENT_NOT_ENROLLED in codes:
        return SourceError(
            "the X app is not enrolled for API v2 access (error 453 client-not-enrolled): "
            "attach it to a project with a paid plan in the developer portal",
            access_denied=True,
        )
    if status in ACCESS_HINTS:
        detail = "; ".join(getattr(exc, "api_messages", []) or [])
        return SourceError(ACCESS_HINTS[status] + (f" ({detail})" if detail else ""), access_denied=True)
    return None


def _id_text(value: Any, field: str) -> str:
    """X ids are decimal strings in API v2 (numbers in old payloads)."""
    if type(value) is int and value >= 0:
        return str(value)
    text = required_text(value, field, 64)
    if not text.isdigit():
        raise Skip(f"{field}: not a decimal id")
    return text


def tweet_to_record(
    tweet: Any, places: dict[str, str], location: str | None, dropped: list[tuple[str, str]] | None = None
) -> Record:
    """A Record from one tweet of a recent-search page (the JSON object). Raises Skip for
    a tweet without a usable id, author or text; other malformed fields are left out
    and noted in `dropped`."""
    dropped = [] if dropped is None else dropped
    if not isinstance(tweet, dict):
        raise Skip(f"tweet: not an object ({type(tweet).__name__})")
    tweet_id = _id_text(tweet.get("id"), "id")
    text = required_text(tweet.get("text"), "text", MAX_TEXT_CHARS, allow_empty=True)
    author = "unknown" if tweet.get("author_id") is None else _id_text(tweet.get("author_id"), "author_id")
    tags = _entity_tags(tweet.get("entities"), dropped) or hashtags_in(text)
    geo = tweet.get("geo")
    place_id = geo.get("place_id") if isinstance(geo, dict) else None
    place = (places.get(place_id) if isinstance(place_id, str) else None) or location
    lang = tweet.get("lang")
    if lang is not None and optional_text(lang, 64) is None:
        dropped.append(("lang", text_problem(lang, 64) or "empty"))
        lang = None
    return Record(
        id=tweet_id,
        created_at=_created_at(tweet.get("created_at"), dropped),
        text=text,
        author=author,
        lang=lang,
        hashtags=unique(tags),
        place=place,
        source="x",
    )


def _entity_tags(entities: Any, dropped: list[tuple[str, str]]) -> list[str]:
    if entities is None:
        return []
    hashtags = entities.get("hashtags", []) if isinstance(entities, dict) else None
    if not isinstance(hashtags, list):
        dropped.append(("entities.hashtags", "not a list"))
        return []
    tags = []
    for h in hashtags:
        tag = optional_text(h.get("tag")) if isinstance(h, dict) else None
        if tag is None:
            dropped.append(("entities.hashtags[].tag", "not a well-formed string"))
        else:
            tags.append(normalize_tag(tag))
    return tags


def _created_at(value: Any, dropped: list[tuple[str, str]]) -> str:
    if value is not None:
        if optional_text(value, 64) is not None:
            try:
                return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except (ValueError, OverflowError):
                pass
        dropped.append(("created_at", "not an ISO 8601 time"))
    return utc_iso()


def _places(includes: Any) -> dict[str, str]:
    """Place id → full name from a page's includes; malformed entries are left out."""
    found = includes.get("places") if isinstance(includes, dict) else None
    return {
        p["id"]: p["full_name"]
        for p in (found if isinstance(found, list) else [])
        if isinstance(p, dict) and optional_text(p.get("id")) and optional_text(p.get("full_name"))
    }


class XSource:
    """Recent search, polled; each tweet goes through the guard on its own."""

    def __init__(
        self,
        bearer_token: str,
        hashtag: str | None,
        location: str | None,
        query: str | None,
        poll_seconds: float,
        client: Any = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.query = query or default_query(hashtag, location)
        self.location = location
        self.poll_seconds = poll_seconds
        # wait_on_rate_limit: a 429 sleeps until the window resets instead of failing.
        self.client = client or tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=True)
        # The page as JSON, not tweepy's objects: those are built for the whole page at
        # once, so one tweet with a mistyped id would lose every tweet of the page.
        self.client.return_type = dict
        self.guard = EventGuard("x", metrics or Metrics())

    def records(self, stop: threading.Event) -> Iterator[Record]:
        since_id: str | None = None
        log.info("X recent search: %s", self.query)
        while not stop.is_set():
            try:
                response = self.client.search_recent_tweets(
                    self.query,
                    max_results=100,
                    since_id=since_id,
                    tweet_fields=["created_at", "lang", "author_id", "entities", "geo"],
                    expansions=["geo.place_id"],
                    place_fields=["full_name"],
                )
            except tweepy.errors.HTTPException as exc:
                denied = access_error(exc)
                if denied is not None:
                    raise denied from exc
                log.warning("X search failed (%s); retrying in %ss", exc, self.poll_seconds)
                if stop.wait(self.poll_seconds):
                    return
                continue
            except (tweepy.errors.TweepyException, ValueError) as exc:  # ValueError: a body that is not JSON
                log.warning("X search failed (%s); retrying in %ss", exc, self.poll_seconds)
                if stop.wait(self.poll_seconds):
                    return
                continue
            page = response if isinstance(response, dict) else {}
            tweets = page.get("data") if isinstance(page.get("data"), list) else []
            places = _places(page.get("includes"))
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            newest = meta.get("newest_id")
            if isinstance(newest, str) and newest.isdigit() and len(newest) <= 64:
                since_id = newest
            # The API returns newest first; the stream should read oldest first.
            for tweet in reversed(tweets):
                record = self.guard.run(self._read_tweet, tweet, places)
                if record is not None:
                    yield record
            if stop.wait(self.poll_seconds):
                return

    def _read_tweet(self, tweet: Any, places: dict[str, str]) -> Record:
        dropped: list[tuple[str, str]] = []
        record = tweet_to_record(tweet, places, self.location, dropped)
        for field, problem in dropped:
            self.guard.drop_field(field, problem)
        return record
