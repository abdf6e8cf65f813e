"""Bluesky posts from Jetstream, the free, unauthenticated JSON firehose.

Matching: HASHTAG matches a `app.bsky.richtext.facet#tag` facet or a #tag in the text,
case-insensitively. Bluesky posts carry no geolocation, so LOCATION is matched as a
keyword in the text (whole word, case-insensitive); with both given a post needs both.

Reconnects with exponential backoff and full jitter; it resumes from `cursor` = the last
event's time_us minus a few seconds so no post in between is missed, and drops the events
it already passed on (replayed by the overlap).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import websockets

from ..backoff import full_jitter
from ..record import Record, hashtags_in, normalize_tag, unique, utc_iso

if TYPE_CHECKING:
    from ..metrics import Metrics

log = logging.getLogger(__name__)

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"
POST_COLLECTION = "app.bsky.feed.post"
TAG_FEATURE = "app.bsky.richtext.facet#tag"
CURSOR_REWIND_US = 5_000_000  # resume 5 s early: covers events in flight when the link broke
DEDUPE_WINDOW = 100_000  # event keys remembered to drop replays after a reconnect
RECV_POLL_SECONDS = 1.0  # how often a quiet connection checks for shutdown
CONNECT_TIMEOUT = 15.0


def with_cursor(url: str, cursor: int | None) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return urlunsplit(parts._replace(query=urlencode(query, safe=".#:")))


class PostFilter:
    def __init__(self, hashtag: str | None, location: str | None) -> None:
        self.tag = normalize_tag(hashtag) if hashtag else None
        self.location = location.strip() if location else None
        self._location_re = (
            re.compile(r"(?<!\w)" + re.escape(self.location) + r"(?!\w)", re.IGNORECASE) if self.location else None
        )

    def tags_of(self, post: dict[str, Any]) -> list[str]:
        facet_tags = [
            normalize_tag(feature.get("tag", ""))
            for facet in post.get("facets") or []
            if isinstance(facet, dict)
            for feature in facet.get("features") or []
            if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE
        ]
        return unique(facet_tags + hashtags_in(post.get("text") or ""))

    def match(self, text: str, tags: list[str]) -> bool:
        if self.tag and self.tag not in tags:
            return False
        if self._location_re and not self._location_re.search(text):
            return False
        return True


def to_record(event: dict[str, Any], post_filter: PostFilter) -> Record | None:
    """The Record for a Jetstream post-create event that passes the filter, else None."""
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    if commit.get("operation") != "create" or commit.get("collection") != POST_COLLECTION:
        return None
    post = commit.get("record") or {}
    text = post.get("text")
    did = event.get("did")
    if not isinstance(text, str) or not isinstance(did, str):
        return None
    tags = post_filter.tags_of(post)
    if not post_filter.match(text, tags):
        return None
    langs = post.get("langs") or []
    return Record(
        id=f"at://{did}/{POST_COLLECTION}/{commit.get('rkey', '')}",
        created_at=_created_at(post.get("createdAt"), event.get("time_us")),
        text=text,
        author=did,
        lang=langs[0] if langs and isinstance(langs[0], str) else None,
        hashtags=tags,
        place=post_filter.location,
        source="bluesky",
    )


def _created_at(value: Any, time_us: Any) -> str:
    if isinstance(value, str) and value:
        try:
            return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    if isinstance(time_us, int):
        return utc_iso(datetime.fromtimestamp(time_us / 1e6, timezone.utc))
    return utc_iso()


async def _cancel_other_tasks() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class BlueskySource:
    def __init__(
        self,
        url: str,
        hashtag: str | None,
        location: str | None,
        metrics: "Metrics",
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
    ) -> None:
        self.url = url
        self.filter = PostFilter(hashtag, location)
        self.metrics = metrics
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.cursor: int | None = None  # last time_us seen
        self.connects = 0
        self.connected_urls: list[str] = []
        self._seen: OrderedDict[str, None] = OrderedDict()

    def _first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > DEDUPE_WINDOW:
            self._seen.popitem(last=False)
        return True

    def records(self, stop: threading.Event) -> Iterator[Record]:
        # The generator drives the event loop itself, one receive at a time, so while the
        # buffer holds us back nothing is read (TCP pushes back on Jetstream). A long stall
        # may cost the connection; the cursor then resumes without a gap.
        loop = asyncio.new_event_loop()
        failures = 0
        try:
            while not stop.is_set():
                url = with_cursor(self.url, None if self.cursor is None else self.cursor - CURSOR_REWIND_US)
                ws = None
                try:
                    ws = loop.run_until_complete(asyncio.wait_for(self._connect(url), CONNECT_TIMEOUT))
                    self.connects += 1
                    self.connected_urls.append(url)
                    log.info("connected to Jetstream %s", url)
                    while not stop.is_set():
                        try:
                            raw = loop.run_until_complete(asyncio.wait_for(ws.recv(), RECV_POLL_SECONDS))
                        except asyncio.TimeoutError:
                            continue
                        failures = 0
                        record = self._handle(raw)
                        if record is not None:
                            yield record
                except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as exc:
                    failures += 1
                    delay = full_jitter(failures - 1, self.backoff_base, self.backoff_cap)
                    log.warning("Jetstream connection lost (%s); reconnecting in %.1fs", exc or type(exc).__name__, delay)
                    if stop.wait(delay):
                        return
                finally:
                    if ws is not None:
                        loop.run_until_complete(self._close(ws))
        finally:
            # The connection's own background tasks (keepalive, closing) end with the loop.
            loop.run_until_complete(_cancel_other_tasks())
            loop.close()

    async def _connect(self, url: str) -> Any:
        # Only arguments every websockets release from 10 to 15 accepts.
        return await websockets.connect(url, max_size=2**22, ping_interval=20, ping_timeout=30, close_timeout=2)

    async def _close(self, ws: Any) -> None:
        try:
            await asyncio.wait_for(ws.close(), 3)
        except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
            pass

    def _handle(self, raw: str | bytes) -> Record | None:
        try:
            event = json.loads(raw)
        except ValueError:
            self.metrics.add("skipped")
            return None
        if not isinstance(event, dict):
            self.metrics.add("skipped")
            return None
        time_us = event.get("time_us")
        if isinstance(time_us, int):
            self.cursor = max(self.cursor or 0, time_us)
        commit = event.get("commit") or {}
        key = f"{event.get('did')}/{commit.get('collection')}/{commit.get('rkey')}/{commit.get('rev')}/{time_us}"
        if not self._first_time(key):
            return None
        return to_record(event, self.filter)
