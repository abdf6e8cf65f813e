"""Unit tests: record schema, batch limits, retry selection, backoff bounds, rate limiter,
buffer, pacing, synthetic determinism, replay parsing."""

import json
import random
import threading

import pytest
from pathlib import Path

from streamlab_producer.backoff import full_jitter
from streamlab_producer.buffer import BoundedBuffer
from streamlab_producer.deadletter import DeadLetterFile
from streamlab_producer.metrics import Metrics, percentile
from streamlab_producer.ratelimit import Pacer, ShardRateLimiter, TokenBucket
from streamlab_producer.record import FIELDS, Record, RecordError, from_dict, hashtags_in
from streamlab_producer.shards import HASH_SPACE, ShardMap, hash_key
from streamlab_producer.sink import (
    MAX_BATCH_BYTES,
    MAX_RECORD_BYTES,
    Entry,
    KinesisSink,
    classify_response,
    split_batches,
)
from streamlab_producer.sources.replay import ReplaySource
from streamlab_producer.sources.synthetic import SyntheticSource

FIXTURES = Path(__file__).parent / "fixtures"


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


# -- record ------------------------------------------------------------------------------
def test_record_serializes_every_field_in_order_and_keys_by_author():
    r = Record(id="1", created_at="2026-01-01T00:00:00.000Z", text="hola #Lima", author="did:plc:a", source="x")
    obj = json.loads(r.to_bytes())
    assert tuple(obj) == FIELDS
    assert r.partition_key == "did:plc:a"
    assert Record(id="1", created_at="", text="", author="").partition_key == "unknown"
    assert len(Record(id="1", created_at="", text="", author="a" * 300).partition_key) == 256


def test_hashtags_are_normalized_unique_and_in_order():
    assert hashtags_in("#COVID_19 y #Salud, otra vez #covid_19 a&#39;b") == ["covid_19", "salud"]


@pytest.mark.parametrize(
    "obj,error",
    [
        ([], "not a JSON object"),
        ({"id": "1", "text": "t"}, "'author'"),
        ({"id": "1", "text": "t", "author": "a", "hashtags": "x"}, "'hashtags'"),
        ({"id": "1", "text": "t", "author": "a", "lang": 5}, "'lang'"),
    ],
)
def test_from_dict_rejects_bad_objects_naming_the_field(obj, error):
    with pytest.raises(RecordError, match=error):
        from_dict(obj, "replay")


# -- batching ----------------------------------------------------------------------------
def entry(nbytes, key="k"):
    return Entry(b"x" * (nbytes - len(key)), key, "id")


def test_batches_hold_at_most_500_records():
    sizes = [len(b) for b in split_batches([entry(10) for _ in range(1201)])]
    assert sizes == [500, 500, 201]


def test_batches_hold_at_most_5_mib():
    # Six records of just under 1 MiB: five fit in 5 MiB, the sixth starts a new batch.
    batches = split_batches([entry(MAX_RECORD_BYTES - 10) for _ in range(6)])
    assert [len(b) for b in batches] == [5, 1]
    assert all(sum(e.size for e in b) <= MAX_BATCH_BYTES for b in batches)


def test_record_of_exactly_1_mib_with_its_key_is_allowed_one_byte_more_is_not():
    assert split_batches([entry(MAX_RECORD_BYTES)])
    with pytest.raises(ValueError, match="over the 1 MiB limit"):
        split_batches([entry(MAX_RECORD_BYTES + 1)])


# -- retry selection (mock client: no AWS) ---------------------------------------------
class MockKinesisClient:
    def __init__(self, responses):
        self.responses = list(responses)
        self.calls = []

    def put_records(self, StreamName, Records):
        self.calls.append([r["Data"] for r in Records])
        reply = self.responses.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply(Records)


def ok_except(codes):
    def reply(records):
        out = []
        for i, _ in enumerate(records):
            code = codes.get(i)
            out.append({"ErrorCode": code, "ErrorMessage": "m"} if code else {"SequenceNumber": str(i), "ShardId": "s"})
        return {"FailedRecordCount": len(codes), "Records": out}

    return reply


def make_sink(client, tmp_path, **kw):
    return KinesisSink(client, "s", ShardMap.uniform(1), Metrics(), DeadLetterFile(str(tmp_path / "d.jsonl")),
                       None, rng=random.Random(1), backoff_base=0.001, **kw)  # fmt: skip


