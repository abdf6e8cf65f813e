"""The notebook's logic on records shaped exactly as the producer writes them."""

import json
from datetime import datetime, timezone

import pytest

import streamlab_consumer as sc


def producer_record(i, **overrides):
    """Bytes as the producer puts them on the stream: compact JSON plus a newline."""
    record = {
        "id": f"at://did:plc:a{i % 3}/app.bsky.feed.post/{i}",
        "created_at": f"2026-11-27T18:{40 + i // 4:02d}:{(i * 7) % 60:02d}.123Z",
        "text": f"post {i} #COVID_19 en lima",
        "author": f"did:plc:a{i % 3}",
        "lang": "es",
        "hashtags": ["covid_19"] + (["lima"] if i % 2 else []) + (["salud"] if i % 3 == 0 else []),
        "place": "lima",
        "source": "synthetic",
        "ingested_at": "2026-11-27T18:50:00.000Z",
    }
    record.update(overrides)
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


MALFORMED = [
    b"",
    b"\n",
    b"not json\n",
    b'{"id": "x", "created_at": "2026-11-27T18:40:00Z"',  # cut off
    b"[1, 2]\n",
    b'"just a string"\n',
    producer_record(90, id=None),
    producer_record(91, id=""),
    producer_record(92, id=12345),  # the schema reads id as a string; a number is not a post id
    producer_record(93, created_at=None),
    producer_record(94, created_at="yesterday"),
    b"\xff\xfe\x00garbage",
]


