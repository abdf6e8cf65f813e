"""The records both engines must agree on, and the oracle's answers for them.

Run by the DuckDB parity test (test/unit/labs/analysis/parity.test.ts) through
/usr/bin/python3: it prints one JSON document with the records (base64, each with its
stream), what `parse_record` makes of each one, and what the course's queries answer in a
few scopes. The TypeScript side parses and queries the same records with DuckDB and must
get exactly this; a change on either side that the other does not follow fails it.

The records: the notebook tests' fixtures (producer records, every malformed one), odd
tokens, times and text, hostile posts, duplicates, and a seeded random mix of all of them
with cut-off, spliced and re-encoded variants.
"""

import base64
import json
import random
import sys
from datetime import datetime

from notebook_fixtures import MALFORMED, producer_record, record_with
from run_files import load

sc = load()

STREAMS = ("lab-ana", "lab-bo", "lab-cy")
# Scopes the TypeScript side queries in too: (name, stream or None, limit, minutes or None).
CAPPED_ROWS = 700
SCOPES = (
    ("all", None, 10, None),
    ("one stream", "lab-bo", 10, None),
    ("short", None, 3, 5),
)

ODD_TIMES = [
    "2026-11-27T13:40:17-05:00", "2026-11-27T19:40:17+0100", "2026-11-27 18:40:17",
    "2026-11-27T18:40:17 UTC", "2026-11-27T18:40:17GMT-3", "2026-11-27T18:40:17UT+1:30",
    "2026-11-27T18", "+2026-11", "2026", "\t2026-11-27T18:40:59.999999999Z\x00",
    "2026-02-29T00:00:00Z", "2024-02-29T23:59:59.5Z", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z", "0001-01-01T00:30:00+01:00", "1969-12-31T23:59:59.999999Z",
    "1900-03-01T00:00:00-18:00", "2026-11-27T18:40:17+18:00", "2026-11-27T18:40:17+18:01",
    "2026-11-27T18:40:17.Z", "2026-11-27T18:40:17 +05", "12026-11-27", "2026-11-27T18:40:17 Mars",
    "\u00a02026-11-27", "\u0662\u0660\u0662\u0666-11-27", "2026-11-27T18:40:60Z", "",
]
ODD_TOKENS = [
    "12345", "-0", "12345678901234567890123", "1.50", "1e3", "1.2345e-5", "1e20", "1e21", "1e-7",
    "123456789.0", "0.001", "0.0009999", "9999999.0", "10000000.0", "5e-324", "1.7976931348623157e308",
    "-0.0", "0.1", "100", "1E400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity", "true", "false",
    '[ "x" , 1 , null , [ ] , { } ]', '{ "b" : 1 , "1" : 2 , "a" : { "2" : [ 1.0 , null , true ] } }',
    '{"a":1,"a":2,"b":3}', '"tab\\there \\"quoted\\" \\\\ \\/ \\b\\f\\n\\r \\u0000 \\u001f \\u007f"',
    '{"\\ud83d\\ude00":"\\ud800"}', '"\\u2028\\u2029"', "1" * 1000, "1" * 1001, "0." + "5" * 998,
]
HOSTILE_TEXT = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\x1b[31mred\x1b[0m \x1b]0;title\x07",
    "\u202egnp.exe", "nul\x00byte", "ñandú 日本 🚀 \U0001f469\u200d\U0001f4bb", "\ufeffbom", "\r\n",
]
HASHTAGS = [
    ["COVID_19", "#Lima", " salud ", "##", "", None, 7, 1.5, True],
    ["ΟΔΟΣ", "Σ", "İstanbul", "ẞtraße", "ǅemal", "ﬁle"],
    ["#\u202e", "<b>", "\x1b[1m", "\U0001d400", "ＣＯＶＩＤ", "＃full", "tag\x00nul"],
    ["\ud83d"],  # a lone surrogate, as the producer could not write it: goes in as an escape
    ["dup", "DUP", "#dup", " dup"],
]
PLACES = ["lima", "Lima", "cusco", " lima", "", None, "日本", "<script>", "\u202e", 42, ["x"]]
AUTHORS = ["did:plc:a", "did:plc:b", "did:plc:c", None, "", "DID:PLC:A", 1, "\ud800"]
BAD_BYTES = [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80abc"]


def fixed_records() -> list[bytes]:
    records = [producer_record(i) for i in range(60)]
    records += MALFORMED.values()
    records += [producer_record(i, created_at=t) for i, t in enumerate(ODD_TIMES)]
    records += [producer_record(i, ingested_at=t) for i, t in enumerate(ODD_TIMES)]
    for raw in ODD_TOKENS:
        records += [record_with(text=raw), record_with(id=raw), record_with(place=raw, author=raw)]
    records += [record_with(hashtags=raw) for raw in ODD_TOKENS]
    records += [producer_record(i, text=t, place=t, author=t) for i, t in enumerate(HOSTILE_TEXT)]
    records += [
        record_with(hashtags=json.dumps(tags, ensure_ascii=True)) for tags in HASHTAGS
    ]
    records += [record_with(text="[" * d + "]" * d) for d in (sc.MAX_NESTING_DEPTH - 1, sc.MAX_NESTING_DEPTH)]
    records += [
        producer_record(6) + b"\n{trailing",
        producer_record(7).replace(b'{"id":', b'{"id":"first","id":', 1),
        b"\xef\xbb\xbf" + producer_record(8),
        b" \t\r\n" + producer_record(9) + b"   ",
        b"\x0c" + producer_record(10),
        producer_record(11).replace(b'"id"', b"'id'", 1),
        producer_record(12)[:-1] + b",}",
        b'{"id": "a", "created_at": "2026-11-27T18:40:17Z", "hashtags": ["x",]}',
    ]
    records += [producer_record(13)] * 3  # duplicates: each is a post of its own
    records += [producer_record(14, text="bad " + repr(b)).replace(b"bad", b"bad" + b, 1) for b in BAD_BYTES]
    return records


def _json_token(rng: random.Random, pool: list) -> str:
    return json.dumps(rng.choice(pool), ensure_ascii=rng.random() < 0.5)


def random_records(rng: random.Random, count: int) -> list[bytes]:
    """Field values drawn from the pools above, then sometimes cut, spliced or re-encoded."""
    records = []
    for i in range(count):
        fields = {
            "id": rng.choice([f"post-{rng.randrange(400)}", None, "", rng.randrange(99)]),
            "created_at": rng.choice(ODD_TIMES + [f"2026-11-27T18:{m:02d}:{rng.randrange(60):02d}.{rng.randrange(10**6):06d}Z" for m in range(40, 50)] * 3),
            "text": rng.choice(HOSTILE_TEXT + [None, 3.25]),
            "author": rng.choice(AUTHORS),
            "hashtags": rng.choice(HASHTAGS + [None, "covid"]),
            "place": rng.choice(PLACES),
        }
        if rng.random() < 0.1:
            fields.pop(rng.choice(list(fields)))
        text = "{" + ",".join(f"{json.dumps(k)}:{_json_token(rng, [v])}" for k, v in fields.items()) + "}"
        data = text.encode("utf-8", errors="surrogatepass")
        roll = rng.random()
        if roll < 0.05:
            data = data[: rng.randrange(len(data) + 1)]
        elif roll < 0.1:
            at = rng.randrange(len(data) + 1)
            data = data[:at] + rng.choice(BAD_BYTES) + data[at:]
        elif roll < 0.13:
            data = b"[" + data + b"]"
        records.append(data)
    return records


def iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:"
        f"{when.second:02d}.{when.microsecond:06d}Z"
    )


