"""Posts from a JSONL file, one Record object per line (the schema in record.py), for
offline labs and for replaying a dead-letter file (lines with a "record" key are
unwrapped). Lines that are not valid JSON or not a record are skipped and counted."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..ratelimit import Pacer
from ..record import Record, RecordError, from_dict
from . import SourceError

if TYPE_CHECKING:
    from ..metrics import Metrics

log = logging.getLogger(__name__)

# Enough detail to fix a file without flooding the journal with a million lines.
MAX_SKIP_LOGS = 20


class ReplaySource:
    def __init__(self, path: str, rate: float, metrics: "Metrics") -> None:
        self.path = path
        self.rate = rate
        self.metrics = metrics
        self.skipped = 0

    def records(self, stop: threading.Event) -> Iterator[Record]:
        pacer = Pacer(self.rate)
        try:
            f = open(self.path, "rb")
        except OSError as exc:
            raise SourceError(f"cannot read replay file {self.path}: {exc.strerror or exc}") from exc
        with f:
            lineno = 0
            while not stop.is_set():
                raw = f.readline()
                if not raw:
                    break
                lineno += 1
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw.decode("utf-8"))
                    if isinstance(obj, dict) and isinstance(obj.get("record"), dict) and "reason" in obj:
                        obj = obj["record"]
                    record = from_dict(obj, "replay")
                except (ValueError, RecordError) as exc:
                    self._skip(lineno, str(exc))
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad line must never stop the producer
                    self._skip(lineno, f"unexpected {type(exc).__name__}")
                    continue
                wait = pacer.delay()
                if wait > 0 and stop.wait(wait):
                    return
                yield record
        if self.skipped:
            log.warning("%s: skipped %d malformed line(s)", self.path, self.skipped)

    def _skip(self, lineno: int, why: str) -> None:
        self.skipped += 1
        self.metrics.add("skipped")
        if self.skipped <= MAX_SKIP_LOGS:
            log.warning("%s:%d: skipped: %s", self.path, lineno, why)