class TestParseRecord:
    def test_reads_a_producer_record(self):
        post = sc.parse_record(producer_record(1))
        assert post == sc.Post(
            id="at://did:plc:a1/app.bsky.feed.post/1",
            created_at=datetime(2026, 11, 27, 18, 40, 7, 123000, tzinfo=timezone.utc),
            text="post 1 #COVID_19 en lima",
            author="did:plc:a1",
            lang="es",
            hashtags=("covid_19", "lima"),
            place="lima",
            source="synthetic",
            ingested_at=datetime(2026, 11, 27, 18, 50, tzinfo=timezone.utc),
        )

    def test_accepts_text_and_bytearray_and_utf8(self):
        data = producer_record(2, text="ñandú 日本 🚀")
        assert sc.parse_record(data.decode("utf-8")).text == "ñandú 日本 🚀"
        assert sc.parse_record(bytearray(data)).text == "ñandú 日本 🚀"

    @pytest.mark.parametrize("data", MALFORMED, ids=range(len(MALFORMED)))
    def test_rejects_what_is_not_a_post(self, data):
        assert sc.parse_record(data) is None

    def test_nulls_fields_of_the_wrong_type_like_from_json(self):
        post = sc.parse_record(producer_record(3, author=42, lang=None, hashtags="covid", place=["x"]))
        assert (post.author, post.lang, post.hashtags, post.place) == (None, None, (), None)

    def test_normalises_hashtags_as_the_sql_does(self):
        post = sc.parse_record(producer_record(4, hashtags=["#COVID_19", " Lima", "covid_19", "", "#", 7]))
        assert post.hashtags == ("covid_19", "lima")

    @pytest.mark.parametrize(
        "value, expected",
        [
            ("2026-11-27T18:40:17.123Z", datetime(2026, 11, 27, 18, 40, 17, 123000, tzinfo=timezone.utc)),
            ("2026-11-27T13:40:17-05:00", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-13-01T00:00:00Z", None),
            ("", None),
            (1764268817, None),
        ],
    )
    def test_timestamps(self, value, expected):
        assert sc.parse_timestamp(value) == expected


class TestAggregations:
    def setup_method(self):
        self.posts, self.malformed = sc.parse_records([producer_record(i) for i in range(12)] + MALFORMED)

    def test_counts_malformed_records(self):
        assert (len(self.posts), self.malformed) == (12, len(MALFORMED))

    def test_top_hashtags_counts_each_post_once_per_tag_and_breaks_ties_by_name(self):
        # covid_19 in all 12; lima in the 6 odd ones; salud in 0, 3, 6, 9.
        assert sc.top_hashtags(self.posts) == [("covid_19", 12), ("lima", 6), ("salud", 4)]
        assert sc.top_hashtags(self.posts, limit=1) == [("covid_19", 12)]
        tie = [sc.parse_record(producer_record(1, hashtags=["b", "a", "a"]))]
        assert sc.top_hashtags(tie) == [("a", 1), ("b", 1)]

    def test_posts_per_minute_in_utc(self):
        minute = lambda m: datetime(2026, 11, 27, 18, m, tzinfo=timezone.utc)  # noqa: E731
        assert sc.posts_per_minute(self.posts) == [(minute(40), 4), (minute(41), 4), (minute(42), 4)]
        shifted = sc.parse_record(producer_record(0, created_at="2026-11-27T13:40:59.999-05:00"))
        assert sc.posts_per_minute([shifted]) == [(minute(40), 1)]

    def test_nothing_in_nothing_out(self):
        assert sc.top_hashtags([]) == [] and sc.posts_per_minute([]) == []


class TestKinesisOptions:
    def test_widget_values_become_connector_options(self):
        assert sc.kinesis_options(" lab-lab-stream ", "eu-west-1", "TRIM_HORIZON") == {
            "streamName": "lab-lab-stream",
            "region": "eu-west-1",
            "initialPosition": "trim_horizon",
        }

    def test_at_timestamp_becomes_the_connector_json(self):
        options = sc.kinesis_options("s", "us-east-1", "at_timestamp:2026-11-27T13:00:00-05:00")
        assert json.loads(options["initialPosition"]) == {
            "at_timestamp": "11/27/2026 18:00:00 UTC",
            "format": "MM/dd/yyyy HH:mm:ss ZZZ",
        }

    def test_role_arn_is_passed_when_set(self):
        arn = "arn:aws:iam::123456789012:role/lab-databricks-reader"
        assert sc.kinesis_options("s", "us-east-1", "latest", arn)["roleArn"] == arn

    def test_every_bad_widget_is_named(self):
        with pytest.raises(ValueError) as err:
            sc.kinesis_options("", "Europe", "beginning", "not-an-arn")
        message = str(err.value)
        for expected in (
            "stream_name: '' is not a Kinesis stream name",
            "region: 'Europe' is not an AWS region",
            "initial_position: 'beginning' is not one of latest, trim_horizon, earliest",
            "role_arn: 'not-an-arn' is not an IAM role ARN",
        ):
            assert expected in message

    def test_bad_at_timestamp(self):
        with pytest.raises(ValueError, match="initial_position: 'at_timestamp:soon'"):
            sc.kinesis_options("s", "us-east-1", "at_timestamp:soon")


class TestSql:
    def test_queries_name_the_memory_table(self):
        assert "FROM tweets" in sc.top_hashtags_sql(5)
        assert "LIMIT 5" in sc.top_hashtags_sql(5)
        assert "FROM tweets" in sc.posts_per_minute_sql()

    @pytest.mark.parametrize("limit", [0, -1, 1001, 2.5, "10; DROP TABLE tweets", True])
    def test_limit_is_checked(self, limit):
        with pytest.raises(ValueError, match="limit"):
            sc.top_hashtags_sql(limit)


def test_schema_matches_the_producer_fields():
    # producer-app/streamlab_producer/record.py FIELDS, in order.
    assert [name for name, _, _ in sc.RECORD_FIELDS] == [
        "id", "created_at", "text", "author", "lang", "hashtags", "place", "source", "ingested_at",
    ]


def test_module_imports_without_spark_or_matplotlib():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['matplotlib'] = None; "
        "import streamlab_consumer"
    )
    subprocess.run([sys.executable, "-c", code], cwd=Path(sc.__file__).parent, check=True)
