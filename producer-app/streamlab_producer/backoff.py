"""Exponential backoff with full jitter: sleep a uniform random time in
[0, min(cap, base * 2**attempt)]. Spreading retries uniformly keeps many producers (a
classroom of them on one stream) from retrying in lockstep against a throttled shard."""

from __future__ import annotations

import random


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    ceiling = min(cap, base * (2 ** min(attempt, 62)))
    return (rng or random).uniform(0.0, ceiling)