def test_classify_sorts_entries_by_their_error_code():
    entries = [Entry(bytes([i]), "k") for i in range(4)]
    response = ok_except({1: "ProvisionedThroughputExceededException", 2: "KMSAccessDeniedException", 3: "InternalFailure"})(entries)
    ok, retry, permanent = classify_response(entries, response)
    assert ok == entries[:1] and retry == [entries[1], entries[3]] and permanent == [entries[2]]


def test_mock_client_only_failed_entries_are_sent_again(tmp_path):
    client = MockKinesisClient(
        [ok_except({1: "ProvisionedThroughputExceededException", 3: "InternalFailure"}), ok_except({})]
    )
    sink = make_sink(client, tmp_path)
    buffer = BoundedBuffer(10, 10_000)
    for i in range(5):
        e = Entry(f"r{i}".encode(), f"k{i}")
        buffer.put(e, e.size)
    buffer.close()
    sink.run(buffer)
    assert client.calls == [[b"r0", b"r1", b"r2", b"r3", b"r4"], [b"r1", b"r3"]]
    assert sink.metrics.totals["out"] == 5 and sink.metrics.totals["retried"] == 2


def test_mock_client_permanent_errors_and_spent_budgets_go_to_the_dead_letter(tmp_path):
    from botocore.exceptions import EndpointConnectionError

    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    client = MockKinesisClient([ok_except({0: "KMSAccessDeniedException", 1: "InternalFailure"}), down, down])
    sink = make_sink(client, tmp_path, max_attempts=3)
    buffer = BoundedBuffer(10, 10_000)
    for i in range(2):
        e = Entry(json.dumps({"id": str(i)}).encode(), f"k{i}")
        buffer.put(e, e.size)
    buffer.close()
    sink.run(buffer)
    lines = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert [(d["record"]["id"], d["reason"], d["attempts"]) for d in lines] == [
        ("0", "rejected", 1),
        ("1", "retries exhausted", 3),
    ]
    assert lines[1]["error_code"] == "EndpointConnectionError"
    assert sink.metrics.totals["dead_lettered"] == 2 and sink.metrics.totals["out"] == 0


def test_mock_client_oversized_record_is_dead_lettered_not_sent(tmp_path):
    client = MockKinesisClient([ok_except({})])
    sink = make_sink(client, tmp_path)
    buffer = BoundedBuffer(10, 10 * MAX_RECORD_BYTES)
    big, small = entry(MAX_RECORD_BYTES + 1), entry(10)
    buffer.put(big, big.size)
    buffer.put(small, small.size)
    buffer.close()
    sink.run(buffer)
    assert len(client.calls) == 1 and len(client.calls[0]) == 1
    assert json.loads((tmp_path / "d.jsonl").read_text())["reason"] == "too large"


# -- backoff -----------------------------------------------------------------------------
@pytest.mark.parametrize("attempt", [0, 1, 3, 8, 40, 1000])
def test_full_jitter_stays_within_zero_and_the_capped_exponential(attempt):
    rng = random.Random(attempt)
    ceiling = min(2.0, 0.05 * 2**attempt)
    samples = [full_jitter(attempt, 0.05, 2.0, rng) for _ in range(2000)]
    assert all(0 <= s <= ceiling for s in samples)
    assert max(samples) > 0.9 * ceiling and min(samples) < 0.1 * ceiling  # really spread out


def test_full_jitter_rejects_negative_attempts():
    with pytest.raises(ValueError):
        full_jitter(-1, 0.1, 1)


# -- rate limiter ------------------------------------------------------------------------
def test_token_bucket_allows_a_burst_then_the_rate():
    clock = FakeClock()
    b = TokenBucket(rate=1000, capacity=1000, clock=clock)
    assert b.wait_time(1000) == 0
    b.take(1000)
    assert b.wait_time(1) == pytest.approx(0.001)
    clock.now += 0.5
    assert b.tokens == pytest.approx(500)
    clock.now += 10
    assert b.tokens == 1000  # never above the burst


def test_shard_limiter_counts_records_and_bytes_per_shard():
    clock = FakeClock()
    lim = ShardRateLimiter(2, clock=clock)
    taken = sum(1 for _ in range(1500) if lim.try_acquire(0, 100) == 0)
    assert taken == 1000  # records limit on shard 0
    assert lim.try_acquire(1, 100) == 0  # shard 1 is untouched
    assert lim.try_acquire(1, 1024 * 1024) > 0  # bytes limit: 100 B already taken
    clock.now += 1
    assert lim.try_acquire(0, 100) == 0


