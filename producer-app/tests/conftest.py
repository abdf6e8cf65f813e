"""Fixtures: a real kinesalite on 127.0.0.1 (node), boto3 clients for it, the throttling
proxy, and helpers to create streams and read every record back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

HERE = Path(__file__).resolve().parent
APP_DIR = HERE.parent
# The repository's one kinesalite launcher (also the offline lab's): loopback only.
LAUNCHER = APP_DIR.parent / "scripts" / "stream" / "kinesalite-server.js"
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


class Kinesalite:
    def __init__(self, data_dir: str | None = None) -> None:
        self.data_dir = data_dir
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        args = ["node", str(LAUNCHER), "--port", str(self.port)]
        if self.data_dir:
            args += ["--data-dir", self.data_dir]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.proc.kill()
            raise RuntimeError(f"kinesalite did not start: {line!r}")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def kinesis_client(endpoint: str) -> Any:
    return boto3.session.Session(region_name="us-east-1").client(
        "kinesis",
        endpoint_url=endpoint,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=10),
    )


def create_stream(client: Any, shards: int = 1) -> str:
    name = f"t-{uuid.uuid4().hex[:10]}"
    client.create_stream(StreamName=name, ShardCount=shards)
    for _ in range(100):
        if client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            return name
        time.sleep(0.05)
    raise RuntimeError("stream never became ACTIVE")


def read_all(client: Any, stream: str) -> list[dict[str, Any]]:
    """Every record in the stream, shard by shard, in sequence order."""
    out: list[dict[str, Any]] = []
    for shard in client.list_shards(StreamName=stream)["Shards"]:
        it = client.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")[
            "ShardIterator"
        ]
        while it:
            page = client.get_records(ShardIterator=it, Limit=10000)
            out.extend(page["Records"])
            if not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
                break
            it = page.get("NextShardIterator")
    return out


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
    from throttle_proxy import ThrottleProxy

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