def post_json(post):
    if post is None:
        return None
    return {
        "id": post.id, "createdAt": iso(post.created_at), "text": post.text, "author": post.author,
        "lang": post.lang, "hashtags": list(post.hashtags), "place": post.place, "source": post.source,
        "ingestedAt": iso(post.ingested_at),
    }


def answers(posts, limit: int, minutes: int | None) -> dict:
    summary = sc.summary(posts)
    per_minute = sc.posts_per_minute(posts)
    return {
        "summary": {"posts": summary.posts, "authors": summary.authors, "newest": iso(summary.newest)},
        "topHashtags": [{"hashtag": h, "posts": n} for h, n in sc.top_hashtags(posts, limit)],
        "postsPerMinute": [
            {"minute": iso(m), "posts": n} for m, n in (per_minute if minutes is None else per_minute[-minutes:])
        ],
        "postsByPlace": [{"place": p, "posts": n} for p, n in sc.posts_by_place(posts, limit)],
    }


def corpus() -> dict:
    rng = random.Random(21)
    data = fixed_records() + random_records(rng, 2500)
    records = [{"stream": STREAMS[i % len(STREAMS)], "data": d} for i, d in enumerate(data)]
    parsed = [sc.parse_record(r["data"]) for r in records]
    posts = [(r["stream"], p) for r, p in zip(records, parsed) if p is not None]
    scopes = {
        name: {
            "stream": stream,
            "limit": limit,
            "minutes": minutes,
            "answers": answers([p for s, p in posts if stream in (None, s)], limit, minutes),
        }
        for name, stream, limit, minutes in SCOPES
    }
    return {
        "records": [{"stream": r["stream"], "data": base64.b64encode(r["data"]).decode()} for r in records],
        "posts": [post_json(p) for p in parsed],
        "malformed": parsed.count(None),
        "scopes": scopes,
        "capped": {"maxRows": CAPPED_ROWS, "answers": answers([p for _, p in posts][-CAPPED_ROWS:], 10, None)},
    }


if __name__ == "__main__":
    json.dump(corpus(), sys.stdout)
