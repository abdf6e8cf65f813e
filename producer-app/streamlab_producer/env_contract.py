"""The producer's environment contract, read from env_contract.json beside this file: one
entry per STREAMLAB_* variable (type, default, allowed values or pattern, secret or not,
description). config.py reads the environment and builds --help from it; provisioning
writes the host's env file from the same file, so the two cannot drift apart unnoticed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("env_contract.json")
PREFIX = "STREAMLAB_"

VARIABLES: dict[str, dict[str, Any]] = {v["name"]: v for v in json.loads(PATH.read_text("utf-8"))["variables"]}


def variable(setting: str) -> dict[str, Any]:
    """The contract entry of one setting (`linger_ms` is STREAMLAB_LINGER_MS)."""
    return VARIABLES[PREFIX + setting.upper()]


def pattern(setting: str) -> re.Pattern[str]:
    """The entry's pattern. JavaScript's `$` never matches before a final newline and
    Python's does, so it is read as `\\Z` here: both languages accept the same values."""
    source = variable(setting)["pattern"]
    return re.compile(source[:-1] + r"\Z" if source.endswith("$") else source)


def default(setting: str, source: str | None = None) -> Any:
    """The entry's default; some depend on the source (--rate paces synthetic by default)."""
    entry = variable(setting)
    return entry.get("defaultBySource", {}).get(source, entry.get("default"))


SOURCE_NAMES: tuple[str, ...] = tuple(variable("source")["values"])
