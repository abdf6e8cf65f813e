"""Token buckets that keep each shard under its write limit.

A Kinesis shard takes 1,000 records/s and 1 MiB/s (data plus partition key). Sending more
only earns ProvisionedThroughputExceededException entries and retries, so the sink asks
the limiter before it puts a record in a batch. One pair of buckets per shard (records,
bytes), indexed by the shard that owns the record's hash key, so a hot shard never holds
back a cold one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SHARD_RECORDS_PER_SECOND = 1000
SHARD_BYTES_PER_SECOND = 1024 * 1024

Clock = Callable[[], float]


class TokenBucket:
    """Refills continuously at `rate` tokens/s up to `capacity` (the burst)."""

    def __init__(self, rate: float, capacity: float, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def wait_time(self, n: float) -> float:
        """Seconds until n tokens are there (0 if now). n above capacity waits for a full bucket."""
        self._refill()
        need = min(n, self.capacity) - self._tokens
        return 0.0 if need <= 0 else need / self.rate

    def take(self, n: float) -> None:
        # May go negative for an item larger than the burst; later takes then wait it out.
        self._refill()
        self._tokens -= n


class ShardRateLimiter:
    """Per-shard records/s and bytes/s buckets; `utilization` scales both limits."""

    def __init__(
        self,
        shard_count: int,
        records_per_second: float = SHARD_RECORDS_PER_SECOND,
        bytes_per_second: float = SHARD_BYTES_PER_SECOND,
        utilization: float = 1.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if shard_count < 1:
            raise ValueError("shard_count must be at least 1")
        if not 0 < utilization <= 1:
            raise ValueError("utilization must be in (0, 1]")
        rps = records_per_second * utilization
        bps = bytes_per_second * utilization
        self._records = [TokenBucket(rps, rps, clock) for _ in range(shard_count)]
        self._bytes = [TokenBucket(bps, bps, clock) for _ in range(shard_count)]

    @property
    def shard_count(self) -> int:
        return len(self._records)

    def try_acquire(self, shard: int, nbytes: int) -> float:
        """Takes one record and nbytes from the shard's buckets and returns 0, or takes
        nothing and returns how long to wait before trying again."""
        wait = max(self._records[shard].wait_time(1), self._bytes[shard].wait_time(nbytes))
        if wait > 0:
            return wait
        self._records[shard].take(1)
        self._bytes[shard].take(nbytes)
        return 0.0


class Pacer:
    """Spaces a source's records at `rate` per second (0 = as fast as the sink takes them).
    Keeps to the schedule on average: a late record does not push back all later ones."""

    def __init__(self, rate: float, clock: Clock = time.monotonic) -> None:
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self.rate = rate
        self._clock = clock
        self._next = clock()

    def delay(self) -> float:
        """Seconds to wait before the next record, and books its slot."""
        if self.rate == 0:
            return 0.0
        now = self._clock()
        # More than a second behind (the sink pushed back): restart the schedule from now
        # rather than bursting to catch up.
        if self._next < now - 1.0:
            self._next = now
        wait = max(0.0, self._next - now)
        self._next += 1.0 / self.rate
        return wait
