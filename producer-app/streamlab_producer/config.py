"""Settings from flags and STREAMLAB_* environment variables (a flag wins over its
variable). Under systemd everything comes from /etc/streamlab/producer.env; secrets (the X
bearer token) only ever come from the environment, because argv is visible in `ps`."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .sources import SOURCE_NAMES

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DEAD_LETTERED = 3
EXIT_SOURCE_ACCESS = 4

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"

EPILOG = """\
environment (a flag wins over its variable):
  STREAMLAB_HASHTAG, STREAMLAB_LOCATION     the two positional arguments
  STREAMLAB_SOURCE, STREAMLAB_STREAM, STREAMLAB_REGION (else AWS_REGION, AWS_DEFAULT_REGION),
  STREAMLAB_ENDPOINT_URL, STREAMLAB_LIMIT, STREAMLAB_RATE, STREAMLAB_FILE, STREAMLAB_SEED,
  STREAMLAB_RECORD_BYTES, STREAMLAB_SHARDS, STREAMLAB_SHARD_UTILIZATION, STREAMLAB_DEAD_LETTER,
  STREAMLAB_STATS_INTERVAL, STREAMLAB_CLOUDWATCH (1/0), STREAMLAB_JETSTREAM_URL,
  STREAMLAB_X_QUERY, STREAMLAB_X_POLL_SECONDS, STREAMLAB_LINGER_MS, STREAMLAB_MAX_ATTEMPTS,
  STREAMLAB_DRAIN_TIMEOUT, STREAMLAB_BUFFER_RECORDS, STREAMLAB_LOG_LEVEL,
  STREAMLAB_STATE_DIR (else systemd's STATE_DIRECTORY)
  STREAMLAB_X_BEARER_TOKEN                  X API bearer token (environment only, never a flag)

exit status:
  0  done (--limit reached, source ended, or SIGTERM/SIGINT after flushing)
  1  runtime failure (stream unreachable at start, source failed)
  2  bad usage or configuration (missing --stream, bad region, unreadable file, ...)
  3  finished, but some records are in the dead-letter file
  4  the source refused access (X: 401, 402 payment required, 403, 453 not enrolled)

examples:
  python3 -m streamlab_producer '#COVID_19' lima --stream lab-stream --region us-east-1
  python3 -m streamlab_producer --source synthetic --rate 500 --limit 10000 --stream s \\
      --endpoint-url http://127.0.0.1:4567 --region us-east-1
"""


class ConfigError(ValueError):
    """Bad flag or environment value; the message names it. Exit status 2."""


@dataclass
class Settings:
    hashtag: str | None
    location: str | None
    source: str
    stream: str
    region: str
    endpoint_url: str | None
    limit: int
    rate: float
    file: str | None
    seed: int | None
    record_bytes: int
    shards: int
    shard_utilization: float
    dead_letter: str
    stats_interval: float
    cloudwatch: bool
    jetstream_url: str
    x_query: str | None
    x_poll_seconds: float
    x_bearer_token: str | None
    linger: float
    max_attempts: int
    drain_timeout: float
    buffer_records: int
    log_level: str
    state_dir: str | None = None

    def __repr__(self) -> str:
        # Never print the token, even in a debug dump of the settings.
        fields = {k: ("***" if k == "x_bearer_token" and v else v) for k, v in vars(self).items()}
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in fields.items()) + ")"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m streamlab_producer",
        description="Streams posts with HASHTAG (near LOCATION) into a Kinesis Data Stream with "
        "batched PutRecords, per-shard rate limiting and retries; at least once, nothing dropped.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("hashtag", nargs="?", metavar="HASHTAG", help="hashtag to follow, e.g. '#COVID_19'")
    p.add_argument("location", nargs="?", metavar="LOCATION", help="place keyword, e.g. lima")
    p.add_argument("--source", choices=SOURCE_NAMES, help="where posts come from (default bluesky)")
    p.add_argument("--stream", metavar="NAME", help="Kinesis stream name (required)")
    p.add_argument("--region", metavar="R", help="AWS region, e.g. us-east-1")
    p.add_argument("--endpoint-url", metavar="URL", help="Kinesis endpoint (a local emulator)")
    p.add_argument("--limit", metavar="N", help="stop after N records, print a summary, exit 0")
    p.add_argument("--rate", metavar="R", help="records/s for synthetic (default 10) and replay (default: unpaced)")
    p.add_argument("--file", metavar="PATH", help="JSONL file for --source replay")
    p.add_argument("--seed", metavar="S", help="seed for --source synthetic (same posts on every run)")
    p.add_argument("--record-bytes", metavar="B", help="pad synthetic records to about B bytes (load tests)")
    p.add_argument("--shards", metavar="N", help="shard count for the rate limiter (default: ListShards)")
    p.add_argument(
        "--shard-utilization", metavar="F", help="fraction of each shard's limit to use, 0..1; 0 turns limiting off"
    )
    p.add_argument(
        "--dead-letter",
        metavar="PATH",
        help="JSONL file for records that could not be delivered (default ./streamlab-dead-letter.jsonl)",
    )
    p.add_argument("--stats-interval", metavar="S", help="seconds between stats lines (default 30, 0 = off)")
    p.add_argument(
        "--cloudwatch", action="store_const", const="1", help="also send the stats as CloudWatch custom metrics"
    )
    p.add_argument("--jetstream-url", metavar="URL", help="Jetstream WebSocket URL for --source bluesky")
    p.add_argument("--x-query", metavar="Q", help="X search query (default '#HASHTAG place:LOCATION -is:retweet')")
    p.add_argument("--x-poll-seconds", metavar="S", help="seconds between X searches (default 15)")
    p.add_argument("--linger-ms", metavar="MS", help="longest wait to fill a batch, 0..100 (default 50)")
    p.add_argument("--max-attempts", metavar="N", help="put attempts per record before dead-lettering (default 10)")
    p.add_argument("--drain-timeout", metavar="S", help="on SIGTERM, seconds to keep delivering (default 30)")
    p.add_argument("--buffer-records", metavar="N", help="records held between source and sink (default 10000)")
    p.add_argument("--log-level", metavar="L", help="DEBUG, INFO, WARNING or ERROR (default INFO)")
    p.add_argument(
        "--state-dir",
        metavar="DIR",
        help="directory for the Jetstream cursor, resumed after a restart (default: systemd's $STATE_DIRECTORY)",
    )
    p.add_argument("--version", action="version", version="%(prog)s " + _version())
    return p


def _version() -> str:
    from . import __version__

    return __version__


def _pick(args: argparse.Namespace, env: Mapping[str, str], name: str, default: Any = None) -> tuple[Any, str]:
    """(value, where it came from) for one setting: flag, then STREAMLAB_<NAME>, then default."""
    flag_value = getattr(args, name)
    if flag_value is not None:
        return flag_value, "--" + name.replace("_", "-")
    key = "STREAMLAB_" + name.upper()
    if env.get(key, "") != "":
        return env[key], key
    return default, "--" + name.replace("_", "-")


def _convert(value: Any, origin: str, kind: Callable[[str], T], what: str, ok: Callable[[T], bool]) -> T:
    try:
        converted = kind(value) if isinstance(value, str) else value
    except ValueError:
        raise ConfigError(f"{origin}={value!r}: not {what}") from None
    if not ok(converted):
        raise ConfigError(f"{origin}={value!r}: must be {what}")
    return converted


def _flag(value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


def parse(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings, or ConfigError naming the first bad value. argparse itself exits with 2
    on unknown flags or bad choices."""
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)

    def pick(name: str, default: Any = None) -> tuple[Any, str]:
        return _pick(args, env, name, default)

    source, origin = pick("source", "bluesky")
    if source not in SOURCE_NAMES:
        raise ConfigError(f"{origin}={source!r}: must be one of {', '.join(SOURCE_NAMES)}")

    stream, _ = pick("stream")
    if not stream:
        raise ConfigError("--stream (or STREAMLAB_STREAM) is required: the Kinesis stream to write to")
    if not re.fullmatch(r"[a-zA-Z0-9_.-]{1,128}", stream):
        raise ConfigError(f"--stream={stream!r}: a stream name is 1-128 of a-z A-Z 0-9 _ . -")

    region, origin = pick("region")
    if not region:
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        origin = "AWS_REGION"
    if not region:
        raise ConfigError("--region (or STREAMLAB_REGION, AWS_REGION) is required, e.g. us-east-1")
    if not REGION_RE.match(region):
        raise ConfigError(f"{origin}={region!r}: not an AWS region name (like us-east-1 or sa-east-1)")

    endpoint_url, origin = pick("endpoint_url")
    if endpoint_url and not re.match(r"^https?://[^\s/]+", endpoint_url):
        raise ConfigError(f"{origin}={endpoint_url!r}: must be an http:// or https:// URL")

    hashtag, _ = pick("hashtag")
    location, _ = pick("location")
    if hashtag is not None and not hashtag.lstrip("#").strip():
        raise ConfigError(f"HASHTAG {hashtag!r} is empty")

    limit = _convert(*pick("limit", 0), int, "a whole number >= 0", lambda v: v >= 0)
    default_rate = 10.0 if source == "synthetic" else 0.0
    rate = _convert(*pick("rate", default_rate), float, "a number of records/s >= 0", lambda v: v >= 0)
    seed_value, seed_origin = pick("seed")
    seed = None if seed_value is None else _convert(seed_value, seed_origin, int, "an integer", lambda v: True)
    record_bytes = _convert(
        *pick("record_bytes", 0), int, "a byte count between 0 and 1000000", lambda v: 0 <= v <= 1_000_000
    )
    shards = _convert(*pick("shards", 0), int, "a shard count >= 0 (0 = ask the stream)", lambda v: v >= 0)
    utilization = _convert(*pick("shard_utilization", 1.0), float, "a fraction between 0 and 1", lambda v: 0 <= v <= 1)
    stats_interval = _convert(*pick("stats_interval", 30.0), float, "seconds >= 0", lambda v: v >= 0)
    cloudwatch = _convert(*pick("cloudwatch", "0"), _flag, "1 or 0", lambda v: True)
    linger_ms = _convert(*pick("linger_ms", 50.0), float, "milliseconds between 0 and 100", lambda v: 0 <= v <= 100)
    max_attempts = _convert(*pick("max_attempts", 10), int, "a whole number >= 1", lambda v: v >= 1)
    drain_timeout = _convert(*pick("drain_timeout", 30.0), float, "seconds >= 0", lambda v: v >= 0)
    buffer_records = _convert(*pick("buffer_records", 10000), int, "a whole number >= 1", lambda v: v >= 1)
    x_poll = _convert(*pick("x_poll_seconds", 15.0), float, "seconds >= 1", lambda v: v >= 1)

    log_level, origin = pick("log_level", "INFO")
    if str(log_level).upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"{origin}={log_level!r}: must be DEBUG, INFO, WARNING or ERROR")

    file, origin = pick("file")
    if source == "replay":
        if not file:
            raise ConfigError("--source replay needs --file PATH (or STREAMLAB_FILE): the JSONL file to replay")
        if not os.path.isfile(file) or not os.access(file, os.R_OK):
            reason = "does not exist" if not os.path.exists(file) else "is not a readable file"
            raise ConfigError(f"{origin}={file!r}: {reason}")

    jetstream_url, origin = pick("jetstream_url", DEFAULT_JETSTREAM_URL)
    if source == "bluesky" and not re.match(r"^wss?://[^\s/]+", jetstream_url):
        raise ConfigError(f"{origin}={jetstream_url!r}: must be a ws:// or wss:// URL")

    token = env.get("STREAMLAB_X_BEARER_TOKEN") or None
    if source == "x" and not token:
        raise ConfigError("--source x needs STREAMLAB_X_BEARER_TOKEN in the environment (never a flag: argv is public)")
    if source == "x" and not hashtag and not pick("x_query")[0]:
        raise ConfigError("--source x needs a HASHTAG or --x-query")

    dead_letter, _ = pick("dead_letter", "streamlab-dead-letter.jsonl")

    # systemd passes StateDirectory= as $STATE_DIRECTORY (colon-separated if several).
    state_dir, origin = pick("state_dir")
    if not state_dir and env.get("STATE_DIRECTORY"):
        state_dir, origin = env["STATE_DIRECTORY"].split(":")[0], "STATE_DIRECTORY"
    if state_dir and not (os.path.isdir(state_dir) and os.access(state_dir, os.W_OK | os.X_OK)):
        reason = "does not exist" if not os.path.exists(state_dir) else "is not a writable directory"
        raise ConfigError(f"{origin}={state_dir!r}: {reason}")

    return Settings(
        hashtag=hashtag,
        location=location,
        source=source,
        stream=stream,
        region=region,
        endpoint_url=endpoint_url,
        limit=limit,
        rate=rate,
        file=file,
        seed=seed,
        record_bytes=record_bytes,
        shards=shards,
        shard_utilization=utilization,
        dead_letter=dead_letter,
        stats_interval=stats_interval,
        cloudwatch=cloudwatch,
        jetstream_url=jetstream_url,
        x_query=pick("x_query")[0],
        x_poll_seconds=x_poll,
        x_bearer_token=token,
        linger=linger_ms / 1000.0,
        max_attempts=max_attempts,
        drain_timeout=drain_timeout,
        buffer_records=buffer_records,
        log_level=str(log_level).upper(),
        state_dir=state_dir or None,
    )
