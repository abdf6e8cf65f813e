"""The bluesky source against a local WebSocket server speaking Jetstream's format:
filters, the cursor on reconnect, and no duplicates from the replayed overlap."""

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_jetstream import FakeJetstream

from streamlab_producer.metrics import Metrics
from streamlab_producer.sources.bluesky import CURSOR_REWIND_US, BlueskySource, PostFilter, with_cursor

T0 = 1_764_000_000_000_000


def post(n, text, tags=(), op="create", collection="app.bsky.feed.post", langs=("es",)):
    facets = [{"index": {"byteStart": 0, "byteEnd": 1}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}]}
              for t in tags]  # fmt: skip
    return {
        "did": f"did:plc:author{n % 3}",
        "time_us": T0 + n * 1_000_000,
        "kind": "commit",
        "commit": {
            "rev": f"rev{n}", "operation": op, "collection": collection, "rkey": f"rk{n}",
            "record": {"$type": collection, "text": text, "langs": list(langs), "facets": facets,
                       "createdAt": "2026-11-27T10:00:00.000Z"},
        },
    }  # fmt: skip


EVENTS = [
    post(0, "Casos en Lima hoy", tags=["COVID_19"]),  # facet tag + location: match
    post(1, "Reporte #covid_19 desde LIMA centro"),  # text hashtag, any case: match
    post(2, "Casos en Cusco", tags=["COVID_19"]),  # no location: no
    post(3, "Sol en Lima"),  # no hashtag: no
    post(4, "borrado Lima", tags=["COVID_19"], op="delete"),  # not a create: no
    post(5, "like Lima", tags=["COVID_19"], collection="app.bsky.feed.like"),  # not a post: no
    post(6, "Limaaa #COVID_19"),  # Lima only as part of a word: no
    {"did": "did:plc:x", "time_us": T0 + 7_000_000, "kind": "identity", "identity": {}},
    post(8, "Vacunas Lima #Covid_19 #salud"),  # match
    post(9, "Otra vez Lima", tags=["covid_19"]),  # match
    post(10, "Final: lima", tags=["COVID_19"], langs=()),  # match, no lang
]
MATCHING = ["rk0", "rk1", "rk8", "rk9", "rk10"]


def collect(source, n):
    stop = threading.Event()
    got = []
    gen = source.records(stop)
    timer = threading.Timer(20, stop.set)  # a hung test fails instead of blocking the suite
    timer.start()
    try:
        for record in gen:
            got.append(record)
            if len(got) == n:
                break
    finally:
        stop.set()
        timer.cancel()
        gen.close()
    return got


def test_filters_reconnects_with_cursor_and_drops_replayed_events():
    # A malformed message after event 1: it has no time_us, so only the first connection
    # (no cursor) gets it. That connection breaks after 10 messages: events 0..8.
    messages = EVENTS[:2] + ["{not json"] + EVENTS[2:]
    with FakeJetstream(messages, drop_after=10) as server:
        url = server.url()
        metrics = Metrics()
        source = BlueskySource(url, "#COVID_19", "lima", metrics, backoff_base=0.05)
        records = collect(source, len(MATCHING))

    assert [r.id.rsplit("/", 1)[1] for r in records] == MATCHING  # each once, in order
    assert source.connects == 2
    first_cursor = parse_qs(urlsplit(server.paths[0]).query)
    assert "cursor" not in first_cursor and first_cursor["wantedCollections"] == ["app.bsky.feed.post"]
    # The first connection delivered events 0..8 (9 messages): resume 5 s before event 8.
    resumed = int(parse_qs(urlsplit(server.paths[1]).query)["cursor"][0])
    assert resumed == EVENTS[8]["time_us"] - CURSOR_REWIND_US
    assert metrics.totals["skipped"] == 1  # the malformed message

    r = records[0]
    assert r.id == "at://did:plc:author0/app.bsky.feed.post/rk0"
    assert (r.author, r.lang, r.place, r.source) == ("did:plc:author0", "es", "lima", "bluesky")
    assert r.hashtags == ["covid_19"] and r.created_at == "2026-11-27T10:00:00.000Z"
    assert records[2].hashtags == ["covid_19", "salud"] and records[4].lang is None


def test_connection_refused_is_retried_until_stopped():
    source = BlueskySource("ws://127.0.0.1:9/subscribe", "#x", None, Metrics(), backoff_base=0.01, backoff_cap=0.05)
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    assert list(source.records(stop)) == []
    assert source.connects == 0


@pytest.mark.parametrize(
    "tag,location,text,tags,expected",
    [
        ("#COVID_19", None, "nothing", ["covid_19"], True),
        ("#COVID_19", None, "#Covid_19 now", [], True),
        ("#COVID_19", "lima", "#covid_19 in Lima.", [], True),
        ("#COVID_19", "lima", "#covid_19 in Limassol", [], False),
        (None, "san isidro", "Hoy en San Isidro", [], True),
        (None, None, "anything", [], True),
    ],
)
def test_post_filter(tag, location, text, tags, expected):
    f = PostFilter(tag, location)
    post_tags = f.tags_of({"text": text, "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}]} for t in tags]})
    assert f.match(text, post_tags) is expected


def test_cursor_is_added_or_replaced_and_other_parameters_kept():
    base = "wss://jet.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=1"
    assert with_cursor(base, 42) == "wss://jet.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=42"
    assert with_cursor(base, None) == "wss://jet.example/subscribe?wantedCollections=app.bsky.feed.post"
