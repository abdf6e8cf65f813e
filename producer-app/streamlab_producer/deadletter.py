"""Records the sink gave up on, one JSON object per line, so nothing is lost silently.

Each line: {"at", "reason", "error_code", "error_message", "attempts", "partition_key",
"record"} where "record" is the record as written to the stream (decoded JSON). Replay a
dead-letter file with `--source replay --file FILE` (the replay source reads "record").
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from .record import utc_iso

log = logging.getLogger(__name__)


class DeadLetterFile:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.count = 0

    def check_writable(self) -> None:
        """Fails at startup, not after the first lost record, when the file can't be written."""
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        with open(self.path, "a", encoding="utf-8"):
            pass

    def write(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        lines = []
        for e in entries:
            data = e.pop("data")
            try:
                record: Any = json.loads(data)
            except ValueError:
                record = data.decode("utf-8", errors="replace")
            lines.append(json.dumps({"at": utc_iso(), **e, "record": record}, ensure_ascii=False) + "\n")
        with self._lock:
            # Append + fsync: the whole point of this file is surviving what comes next.
            with open(self.path, "a", encoding="utf-8") as f:
                f.writelines(lines)
                f.flush()
                os.fsync(f.fileno())
            self.count += len(lines)
        log.warning("dead-lettered %d record(s) to %s (%s)", len(lines), self.path, entries[0].get("reason"))
