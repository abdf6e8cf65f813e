"""Entry point: wires source → bounded buffer → Kinesis sink, handles signals, prints the
stats lines and the final summary, and maps outcomes to exit codes (see config.EPILOG)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from typing import Any

from . import config
from .buffer import BoundedBuffer
from .config import ConfigError, Settings
from .deadletter import DeadLetterFile
from .metrics import CloudWatchPublisher, Metrics, percentile
from .ratelimit import ShardRateLimiter
from .shards import ShardMap
from .sink import Entry, KinesisSink
from .sources import Source, SourceError, build_source

log = logging.getLogger("streamlab_producer")

# The buffer's byte bound: two full PutRecords calls' worth keeps the sink busy without
# holding much in memory if the process dies.
BUFFER_BYTES = 10 * 1024 * 1024


def make_client(service: str, settings: Settings) -> Any:
    import boto3
    from botocore.config import Config

    # botocore's own retries are off: the sink retries only the failed entries itself and
    # counts every attempt against the record's budget.
    cfg = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=20,
        user_agent_extra="streamlab-producer",
    )
    return boto3.session.Session(region_name=settings.region).client(
        service, endpoint_url=settings.endpoint_url if service == "kinesis" else None, config=cfg
    )


def shard_map_for(client: Any, settings: Settings) -> ShardMap:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    if settings.shards:
        return ShardMap.uniform(settings.shards)
    try:
        return ShardMap.discover(client, settings.stream)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise ConfigError(f"stream {settings.stream!r} does not exist in region {settings.region}") from None
        if code in ("AccessDeniedException", "AccessDenied"):
            # Writing may still be allowed; pace for one shard, the safe side of the limit.
            log.warning(
                "kinesis:ListShards is not allowed on %s; rate-limiting as if it had 1 shard "
                "(set STREAMLAB_SHARDS to the real count)",
                settings.stream,
            )
            return ShardMap.uniform(1)
        raise RuntimeError(f"cannot list the shards of stream {settings.stream!r}: {code}: {exc}") from None
    except NoCredentialsError:
        raise RuntimeError(
            "no AWS credentials: on EC2 attach an instance profile; locally set AWS_PROFILE or AWS_ACCESS_KEY_ID"
        ) from None
    except BotoCoreError as exc:
        raise RuntimeError(f"cannot reach Kinesis: {exc}") from None


class Runner:
    """One run of the producer; separated from main() so tests can drive it in-process."""

    def __init__(self, settings: Settings, client: Any, source: Source, shard_map: ShardMap, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.source = source
        self.buffer: BoundedBuffer[Entry] = BoundedBuffer(settings.buffer_records, BUFFER_BYTES)
        self.dead_letter = DeadLetterFile(settings.dead_letter)
        limiter = (
            ShardRateLimiter(len(shard_map), utilization=settings.shard_utilization)
            if settings.shard_utilization > 0
            else None
        )
        self.sink = KinesisSink(
            client,
            settings.stream,
            shard_map,
            metrics,
            self.dead_letter,
            limiter,
            linger=settings.linger,
            max_attempts=settings.max_attempts,
        )
        self.stop = threading.Event()  # stop reading the source
        self.abandon = threading.Event()  # stop delivering: dead-letter the rest
        self.source_error: BaseException | None = None
        self._drain_timer: threading.Timer | None = None

    def request_stop(self, why: str) -> None:
        if self.stop.is_set():
            log.warning("%s again: giving up on delivery, dead-lettering what is left", why)
            self.abandon.set()
            return
        log.info("%s: stopping the source, flushing %d buffered record(s)", why, len(self.buffer))
        self.stop.set()
        self.buffer.close()
        self._drain_timer = threading.Timer(self.settings.drain_timeout, self.abandon.set)
        self._drain_timer.daemon = True
        self._drain_timer.start()

    def _read_source(self) -> None:
        limit = self.settings.limit
        count = 0
        try:
            for record in self.source.records(self.stop):
                entry = Entry(record.to_bytes(), record.partition_key, record.id)
                self.buffer.put(entry, entry.size)
                self.metrics.add("in")
                count += 1
                if (limit and count >= limit) or self.buffer.closed:
                    break
        except BaseException as exc:  # noqa: BLE001 - reported by main, never swallowed
            self.source_error = exc
        finally:
            self.buffer.close()

    def _deliver(self) -> None:
        try:
            self.sink.run(self.buffer, self.abandon)
        except BaseException:  # noqa: BLE001 - a sink bug must not lose the records
            log.exception("sink failed; dead-lettering everything not yet delivered")
            self.stop.set()
            self.buffer.close()
            self.sink._abandon(self.buffer)

    def run(self) -> None:
        started = time.monotonic()
        source_thread = threading.Thread(target=self._read_source, name="source", daemon=True)
        sink_thread = threading.Thread(target=self._deliver, name="sink", daemon=True)
        source_thread.start()
        sink_thread.start()
        cloudwatch = None
        if self.settings.cloudwatch:
            cloudwatch = CloudWatchPublisher(make_client("cloudwatch", self.settings), self.settings.stream)
        interval = self.settings.stats_interval
        next_stats = started + interval
        while sink_thread.is_alive():
            sink_thread.join(timeout=0.2 if not interval else min(0.2, max(0.0, next_stats - time.monotonic())))
            if interval and time.monotonic() >= next_stats:
                next_stats += interval
                buffered = len(self.buffer) + self.sink.held()
                snap = self.metrics.roll()
                log.info("stats %s", self.metrics.line(buffered, snap))
                if cloudwatch:
                    cloudwatch.publish(snap, buffered)
        # A record the source handed over while the sink was finishing is still owed.
        source_thread.join(timeout=5)
        if len(self.buffer):
            self.sink._abandon(self.buffer)
        if self._drain_timer:
            self._drain_timer.cancel()
        self.elapsed = time.monotonic() - started

    def summary(self) -> str:
        t = self.metrics.totals
        rate = t["out"] / self.elapsed if self.elapsed > 0 else 0.0
        lat = self.metrics.all_record_ms
        return (
            f"summary: {self.metrics.line(0)} elapsed_s={self.elapsed:.1f} out_per_s={rate:.0f}"
            f" record_p50_ms={percentile(lat, 50):.1f} record_p99_ms={percentile(lat, 99):.1f}"
            f" dead_letter_file={self.dead_letter.path if t['dead_lettered'] else '-'}"
        )


def main(argv: list[str] | None = None) -> int:
    try:
        settings = config.parse(argv)
    except ConfigError as exc:
        print(f"streamlab-producer: error: {exc}", file=sys.stderr)
        return config.EXIT_USAGE
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # botocore logs request bodies at DEBUG; keep it quieter than ours.
    logging.getLogger("botocore").setLevel(max(logging.INFO, logging.getLevelName(settings.log_level)))
    # A signal during startup (imports, shard discovery) ends the run as soon as it starts.
    early_signal: list[str] = []
    signal.signal(signal.SIGTERM, lambda *_: early_signal.append("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: early_signal.append("SIGINT"))
    metrics = Metrics()
    try:
        DeadLetterFile(settings.dead_letter).check_writable()
    except OSError as exc:
        print(f"streamlab-producer: error: --dead-letter={settings.dead_letter!r}: {exc.strerror}", file=sys.stderr)
        return config.EXIT_USAGE
    try:
        client = make_client("kinesis", settings)
        shard_map = shard_map_for(client, settings)
        source = build_source(settings, metrics)
    except ConfigError as exc:
        print(f"streamlab-producer: error: {exc}", file=sys.stderr)
        return config.EXIT_USAGE
    except (RuntimeError, SourceError) as exc:
        print(f"streamlab-producer: error: {exc}", file=sys.stderr)
        return config.EXIT_FAILURE

    runner = Runner(settings, client, source, shard_map, metrics)
    log.info(
        "producing from %s into stream %s (%d shard(s)) in %s", settings.source, settings.stream, len(shard_map),
        settings.region,
    )
    signal.signal(signal.SIGTERM, lambda *_: runner.request_stop("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: runner.request_stop("SIGINT"))
    if early_signal:
        runner.request_stop(early_signal[0])
    runner.run()
    print(runner.summary(), flush=True)

    err = runner.source_error
    if isinstance(err, SourceError):
        print(f"streamlab-producer: error: {err}", file=sys.stderr)
        return config.EXIT_SOURCE_ACCESS if err.access_denied else config.EXIT_FAILURE
    if err is not None:
        log.error("source %s failed: %r", settings.source, err)
        return config.EXIT_FAILURE
    totals = metrics.totals
    if totals["in"] != totals["out"] + totals["dead_lettered"]:
        log.error("accounting mismatch: in=%d out=%d dead_lettered=%d", totals["in"], totals["out"], totals["dead_lettered"])
    if totals["dead_lettered"]:
        return config.EXIT_DEAD_LETTERED
    return config.EXIT_OK
