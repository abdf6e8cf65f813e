"""An HTTP proxy in front of kinesalite that behaves like a provisioned Kinesis stream
under load: each shard accepts 1,000 records/s and 1 MiB/s (data + partition key); the
PutRecords entries beyond that come back as ProvisionedThroughputExceededException, the
others are forwarded. kinesalite itself never throttles, hence this.

Independent of the producer's own limiter on purpose (its own bucket, its own MD5 shard
lookup), so the tests check the producer against the rules, not against itself.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _decoded_len(b64: str) -> int:
    """Size of a base64 blob once decoded, without decoding it."""
    return len(b64) * 3 // 4 - (2 if b64.endswith("==") else 1 if b64.endswith("=") else 0)


class _Bucket:
    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self.level = per_second  # one second of burst, like a fresh shard
        self.at = time.monotonic()

    def take(self, n: float) -> bool:
        now = time.monotonic()
        self.level = min(self.per_second, self.level + (now - self.at) * self.per_second)
        self.at = now
        if self.level >= n:
            self.level -= n
            return True
        return False


class ThrottleProxy:
    def __init__(
        self,
        upstream_port: int,
        records_per_second: float = 1000,
        bytes_per_second: float = 1024 * 1024,
        internal_failures: int = 0,
    ) -> None:
        self.upstream_port = upstream_port
        self.records_per_second = records_per_second
        self.bytes_per_second = bytes_per_second
        self.internal_failures = internal_failures  # first N entries answered InternalFailure
        self.lock = threading.Lock()
        self.shards: dict[str, list[tuple[int, int, _Bucket, _Bucket]]] = {}
        self.accepted = 0
        self.throttled = 0
        self.injected = 0
        self.put_calls = 0
        self.accept_times: list[float] = []
        self.server: ThreadingHTTPServer | None = None

    # -- upstream ---------------------------------------------------------------------
    def _upstream(self, target: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            hdrs = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "host", "connection")}
            hdrs["Content-Length"] = str(len(body))
            hdrs["X-Amz-Target"] = target
            conn.request("POST", "/", body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, resp.read(), resp.getheader("Content-Type", "application/x-amz-json-1.1")
        finally:
            conn.close()

    def _shards_of(self, stream: str, headers: dict[str, str]) -> list[tuple[int, int, _Bucket, _Bucket]]:
        with self.lock:
            if stream in self.shards:
                return self.shards[stream]
        status, body, _ = self._upstream(
            "Kinesis_20131202.ListShards", json.dumps({"StreamName": stream}).encode(), headers
        )
        shards = []
        for s in json.loads(body).get("Shards", []) if status == 200 else []:
            if "EndingSequenceNumber" in s["SequenceNumberRange"]:
                continue
            r = s["HashKeyRange"]
            shards.append(
                (
                    int(r["StartingHashKey"]),
                    int(r["EndingHashKey"]),
                    _Bucket(self.records_per_second),
                    _Bucket(self.bytes_per_second),
                )
            )
        with self.lock:
            return self.shards.setdefault(stream, shards)

    # -- PutRecords -------------------------------------------------------------------
    def put_records(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = json.loads(body)
        records = request["Records"]
        shards = self._shards_of(request["StreamName"], headers)
        verdicts: list[dict[str, Any] | None] = []
        forward: list[dict[str, Any]] = []
        with self.lock:
            self.put_calls += 1
            decided = time.monotonic()  # when the shard took them: what the limit is about
            for rec in records:
                if self.injected < self.internal_failures:
                    self.injected += 1
                    verdicts.append({"ErrorCode": "InternalFailure", "ErrorMessage": "Internal service failure."})
                    continue
                key = int.from_bytes(hashlib.md5(rec["PartitionKey"].encode()).digest(), "big")
                if "ExplicitHashKey" in rec:
                    key = int(rec["ExplicitHashKey"])
                shard = next((s for s in shards if s[0] <= key <= s[1]), None)
                size = _decoded_len(rec["Data"]) + len(rec["PartitionKey"].encode())
                if shard is not None and not (shard[2].take(1) and shard[3].take(size)):
                    self.throttled += 1
                    verdicts.append(
                        {
                            "ErrorCode": "ProvisionedThroughputExceededException",
                            "ErrorMessage": "Rate exceeded for shard in stream under account 000000000000.",
                        }
                    )
                    continue
                verdicts.append(None)
                forward.append(rec)
        results: list[dict[str, Any]] = []
        if forward:
            # Nothing refused: pass the original body on untouched (cheaper on 2 cores).
            out = body if len(forward) == len(records) else json.dumps(
                {"StreamName": request["StreamName"], "Records": forward}
            ).encode()
            status, up_body, _ = self._upstream("Kinesis_20131202.PutRecords", out, headers)
            if status != 200:
                return status, up_body
            results = json.loads(up_body)["Records"]
        merged = []
        it = iter(results)
        for v in verdicts:
            merged.append(v if v is not None else next(it))
        failed = sum(1 for r in merged if "ErrorCode" in r)
        with self.lock:
            ok = len(merged) - failed
            self.accepted += ok
            self.accept_times.extend([decided] * ok)
        return 200, json.dumps({"FailedRecordCount": failed, "Records": merged}).encode()

    # -- server -----------------------------------------------------------------------
    def start(self) -> int:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                headers = {k: v for k, v in self.headers.items()}
                try:
                    if target.endswith(".PutRecords"):
                        status, out = proxy.put_records(body, headers)
                        ctype = "application/x-amz-json-1.1"
                    else:
                        status, out, ctype = proxy._upstream(target, body, headers)
                except OSError:
                    self.send_error(502)
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def steady_rate(self) -> float:
        """Accepted records/s over the run, not counting the one second of burst each
        shard allows at the start (which would otherwise inflate a short run's figure)."""
        with self.lock:
            times = sorted(self.accept_times)
            shards = sum(len(v) for v in self.shards.values()) or 1
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        burst = self.records_per_second * shards
        return max(0.0, len(times) - burst) / (times[-1] - times[0])
