"""Where the bluesky source resumes after a restart: the last Jetstream `time_us` it read,
kept in the service's state directory (systemd StateDirectory=, which systemd passes as
$STATE_DIRECTORY) so a crash, a reboot or a re-provision resumes instead of starting at the
live tip and losing the posts of the gap.

The file is replaced atomically (temp file in the same directory, fsync, rename), at most
every SAVE_INTERVAL_SECONDS and once more at shutdown, so a crash leaves the previous
cursor or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

FILE_NAME = "jetstream-cursor.json"
SAVE_INTERVAL_SECONDS = 2.0


class CursorFile:
    def __init__(
        self,
        directory: str,
        interval: float = SAVE_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = os.path.join(directory, FILE_NAME)
        self.interval = interval
        self.clock = clock
        self.saved: int | None = None
        self._last_save = float("-inf")

    def load(self) -> int | None:
        """The saved time_us, or None (no file yet, or one that is not ours: logged)."""
        try:
            with open(self.path, encoding="utf-8") as f:
                value = json.load(f).get("time_us")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignoring the saved Jetstream cursor %s: %s", self.path, exc)
            return None
        if type(value) is not int or value <= 0:
            log.warning("ignoring the saved Jetstream cursor %s: time_us is not a positive integer", self.path)
            return None
        self.saved = value
        return value

    def maybe_save(self, time_us: int | None) -> None:
        """Saves when the cursor moved and the last save is SAVE_INTERVAL_SECONDS old."""
        if time_us is not None and time_us != self.saved and self.clock() - self._last_save >= self.interval:
            self.save(time_us)

    def save(self, time_us: int | None) -> None:
        if time_us is None or time_us == self.saved:
            return
        directory = os.path.dirname(self.path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"time_us": time_us}, f)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
            # The rename itself survives a power cut only once the directory is synced.
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            # Losing the resume point must not stop the posts: say so and go on.
            log.warning("cannot save the Jetstream cursor to %s: %s", self.path, exc.strerror or exc)
            return
        self.saved = time_us
        self._last_save = self.clock()
