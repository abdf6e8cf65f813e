"""The emulator restarting mid-stream and SIGTERM: nothing lost (CLI as a subprocess)."""

import json
import signal
import subprocess
import sys
import time

from conftest import RUN_DIR, producer_env
from harness.kinesalite import create_stream, kinesis_client, read_all
from test_throttling_proxy import summary_of


def start_cli(endpoint, stream, tmp_path, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "streamlab_producer", "--stream", stream, "--region", "us-east-1",
         "--endpoint-url", endpoint, "--dead-letter", str(tmp_path / "dead.jsonl"), "--stats-interval", "1", *args],
        cwd=RUN_DIR, env=producer_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_until_producing(cli, timeout=30):
    """Reads stderr until the producer says it runs (startup can take seconds on a busy
    machine; a signal before the handlers exist would test nothing). Returns the lines."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = cli.stderr.readline()
        if not line:
            break
        lines.append(line)
        if "producing from" in line:
            return "".join(lines)
    raise AssertionError("producer never started:\n" + "".join(lines))


def ids_in(client, stream):
    return [json.loads(r["Data"])["id"] for r in read_all(client, stream)]


def test_emulator_restart_mid_stream_loses_nothing(persistent_kinesalite, tmp_path):
    client = kinesis_client(persistent_kinesalite.endpoint)
    stream = create_stream(client)
    cli = start_cli(persistent_kinesalite.endpoint, stream, tmp_path,
                    "--source", "synthetic", "--rate", "400", "--limit", "1600", "--seed", "11")  # fmt: skip
    early = wait_until_producing(cli)
    time.sleep(1.0)
    persistent_kinesalite.stop()  # connections refused from here on
    time.sleep(1.5)
    persistent_kinesalite.start()  # same port, same data directory
    out, err = cli.communicate(timeout=90)
    err = early + err
    assert cli.returncode == 0, err
    s = summary_of(out)
    assert s["in"] == s["out"] == "1600" and s["dead_lettered"] == "0"
    assert "connection error" in err and int(s["retried"]) > 0  # the outage really happened
    ids = ids_in(client, stream)
    # At least once: all 1,600 are there; a put acknowledged by a dying server may repeat.
    assert len(set(ids)) == 1600


def test_sigterm_flushes_the_buffer_then_exits_0(kinesis, proxy_factory, tmp_path):
    stream = create_stream(kinesis)
    # A slow shard (200 records/s) and an unpaced source: the buffer is full when SIGTERM comes.
    _, endpoint = proxy_factory(records_per_second=200)
    cli = start_cli(endpoint, stream, tmp_path, "--source", "synthetic", "--rate", "0", "--buffer-records", "200",
                    "--shard-utilization", "0.2")  # fmt: skip
    early = wait_until_producing(cli)
    time.sleep(1.5)
    cli.send_signal(signal.SIGTERM)
    out, err = cli.communicate(timeout=90)
    err = early + err
    assert cli.returncode == 0, err
    assert "SIGTERM: stopping the source, flushing" in err
    s = summary_of(out)
    assert int(s["in"]) > 200 and s["in"] == s["out"] and s["dead_lettered"] == "0"
    assert len(set(ids_in(kinesis, stream))) == int(s["in"])


def test_drain_timeout_dead_letters_the_rest_instead_of_dropping(kinesis, proxy_factory, tmp_path):
    stream = create_stream(kinesis)
    _, endpoint = proxy_factory(records_per_second=50)
    cli = start_cli(endpoint, stream, tmp_path, "--source", "synthetic", "--rate", "0", "--buffer-records", "300",
                    "--shard-utilization", "0.2", "--drain-timeout", "1")  # fmt: skip
    early = wait_until_producing(cli)
    time.sleep(1.0)
    cli.send_signal(signal.SIGTERM)
    out, err = cli.communicate(timeout=90)
    err = early + err
    assert cli.returncode == 3, err  # finished, with records in the dead-letter file
    s = summary_of(out)
    dead = (tmp_path / "dead.jsonl").read_text().splitlines()
    assert int(s["dead_lettered"]) == len(dead) > 0
    assert int(s["in"]) == int(s["out"]) + len(dead)
    delivered = set(ids_in(kinesis, stream))
    dead_ids = {json.loads(line)["record"]["id"] for line in dead}
    assert not delivered & dead_ids and len(delivered) + len(dead_ids) == int(s["in"])
    assert json.loads(dead[0])["reason"] == "shutdown before delivery"
