"""Counters and latency percentiles for the periodic stats line, the final summary and,
optionally, CloudWatch (PutMetricData)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

COUNTERS = ("in", "out", "retried", "failed", "dead_lettered", "skipped", "put_calls", "put_errors")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


@dataclass
class Snapshot:
    counts: dict[str, int]
    put_ms: list[float] = field(default_factory=list)
    record_ms: list[float] = field(default_factory=list)


class Metrics:
    """Thread-safe. `in` = records accepted from the source, `out` = acknowledged by
    Kinesis, `retried` = entries re-sent, `failed` = entries Kinesis answered with an error
    (each time), `dead_lettered` = given up on, `skipped` = unusable source input."""

    # Latency samples kept per interval; enough for a stable p99 at thousands of records/s.
    MAX_SAMPLES = 20000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.totals = dict.fromkeys(COUNTERS, 0)
        self._interval = dict.fromkeys(COUNTERS, 0)
        self._put_ms: list[float] = []
        self._record_ms: list[float] = []
        self.all_record_ms: list[float] = []
        self.all_queue_ms: list[float] = []

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.totals[name] += n
            self._interval[name] += n

    def put_latency(self, ms: float) -> None:
        with self._lock:
            if len(self._put_ms) < self.MAX_SAMPLES:
                self._put_ms.append(ms)

    def record_latency(self, ms_values: list[float]) -> None:
        """Producer-added latency: from entering the buffer to Kinesis acknowledging it."""
        with self._lock:
            room = self.MAX_SAMPLES - len(self._record_ms)
            if room > 0:
                self._record_ms.extend(ms_values[:room])
            room = 10 * self.MAX_SAMPLES - len(self.all_record_ms)
            if room > 0:
                self.all_record_ms.extend(ms_values[:room])

    def queue_latency(self, ms_values: list[float]) -> None:
        """Time spent inside the producer only: from entering the buffer to the start of
        the PutRecords call that delivered the record (buffer, linger, rate limit, backoff)."""
        with self._lock:
            room = 10 * self.MAX_SAMPLES - len(self.all_queue_ms)
            if room > 0:
                self.all_queue_ms.extend(ms_values[:room])

    def roll(self) -> Snapshot:
        """Returns the interval since the last roll and starts a new one."""
        with self._lock:
            snap = Snapshot(dict(self._interval), self._put_ms, self._record_ms)
            self._interval = dict.fromkeys(COUNTERS, 0)
            self._put_ms, self._record_ms = [], []
            return snap

    def line(self, buffered: int, snap: Snapshot | None = None) -> str:
        """Totals since start, then (with `snap`) the interval's put latency. `put_calls` and
        `put_errors` count PutRecords calls and the calls that failed outright: the dashboard
        charts put success from their change between two lines, and `put_avg_ms` (the mean
        call, as CloudWatch's PutRecords.Latency Average) as put latency; `-` when the
        interval made no call."""
        t = self.totals
        text = (
            f"in={t['in']} out={t['out']} retried={t['retried']} failed={t['failed']} "
            f"dead_lettered={t['dead_lettered']} skipped={t['skipped']} buffered={buffered} "
            f"put_calls={t['put_calls']} put_errors={t['put_errors']}"
        )
        if snap is not None:
            average = f"{sum(snap.put_ms) / len(snap.put_ms):.1f}" if snap.put_ms else "-"
            text += (
                f" put_p50_ms={percentile(snap.put_ms, 50):.1f} put_p99_ms={percentile(snap.put_ms, 99):.1f}"
                f" put_avg_ms={average} record_p99_ms={percentile(snap.record_ms, 99):.1f}"
            )
        return text


class CloudWatchPublisher:
    """Sends each interval's counts and put latency as custom metrics (namespace
    Streamlab/Producer, dimension StreamName). Failures are logged, never fatal: metrics
    must not stop the data."""

    NAMESPACE = "Streamlab/Producer"

    def __init__(self, client: Any, stream: str) -> None:
        self.client = client
        self.stream = stream

    def publish(self, snap: Snapshot, buffered: int) -> None:
        dims = [{"Name": "StreamName", "Value": self.stream}]
        data: list[dict[str, Any]] = [
            {"MetricName": "RecordsIn", "Value": snap.counts["in"], "Unit": "Count", "Dimensions": dims},
            {"MetricName": "RecordsOut", "Value": snap.counts["out"], "Unit": "Count", "Dimensions": dims},
            {"MetricName": "RecordsRetried", "Value": snap.counts["retried"], "Unit": "Count", "Dimensions": dims},
            {
                "MetricName": "RecordsDeadLettered",
                "Value": snap.counts["dead_lettered"],
                "Unit": "Count",
                "Dimensions": dims,
            },
            {"MetricName": "Buffered", "Value": buffered, "Unit": "Count", "Dimensions": dims},
        ]
        if snap.put_ms:
            data.append(
                {
                    "MetricName": "PutLatency",
                    "Unit": "Milliseconds",
                    "Dimensions": dims,
                    "StatisticValues": {
                        "SampleCount": len(snap.put_ms),
                        "Sum": sum(snap.put_ms),
                        "Minimum": min(snap.put_ms),
                        "Maximum": max(snap.put_ms),
                    },
                }
            )
        try:
            self.client.put_metric_data(Namespace=self.NAMESPACE, MetricData=data)
        except Exception as exc:  # noqa: BLE001 - any failure here is only logged
            log.warning("CloudWatch PutMetricData failed: %s", exc)
