"""The notebook's record parsing and its plain-Python queries, on records exactly as the
producer writes them."""

import json
from datetime import datetime, timezone

import pytest

from notebook_fixtures import MALFORMED, producer_record, record_with
from run_files import load
from streamlab_producer.record import FIELDS

sc = load()


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

    def test_the_fixture_is_the_producers_bytes_without_a_newline(self):
        data = producer_record(1)
        assert not data.endswith(b"\n") and list(json.loads(data)) == list(FIELDS)

    def test_accepts_text_and_bytearray_and_utf8(self):
        data = producer_record(2, text="ñandú 日本 🚀")
        assert sc.parse_record(data.decode("utf-8")).text == "ñandú 日本 🚀"
        assert sc.parse_record(bytearray(data)).text == "ñandú 日本 🚀"

    @pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
    def test_drops_what_is_not_a_post(self, data):
        assert sc.parse_record(data) is None

    @pytest.mark.parametrize(
        "raw, text",
        [
            ("12345", "12345"),
            ("-0", "0"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("1.50", "1.5"),
            ("1e3", "1000.0"),
            ("1.2345e-5", "1.2345E-5"),
            ("1e20", "1.0E20"),
            ("true", "true"),
            ("NaN", '"NaN"'),
            ("-Infinity", '"-Infinity"'),
            ('[ "x" , 1 ]', '["x",1]'),
            ('{ "a" : [ 1 , null ] }', '{"a":[1,null]}'),
        ],
    )
    def test_a_non_string_id_becomes_its_json_text_and_the_row_is_kept(self, raw, text):
        # from_json on a string column re-serialises any non-string token for a StringType field.
        assert sc.parse_record(record_with(id=raw)).id == text

    def test_non_string_tokens_in_other_string_fields_become_text_too(self):
        post = sc.parse_record(producer_record(3, author=42, lang=True, place=["x"], text={"k": "ñ"}))
        assert (post.author, post.lang, post.place, post.text) == ("42", "true", '["x"]', '{"k":"ñ"}')

    def test_json_null_is_null(self):
        post = sc.parse_record(producer_record(3, lang=None, place=None, ingested_at=None))
        assert (post.lang, post.place, post.ingested_at) == (None, None, None)

    def test_hashtags_that_are_not_an_array_are_null_and_the_row_is_kept(self):
        post = sc.parse_record(producer_record(3, hashtags="covid"))
        assert post is not None and post.hashtags == ()

    def test_normalises_hashtags_as_the_sql_does(self):
        # Elements are strings the way from_json makes them: 7 → "7", null stays null (dropped).
        post = sc.parse_record(producer_record(4, hashtags=["#COVID_19", " Lima", "covid_19", "", "#", 7, None]))
        assert post.hashtags == ("covid_19", "lima", "7")

    @pytest.mark.parametrize(
        "ingested_at",
        ["soon", "2026-02-30T00:00:00Z", "", 1764268817, "2026-11-27T18:40:00 Mars"],
    )
    def test_a_malformed_ingested_at_is_null_and_the_row_is_kept(self, ingested_at):
        # ANSI mode: to_timestamp would raise CANNOT_PARSE_TIMESTAMP here; try_to_timestamp is NULL.
        post = sc.parse_record(producer_record(5, ingested_at=ingested_at))
        assert post is not None and post.ingested_at is None

    @pytest.mark.parametrize(
        "data",
        [
            record_with(text="[" * 100_000 + "]" * 100_000),  # deeper than any parser allows
            record_with(id="1" * 5000),  # longer than Python's int-to-str limit
            record_with(id="[" * 990 + "]" * 990),  # decodes, but re-serialising it recurses deep
            b'{"id": "x", "created_at": "2026-11-27T18:40:00Z", "hashtags": [' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"]}",
        ],
        ids=["deep nesting", "huge number", "deep id", "deep hashtag element"],
    )
    def test_never_raises_on_pathological_records(self, data):
        # Spark's parser caps depth and number length too; what matters here is no exception.
        post = sc.parse_record(data)
        assert post is None or isinstance(post, sc.Post)

    def test_reads_only_the_first_json_value_like_jackson(self):
        assert sc.parse_record(producer_record(6) + b"\n{trailing").id.endswith("/6")

    def test_a_lone_surrogate_becomes_a_question_mark_as_java_writes_it_to_utf8(self):
        post = sc.parse_record(record_with(author=r'"a\ud800b"', text=r'"\ud83d\ude00 \udc00"'))
        assert (post.author, post.text) == ("a?b", "\U0001f600 ?")

    def test_jacksons_number_length_limit_drops_the_record(self):
        assert sc.parse_record(record_with(text="1" * sc.MAX_NUMBER_LENGTH)).text == "1" * 1000
        assert sc.parse_record(record_with(text="1" * (sc.MAX_NUMBER_LENGTH + 1))) is None
        assert sc.parse_record(record_with(text="0." + "5" * sc.MAX_NUMBER_LENGTH)) is None

    def test_nesting_deeper_than_the_limit_drops_the_record(self):
        # The record's own object is the first level.
        deepest = sc.MAX_NESTING_DEPTH - 1
        kept = sc.parse_record(record_with(text="[" * deepest + "]" * deepest))
        assert kept.text == "[" * deepest + "]" * deepest
        assert sc.parse_record(record_with(text="[" * (deepest + 1) + "]" * (deepest + 1))) is None
        # Brackets inside strings are text, not nesting.
        assert sc.parse_record(record_with(text=json.dumps("[" * 5000))).text == "[" * 5000

    def test_a_duplicate_key_keeps_the_last_value(self):
        data = producer_record(7).replace(b'{"id":', b'{"id":"first","id":', 1)
        assert sc.parse_record(data).id.endswith("/7")


class TestTryToTimestamp:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ("2026-11-27T18:40:17.123Z", datetime(2026, 11, 27, 18, 40, 17, 123000, tzinfo=timezone.utc)),
            ("2026-11-27T13:40:17-05:00", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T19:40:17+0100", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27 18:40:17", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17 UTC", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17UTC+05:30", datetime(2026, 11, 27, 13, 10, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18", datetime(2026, 11, 27, 18, tzinfo=timezone.utc)),
            ("+2026-11", datetime(2026, 11, 1, tzinfo=timezone.utc)),
            ("  2026-11-27T18:40:17  ", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17UTC", datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)),
            ("2026-11-27T18:40", datetime(2026, 11, 27, 18, 40, tzinfo=timezone.utc)),
            ("2026-11-27", datetime(2026, 11, 27, tzinfo=timezone.utc)),
            ("2026-1-5T1:2:3", datetime(2026, 1, 5, 1, 2, 3, tzinfo=timezone.utc)),
            ("2026-11-27T18:40:17.123456789Z", datetime(2026, 11, 27, 18, 40, 17, 123456, tzinfo=timezone.utc)),
        ],
    )
    def test_reads_what_spark_casts(self, value, expected):
        assert sc.parse_timestamp(value) == expected

    @pytest.mark.parametrize(
        "value",
        ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T18:60:00Z",
         "2026-11-27T18:40:17z", "2026-11-27T18:40:17+19:00", "26-11-27", 1764268817, None,
         "2026-11-27T", "2026-11-27T18:40Z", "2026-11-27T18:40:17+100", "2026/11/27"],
    )
    def test_gives_none_where_try_to_timestamp_gives_null(self, value):
        assert sc.parse_timestamp(value) is None

    @pytest.mark.parametrize(
        "value",
        ["\x00 2026-11-27T18:40:17Z\x7f", "\t2026-11-27T18:40:17 \x1f", "2026-11-27T18:40:17 Z "],
    )
    def test_trims_ascii_whitespace_and_control_characters_as_spark(self, value):
        assert sc.parse_timestamp(value) == datetime(2026, 11, 27, 18, 40, 17, tzinfo=timezone.utc)

    @pytest.mark.parametrize(
        "value",
        ["\u00a02026-11-27T18:40:17Z", "2026-11-27T18:40:17Z\u3000", "\u0662\u0660\u0662\u0666-11-27",
         "２０２６-11-27", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"],
        ids=["no-break space", "ideographic space", "arabic-indic digits", "fullwidth digits",
             "before year 1 in UTC", "after year 9999 in UTC"],
    )
    def test_gives_none_for_what_spark_does_not_read_or_what_leaves_years_1_to_9999(self, value):
        assert sc.parse_timestamp(value) is None


class TestAggregations:
    def setup_method(self):
        self.posts, self.malformed = sc.parse_records(
            [producer_record(i) for i in range(12)] + list(MALFORMED.values())
        )

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

    def test_summary_counts_posts_distinct_authors_and_the_newest_time(self):
        no_author = sc.parse_record(producer_record(12, author=None))
        assert sc.summary(self.posts + [no_author]) == sc.Summary(
            posts=13, authors=3, newest=datetime(2026, 11, 27, 18, 43, 24, 123000, tzinfo=timezone.utc)
        )
        assert sc.summary([]) == sc.Summary(posts=0, authors=0, newest=None)

    def test_posts_by_place_skips_posts_without_one_and_breaks_ties_by_name(self):
        more = [
            sc.parse_record(producer_record(20 + i, place=place))
            for i, place in enumerate(["cusco", "arequipa", None, "", "cusco", "Lima"])
        ]
        assert sc.posts_by_place(self.posts + more) == [
            ("lima", 12), ("cusco", 2), ("Lima", 1), ("arequipa", 1)
        ]
        assert sc.posts_by_place(self.posts + more, limit=2) == [("lima", 12), ("cusco", 2)]
        assert sc.posts_by_place([]) == []


def test_schema_matches_the_producer_fields():
    assert tuple(name for name, _, _ in sc.RECORD_FIELDS) == FIELDS
