# Databricks notebook source
"""Spark wiring for tweets_streaming.py: the record schema, parsing Kinesis rows, the two
sinks, the streaming progress and stopping.

The fourth of the notebook's `%run` files. It uses names the earlier ones define:
`RECORD_FIELDS` (records.py), `MEMORY_TABLE` (queries.py) and `Settings` (settings.py).
pyspark is imported inside the functions that need it, so the file loads without Spark.
"""

import json
from typing import Any, Iterable


def spark_schema():
    """RECORD_FIELDS as a Spark StructType (every JSON time is read as a string first)."""
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    def spark_type(kind: str):
        return ArrayType(StringType()) if kind == "string[]" else StringType()

    return StructType([StructField(name, spark_type(kind), True) for name, kind, _ in RECORD_FIELDS])


def parse_kinesis(frame):
    """Kinesis rows (binary `data`) → one row per post with typed times, like parse_record.

    try_to_timestamp, not to_timestamp: with ANSI mode on (Runtime 17+, serverless)
    to_timestamp raises CANNOT_PARSE_TIMESTAMP on one bad value and stops the query;
    try_to_timestamp gives NULL and the filter drops the record.
    """
    from pyspark.sql import functions as F

    post = F.from_json(F.col("data").cast("string"), spark_schema())
    parsed = frame.select(post.alias("post"), F.col("approximateArrivalTimestamp").alias("arrived_at"))
    return parsed.select(
        *[F.col(f"post.{name}").alias(name) for name, _, _ in RECORD_FIELDS],
        F.try_to_timestamp(F.col("post.created_at")).alias("created_ts"),
        F.try_to_timestamp(F.col("post.ingested_at")).alias("ingested_ts"),
        "arrived_at",
    ).where(F.col("id").isNotNull() & (F.col("id") != "") & F.col("created_ts").isNotNull())


CLASSIC_TRIGGER_SECONDS = 10


def start_query(posts, settings: Settings):
    """Starts writing the parsed posts; returns the StreamingQuery.

    classic: a memory sink named `tweets`, a micro-batch every 10 s, running until stopped.
    serverless: an availableNow run appending to the Delta table: it reads what the
    stream holds past the checkpoint, then stops by itself (serverless supports no
    time-based trigger). Re-run it to fetch what arrived since.
    """
    writer = posts.writeStream.outputMode("append")
    if settings.mode == "classic":
        return (
            writer.format("memory")
            .queryName(MEMORY_TABLE)
            .trigger(processingTime=f"{CLASSIC_TRIGGER_SECONDS} seconds")
            .start()
        )
    return (
        writer.option("checkpointLocation", settings.checkpoint)
        .trigger(availableNow=True)
        .toTable(settings.table)
    )


# The course's streaming-dashboard numbers, per micro-batch, as Spark reports them in
# StreamingQueryProgress: input vs processing rate and the batch duration.
PROGRESS_COLUMNS = ("batchId", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "batchDuration")


def progress_rows(progress: Iterable[Any]) -> list[dict[str, Any]]:
    """query.recentProgress → one row per micro-batch with PROGRESS_COLUMNS.

    Serverless shows no Spark UI and an availableNow run leaves no live chart: this is
    where its input rate, processing rate and batch duration are read. Accepts the dicts
    PySpark 3.5 returns and the StreamingQueryProgress objects of PySpark 4 (their `.json`).
    """
    rows = []
    for p in progress:
        doc = json.loads(p.json) if hasattr(p, "json") else dict(p)
        rows.append({column: doc.get(column) for column in PROGRESS_COLUMNS})
    return rows


def show_as_view(spark, settings: Settings) -> None:
    """Serverless: the SQL cells read `tweets`; point it at the table (classic: the sink made it)."""
    if settings.mode == "serverless":
        spark.read.table(settings.table).createOrReplaceTempView(MEMORY_TABLE)


def stop(spark, query) -> None:
    """Stops the query if it still runs and drops the `tweets` view.

    Spark creates the memory sink's view once, at start, and never drops it: without this
    the rows stay in the driver's memory after query.stop() until the cluster restarts.
    """
    if query is not None and query.isActive:
        query.stop()
    spark.catalog.dropTempView(MEMORY_TABLE)
