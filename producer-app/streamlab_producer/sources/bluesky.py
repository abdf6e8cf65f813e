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
import time
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import websockets

from ..backoff import full_jitter
from ..record import MAX_TEXT_CHARS, Record, hashtags_in, normalize_tag, text_problem, unique, utc_iso
from .cursor_file import CursorFile
from .guard import EventGuard, Skip, required_text

if TYPE_CHECKING:
    from ..metrics import Metrics

log = logging.getLogger(__name__)

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"
POST_COLLECTION = "app.bsky.feed.post"
TAG_FEATURE = "app.bsky.richtext.facet#tag"
MISSING = object()  # a field left out, unlike one that is JSON null (a wrong type)
OTHER_KINDS = ("identity", "account")  # events that carry no post
OPERATIONS = ("create", "update", "delete")
# How far back Jetstream's `cursor` replays: "bounded to the most recent 36 hours by
# default" (bluesky-social/jetstream docs/README.md, section 5.1).
REPLAY_WINDOW_HOURS = 36
CURSOR_REWIND_US = 5_000_000  # resume 5 s early: covers events in flight when the link broke
DEDUPE_WINDOW = 100_000  # post URIs remembered to drop replays after a reconnect or restart overlap
RECV_POLL_SECONDS = 1.0  # how often a quiet connection checks for shutdown
CONNECT_TIMEOUT = 15.0
MIN_TIME_US = 1_577_836_800_000_000  # 2020-01-01, before Bluesky
FUTURE_SLACK_US = 600_000_000  # clocks differ; a time_us 10 min ahead is not plausible


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

    def tags_of(self, post: dict[str, Any], dropped: list[tuple[str, str]] | None = None) -> list[str]:
        """Facet tags, then #tags in the text. Malformed facets are left out (and noted in
        `dropped`): a post is still matched by the tags in its text."""
        facet_tags: list[str] = []
        facets = post.get("facets", MISSING)
        if facets is MISSING:
            facets = []
        elif not isinstance(facets, list):
            _note(dropped, "record.facets", f"not a list ({type(facets).__name__})")
            facets = []
        for facet in facets:
            features = facet.get("features") if isinstance(facet, dict) else None
            if not isinstance(features, list):
                _note(dropped, "record.facets", "a facet without a list of features")
                continue
            for feature in features:
                kind = feature.get("$type") if isinstance(feature, dict) else None
                if text_problem(kind, 256) is not None:
                    _note(dropped, "record.facets[].features[]", "a feature without a well-formed $type")
                    continue
                if kind != TAG_FEATURE:
                    continue  # links and mentions
                problem = text_problem(feature.get("tag"))
                if problem is None:
                    facet_tags.append(normalize_tag(feature["tag"]))
                else:
                    _note(dropped, "record.facets[].features[].tag", problem)
        return unique(facet_tags + hashtags_in(post.get("text") or ""))

    def match(self, text: str, tags: list[str]) -> bool:
        if self.tag and self.tag not in tags:
            return False
        if self._location_re and not self._location_re.search(text):
            return False
        return True


def _note(dropped: list[tuple[str, str]] | None, field: str, problem: str) -> None:
    if dropped is not None:
        dropped.append((field, problem))


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Skip(f"{field}: not an object ({type(value).__name__})")
    return value


def _first_lang(langs: Any, dropped: list[tuple[str, str]]) -> str | None:
    """The first of `langs`, which must be a list of language strings ("en" is no list)."""
    if langs is MISSING:
        return None
    if not isinstance(langs, list):
        _note(dropped, "record.langs", f"not a list ({type(langs).__name__})")
        return None
    problems = [p for p in (text_problem(lang, 64) for lang in langs) if p is not None]
    if problems:
        _note(dropped, "record.langs", f"an element is {problems[0]}")
        return None
    return langs[0] if langs else None


def to_record(
    event: dict[str, Any], post_filter: PostFilter, dropped: list[tuple[str, str]] | None = None
) -> Record | None:
    """The Record for a Jetstream post-create event that passes the filter, else None.

    Raises Skip for a post event that cannot be read (the reason names the field). A
    matching post keeps only its well-formed optional fields; the others are appended to
    `dropped` as (field, problem).
    """
    dropped = [] if dropped is None else dropped
    kind = event.get("kind")
    if not isinstance(kind, str):
        raise Skip(f"kind: not a string ({type(kind).__name__})")
    if kind in OTHER_KINDS:
        return None
    if kind != "commit":
        raise Skip("kind: not one of commit, identity, account")
    commit = _object(event.get("commit"), "commit")
    operation = required_text(commit.get("operation"), "commit.operation", 16)
    collection = required_text(commit.get("collection"), "commit.collection", 512)
    if operation not in OPERATIONS:
        raise Skip("commit.operation: not one of create, update, delete")
    if operation != "create" or collection != POST_COLLECTION:
        return None
    post = _object(commit.get("record"), "commit.record")
    did = required_text(event.get("did"), "did")
    rkey = required_text(commit.get("rkey"), "commit.rkey")
    text = required_text(post.get("text"), "commit.record.text", MAX_TEXT_CHARS, allow_empty=True)
    tags = post_filter.tags_of(post, dropped)
    if not post_filter.match(text, tags):
        return None
    if not plausible_time_us(event.get("time_us")):
        _note(dropped, "time_us", "not a plausible time in microseconds")
    return Record(
        id=f"at://{did}/{POST_COLLECTION}/{rkey}",
        created_at=_created_at(post.get("createdAt", MISSING), event.get("time_us"), dropped),
        text=text,
        author=did,
        lang=_first_lang(post.get("langs", MISSING), dropped),
        hashtags=tags,
        place=post_filter.location,
        source="bluesky",
    )


