"""Settings from flags and STREAMLAB_* environment variables (a flag wins over its
variable). Under systemd everything comes from /etc/streamlab/producer.env; secrets (the X
bearer token) only ever come from the environment, because argv is visible in `ps`. Names,
types, defaults, bounds, patterns and flags are the environment contract's (env_contract.json,
which provisioning writes the env file from); the checks here add the messages and the rules
that span settings."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .env_contract import SOURCE_NAMES, VARIABLES, default, pattern, variable

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DEAD_LETTERED = 3
EXIT_SOURCE_ACCESS = 4


def _environment_lines() -> list[str]:
    """One --help line per contract variable: the flag or argument it stands for (the token: what it is)."""
    lines = []
    for name, v in VARIABLES.items():
        if v.get("secret"):
            said = v["description"]
        else:
            said = v.get("positional") or v.get("flag", "")
            if v["type"] == "boolean":
                said += " (1/0)"
        if v.get("fallback"):
            said += f" (else {', '.join(v['fallback'])})"
        lines.append(f"  {name:<29} {said}")
    return lines


EPILOG = "\n".join(
    [
        "environment (a flag wins over its variable; the list is env_contract.json):",
        *_environment_lines(),
        "",
        "exit status:",
        "  0  done (--limit reached, source ended, or SIGTERM/SIGINT after flushing)",
        "  1  runtime failure (stream unreachable at start, source failed)",
        "  2  bad usage or configuration (missing --stream, bad region, unreadable file, ...)",
        "  3  finished, but some records are in the dead-letter file",
        "  4  the source refused access (X: 401, 402 payment required, 403, 453 not enrolled)",
        "",
        "examples:",
        "  python3 -m streamlab_producer '#COVID_19' lima --stream lab-stream --region us-east-1",
        "  python3 -m streamlab_producer --source synthetic --rate 500 --limit 10000 --stream s \\",
        "      --endpoint-url http://127.0.0.1:4567 --region us-east-1",
        "",
    ]
)


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
    for v in VARIABLES.values():
        if "positional" in v:
            p.add_argument(v["positional"].lower(), nargs="?", metavar=v["positional"], help=v["description"])
        elif "flag" in v:
            p.add_argument(v["flag"], help=_flag_help(v), **_flag_kind(v))
    p.add_argument("--version", action="version", version="%(prog)s " + _version())
    return p


def _flag_help(v: dict[str, Any]) -> str:
    shown = v.get("defaultText", v.get("default"))
    if shown is None or v["type"] == "boolean":
        return v["description"]
    return f"{v['description']} (default {shown})"


def _flag_kind(v: dict[str, Any]) -> dict[str, Any]:
    if v["type"] == "boolean":
        return {"action": "store_const", "const": "1"}
    if v["type"] == "choice" and not v.get("ignoreCase"):
        return {"choices": v["values"]}
    return {"metavar": v["metavar"]}


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

    def pick(name: str, fallback: Any = None) -> tuple[Any, str]:
        return _pick(args, env, name, fallback)

    def number(name: str, source: str | None = None) -> Any:
        """A numeric setting, converted and range-checked as the contract says."""
        v = variable(name)
        kind: Callable[[str], Any] = int if v["type"] == "integer" else float
        fallback = default(name, source)
        value, origin = pick(name, None if fallback is None else kind(fallback))
        if value is None:
            return None
        low, high = v.get("min"), v.get("max")
        return _convert(
            value, origin, kind, v["expect"], lambda x: (low is None or x >= low) and (high is None or x <= high)
        )

    source, origin = pick("source", default("source"))
    if source not in SOURCE_NAMES:
        raise ConfigError(f"{origin}={source!r}: must be one of {', '.join(SOURCE_NAMES)}")

    stream, _ = pick("stream")
    if not stream:
        raise ConfigError("--stream (or STREAMLAB_STREAM) is required: the Kinesis stream to write to")
    if not pattern("stream").match(stream):
        raise ConfigError(f"--stream={stream!r}: a stream name is 1-128 of a-z A-Z 0-9 _ . -")

    region, origin = pick("region")
    for name in variable("region")["fallback"]:
        if not region and env.get(name):
            region, origin = env[name], name
    if not region:
        raise ConfigError("--region (or STREAMLAB_REGION, AWS_REGION) is required, e.g. us-east-1")
    if not pattern("region").match(region):
        raise ConfigError(f"{origin}={region!r}: not an AWS region name (like us-east-1 or sa-east-1)")

    endpoint_url, origin = pick("endpoint_url")
    if endpoint_url and not pattern("endpoint_url").match(endpoint_url):
        raise ConfigError(f"{origin}={endpoint_url!r}: must be an http:// or https:// URL")

    hashtag, _ = pick("hashtag")
    location, _ = pick("location")
    if hashtag is not None and not hashtag.lstrip("#").strip():
        raise ConfigError(f"HASHTAG {hashtag!r} is empty")

    limit = number("limit")
    rate = number("rate", source)
    seed = number("seed")
    record_bytes = number("record_bytes")
    shards = number("shards")
    utilization = number("shard_utilization")
    stats_interval = number("stats_interval")
    cloudwatch_expect = variable("cloudwatch")["expect"]
    cloudwatch = _convert(*pick("cloudwatch", default("cloudwatch")), _flag, cloudwatch_expect, lambda v: True)
    linger_ms = number("linger_ms")
    max_attempts = number("max_attempts")
    drain_timeout = number("drain_timeout")
    buffer_records = number("buffer_records")
    x_poll = number("x_poll_seconds")

    log_level, origin = pick("log_level", default("log_level"))
    levels = variable("log_level")["values"]
    if str(log_level).upper() not in levels:
        raise ConfigError(f"{origin}={log_level!r}: must be {', '.join(levels[:-1])} or {levels[-1]}")

    file, origin = pick("file")
    if source == "replay":
        if not file:
            raise ConfigError("--source replay needs --file PATH (or STREAMLAB_FILE): the JSONL file to replay")
        if not os.path.isfile(file) or not os.access(file, os.R_OK):
            reason = "does not exist" if not os.path.exists(file) else "is not a readable file"
            raise ConfigError(f"{origin}={file!r}: {reason}")

    jetstream_url, origin = pick("jetstream_url", default("jetstream_url"))
    if source == "bluesky" and not pattern("jetstream_url").match(jetstream_url):
        raise ConfigError(f"{origin}={jetstream_url!r}: must be a ws:// or wss:// URL")

    # Environment only: a flag would put the secret in argv, which `ps` shows to everyone.
    token = env.get(variable("x_bearer_token")["name"]) or None
    if source == "x" and not token:
        raise ConfigError("--source x needs STREAMLAB_X_BEARER_TOKEN in the environment (never a flag: argv is public)")
    if source == "x" and not hashtag and not pick("x_query")[0]:
        raise ConfigError("--source x needs a HASHTAG or --x-query")

    dead_letter, _ = pick("dead_letter", default("dead_letter"))

    # systemd passes StateDirectory= as $STATE_DIRECTORY (colon-separated if several).
    state_dir, origin = pick("state_dir")
    systemd_state = variable("state_dir")["fallback"][0]
    if not state_dir and env.get(systemd_state):
        state_dir, origin = env[systemd_state].split(":")[0], systemd_state
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
