# Databricks notebook source
"""The course's queries in Spark SQL, over the `tweets` view tweets_streaming.py reads.

The second of the notebook's `%run` files; it needs nothing from the others. Each query
exists once per engine: here for Spark, in labs/analysis/queries.ts for DuckDB, and as a
plain-Python function in records.py (summary, top_hashtags, posts_per_minute,
posts_by_place) that says what it answers; tests hold DuckDB to those functions on the
same records. No Spark runs in this repository: tests parse this SQL as Spark's dialect
and check it reads only the view's columns.
"""

# The view every SQL cell reads. Classic mode: the memory sink's table. Serverless mode: a
# temporary view over the Delta table the availableNow run appends to.
MEMORY_TABLE = "tweets"

SUMMARY_SQL = """
SELECT count(*) AS posts, count(DISTINCT author) AS authors, max(created_ts) AS newest
FROM {table}
"""

# A post counts once per tag: tags are trimmed, stripped of leading '#', lower-cased and
# made distinct per post, as records.py's Post.hashtags are.
TOP_HASHTAGS_SQL = """
SELECT tag AS hashtag, count(*) AS posts
FROM {table}
LATERAL VIEW explode(array_distinct(filter(
  transform(hashtags, h -> lower(trim(LEADING '#' FROM trim(h)))), t -> t != ''))) tags AS tag
GROUP BY tag
ORDER BY posts DESC, hashtag ASC
LIMIT {limit}
"""

POSTS_PER_MINUTE_SQL = """
SELECT date_trunc('MINUTE', created_ts) AS minute, count(*) AS posts
FROM {table}
GROUP BY 1
ORDER BY 1
"""

POSTS_BY_PLACE_SQL = """
SELECT place, count(*) AS posts
FROM {table}
WHERE place IS NOT NULL AND place != ''
GROUP BY place
ORDER BY posts DESC, place ASC
LIMIT {limit}
"""


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise ValueError(f"limit: {limit!r} is not a whole number in 1..1000")
    return limit


def summary_sql(table: str = MEMORY_TABLE) -> str:
    return SUMMARY_SQL.format(table=table)


def top_hashtags_sql(limit: int = 10, table: str = MEMORY_TABLE) -> str:
    return TOP_HASHTAGS_SQL.format(table=table, limit=_limit(limit))


def posts_per_minute_sql(table: str = MEMORY_TABLE) -> str:
    return POSTS_PER_MINUTE_SQL.format(table=table)


def posts_by_place_sql(limit: int = 10, table: str = MEMORY_TABLE) -> str:
    return POSTS_BY_PLACE_SQL.format(table=table, limit=_limit(limit))