def _created_at(value: Any, time_us: Any, dropped: list[tuple[str, str]]) -> str:
    """The post's createdAt in UTC, else when Jetstream saw it, else now."""
    if value is not MISSING:
        problem = text_problem(value, 64)
        if problem is None:
            try:
                return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except (ValueError, OverflowError):  # not ISO 8601, or out of range in UTC
                problem = "not an ISO 8601 time"
        _note(dropped, "record.createdAt", problem)
    if plausible_time_us(time_us):
        return utc_iso(datetime.fromtimestamp(time_us / 1e6, timezone.utc))
    return utc_iso()


def plausible_time_us(value: Any) -> bool:
    """A Jetstream time_us we may resume from: an integer (not a bool), after 2020, and no
    more than FUTURE_SLACK_US ahead of this clock (a cursor in the future skips posts)."""
    return (
        type(value) is int
        and MIN_TIME_US <= value <= int(time.time() * 1e6) + FUTURE_SLACK_US
    )


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
        cursor_file: CursorFile | None = None,
    ) -> None:
        self.url = url
        self.filter = PostFilter(hashtag, location)
        self.metrics = metrics
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.cursor: int | None = None  # last time_us seen
        self.cursor_file = cursor_file
        if cursor_file is not None:
            self.cursor = self._saved_cursor(cursor_file)
        self.connects = 0
        self.connected_urls: list[str] = []
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.guard = EventGuard("bluesky", metrics)

    @staticmethod
    def _saved_cursor(cursor_file: CursorFile) -> int | None:
        saved = cursor_file.load()
        if saved is None:
            return None
        if not plausible_time_us(saved):
            log.warning("ignoring the saved Jetstream cursor %s: not a plausible time", cursor_file.path)
            return None
        age_h = (time.time() * 1e6 - saved) / 3.6e9
        if age_h > REPLAY_WINDOW_HOURS:
            log.warning(
                "the saved Jetstream cursor is %.0f h old; Jetstream replays only the last %d h, "
                "so the posts before that are lost",
                age_h,
                REPLAY_WINDOW_HOURS,
            )
        else:
            log.info("resuming from the saved Jetstream cursor (%.1f min ago)", age_h * 60)
        return saved

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
                            self._save_cursor(final=False)
                            continue
                        failures = 0
                        record = self._handle(raw)
                        self._save_cursor(final=False)
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
            self._save_cursor(final=True)
            # The connection's own background tasks (keepalive, closing) end with the loop.
            loop.run_until_complete(_cancel_other_tasks())
            loop.close()

    def _save_cursor(self, final: bool) -> None:
        if self.cursor_file is None:
            return
        if final:
            self.cursor_file.save(self.cursor)
        else:
            self.cursor_file.maybe_save(self.cursor)

    async def _connect(self, url: str) -> Any:
        # Only arguments every websockets release from 10 to 15 accepts.
        return await websockets.connect(url, max_size=2**22, ping_interval=20, ping_timeout=30, close_timeout=2)

    async def _close(self, ws: Any) -> None:
        try:
            await asyncio.wait_for(ws.close(), 3)
        except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
            pass

    def _handle(self, raw: str | bytes) -> Record | None:
        return self.guard.run(self._read_event, raw)

    def _read_event(self, raw: str | bytes) -> Record | None:
        try:
            event = json.loads(raw)
        except ValueError:
            raise Skip("not JSON") from None
        if not isinstance(event, dict):
            raise Skip(f"not a JSON object ({type(event).__name__})")
        time_us = event.get("time_us")
        if plausible_time_us(time_us):
            self.cursor = max(self.cursor or 0, time_us)
        dropped: list[tuple[str, str]] = []
        record = to_record(event, self.filter, dropped)
        # Replayed after a reconnect (the cursor rewinds a few seconds): a post URI is
        # created once.
        if record is None or not self._first_time(record.id):
            return None
        for field, problem in dropped:
            self.guard.drop_field(field, problem)
        return record
