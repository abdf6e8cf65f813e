"""A stand-in for Jetstream's /subscribe WebSocket (there is no Internet here): it sends
the given events, in order, from the connection's `cursor` (a time_us, as Jetstream v1
reads it) on, and records the path of each connection so a test can see the cursor.

Raw strings in `events` are sent as they are (to test malformed messages); dicts are
sent as JSON. Run as a script it serves a JSONL file and appends each connection's path
to a file, for a producer on a test host:

    python3 fake_jetstream.py --port 8765 --events events.jsonl --paths paths.log
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import websockets


def request_path(ws: Any, path: str | None) -> str:
    """The path asked for: an argument before websockets 13, `ws.request.path` since."""
    request = getattr(ws, "request", None)
    return path or (request.path if request is not None else ws.path)


def cursor_of(path: str) -> int | None:
    values = parse_qs(urlsplit(path).query).get("cursor")
    return int(values[0]) if values else None


def time_us_of(event: Any) -> int:
    if isinstance(event, dict) and type(event.get("time_us")) is int:
        return event["time_us"]
    return 0  # a raw or malformed message goes with any cursor


class FakeJetstream:
    """In a thread of the test process; the first connection drops after `drop_after`
    messages (no close frame, like a broken link) when given."""

    def __init__(self, events: list[Any], drop_after: int | None = None, hold_open: bool = True) -> None:
        self.events = events
        self.drop_after = drop_after
        self.hold_open = hold_open
        self.paths: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def handler(self, ws: Any, path: str | None = None) -> None:
        path = request_path(ws, path)
        self.paths.append(path)
        cursor = cursor_of(path)
        pending = [e for e in self.events if cursor is None or time_us_of(e) >= cursor]
        for i, e in enumerate(pending):
            if len(self.paths) == 1 and i == self.drop_after:
                ws.transport.abort()
                return
            await ws.send(e if isinstance(e, str) else json.dumps(e))
        if self.hold_open:
            await ws.wait_closed()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(websockets.serve(self.handler, "127.0.0.1", 0, max_size=2**23))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def url(self, query: str = "wantedCollections=app.bsky.feed.post") -> str:
        return f"ws://127.0.0.1:{self.port}/subscribe?{query}"

    def __enter__(self) -> "FakeJetstream":
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc: Any) -> None:
        async def shutdown() -> None:
            self.server.close()
            await self.server.wait_closed()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def main() -> None:
    p = argparse.ArgumentParser(description="stand-in Jetstream for tests")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--events", required=True, help="JSONL file of events to send")
    p.add_argument("--paths", required=True, help="file each connection's path is appended to")
    args = p.parse_args()
    with open(args.events, encoding="utf-8") as f:
        events = [json.loads(line) for line in f if line.strip()]

    async def handler(ws: Any, path: str | None = None) -> None:
        path = request_path(ws, path)
        with open(args.paths, "a", encoding="utf-8") as out:
            out.write(path + "\n")
        cursor = cursor_of(path)
        for e in events:
            if cursor is None or time_us_of(e) >= cursor:
                await ws.send(json.dumps(e))
        await ws.wait_closed()

    async def serve() -> None:
        async with websockets.serve(handler, args.host, args.port):
            print(f"listening {args.port}", flush=True)
            await asyncio.Future()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
