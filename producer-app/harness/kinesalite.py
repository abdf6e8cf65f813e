"""A local Kinesis for the producer's tests and its benchmark (bench/producer): the
repository's one kinesalite launcher (labs/stream/kinesalite-server.js, loopback only)
started as a child, and the few boto3 calls both need to make and read a stream. Not
shipped to hosts (provisioning leaves harness/ out, as it does tests/).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

LAUNCHER = Path(__file__).resolve().parents[2] / "labs" / "stream" / "kinesalite-server.js"


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
