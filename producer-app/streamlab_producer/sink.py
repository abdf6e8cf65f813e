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
from concurrent.futures import Future, ThreadPoolExecutor
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
class _Lane:
    """A group of shards with at most one PutRecords call in flight, so the entries of one
    partition key (always the same shard, so the same lane) are sent in order. Several
    lanes send in parallel, which is what fills more than a couple of shards."""

    pending: list["Entry"] = field(default_factory=list)  # admitted, waiting for tokens
    forming: list["Entry"] = field(default_factory=list)  # the next batch, tokens taken
    forming_bytes: int = 0
    forming_since: float = 0.0
    inflight: "Future[list[Entry]] | None" = None
    inflight_count: int = 0
    shard_count: int = 1  # shards that map to this lane
    failures: int = 0  # consecutive calls with failed entries: the backoff exponent
    not_before: float = 0.0  # backing off until then

    def held(self) -> int:
        return len(self.pending) + len(self.forming) + self.inflight_count


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
        max_inflight: int = 4,
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
        self._rng = rng or random.Random()
        lanes = max(1, min(len(shard_map), max_inflight))
        self.lanes = [_Lane(shard_count=len(range(i, len(shard_map), lanes))) for i in range(lanes)]
        self._wakeup = threading.Event()  # a PutRecords call finished
        self._pool: ThreadPoolExecutor | None = None
        self._buffer: BoundedBuffer[Entry] | None = None

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
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in RETRYABLE_CALL_CODES or status >= 500:
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
            self.metrics.queue_latency([(started - e.enqueued_at) * 1000 for e in ok])
        if permanent:
            self.metrics.add("failed", len(permanent))
            self._dead_letter(permanent, "rejected")
        if retry:
            self.metrics.add("failed", len(retry))
            return self._retry_or_give_up(retry)
        return []

    def _retry_or_give_up(self, entries: list[Entry]) -> list[Entry]:
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

    # -- batch assembly -----------------------------------------------------------------
    def held(self) -> int:
        """Entries taken from the buffer and not yet acknowledged or dead-lettered."""
        return sum(lane.held() for lane in self.lanes)

    def _admit(self, e: Entry) -> None:
        if e.size > MAX_RECORD_BYTES:
            e.last_error = ("RecordTooLarge", f"{e.size} bytes with its partition key; the limit is 1 MiB")
            self._dead_letter([e], "too large")
            return
        e.shard = self.shard_map.shard_for(e.partition_key)
        self.lanes[e.shard % len(self.lanes)].pending.append(e)

    def _room(self) -> int:
        # Two full batches per lane: enough to keep every lane busy, little held in memory.
        return 2 * MAX_BATCH_RECORDS * len(self.lanes) - sum(len(lane.pending) for lane in self.lanes)

    def _take_from(self, buffer: BoundedBuffer[Entry]) -> None:
        room = self._room()
        while room > 0:
            e = buffer.get(timeout=0)
            if e is None:
                return
            self._admit(e)
            room -= 1

    def _fill(self, lane: _Lane, now: float) -> float:
        """Moves entries from the lane's pending list into its forming batch, in order, as
        far as the PutRecords limits and the shards' tokens allow. Returns how long until a
        blocked shard has tokens again (0 if none is blocked)."""
        keep: list[Entry] = []
        blocked: set[int] = set()
        wait = 0.0
        pending = lane.pending
        for i, e in enumerate(pending):
            if e.shard in blocked:
                keep.append(e)
                if len(blocked) == lane.shard_count:
                    keep.extend(pending[i + 1 :])  # every shard of the lane is out of tokens
                    break
                continue
            if not batch_fits(len(lane.forming), lane.forming_bytes, e):
                keep.extend(pending[i:])
                break
            w = self.limiter.try_acquire(e.shard, e.size) if self.limiter else 0.0
            if w > 0:
                # Later entries of a blocked shard wait too, so one key's order is kept.
                blocked.add(e.shard)
                wait = w if wait == 0 else min(wait, w)
                keep.append(e)
                if len(blocked) == lane.shard_count:
                    keep.extend(pending[i + 1 :])
                    break
                continue
            if not lane.forming:
                lane.forming_since = now
            lane.forming.append(e)
            lane.forming_bytes += e.size
        lane.pending = keep
        return wait

    def _send(self, batch: list[Entry]) -> list[Entry]:
        try:
            return self.put_batch(batch)
        except Exception:  # noqa: BLE001 - a bug here must not lose the batch
            log.exception("unexpected error sending %d records; they will be retried", len(batch))
            for e in batch:
                e.last_error = ("InternalError", "unexpected error in the producer")
            return self._retry_or_give_up(batch)
        finally:
            self._wakeup.set()
            if self._buffer is not None:
                self._buffer.poke()

    def _submit(self, lane: _Lane) -> None:
        assert self._pool is not None
        batch, lane.forming, lane.forming_bytes = lane.forming, [], 0
        lane.inflight_count = len(batch)
        lane.inflight = self._pool.submit(self._send, batch)

    def _collect(self, lane: _Lane, now: float) -> None:
        if lane.inflight is None or not lane.inflight.done():
            return
        retry = lane.inflight.result()
        lane.inflight, lane.inflight_count = None, 0
        if retry:
            # Failed entries go first in the lane's next call, ahead of newer ones.
            lane.pending = retry + lane.pending
            lane.failures += 1
            delay = full_jitter(lane.failures - 1, self.backoff_base, self.backoff_cap, self._rng)
            lane.not_before = now + delay
            log.debug("backing off %.3fs after %d failed entries", delay, len(retry))
        else:
            lane.failures = 0

    # -- main loop ----------------------------------------------------------------------
    def run(self, buffer: BoundedBuffer[Entry], abandon: threading.Event | None = None) -> None:
        """Sends until the buffer is closed and everything is acknowledged or dead-lettered.

        `abandon` set (the shutdown drain deadline passed): the calls in flight finish,
        whatever else is held or buffered goes to the dead letter at once.
        """
        abandon = abandon or threading.Event()
        self._buffer = buffer
        self._pool = ThreadPoolExecutor(max_workers=len(self.lanes), thread_name_prefix="put")
        try:
            while True:
                self._wakeup.clear()
                now = time.monotonic()
                for lane in self.lanes:
                    self._collect(lane, now)
                if abandon.is_set():
                    self._abandon(buffer)
                    return
                self._take_from(buffer)
                draining = buffer.closed and len(buffer) == 0
                wake_at = now + 0.2
                for lane in self.lanes:
                    if lane.inflight is not None:
                        continue
                    if now < lane.not_before:
                        wake_at = min(wake_at, lane.not_before)
                        continue
                    wait = self._fill(lane, now) if lane.pending else 0.0
                    if wait:
                        wake_at = min(wake_at, now + wait)
                    if not lane.forming:
                        continue
                    full = len(lane.forming) >= MAX_BATCH_RECORDS or (
                        lane.pending and not batch_fits(len(lane.forming), lane.forming_bytes, lane.pending[0])
                    )
                    due = lane.forming_since + self.linger
                    if full or now >= due or draining:
                        self._submit(lane)
                    else:
                        wake_at = min(wake_at, due)
                if draining and self.held() == 0:
                    return
                self._wait(buffer, wake_at - time.monotonic())
        finally:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _wait(self, buffer: BoundedBuffer[Entry], timeout: float) -> None:
        """Sleeps until a call finishes, the buffer has something we can take, or timeout.
        (A finishing call pokes the buffer, so one wait covers both.)"""
        if timeout <= 0 or self._wakeup.is_set():
            return
        room = self._room()
        if room > 0:
            # With a batch forming, waking for every single record costs more than it
            # brings: the timeout (its linger deadline) still bounds the wait. When idle,
            # the first record starts the linger clock, so wake for it.
            idle = all(not lane.forming and not lane.pending for lane in self.lanes)
            buffer.wait_nonempty(timeout, min_items=1 if idle else min(room, 100))
        else:
            self._wakeup.wait(timeout)

    def _abandon(self, buffer: BoundedBuffer[Entry]) -> None:
        for lane in self.lanes:
            if lane.inflight is not None:
                lane.inflight.result()  # bounded by the client's timeouts
                self._collect(lane, time.monotonic())
        left: list[Entry] = []
        for lane in self.lanes:
            left += lane.forming + lane.pending
            lane.forming, lane.pending, lane.forming_bytes = [], [], 0
        left += buffer.drain()
        for e in left:
            if not e.last_error[0]:
                e.last_error = ("ShutdownTimeout", "not delivered before the drain timeout")
        if left:
            self._dead_letter(left, "shutdown before delivery")
