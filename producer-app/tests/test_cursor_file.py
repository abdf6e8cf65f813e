"""The Jetstream cursor survives a restart: saved atomically in the state directory, at
most every few seconds and at shutdown, and resumed from by the next process (against the
stand-in Jetstream of fake_jetstream.py, which records the cursor each connection asks for)."""

import json
import os
import threading
import time

import pytest
from fake_jetstream import FakeJetstream, cursor_of

from streamlab_producer import config
from streamlab_producer.metrics import Metrics
from streamlab_producer.sources.bluesky import CURSOR_REWIND_US, BlueskySource
from streamlab_producer.sources.cursor_file import FILE_NAME, CursorFile

NOW_US = int(time.time() * 1e6)


def events(n, start_us=NOW_US - 60_000_000):
    # Likes: they move the cursor and yield no record.
    return [
        {"did": "did:plc:stlcursor", "time_us": start_us + i * 1_000_000, "kind": "commit",
         "commit": {"rev": f"r{i}", "operation": "create", "collection": "app.bsky.feed.like", "rkey": f"k{i}",
                    "record": {"$type": "app.bsky.feed.like"}}}
        for i in range(n)
    ]  # fmt: skip


def run_until(source, condition, timeout=20):
    """Runs the source in a thread until condition() holds, then stops it (a shutdown)."""
    stop = threading.Event()
    thread = threading.Thread(target=lambda: list(source.records(stop)), daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    assert condition(), "condition not reached"


def test_save_is_atomic_rate_limited_and_loads_back(tmp_path):
    now = [100.0]
    f = CursorFile(str(tmp_path), interval=2.0, clock=lambda: now[0])
    f.maybe_save(1_000)
    f.maybe_save(2_000)  # within 2 s of the last save: not written
    assert CursorFile(str(tmp_path)).load() == 1_000
    now[0] += 2.0
    f.maybe_save(2_000)
    assert CursorFile(str(tmp_path)).load() == 2_000
    f.save(3_000)  # at shutdown: always
    assert CursorFile(str(tmp_path)).load() == 3_000
    assert os.listdir(tmp_path) == [FILE_NAME]  # no temp file left behind


def test_a_failed_rename_keeps_the_previous_cursor(tmp_path, monkeypatch):
    f = CursorFile(str(tmp_path))
    f.save(1_000)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    f.save(2_000)  # logged, not raised
    monkeypatch.undo()
    assert CursorFile(str(tmp_path)).load() == 1_000
    assert os.listdir(tmp_path) == [FILE_NAME]


@pytest.mark.parametrize("content", ["{half", '{"time_us": "1"}', '{"time_us": -5}', "[]", '{"time_us": true}'])
def test_a_file_that_is_not_a_cursor_is_ignored(tmp_path, content):
    (tmp_path / FILE_NAME).write_text(content)
    assert CursorFile(str(tmp_path)).load() is None


def test_a_restarted_source_resumes_from_the_saved_cursor(tmp_path):
    stream = events(8)
    last = stream[-1]["time_us"]
    with FakeJetstream(stream) as server:
        first = BlueskySource(server.url(), "#COVID_19", None, Metrics(), cursor_file=CursorFile(str(tmp_path)))
        assert first.cursor is None
        run_until(first, lambda: first.cursor == last)
        assert json.loads((tmp_path / FILE_NAME).read_text()) == {"time_us": last}

        second = BlueskySource(server.url(), "#COVID_19", None, Metrics(), cursor_file=CursorFile(str(tmp_path)))
        assert second.cursor == last
        run_until(second, lambda: len(server.paths) == 2)
    assert cursor_of(server.paths[0]) is None
    assert cursor_of(server.paths[1]) == last - CURSOR_REWIND_US


def test_the_cursor_is_saved_while_running_not_only_at_shutdown(tmp_path):
    stream = events(5)
    with FakeJetstream(stream) as server:
        source = BlueskySource(server.url(), None, None, Metrics(), cursor_file=CursorFile(str(tmp_path)))
        saved = lambda: CursorFile(str(tmp_path)).load() == stream[-1]["time_us"]  # noqa: E731
        stop = threading.Event()
        thread = threading.Thread(target=lambda: list(source.records(stop)), daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not saved() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert saved()  # the idle connection saved it within the save interval
        finally:
            stop.set()
            thread.join(10)


def test_state_dir_comes_from_systemd_and_must_be_writable(tmp_path):
    base = ["--stream", "s", "--region", "us-east-1"]
    assert config.parse(base, env={"STATE_DIRECTORY": f"{tmp_path}:/other"}).state_dir == str(tmp_path)
    assert config.parse(base + ["--state-dir", str(tmp_path)], env={}).state_dir == str(tmp_path)
    assert config.parse(base, env={}).state_dir is None
    with pytest.raises(config.ConfigError, match="STATE_DIRECTORY='/nonexistent/x': does not exist"):
        config.parse(base, env={"STATE_DIRECTORY": "/nonexistent/x"})
