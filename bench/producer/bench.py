"""Producer benchmarks, side by side in one run (see bench/RESULTS.md, section producer).

  /usr/bin/python3 bench/producer/bench.py [--quick]

1. Throughput against kinesalite, 1 KB records: the course's loop (one put_record per
   post) vs this producer's sink (PutRecords batches), same stream, same records.
2. Through the throttling proxy (1,000 records/s and 1 MiB/s per shard) at 1 and 2
   shards: sustained rate as a share of the limit, and records lost (sent - read back).
3. Producer-added latency at 500 records/s (1 shard via the proxy): buffer entry to
   acknowledgement, p50/p99, and the PutRecords call latency.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "producer-app")]

from harness.kinesalite import Kinesalite, create_stream, kinesis_client, read_all  # noqa: E402
from harness.throttle_proxy import ThrottleProxy  # noqa: E402

from streamlab_producer.buffer import BoundedBuffer  # noqa: E402
from streamlab_producer.deadletter import DeadLetterFile  # noqa: E402
from streamlab_producer.metrics import Metrics, percentile  # noqa: E402
from streamlab_producer.ratelimit import Pacer, ShardRateLimiter  # noqa: E402
from streamlab_producer.shards import ShardMap  # noqa: E402
from streamlab_producer.sink import Entry, KinesisSink  # noqa: E402
from streamlab_producer.sources.synthetic import SyntheticSource  # noqa: E402


def make_records(n: int, uniform_keys: bool) -> list[tuple[bytes, str]]:
    source = SyntheticSource("#COVID_19", "lima", rate=0, seed=2026, record_bytes=1000)
    out = []
    for _ in range(n):
        r = source.make()
        # Uniform keys for the shard-limit runs: a skewed key mix caps a stream at its hot
        # shard, which measures the data, not the producer.
        out.append((r.to_bytes(), uuid.uuid4().hex if uniform_keys else r.partition_key))
    return out


# Should stay empty: the summary counts what lands here.
DEAD_LETTER = os.path.join(tempfile.gettempdir(), f"streamlab-bench-dead-{os.getpid()}.jsonl")


def run_sink(client, stream, records, shards, rate=0.0, dead_letter=DEAD_LETTER):
    metrics = Metrics()
    buffer: BoundedBuffer[Entry] = BoundedBuffer(10000, 10 * 1024 * 1024)
    sink = KinesisSink(client, stream, ShardMap.discover(client, stream), metrics, DeadLetterFile(dead_letter),
                       ShardRateLimiter(shards), max_attempts=50)  # fmt: skip
    t = threading.Thread(target=sink.run, args=(buffer,))
    started = time.monotonic()
    t.start()
    pacer = Pacer(rate)
    for data, key in records:
        wait = pacer.delay()
        if wait:
            time.sleep(wait)
        e = Entry(data, key)
        buffer.put(e, e.size)
        metrics.add("in")
    buffer.close()
    t.join()
    return metrics, time.monotonic() - started


def course_loop(client, stream, records):
    started = time.monotonic()
    for data, key in records:
        client.put_record(StreamName=stream, Data=data, PartitionKey=key)
    return time.monotonic() - started


def raw_batches(client, stream, records):
    """PutRecords of 500 back to back, nothing else: what the emulator can take."""
    started = time.monotonic()
    for i in range(0, len(records), 500):
        client.put_records(StreamName=stream, Records=[{"Data": d, "PartitionKey": k} for d, k in records[i : i + 500]])
    return time.monotonic() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs (a smoke test of the bench)")
    args = ap.parse_args()
    scale = 0.25 if args.quick else 1.0
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    k = Kinesalite()
    k.start()
    try:
        client = kinesis_client(k.endpoint)
        rows = []

        # 1. course loop vs batched sink, kinesalite, 1 KB records, an 8-shard stream (the
        # producer's limiter then allows 8,000 records/s: kinesalite, not the limit, is the
        # cap). Three alternating rounds, medians: the machine is shared and noisy.
        n = int(4000 * scale)
        recs = make_records(n, uniform_keys=True)
        loop_rates, sink_rates, raw_rates = [], [], []
        for _ in range(3):
            loop_rates.append(n / course_loop(client, create_stream(client, 8), recs))
            m, sink_s = run_sink(client, create_stream(client, 8), recs, 8)
            sink_rates.append(m.totals["out"] / sink_s)
            raw_rates.append(n / raw_batches(client, create_stream(client, 8), recs))
        loop_rate, sink_rate = statistics.median(loop_rates), statistics.median(sink_rates)
        print(f"course put_record loop: {[round(r) for r in loop_rates]} rec/s; "
              f"producer: {[round(r) for r in sink_rates]} rec/s; median ratio {sink_rate / loop_rate:.1f}x")  # fmt: skip
        raw_rate = statistics.median(raw_rates)
        print(f"bare sequential PutRecords of 500 (no producer logic): {[round(r) for r in raw_rates]} rec/s")
        rows.append(("kinesalite, 8 shards, 1 KB: bare PutRecords of 500 in a loop (emulator ceiling)",
                     f"{raw_rate:.0f} rec/s", f"producer at {100 * sink_rate / raw_rate:.0f}% of it",
                     f"median of 3: {', '.join(str(round(r)) for r in raw_rates)}"))  # fmt: skip
        rows.append(("kinesalite, 8 shards, 1 KB: course loop (put_record each)", f"{loop_rate:.0f} rec/s",
                     "", f"median of 3: {', '.join(str(round(r)) for r in loop_rates)}"))  # fmt: skip
        rows.append(("kinesalite, 8 shards, 1 KB: this producer (PutRecords)", f"{sink_rate:.0f} rec/s",
                     f"{sink_rate / loop_rate:.1f}x the loop",
                     f"median of 3: {', '.join(str(round(r)) for r in sink_rates)}"))  # fmt: skip

        # 2. throttling proxy at 1 and 2 shards
        for shards in (1, 2):
            n = int(8000 * shards * scale)
            recs = make_records(n, uniform_keys=True)
            stream = create_stream(client, shards)
            proxy = ThrottleProxy(k.port)
            port = proxy.start()
            pclient = kinesis_client(f"http://127.0.0.1:{port}")
            m, secs = run_sink(pclient, stream, recs, shards)
            rate = proxy.steady_rate()
            got = read_all(client, stream)
            ids = {r["Data"] for r in got}
            lost = n - len(ids)
            proxy.stop()
            limit = 1000 * shards
            print(f"{shards} shard(s): {rate:.0f} rec/s sustained = {100 * rate / limit:.1f}% of {limit}; "
                  f"throttled entries {proxy.throttled}, retried {m.totals['retried']}, lost {lost}, "
                  f"dead-lettered {m.totals['dead_lettered']}")  # fmt: skip
            rows.append((f"throttling proxy, {shards} shard(s), {n} x 1 KB", f"{rate:.0f} rec/s",
                         f"{100 * rate / limit:.1f}% of {limit}/s",
                         f"lost {lost}, throttled {proxy.throttled}, retried {m.totals['retried']}"))  # fmt: skip

        # 3. latency at 500 records/s through the proxy, 1 shard
        n = int(5000 * scale)
        recs = make_records(n, uniform_keys=False)
        stream = create_stream(client, 1)
        proxy = ThrottleProxy(k.port)
        port = proxy.start()
        pclient = kinesis_client(f"http://127.0.0.1:{port}")
        metrics, secs = run_sink(pclient, stream, recs, 1, rate=500)
        proxy.stop()
        lat, queued = metrics.all_record_ms, metrics.all_queue_ms
        p50, p99 = percentile(lat, 50), percentile(lat, 99)
        q50, q99 = percentile(queued, 50), percentile(queued, 99)
        snap = metrics.roll()
        c50, c99 = percentile(snap.put_ms, 50), percentile(snap.put_ms, 99)
        print(f"500 rec/s: inside the producer p50 {q50:.1f} ms p99 {q99:.1f} ms; buffer-to-ack p50 {p50:.1f} ms "
              f"p99 {p99:.1f} ms; PutRecords call p50 {c50:.1f} ms p99 {c99:.1f} ms ({len(lat)} records)")  # fmt: skip
        rows.append(("500 rec/s paced, 1 shard via proxy: time inside the producer (buffer to send)",
                     f"p50 {q50:.1f} ms", f"p99 {q99:.1f} ms", f"{len(queued)} records, linger 50 ms"))  # fmt: skip
        rows.append(("500 rec/s paced, 1 shard via proxy: buffer to acknowledgement", f"p50 {p50:.1f} ms",
                     f"p99 {p99:.1f} ms", f"PutRecords call itself: p50 {c50:.1f} ms, p99 {c99:.1f} ms"))  # fmt: skip

        print("\n| run | result | vs target | notes |\n| --- | --- | --- | --- |")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    finally:
        k.stop()
        if os.path.exists(DEAD_LETTER) and os.path.getsize(DEAD_LETTER) == 0:
            os.remove(DEAD_LETTER)


if __name__ == "__main__":
    main()
