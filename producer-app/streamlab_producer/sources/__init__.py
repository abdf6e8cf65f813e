"""Where posts come from. Each source yields Records until it runs out, `stop` is set, or
(for the runner) --limit is reached; unusable input is counted as `skipped`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from ..record import Record

if TYPE_CHECKING:
    from ..config import Settings
    from ..metrics import Metrics

SOURCE_NAMES = ("bluesky", "x", "replay", "synthetic")


class SourceError(RuntimeError):
    """A source cannot go on (bad input file, access refused); the message says why."""

    def __init__(self, message: str, access_denied: bool = False) -> None:
        super().__init__(message)
        self.access_denied = access_denied


class Source(Protocol):
    def records(self, stop: threading.Event) -> Iterator[Record]: ...


def build_source(settings: "Settings", metrics: "Metrics") -> Source:
    # Imported lazily: `x` pulls in tweepy and `bluesky` websockets, neither needed otherwise.
    if settings.source == "synthetic":
        from .synthetic import SyntheticSource

        return SyntheticSource(settings.hashtag, settings.location, settings.rate, settings.seed, settings.record_bytes)
    if settings.source == "replay":
        from .replay import ReplaySource

        assert settings.file is not None
        return ReplaySource(settings.file, settings.rate, metrics)
    if settings.source == "bluesky":
        from .bluesky import BlueskySource
        from .cursor_file import CursorFile

        cursor_file = CursorFile(settings.state_dir) if settings.state_dir else None
        return BlueskySource(
            settings.jetstream_url, settings.hashtag, settings.location, metrics, cursor_file=cursor_file
        )
    from .x import XSource

    assert settings.x_bearer_token is not None
    return XSource(
        settings.x_bearer_token,
        settings.hashtag,
        settings.location,
        settings.x_query,
        settings.x_poll_seconds,
        metrics=metrics,
    )
