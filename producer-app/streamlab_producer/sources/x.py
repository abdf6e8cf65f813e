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

from ..record import Record, hashtags_in, normalize_tag, unique, utc_iso
from . import SourceError

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


def tweet_to_record(tweet: Any, places: dict[str, str], location: str | None) -> Record:
    entities = getattr(tweet, "entities", None) or {}
    tags = [normalize_tag(h.get("tag", "")) for h in entities.get("hashtags", [])] or hashtags_in(tweet.text)
    geo = getattr(tweet, "geo", None) or {}
    place = places.get(geo.get("place_id", "")) or location
    created = getattr(tweet, "created_at", None)
    return Record(
        id=str(tweet.id),
        created_at=utc_iso(created) if isinstance(created, datetime) else utc_iso(),
        text=tweet.text,
        author=str(getattr(tweet, "author_id", None) or "unknown"),
        lang=getattr(tweet, "lang", None),
        hashtags=unique(tags),
        place=place,
        source="x",
    )


class XSource:
    def __init__(
        self,
        bearer_token: str,
        hashtag: str | None,
        location: str | None,
        query: str | None,
        poll_seconds: float,
        client: Any = None,
    ) -> None:
        self.query = query or default_query(hashtag, location)
        self.location = location
        self.poll_seconds = poll_seconds
        # wait_on_rate_limit: a 429 sleeps until the window resets instead of failing.
        self.client = client or tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=True)

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
            except tweepy.errors.TweepyException as exc:
                log.warning("X search failed (%s); retrying in %ss", exc, self.poll_seconds)
                if stop.wait(self.poll_seconds):
                    return
                continue
            tweets = list(response.data or [])
            includes = response.includes or {}
            places = {p.id: p.full_name for p in includes.get("places", [])}
            meta = response.meta or {}
            if meta.get("newest_id"):
                since_id = meta["newest_id"]
            # The API returns newest first; the stream should read oldest first.
            for tweet in reversed(tweets):
                yield tweet_to_record(tweet, places, self.location)
            if stop.wait(self.poll_seconds):
                return
