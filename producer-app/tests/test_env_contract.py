"""config.py reads exactly the variables of env_contract.json, with the contract's types,
defaults and flags, and --help lists them all. The TypeScript side
(test/unit/provisioning/playbooks/env-contract.test.ts) checks that what provisioning
writes reads back here unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from streamlab_producer import config
from streamlab_producer.env_contract import PATH, PREFIX, VARIABLES

CONTRACT = json.loads(PATH.read_text("utf-8"))["variables"]
PYTHON_TYPES = {"integer": int, "number": float, "boolean": bool}


class RecordingEnv(Mapping[str, str]):
    """An environment that remembers every key the reader asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self.values[key]

    def get(self, key: str, fallback: Any = None) -> Any:
        self.asked.add(key)
        return self.values.get(key, fallback)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return key in self.values

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the reader must ask for its variables by name, not list the environment")

    def __len__(self) -> int:
        return len(self.values)


def as_env(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def setting_of(name: str) -> str:
    return name[len(PREFIX) :].lower()


def every_example() -> dict[str, str]:
    return {v["name"]: as_env(v["example"]) for v in CONTRACT}


def test_every_entry_is_complete_and_names_its_flag_after_its_variable():
    assert len(VARIABLES) == len(CONTRACT), "a variable is listed twice"
    for v in CONTRACT:
        assert v["name"].startswith(PREFIX) and v["description"] and isinstance(v["secret"], bool), v
        assert v["type"] in ("string", "integer", "number", "boolean", "choice"), v
        if v["secret"]:
            assert "flag" not in v and "positional" not in v, f"{v['name']} is secret: never a flag (argv is public)"
        if "flag" in v:
            assert v["flag"] == "--" + setting_of(v["name"]).replace("_", "-"), v
        if v["type"] == "choice":
            assert v["default"] in v["values"] and v["example"] in v["values"], v


def test_the_reader_asks_for_exactly_the_contract_variables():
    env = RecordingEnv(every_example())
    config.parse([], env)
    asked = {k for k in env.asked if k.startswith(PREFIX)}
    assert asked == set(VARIABLES), (
        f"read but not in the contract: {sorted(asked - set(VARIABLES))}; "
        f"in the contract but never read: {sorted(set(VARIABLES) - asked)}"
    )


def test_every_example_reads_back_as_its_value_and_type():
    s = config.parse([], every_example())
    for v in CONTRACT:
        setting = setting_of(v["name"])
        # The one setting stored in other units: the sink wants seconds.
        got = s.linger * 1000 if setting == "linger_ms" else getattr(s, setting)
        assert got == v["example"] and type(got) is PYTHON_TYPES.get(v["type"], str), (v["name"], got)


def test_every_default_is_the_contracts():
    s = config.parse(["--stream", "s", "--region", "us-east-1"], {})
    for v in CONTRACT:
        if "default" in v:
            setting = setting_of(v["name"])
            got = s.linger * 1000 if setting == "linger_ms" else getattr(s, setting)
            assert got == v["default"], (v["name"], got)
    synthetic = config.parse(["--stream", "s", "--region", "us-east-1", "--source", "synthetic"], {})
    assert synthetic.rate == VARIABLES["STREAMLAB_RATE"]["defaultBySource"]["synthetic"] == 10


def test_help_lists_every_variable_and_every_flag():
    text = config.build_parser().format_help()
    for v in CONTRACT:
        assert v["name"] in text
        assert v.get("flag", v.get("positional", v["name"])) in text
