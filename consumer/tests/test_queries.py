"""The notebook's Spark SQL: its builders, and the text read as Spark's dialect."""

import pytest

import run_files
from notebook_fixtures import view_columns

sc = run_files.load()


class TestSql:
    def test_queries_name_the_view(self):
        assert "FROM tweets" in sc.top_hashtags_sql(5)
        assert "LIMIT 5" in sc.top_hashtags_sql(5)
        assert "FROM tweets" in sc.posts_per_minute_sql()

    @pytest.mark.parametrize("limit", [0, -1, 1001, 2.5, "10; DROP TABLE tweets", True])
    def test_limit_is_checked(self, limit):
        with pytest.raises(ValueError, match="limit"):
            sc.top_hashtags_sql(limit)


# Each query's Spark SQL, by the plain-Python function in records.py that says what it answers.
QUERIES = {
    "summary": sc.SUMMARY_SQL,
    "top_hashtags": sc.TOP_HASHTAGS_SQL,
    "posts_per_minute": sc.POSTS_PER_MINUTE_SQL,
    "posts_by_place": sc.POSTS_BY_PLACE_SQL,
}


def test_every_course_query_has_spark_sql_and_a_python_answer():
    assert all(callable(getattr(sc, name)) for name in QUERIES)
    assert all(callable(getattr(sc, f"{name}_sql")) for name in QUERIES)


@pytest.mark.parametrize("name", QUERIES)
def test_the_spark_sql_is_written_once_in_the_queries_file(name):
    lines = [line.strip() for line in QUERIES[name].splitlines() if len(line.strip()) > 12]
    others = [p for p in run_files.FOLDER.rglob("*.py") if p.name != "queries.py" and "tests" not in p.parts]
    for path in others:
        text = path.read_text(encoding="utf-8")
        assert not any(line in text for line in lines), (name, path.name)


@pytest.mark.parametrize("name", QUERIES)
def test_the_spark_sql_parses_as_spark_and_reads_only_the_views_columns(name, monkeypatch):
    # No Spark here: sqlglot (Debian's python3-sqlglot) reads the text as Spark's dialect,
    # which catches a syntax error and a column the view does not have.
    sqlglot = pytest.importorskip("sqlglot")
    from sqlglot import exp

    sql = getattr(sc, f"{name}_sql")()
    tree = sqlglot.parse_one(sql, read="spark", error_level=sqlglot.ErrorLevel.RAISE)
    assert {t.name for t in tree.find_all(exp.Table)} == {sc.MEMORY_TABLE}
    defined = {a.alias for a in tree.find_all(exp.Alias)} | {
        column.name
        for lateral in tree.find_all(exp.Lateral)
        for column in lateral.args["alias"].args.get("columns") or []
    }
    read = {c.name for c in tree.find_all(exp.Column)} - defined
    assert read and read <= set(view_columns(monkeypatch)), read


def test_a_column_the_view_lacks_would_be_caught(monkeypatch):
    sqlglot = pytest.importorskip("sqlglot")
    from sqlglot import exp

    tree = sqlglot.parse_one("SELECT user_location, count(*) AS posts FROM tweets GROUP BY 1", read="spark")
    assert not {c.name for c in tree.find_all(exp.Column)} <= set(view_columns(monkeypatch))
