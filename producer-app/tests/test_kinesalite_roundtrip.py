"""N records in = N records read back from a real kinesalite, per-key order kept."""

import json
import threading

from harness.kinesalite import create_stream, read_all

from streamlab_producer.buffer import BoundedBuffer
from streamlab_producer.deadletter import DeadLetterFile
from streamlab_producer.metrics import Metrics
from streamlab_producer.ratelimit import ShardRateLimiter
from streamlab_producer.shards import ShardMap
from streamlab_producer.sink import Entry, KinesisSink
from streamlab_producer.sources.synthetic import SyntheticSource


def run_sink(client, stream, records, tmp_path, shards=1):
    buffer = BoundedBuffer(200, 10 * 1024 * 1024)
    metrics = Metrics()
    sink = KinesisSink(
        client,
        stream,
        ShardMap.discover(client, stream),
        metrics,
        DeadLetterFile(str(tmp_path / "dead.jsonl")),
        ShardRateLimiter(shards),
    )
    t = threading.Thread(target=sink.run, args=(buffer,))
    t.start()
    for r in records:
        e = Entry(r.to_bytes(), r.partition_key, r.id)
        buffer.put(e, e.size)
        metrics.add("in")
    buffer.close()
    t.join(60)
    assert not t.is_alive()
    return metrics


def test_every_record_arrives_once_in_order_per_author(kinesis, tmp_path):
    stream = create_stream(kinesis, shards=2)
    source = SyntheticSource("#COVID_19", "lima", rate=0, seed=7)
    records = [source.make() for _ in range(1500)]
    metrics = run_sink(kinesis, stream, records, tmp_path, shards=2)

    got = read_all(kinesis, stream)
    assert metrics.totals["out"] == 1500 and metrics.totals["dead_lettered"] == 0
    ids = [json.loads(r["Data"])["id"] for r in got]
    assert sorted(ids) == sorted(r.id for r in records)
    # Per partition key, the stream holds the records in the order they were produced.
    sent_order: dict[str, list[str]] = {}
    for r in records:
        sent_order.setdefault(r.partition_key, []).append(r.id)
    read_order: dict[str, list[str]] = {}
    for r in got:
        read_order.setdefault(r["PartitionKey"], []).append(json.loads(r["Data"])["id"])
    assert read_order == sent_order
    assert not (tmp_path / "dead.jsonl").exists() or (tmp_path / "dead.jsonl").read_text() == ""


def test_records_match_the_schema_in_the_stream(kinesis, tmp_path):
    stream = create_stream(kinesis)
    source = SyntheticSource("#COVID_19", "lima", rate=0, seed=1)
    run_sink(kinesis, stream, [source.make() for _ in range(5)], tmp_path)
    for r in read_all(kinesis, stream):
        obj = json.loads(r["Data"])
        assert list(obj) == ["id", "created_at", "text", "author", "lang", "hashtags", "place", "source", "ingested_at"]
        assert r["PartitionKey"] == obj["author"]
        assert "covid_19" in obj["hashtags"] and obj["place"] == "lima"
