"""PutRecords batching, per-shard rate limiting, retry of failed entries, dead letter.

Guarantee: at least once. Every entry taken from the buffer ends either acknowledged by
Kinesis (it has a sequence number) or written to the dead-letter file; it is never dropped.
Only the entries that failed are re-sent (a PutRecords call is not atomic: each entry
succeeds or fails on its own, and FailedRecordCount says how many failed).

Ordering: entries of one partition key go out in the order they came in, except after a
partial failure: an entry that failed is re-sent after later entries of the same key that
succeeded in the same call (the retry goes first in the next call, but Kinesis already
stored its successors). Consumers that need strict order per author sort by created_at.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError as BotoConnectionError

from .backoff import full_jitter
from .buffer import BoundedBuffer
from .deadletter import DeadLetterFile
from .metrics import Metrics
from .ratelimit import ShardRateLimiter
from .shards import ShardMap

log = logging.getLogger(__name__)

MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 5 * 1024 * 1024
MAX_RECORD_BYTES = 1024 * 1024  # data blob + partition key

# Per-entry error codes worth another try; any other code (KMS access, for instance) will
# fail the same way again, so those entries go straight to the dead letter.
RETRYABLE_ENTRY_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "InternalFailure", "KMSThrottlingException", "ServiceUnavailable"}
)
# Whole-call errors that are worth retrying (throttled, server side, transient auth/IAM).
RETRYABLE_CALL_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "KMSThrottlingException",
        "ExpiredTokenException",
        "RequestExpired",
        "ResourceInUseException",
    }
)


@dataclass
class Entry:
    data: bytes
    partition_key: str
    record_id: str = ""
    shard: int = 0
    enqueued_at: float = field(default_factory=time.monotonic)
    attempts: int = 0
    last_error: tuple[str, str] = ("", "")

    @property
    def size(self) -> int:
        return len(self.data) + len(self.partition_key.encode("utf-8"))


def batch_fits(count: int, nbytes: int, entry: Entry) -> bool:
    """Whether entry can join a batch already holding count entries of nbytes."""
    return count < MAX_BATCH_RECORDS and nbytes + entry.size <= MAX_BATCH_BYTES


def split_batches(entries: list[Entry]) -> list[list[Entry]]:
    """Greedy split in order under the PutRecords limits (pure; used by tests and docs)."""
    batches: list[list[Entry]] = []
    current: list[Entry] = []
    nbytes = 0
    for e in entries:
        if e.size > MAX_RECORD_BYTES:
            raise ValueError(f"record {e.record_id!r} is {e.size} bytes, over the 1 MiB limit")
        if not batch_fits(len(current), nbytes, e):
            batches.append(current)
            current, nbytes = [], 0
        current.append(e)
        nbytes += e.size
    if current:
        batches.append(current)
    return batches


def classify_response(entries: list[Entry], response: dict[str, Any]) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """(succeeded, retryable, permanent) from a PutRecords response, entry by entry.

    Trusts the per-entry results rather than FailedRecordCount alone, but checks that they
    agree: a response that does not line up is treated as all-failed (retryable).
    """
    results = response.get("Records") or []
    if len(results) != len(entries):
        log.error("PutRecords returned %d results for %d records; retrying all", len(results), len(entries))
        for e in entries:
            e.last_error = ("MalformedResponse", "result count mismatch")
        return [], list(entries), []
    ok: list[Entry] = []
    retry: list[Entry] = []
    permanent: list[Entry] = []
    for e, r in zip(entries, results):
        code = r.get("ErrorCode")
        if not code:
            ok.append(e)
            continue
        e.last_error = (code, r.get("ErrorMessage", ""))
        (retry if code in RETRYABLE_ENTRY_CODES else permanent).append(e)
    failed = response.get("FailedRecordCount", 0)
    if failed != len(retry) + len(permanent):
        log.warning("FailedRecordCount=%s but %d entries carry an error", failed, len(retry) + len(permanent))
    return ok, retry, permanent


class KinesisSink:
    def __init__(
        self,
        client: Any,
        stream: str,
        shard_map: ShardMap,
        metrics: Metrics,
        dead_letter: DeadLetterFile,
        limiter: ShardRateLimiter | None = None,
        *,
        linger: float = 0.05,
        max_attempts: int = 10,
        backoff_base: float = 0.05,
        backoff_cap: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.stream = stream
        self.shard_map = shard_map
        self.metrics = metrics
        self.dead_letter = dead_letter
        self.limiter = limiter
        self.linger = linger
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._consecutive_failures = 0
        self.pending: list[Entry] = []  # taken from the buffer, not yet acknowledged
        self.inflight = 0

    # -- one PutRecords call ------------------------------------------------------------
    def put_batch(self, batch: list[Entry]) -> list[Entry]:
        """Sends one batch; returns the entries to try again (already counted and with
        attempts incremented). Permanent failures and spent budgets are dead-lettered."""
        for e in batch:
            e.attempts += 1
        started = time.monotonic()
        try:
            response = self.client.put_records(
                StreamName=self.stream,
                Records=[{"Data": e.data, "PartitionKey": e.partition_key} for e in batch],
            )
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code = err.get("Code", "ClientError")
            self.metrics.add("put_errors")
            for e in batch:
                e.last_error = (code, err.get("Message", str(exc)))
            if code in RETRYABLE_CALL_CODES or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                log.warning("PutRecords failed (%s), will retry %d records", code, len(batch))
                return self._retry_or_give_up(batch)
            log.error("PutRecords rejected (%s: %s); dead-lettering %d records", code, err.get("Message"), len(batch))
            self._dead_letter(batch, "rejected")
            return []
        except (BotoConnectionError, BotoCoreError, OSError) as exc:
            self.metrics.add("put_errors")
            for e in batch:
                e.last_error = (type(exc).__name__, str(exc))
            log.warning("PutRecords connection error (%s), will retry %d records", exc, len(batch))
            return self._retry_or_give_up(batch)
        finally:
            self.metrics.add("put_calls")
        now = time.monotonic()
        self.metrics.put_latency((now - started) * 1000)
        ok, retry, permanent = classify_response(batch, response)
        if ok:
            self.metrics.add("out", len(ok))
            self.metrics.record_latency([(now - e.enqueued_at) * 1000 for e in ok])
        if permanent:
            self.metrics.add("failed", len(permanent))
            self._dead_letter(permanent, "rejected")
        if retry:
            self.metrics.add("failed", len(retry))
            return self._retry_or_give_up(retry)
        self._consecutive_failures = 0
        return []

    def _retry_or_give_up(self, entries: list[Entry]) -> list[Entry]:
        self._consecutive_failures += 1
        spent = [e for e in entries if e.attempts >= self.max_attempts]
        again = [e for e in entries if e.attempts < self.max_attempts]
        if spent:
            self._dead_letter(spent, "retries exhausted")
        self.metrics.add("retried", len(again))
        return again

    def _dead_letter(self, entries: list[Entry], reason: str) -> None:
        self.dead_letter.write(
            [
                {
                    "reason": reason,
                    "error_code": e.last_error[0],
                    "error_message": e.last_error[1],
                    "attempts": e.attempts,
                    "partition_key": e.partition_key,
                    "data": e.data,
                }
                for e in entries
            ]
        )
        self.metrics.add("dead_lettered", len(entries))

    def backoff_delay(self) -> float:
        return full_jitter(self._consecutive_failures - 1, self.backoff_base, self.backoff_cap, self._rng)

    # -- batch assembly -----------------------------------------------------------------
    def _select(self, batch: list[Entry], nbytes: int) -> tuple[int, float, bool]:
        """Moves entries from pending into batch in order, as far as the PutRecords limits
        and the shards' tokens allow. Returns (nbytes, wait until a blocked shard has
        tokens or 0, whether the batch is full)."""
        keep: list[Entry] = []
        blocked: set[int] = set()
        wait = 0.0
        full = False
        for i, e in enumerate(self.pending):
            if full or e.shard in blocked:
                keep.append(e)
                continue
            if not batch_fits(len(batch), nbytes, e):
                full = True
                keep.append(e)
                continue
            w = self.limiter.try_acquire(e.shard, e.size) if self.limiter else 0.0
            if w > 0:
                # Later entries of a blocked shard wait too, so one key's order is kept.
                blocked.add(e.shard)
                wait = w if wait == 0 else min(wait, w)
                keep.append(e)
                continue
            batch.append(e)
            nbytes += e.size
        self.pending = keep
        return nbytes, wait, full

    def _take_from(self, buffer: BoundedBuffer[Entry], timeout: float) -> None:
        """Pulls what the buffer has (up to two batches' worth), waiting up to timeout for the first."""
        room = 2 * MAX_BATCH_RECORDS - len(self.pending)
        first = True
        while room > 0:
            e = buffer.get(timeout=timeout if first else 0)
            if e is None:
                return
            first = False
            self._admit(e)
            room -= 1

    def _admit(self, e: Entry) -> None:
        if e.size > MAX_RECORD_BYTES:
            e.last_error = ("RecordTooLarge", f"{e.size} bytes with its partition key; the limit is 1 MiB")
            self._dead_letter([e], "too large")
            return
        e.shard = self.shard_map.shard_for(e.partition_key)
        self.pending.append(e)

    # -- main loop ----------------------------------------------------------------------
    def run(self, buffer: BoundedBuffer[Entry], abandon: threading.Event | None = None) -> None:
        """Sends until the buffer is closed and everything is acknowledged or dead-lettered.

        `abandon` set (the shutdown drain deadline passed): whatever is still pending or
        buffered goes to the dead letter at once.
        """
        abandon = abandon or threading.Event()
        while True:
            if abandon.is_set():
                self._abandon(buffer)
                return
            if not self.pending:
                self._take_from(buffer, timeout=0.2)
                if not self.pending:
                    if buffer.exhausted():
                        return
                    continue
            batch: list[Entry] = []
            nbytes = 0
            started = time.monotonic()
            while True:
                nbytes, wait, full = self._select(batch, nbytes)
                if full or len(batch) >= MAX_BATCH_RECORDS:
                    break
                remaining = self.linger - (time.monotonic() - started)
                closing = buffer.closed
                if batch and (remaining <= 0 or (closing and len(buffer) == 0 and not wait)):
                    break
                if abandon.is_set():
                    break
                if not batch and not wait and not self.pending and buffer.exhausted():
                    break
                timeout = max(remaining, 0.001) if batch else 0.2
                if wait:
                    timeout = min(timeout, wait)
                if len(self.pending) < 2 * MAX_BATCH_RECORDS and not (closing and len(buffer) == 0):
                    self._take_from(buffer, timeout)
                else:
                    self._sleep(timeout)
            if not batch:
                continue
            self.inflight = len(batch)
            retry = self.put_batch(batch)
            self.inflight = 0
            if retry:
                # Failed entries go first in the next call, ahead of newer ones.
                self.pending = retry + self.pending
                delay = self.backoff_delay()
                log.debug("backing off %.3fs after %d failed entries", delay, len(retry))
                self._sleep(delay)

    def _abandon(self, buffer: BoundedBuffer[Entry]) -> None:
        left = self.pending + buffer.drain()
        self.pending = []
        for e in left:
            if not e.last_error[0]:
                e.last_error = ("ShutdownTimeout", "not delivered before the drain timeout")
        if left:
            self._dead_letter(left, "shutdown before delivery")
