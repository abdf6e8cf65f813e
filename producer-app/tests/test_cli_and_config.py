"""Bad input gives clear errors with exit status 2; flags and STREAMLAB_* variables; the
course's command form; --help; malformed replay lines are counted, not fatal."""

import json
import subprocess
import sys

import pytest

from conftest import RUN_DIR, producer_env
from harness.kinesalite import create_stream, read_all
from streamlab_producer import config
from streamlab_producer.config import ConfigError


def cli(*args, env=None, timeout=30):
    return subprocess.run([sys.executable, "-m", "streamlab_producer", *args], cwd=RUN_DIR,
                          env=producer_env(**(env or {})), capture_output=True, text=True, timeout=timeout)  # fmt: skip


def test_course_form_and_environment_fill_the_settings():
    s = config.parse(["#COVID_19", "lima"], {"STREAMLAB_STREAM": "lab", "STREAMLAB_REGION": "sa-east-1"})
    assert (s.hashtag, s.location, s.source, s.stream, s.region) == ("#COVID_19", "lima", "bluesky", "lab", "sa-east-1")
    assert s.rate == 0 and s.linger == 0.05 and s.limit == 0


def test_flags_win_over_environment_and_env_covers_every_setting():
    env = {
        "STREAMLAB_HASHTAG": "#a", "STREAMLAB_LOCATION": "cusco", "STREAMLAB_SOURCE": "synthetic",
        "STREAMLAB_STREAM": "s1", "STREAMLAB_REGION": "us-west-2", "STREAMLAB_RATE": "25", "STREAMLAB_LIMIT": "9",
        "STREAMLAB_SEED": "5", "STREAMLAB_SHARDS": "3", "STREAMLAB_CLOUDWATCH": "1", "STREAMLAB_LINGER_MS": "20",
        "STREAMLAB_ENDPOINT_URL": "http://127.0.0.1:4567", "STREAMLAB_DEAD_LETTER": "/tmp/x.jsonl",
    }  # fmt: skip
    s = config.parse([], env)
    assert (s.hashtag, s.location, s.rate, s.limit, s.seed, s.shards, s.cloudwatch, s.linger) == (
        "#a", "cusco", 25.0, 9, 5, 3, True, 0.02)  # fmt: skip
    assert s.endpoint_url == "http://127.0.0.1:4567" and s.dead_letter == "/tmp/x.jsonl"
    s = config.parse(["#b", "--stream", "s2", "--rate", "7"], env)
    assert (s.hashtag, s.stream, s.rate, s.location) == ("#b", "s2", 7.0, "cusco")


def test_region_falls_back_to_aws_region():
    assert config.parse(["--stream", "s"], {"AWS_REGION": "eu-west-1"}).region == "eu-west-1"


@pytest.mark.parametrize(
    "argv,env,message",
    [
        ([], {"STREAMLAB_REGION": "us-east-1"}, "--stream (or STREAMLAB_STREAM) is required"),
        (["--stream", "s", "--region", "useast1"], {}, "--region='useast1': not an AWS region"),
        (["--stream", "s"], {}, "--region (or STREAMLAB_REGION, AWS_REGION) is required"),
        (["--stream", "bad name!", "--region", "us-east-1"], {}, "a stream name is"),
        (["--stream", "s", "--region", "us-east-1"], {"STREAMLAB_RATE": "fast"}, "STREAMLAB_RATE='fast': not a number"),
        (["--stream", "s", "--region", "us-east-1", "--limit", "-1"], {}, "--limit='-1': must be"),
        (["--stream", "s", "--region", "us-east-1", "--linger-ms", "500"], {}, "milliseconds between 0 and 100"),
        (["--stream", "s", "--region", "us-east-1", "--source", "replay"], {}, "--source replay needs --file"),
        (["--stream", "s", "--region", "us-east-1", "--source", "replay", "--file", "/nonexistent.jsonl"], {},
         "--file='/nonexistent.jsonl': does not exist"),  # fmt: skip
        (["--stream", "s", "--region", "us-east-1", "--source", "replay", "--file", "/tmp"], {}, "is not a readable file"),
        (["#x", "--stream", "s", "--region", "us-east-1", "--source", "x"], {}, "needs STREAMLAB_X_BEARER_TOKEN"),
        (["--stream", "s", "--region", "us-east-1", "--jetstream-url", "http://x"], {}, "must be a ws:// or wss:// URL"),
        (["--stream", "s", "--region", "us-east-1", "--endpoint-url", "localhost:4567"], {}, "http:// or https://"),
    ],
)
def test_bad_settings_are_refused_naming_the_value(argv, env, message):
    with pytest.raises(ConfigError) as err:
        config.parse(argv, env)
    assert message in str(err.value)


