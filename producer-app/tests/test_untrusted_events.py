"""Every event is untrusted: the bluesky, x and replay sources skip (and count) what they
cannot read and keep a matching post with only its well-formed fields.

Corpora:
- tests/fixtures/jetstream_events.jsonl: Jetstream v1 events of each kind a consumer of
  `/subscribe` sees (post with tag and link facets, reply, image post without text or
  langs, like, repost, follow, profile update, delete, identity, account), written for
  these tests in the shape of the events captured from the live service that
  bluesky-social/jetstream keeps in internal/subscribe/testdata/golden_v1.jsonl and
  internal/corpus/testdata/expected_v1.jsonl (read at 9a30defd224e9058814a7d6ce8d9e4fc48d5493c).
  The events and their ids are ours: fetched third-party data is not committed here.
- A hostile corpus generated below: a matching post with each field it reads replaced in
  turn by every wrong type (null, numbers, bools, lists, objects), a lone surrogate and a
  megabyte string, plus messages that are no event at all.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import producer_env
from harness.kinesalite import create_stream, read_all
from fake_jetstream import FakeJetstream

from streamlab_producer.metrics import Metrics
from streamlab_producer.record import from_dict
from streamlab_producer.sources.bluesky import BlueskySource
from streamlab_producer.sources.guard import EventGuard
from streamlab_producer.sources.x import tweet_to_record

FIXTURE = Path(__file__).parent / "fixtures" / "jetstream_events.jsonl"
REAL_FORMAT = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
MATCHING_REAL = ["3mstl001post2a", "3mstl005post2c", "3mstl010post2d", "3mstl011post2b"]

HUGE = "x" * 1_000_000
HOSTILE_VALUES: list[Any] = [None, 0, -1.5, True, 10**30, [], {}, ["x"], {"k": "v"}, "\ud800", HUGE]
# Paths of the fields the bluesky source reads, in a post event.
FIELDS = [
    ("did",),
    ("time_us",),
    ("kind",),
    ("commit",),
    ("commit", "operation"),
    ("commit", "collection"),
    ("commit", "rkey"),
    ("commit", "record"),
    ("commit", "record", "text"),
    ("commit", "record", "langs"),
    ("commit", "record", "createdAt"),
    ("commit", "record", "facets"),
    ("commit", "record", "facets", 0),
    ("commit", "record", "facets", 0, "features"),
    ("commit", "record", "facets", 0, "features", 0),
    ("commit", "record", "facets", 0, "features", 0, "$type"),
    ("commit", "record", "facets", 0, "features", 0, "tag"),
]
# Wrong in a way only a list of language tags can be.
LANGS_VALUES: list[Any] = ["en", [5], ["\ud800"], [None, "en"]]
NOT_EVENTS = ["{not json", "[]", "5", "null", '"event"', "[" * 100_000 + "]" * 100_000]


def base_post(n: int) -> dict[str, Any]:
    """A matching post (tag in a facet and in the text) to mutate."""
    event = copy.deepcopy(REAL_FORMAT[1])
    event["time_us"] += 10_000_000 + n
    event["commit"]["rkey"] = f"hostile{n:04d}"
    return event


def mutated(n: int, path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    event = base_post(n)
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return event


# Values that are right for a field of that name (an empty list is a list).
WELL_FORMED = {"langs": ([], ["x"]), "facets": ([],), "features": ([],)}


def hostile_corpus() -> list[tuple[str, Any]]:
    """(description, event or raw message), each with its own rkey."""
    out: list[tuple[str, Any]] = []
    for path in FIELDS:
        values = HOSTILE_VALUES + (LANGS_VALUES if path[-1] == "langs" else [])
        for value in values:
            if any(value == ok and type(value) is type(ok) for ok in WELL_FORMED.get(str(path[-1]), ())):
                continue
            shown = "huge string" if value is HUGE else repr(value)
            out.append((f"{'.'.join(map(str, path))} = {shown}", mutated(len(out), path, value)))
    out.extend((f"message {m[:12]!r}", m) for m in NOT_EVENTS)
    return out


HOSTILE = hostile_corpus()


def handle(source: BlueskySource, message: Any):
    return source._handle(message if isinstance(message, str) else json.dumps(message))


def test_real_format_events_yield_exactly_the_matching_posts():
    source = BlueskySource("ws://unused", "#COVID_19", None, Metrics())
    records = [r for r in (handle(source, e) for e in REAL_FORMAT) if r is not None]
    assert [r.id.rsplit("/", 1)[1] for r in records] == MATCHING_REAL
    assert source.guard.skipped == {} and source.guard.dropped == {}
    first, link_post, image_post, japanese = records
    assert (first.lang, first.hashtags, first.created_at) == ("es", ["covid_19"], "2025-12-01T12:33:20.250Z")
    assert link_post.lang == "en" and link_post.hashtags == ["covid_19", "salud"]
    assert image_post.text == "" and image_post.lang is None
    assert japanese.hashtags == ["covid_19"] and japanese.lang == "ja"


@pytest.mark.parametrize("what,message", HOSTILE, ids=[w for w, _ in HOSTILE])
def test_each_hostile_event_is_counted_never_raised(what, message):
    metrics = Metrics()
    source = BlueskySource("ws://unused", "#COVID_19", None, metrics)
    record = handle(source, message)  # must not raise, whatever the message
    skipped, dropped = sum(source.guard.skipped.values()), sum(source.guard.dropped.values())
    assert skipped + dropped >= 1, f"{what} went unnoticed"
    assert metrics.totals["skipped"] == skipped
    if record is None:
        assert skipped == 1
    else:  # kept: only well-formed fields, and it still serializes
        assert skipped == 0
        record.to_bytes()
        assert record.lang in (None, "es") and all(isinstance(t, str) for t in record.hashtags)


def test_a_lang_string_is_no_list_of_langs():
    source = BlueskySource("ws://unused", "#COVID_19", None, Metrics())
    record = handle(source, mutated(0, ("commit", "record", "langs"), "en"))
    assert record is not None and record.lang is None  # not "e"
    assert source.guard.dropped == {"record.langs": 1}


def test_warnings_are_rate_limited_and_details_go_to_debug(caplog):
    now = [0.0]
    guard = EventGuard("bluesky", Metrics(), warn_interval=60, clock=lambda: now[0])
    caplog.set_level("DEBUG", logger="streamlab_producer.sources.guard")
    for _ in range(50):
        guard.skip("did: not a string (int)")
    now[0] = 61.0
    guard.skip("did: not a string (NoneType)")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2 and "(49 more since the last warning)" in warnings[1]
    assert len([r for r in caplog.records if r.levelname == "DEBUG"]) == 51


def test_x_tweets_of_any_shape_are_skipped_or_kept_with_well_formed_fields():
    base = {"id": "11", "text": "hola #COVID_19", "author_id": "100", "lang": "es",
            "created_at": "2026-11-27T10:00:01.000Z", "entities": {"hashtags": [{"tag": "COVID_19"}]},
            "geo": {"place_id": "pl1"}}  # fmt: skip
    guard = EventGuard("x", Metrics())
    for field in base:
        for value in HOSTILE_VALUES:
            tweet = {**base, field: value}
            dropped: list[tuple[str, str]] = []
            record = guard.run(tweet_to_record, tweet, {"pl1": "Lima, Peru"}, "lima", dropped)
            if record is not None:
                record.to_bytes()
                assert isinstance(record.lang, (str, type(None))) and isinstance(record.text, str)
    assert guard.skipped  # id, text or author_id of a wrong type


def test_replay_lines_with_lone_surrogates_or_huge_fields_are_refused():
    for bad in ({"id": "1", "text": "\ud800", "author": "a"}, {"id": "1", "text": HUGE, "author": "a"},
                {"id": "1", "text": "t", "author": "a", "lang": "\udfff"}):  # fmt: skip
        with pytest.raises(ValueError):
            from_dict(bad, "replay")


def interleaved() -> tuple[list[Any], list[str], int]:
    """Real-format events with the hostile ones between them; the expected deliveries
    (rkeys, in order) and how many hostile events must be skipped."""
    events: list[Any] = []
    expected: list[str] = []
    skipped = 0
    probe = BlueskySource("ws://unused", "#COVID_19", None, Metrics())
    hostile = iter(HOSTILE)
    for real in REAL_FORMAT:
        events.append(real)
        for _ in range(len(HOSTILE) // len(REAL_FORMAT) + 1):
            item = next(hostile, None)
            if item is not None:
                events.append(item[1])
    for e in events:
        before = sum(probe.guard.skipped.values())
        r = handle(probe, e)
        skipped += sum(probe.guard.skipped.values()) - before
        if r is not None:
            expected.append(r.id.rsplit("/", 1)[1])
    return events, expected, skipped


def test_the_producer_survives_hostile_events_among_real_ones(kinesis, kinesalite, tmp_path):
    """End to end: the producer process reads a stand-in Jetstream (a local WebSocket
    server) and writes to kinesalite; it exits 0 with each matching post once."""
    import subprocess
    import sys

    events, expected, skipped = interleaved()
    assert set(MATCHING_REAL) <= set(expected) and skipped > len(NOT_EVENTS)
    # The last delivery ends the run (--limit): put a real matching post last.
    final = copy.deepcopy(REAL_FORMAT[11])
    final["time_us"] += 60_000_000
    final["commit"]["rkey"] = "3mstlfinalpost"
    events.append(final)
    expected.append("3mstlfinalpost")
    stream = create_stream(kinesis)
    with FakeJetstream(events) as server:
        done = subprocess.run(
            [sys.executable, "-m", "streamlab_producer", "#COVID_19", "--source", "bluesky",
             "--jetstream-url", server.url(), "--limit", str(len(expected)), "--stream", stream,
             "--region", "us-east-1", "--endpoint-url", kinesalite.endpoint,
             "--dead-letter", str(tmp_path / "dead.jsonl"), "--stats-interval", "0"],
            capture_output=True, text=True, env=producer_env(), timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert f"in={len(expected)} out={len(expected)} " in summary and f"skipped={skipped} " in summary
    delivered = [json.loads(r["Data"])["id"].rsplit("/", 1)[1] for r in read_all(kinesis, stream)]
    assert sorted(delivered) == sorted(expected)  # each once
    assert "Traceback" not in done.stderr


def test_the_source_keeps_reading_after_hostile_events_over_a_websocket():
    events, expected, _ = interleaved()
    with FakeJetstream(events) as server:
        source = BlueskySource(server.url(), "#COVID_19", None, Metrics())
        stop = threading.Event()
        timer = threading.Timer(30, stop.set)
        timer.start()
        got = []
        try:
            for record in source.records(stop):
                got.append(record.id.rsplit("/", 1)[1])
                if len(got) == len(expected):
                    break
        finally:
            stop.set()
            timer.cancel()
    assert got == expected and source.connects == 1
