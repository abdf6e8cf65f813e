"""Fixtures: a real kinesalite on 127.0.0.1 (node), boto3 clients for it and the throttling
proxy (both from harness/, which the benchmark uses too), and the producer's environment."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.kinesalite import Kinesalite, kinesis_client
from harness.throttle_proxy import ThrottleProxy

HERE = Path(__file__).resolve().parent
APP_DIR = HERE.parent
# Working directory of the CLI runs: the default dead-letter file lands here, not in the tree.
RUN_DIR = tempfile.mkdtemp(prefix="streamlab-producer-run-")

# Fake credentials: kinesalite does not check them, botocore insists on having some. No
# config file or instance metadata lookups either: nothing here leaves the loopback.
os.environ.update(
    AWS_ACCESS_KEY_ID="streamlab-test",
    AWS_SECRET_ACCESS_KEY="streamlab-test-secret",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_CONFIG_FILE="/dev/null",
    AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    AWS_EC2_METADATA_DISABLED="true",
)
sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session", autouse=True)
def _clean_run_dir() -> Iterator[None]:
    yield
    shutil.rmtree(RUN_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def kinesalite() -> Iterator[Kinesalite]:
    k = Kinesalite()
    k.start()
    yield k
    k.stop()


@pytest.fixture()
def persistent_kinesalite() -> Iterator[Kinesalite]:
    data_dir = tempfile.mkdtemp(prefix="streamlab-kinesalite-")
    k = Kinesalite(data_dir)
    k.start()
    yield k
    k.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture()
def kinesis(kinesalite: Kinesalite) -> Any:
    return kinesis_client(kinesalite.endpoint)


@pytest.fixture()
def proxy_factory(kinesalite: Kinesalite) -> Iterator[Any]:
    made: list[ThrottleProxy] = []

    def make(**kwargs: Any) -> tuple[ThrottleProxy, str]:
        p = ThrottleProxy(kinesalite.port, **kwargs)
        port = p.start()
        made.append(p)
        return p, f"http://127.0.0.1:{port}"

    yield make
    for p in made:
        p.stop()


def producer_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLAB_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(APP_DIR), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env
