"""Which shard a partition key lands on: MD5 of the key as a 128-bit integer, matched
against the open shards' hash key ranges (what Kinesis itself does)."""

from __future__ import annotations

import bisect
import hashlib
import logging
from typing import Any

log = logging.getLogger(__name__)

HASH_SPACE = 2**128


def hash_key(partition_key: str) -> int:
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


class ShardMap:
    def __init__(self, starts: list[int], shard_ids: list[str] | None = None) -> None:
        if not starts:
            raise ValueError("a stream has at least one open shard")
        order = sorted(range(len(starts)), key=lambda i: starts[i])
        self.starts = [starts[i] for i in order]
        self.shard_ids = [shard_ids[i] for i in order] if shard_ids else [f"shard-{i}" for i in order]

    def __len__(self) -> int:
        return len(self.starts)

    def shard_for(self, partition_key: str) -> int:
        return max(0, bisect.bisect_right(self.starts, hash_key(partition_key)) - 1)

    @classmethod
    def uniform(cls, count: int) -> "ShardMap":
        """Even split of the hash space: how CreateStream lays out `count` shards."""
        if count < 1:
            raise ValueError("shard count must be at least 1")
        return cls([i * HASH_SPACE // count for i in range(count)])

    @classmethod
    def discover(cls, client: Any, stream: str) -> "ShardMap":
        """Open shards of the stream via ListShards (paged). Closed shards (after a reshard)
        have an EndingSequenceNumber and take no writes, so they are left out."""
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamName": stream}
        while True:
            page = client.list_shards(**kwargs)
            shards.extend(page.get("Shards", []))
            token = page.get("NextToken")
            if not token:
                break
            kwargs = {"NextToken": token}
        open_shards = [s for s in shards if "EndingSequenceNumber" not in s.get("SequenceNumberRange", {})]
        if not open_shards:
            raise ValueError(f"stream {stream!r} has no open shard")
        log.info("stream %s has %d open shard(s)", stream, len(open_shards))
        return cls(
            [int(s["HashKeyRange"]["StartingHashKey"]) for s in open_shards],
            [s["ShardId"] for s in open_shards],
        )
