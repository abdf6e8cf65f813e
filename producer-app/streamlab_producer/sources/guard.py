"""Every event a source reads is untrusted input: Bluesky relays records created with
`validate:false`, so any field can hold any JSON type, a lone surrogate or megabytes.

The guard runs one event's conversion and turns whatever goes wrong into a counted skip
with a reason, so one bad event never stops the producer. Reasons name the field and what
is wrong with it, never its value (a value can be huge, or written to mislead a log
reader). Each skip is logged at debug; warnings are rate-limited to one per interval.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..record import MAX_SHORT_CHARS, text_problem

if TYPE_CHECKING:
    from ..metrics import Metrics

log = logging.getLogger(__name__)

T = TypeVar("T")

WARN_INTERVAL_SECONDS = 60.0


class Skip(ValueError):
    """This event cannot be used; the message says which field and why."""


def required_text(value: Any, field: str, max_chars: int = MAX_SHORT_CHARS, allow_empty: bool = False) -> str:
    """`value` if it is a well-formed string, else Skip naming `field`."""
    problem = text_problem(value, max_chars)
    if problem is None and not value and not allow_empty:
        problem = "empty"
    if problem is not None:
        raise Skip(f"{field}: {problem}")
    return value


def optional_text(value: Any, max_chars: int = MAX_SHORT_CHARS) -> str | None:
    """`value` if it is a well-formed non-empty string, else None (the field is dropped)."""
    return value if value and text_problem(value, max_chars) is None else None


class EventGuard:
    """Counts and explains the events a source had to skip or repair."""

    def __init__(
        self,
        source: str,
        metrics: "Metrics",
        warn_interval: float = WARN_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.metrics = metrics
        self.warn_interval = warn_interval
        self.clock = clock
        # Counted by field ("commit.record.text"), not by the whole reason, whose numbers
        # vary: a long run must not grow one key per distinct length.
        self.skipped: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()  # field -> matching posts kept without it
        self._next_warning = 0.0
        self._unreported = 0

    def run(self, convert: Callable[..., T], *args: Any) -> T | None:
        """convert(*args), or None with the event counted as skipped if it fails in any way."""
        try:
            return convert(*args)
        except Skip as exc:
            self.skip(str(exc))
        except Exception as exc:  # noqa: BLE001 - one event must never stop the producer
            self.skip(f"unexpected {type(exc).__name__} while reading the event")
        return None

    def skip(self, reason: str) -> None:
        self.metrics.add("skipped")
        self.skipped[reason.split(":", 1)[0]] += 1
        log.debug("%s: skipped an event: %s", self.source, reason)
        self._warn(f"skipped an event: {reason}")

    def drop_field(self, field: str, problem: str) -> None:
        """A matching post is kept without `field`, which is malformed."""
        self.dropped[field] += 1
        log.debug("%s: kept a post without its malformed %s (%s)", self.source, field, problem)
        self._warn(f"kept a post without its malformed {field} ({problem})")

    def _warn(self, what: str) -> None:
        self._unreported += 1
        now = self.clock()
        if now < self._next_warning:
            return
        more = f" ({self._unreported - 1} more since the last warning)" if self._unreported > 1 else ""
        log.warning("%s: %s%s; details at debug level", self.source, what, more)
        self._unreported = 0
        self._next_warning = now + self.warn_interval
