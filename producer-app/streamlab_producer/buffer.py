"""A bounded FIFO between the source and the sink.

When it is full the source blocks in put() (backpressure): nothing is ever dropped.
close() ends input; get() then drains what is left and returns None once empty.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedBuffer(Generic[T]):
    def __init__(self, max_items: int, max_bytes: int) -> None:
        if max_items < 1 or max_bytes < 1:
            raise ValueError("buffer bounds must be positive")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._items: deque[tuple[T, int]] = deque()
        self._bytes = 0
        self._closed = False
        self._poked = False
        self._cond = threading.Condition()
        self.blocked_seconds = 0.0  # time the source spent waiting: backpressure made visible

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    @property
    def nbytes(self) -> int:
        with self._cond:
            return self._bytes

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def _has_room(self, size: int) -> bool:
        # An empty buffer always takes one item, even one larger than max_bytes.
        if not self._items:
            return True
        return len(self._items) < self.max_items and self._bytes + size <= self.max_bytes

    def put(self, item: T, size: int) -> None:
        """Adds item, waiting while the buffer is full.

        After close() the item is still accepted (the buffer may then exceed its bound by
        the puts already under way): the record was read from the source, so it must not
        vanish; the caller stops producing once it sees `closed`.
        """
        with self._cond:
            if not self._has_room(size) and not self._closed:
                started = time.monotonic()
                while not self._has_room(size) and not self._closed:
                    self._cond.wait()
                self.blocked_seconds += time.monotonic() - started
            self._items.append((item, size))
            self._bytes += size
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> T | None:
        """Next item; None when closed and empty, or when timeout passes with nothing."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._items:
                if self._closed:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)
            item, size = self._items.popleft()
            self._bytes -= size
            self._cond.notify_all()
            return item

    def wait_nonempty(self, timeout: float, min_items: int = 1) -> None:
        """Returns when min_items are there (or any, once closed), poke() was called since
        the last wait, or timeout passes. Lets the sink sleep on one thing for all its
        events, and take records in groups rather than waking for each one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            # Closed and empty: nothing will come from here any more, so only a poke or
            # the timeout ends the wait (returning at once would make the caller spin).
            while not self._poked and len(self._items) < min_items and not (self._closed and self._items):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            self._poked = False

    def poke(self) -> None:
        with self._cond:
            self._poked = True
            self._cond.notify_all()

    def drain(self) -> list[T]:
        """Takes everything left at once (shutdown path)."""
        with self._cond:
            items = [item for item, _ in self._items]
            self._items.clear()
            self._bytes = 0
            self._cond.notify_all()
            return items

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def exhausted(self) -> bool:
        with self._cond:
            return self._closed and not self._items