def test_shard_limiter_utilization_scales_the_limits():
    lim = ShardRateLimiter(1, utilization=0.5, clock=FakeClock())
    assert sum(1 for _ in range(1000) if lim.try_acquire(0, 10) == 0) == 500


def test_shard_map_matches_md5_against_hash_ranges():
    m = ShardMap.uniform(4)
    assert m.starts == [0, HASH_SPACE // 4, HASH_SPACE // 2, 3 * HASH_SPACE // 4]
    for key in ("a", "did:plc:xyz", "ñandú"):
        assert m.shard_for(key) == hash_key(key) * 4 // HASH_SPACE


def test_shard_map_discovery_skips_closed_shards_and_follows_pages():
    class Pages:
        def list_shards(self, **kw):
            if "NextToken" not in kw:
                return {"Shards": [{"ShardId": "old", "HashKeyRange": {"StartingHashKey": "0"},
                                    "SequenceNumberRange": {"EndingSequenceNumber": "9"}}], "NextToken": "t"}  # fmt: skip
            return {"Shards": [{"ShardId": "b", "HashKeyRange": {"StartingHashKey": str(HASH_SPACE // 2)},
                                "SequenceNumberRange": {}},
                               {"ShardId": "a", "HashKeyRange": {"StartingHashKey": "0"}, "SequenceNumberRange": {}}]}  # fmt: skip

    m = ShardMap.discover(Pages(), "s")
    assert m.shard_ids == ["a", "b"]


def test_pacer_books_slots_at_the_rate():
    clock = FakeClock()
    p = Pacer(4, clock)
    assert [p.delay() for _ in range(4)] == [0, 0.25, 0.5, 0.75]
    clock.now += 5  # far behind: no catch-up burst
    assert p.delay() == 0 and p.delay() == 0.25


# -- buffer ------------------------------------------------------------------------------
def test_buffer_blocks_the_producer_when_full_and_never_drops():
    buf = BoundedBuffer(max_items=2, max_bytes=1000)
    buf.put("a", 1)
    buf.put("b", 1)
    third_in = threading.Event()

    def producer():
        buf.put("c", 1)
        third_in.set()

    threading.Thread(target=producer, daemon=True).start()
    assert not third_in.wait(0.2)  # blocked: the buffer is full
    assert buf.get() == "a"
    assert third_in.wait(5)
    buf.close()
    assert [buf.get(), buf.get(), buf.get()] == ["b", "c", None]


def test_buffer_bounds_bytes_but_takes_one_oversized_item_when_empty():
    buf = BoundedBuffer(max_items=10, max_bytes=100)
    buf.put("big", 500)
    assert len(buf) == 1 and buf.nbytes == 500


# -- sources -----------------------------------------------------------------------------
def test_synthetic_source_is_deterministic_with_a_seed():
    def run(seed):
        s = SyntheticSource("#COVID_19", "lima", rate=0, seed=seed)
        return [(r.id, r.text, r.author, r.lang, r.hashtags, r.place) for r in (s.make() for _ in range(50))]

    assert run(42) == run(42) and run(42) != run(43)
    rec = SyntheticSource("#COVID_19", None, 0, seed=1, record_bytes=1000).make()
    assert 990 <= len(rec.to_bytes()) <= 1010 and "covid_19" in rec.hashtags and rec.place


def test_replay_skips_and_counts_malformed_lines(tmp_path):
    good = {"id": "1", "text": "hola #Lima", "author": "a", "created_at": "2026-01-01T00:00:00.000Z"}
    dead = {"reason": "rejected", "record": {"id": "2", "text": "t", "author": "b"}}
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b"\n".join([json.dumps(good).encode(), b"{broken", b"[1,2]", b"", b"\xff\xfe", json.dumps(dead).encode()]) + b"\n"
    )
    metrics = Metrics()
    records = list(ReplaySource(str(path), 0, metrics).records(threading.Event()))
    assert [r.id for r in records] == ["1", "2"]
    assert records[0].hashtags == ["lima"] and records[0].source == "replay"
    assert metrics.totals["skipped"] == 3


def test_stats_line_is_the_one_the_dashboard_parses():
    """fixtures/stats_line.txt is also the dashboard's parser test input
    (test/unit/labs/class/producer-stats.test.ts): a change here must change both."""
    metrics = Metrics()
    for name, n in {"in": 120, "out": 118, "retried": 3, "failed": 4, "skipped": 1, "put_calls": 40, "put_errors": 1}.items():
        metrics.add(name, n)
    for ms in (10.0, 20.0, 30.0, 40.0):
        metrics.put_latency(ms)
    metrics.record_latency([50.0])
    expected = (FIXTURES / "stats_line.txt").read_text().strip()
    assert "stats " + metrics.line(2, metrics.roll()) == expected


def test_stats_line_says_dash_for_an_interval_without_calls():
    metrics = Metrics()
    assert " put_avg_ms=- " in metrics.line(0, metrics.roll())


def test_percentile_nearest_rank():
    assert percentile([], 99) == 0
    assert percentile(list(range(1, 101)), 50) == 50 and percentile(list(range(1, 101)), 99) == 99


# -- lanes: parallel calls, never two at once for one shard ------------------------------
class SlowMockKinesisClient:
    """Answers every entry OK after a short delay and records which shards each call
    carried while other calls were in flight."""

    def __init__(self, shard_map):
        self.shard_map = shard_map
        self.lock = threading.Lock()
        self.inflight: list[set[int]] = []
        self.overlaps: list[tuple[set[int], set[int]]] = []
        self.order: dict[str, list[bytes]] = {}

    def put_records(self, StreamName, Records):
        import time

        shards = {self.shard_map.shard_for(r["PartitionKey"]) for r in Records}
        with self.lock:
            for other in self.inflight:
                self.overlaps.append((shards, other))
            self.inflight.append(shards)
            for r in Records:
                self.order.setdefault(r["PartitionKey"], []).append(r["Data"])
        time.sleep(0.02)
        with self.lock:
            self.inflight.remove(shards)
        return {"FailedRecordCount": 0, "Records": [{"SequenceNumber": "1", "ShardId": "s"} for _ in Records]}


def test_mock_client_lanes_overlap_calls_but_never_on_the_same_shard(tmp_path):
    shard_map = ShardMap.uniform(8)
    client = SlowMockKinesisClient(shard_map)
    sink = KinesisSink(client, "s", shard_map, Metrics(), DeadLetterFile(str(tmp_path / "d.jsonl")),
                       ShardRateLimiter(8, records_per_second=400), max_inflight=4, linger=0.001)  # fmt: skip
    buffer = BoundedBuffer(10000, 10**8)
    sent: dict[str, list[bytes]] = {}
    for i in range(3000):
        key = f"author{i % 97}"
        e = Entry(f"{i}".encode(), key)
        sent.setdefault(key, []).append(e.data)
        buffer.put(e, e.size)
    buffer.close()
    sink.run(buffer)
    assert sink.metrics.totals["out"] == 3000
    assert client.overlaps, "calls never ran in parallel"
    assert all(not (a & b) for a, b in client.overlaps)
    assert client.order == sent  # per key, in the order produced


def test_mock_cloudwatch_publish_sends_counts_and_survives_failures():
    from streamlab_producer.metrics import CloudWatchPublisher

    class MockCloudWatch:
        def __init__(self, fail):
            self.fail, self.calls = fail, []

        def put_metric_data(self, **kw):
            self.calls.append(kw)
            if self.fail:
                raise RuntimeError("throttled")

    m = Metrics()
    m.add("in", 5)
    m.add("out", 4)
    m.put_latency(12.5)
    snap = m.roll()
    ok = MockCloudWatch(fail=False)
    CloudWatchPublisher(ok, "lab").publish(snap, buffered=1)
    sent = {d["MetricName"]: d for d in ok.calls[0]["MetricData"]}
    assert ok.calls[0]["Namespace"] == "Streamlab/Producer"
    assert sent["RecordsIn"]["Value"] == 5 and sent["RecordsOut"]["Value"] == 4
    assert sent["PutLatency"]["StatisticValues"]["SampleCount"] == 1
    assert sent["RecordsIn"]["Dimensions"] == [{"Name": "StreamName", "Value": "lab"}]
    CloudWatchPublisher(MockCloudWatch(fail=True), "lab").publish(snap, buffered=0)  # logged, not raised