def test_the_token_never_shows_in_the_settings_repr():
    s = config.parse(["#x", "--source", "x", "--stream", "s", "--region", "us-east-1"],
                     {"STREAMLAB_X_BEARER_TOKEN": "AAAA-secret-token"})  # fmt: skip
    assert s.x_bearer_token == "AAAA-secret-token" and "secret" not in repr(s)


def test_cli_missing_stream_exits_2_with_a_clear_message():
    done = cli("#COVID_19", "lima", "--region", "us-east-1")
    assert done.returncode == 2
    assert "streamlab-producer: error: --stream (or STREAMLAB_STREAM) is required" in done.stderr


def test_cli_bad_region_and_unknown_flag_exit_2():
    assert cli("--stream", "s", "--region", "mars").returncode == 2
    done = cli("--stream", "s", "--regoin", "us-east-1")
    assert done.returncode == 2 and "unrecognized arguments: --regoin" in done.stderr


def test_cli_unknown_stream_exits_2_naming_it(kinesalite):
    done = cli("--stream", "no-such-stream", "--region", "us-east-1", "--endpoint-url", kinesalite.endpoint,
               "--source", "synthetic")  # fmt: skip
    assert done.returncode == 2 and "stream 'no-such-stream' does not exist in region us-east-1" in done.stderr


def test_cli_unreachable_endpoint_exits_1():
    done = cli("--stream", "s", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "--source", "synthetic")
    assert done.returncode == 1 and "cannot reach Kinesis" in done.stderr


def test_cli_help_documents_environment_and_exit_codes():
    done = cli("--help")
    assert done.returncode == 0
    for text in ("STREAMLAB_X_BEARER_TOKEN", "STREAMLAB_STREAM", "exit status", "--dead-letter", "'#COVID_19' lima"):
        assert text in done.stdout


def test_cli_replay_counts_malformed_lines_and_delivers_the_rest(kinesis, kinesalite, tmp_path):
    stream = create_stream(kinesis)
    lines = [json.dumps({"id": f"p{i}", "text": f"post {i} #Lima", "author": f"a{i % 4}"}) for i in range(30)]
    lines[5] = "{this is not json"
    lines[9] = json.dumps({"id": "x", "text": "no author"})
    (tmp_path / "posts.jsonl").write_text("\n".join(lines) + "\n")
    done = cli("--source", "replay", "--file", str(tmp_path / "posts.jsonl"), "--stream", stream,
               "--region", "us-east-1", "--endpoint-url", kinesalite.endpoint,
               "--dead-letter", str(tmp_path / "dead.jsonl"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "posts.jsonl:6: skipped" in done.stderr and "posts.jsonl:10: skipped: field 'author'" in done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert "in=28 out=28" in summary and "skipped=2" in summary and "dead_lettered=0" in summary
    assert len(read_all(kinesis, stream)) == 28


def test_cli_limit_ends_with_summary_and_exit_0(kinesis, kinesalite, tmp_path):
    stream = create_stream(kinesis)
    done = cli("#COVID_19", "lima", "--source", "synthetic", "--rate", "0", "--limit", "25", "--stream", stream,
               "--region", "us-east-1", "--endpoint-url", kinesalite.endpoint,
               "--dead-letter", str(tmp_path / "dead.jsonl"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("summary: in=25 out=25 ")
    assert all("covid_19" in json.loads(r["Data"])["hashtags"] for r in read_all(kinesis, stream))
