# Databricks notebook source
# MAGIC %md
# MAGIC # streamlab: posts from Kinesis, live, with Spark Structured Streaming
# MAGIC
# MAGIC This notebook reads **your** lab's Kinesis Data Stream as it fills, keeps the posts in an
# MAGIC in-memory table called `tweets`, and queries it with Spark SQL, pandas and matplotlib.
# MAGIC
# MAGIC 1. Fill in the widgets at the top with the values `streamlab handout` printed for you
# MAGIC    (stream name and region). Leave `initial_position` at `latest` to see only new posts,
# MAGIC    or use `trim_horizon` to start from the oldest post the stream still keeps.
# MAGIC 2. Run the cells in order. The streaming query keeps running in the background; re-run
# MAGIC    the query cells to see the numbers grow.
# MAGIC 3. Run the last cell to stop the stream when you are done (the cluster keeps costing money
# MAGIC    until it auto-terminates).
# MAGIC
# MAGIC The cluster needs read access to the stream (see `consumer/README.md`): an instance
# MAGIC profile, or a role ARN in the `role_arn` widget. Never paste access keys into a notebook.

# COMMAND ----------

# Defaults for the widgets: replace them with your values from `streamlab handout`, or
# just type into the widgets above the notebook.
HANDOUT = {
    "stream_name": "",
    "region": "us-east-1",
    "initial_position": "latest",
    "role_arn": "",
}

dbutils.widgets.text("stream_name", HANDOUT["stream_name"], "Kinesis stream")
dbutils.widgets.text("region", HANDOUT["region"], "Region")
dbutils.widgets.text("initial_position", HANDOUT["initial_position"], "Initial position")
dbutils.widgets.text("role_arn", HANDOUT["role_arn"], "Role ARN (optional)")

# COMMAND ----------

# streamlab_consumer.py sits next to this notebook; in a Databricks Git folder the
# notebook's folder is importable. The logic lives there so it can be tested without Spark.
import os
import sys

if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

import matplotlib.pyplot as plt
from streamlab_consumer import (
    MEMORY_TABLE,
    kinesis_options,
    parse_kinesis,
    plot_posts_per_minute,
    plot_top_hashtags,
    posts_per_minute_sql,
    top_hashtags_sql,
)

options = kinesis_options(
    dbutils.widgets.get("stream_name"),
    dbutils.widgets.get("region"),
    dbutils.widgets.get("initial_position"),
    dbutils.widgets.get("role_arn"),
)
print("Reading", options["streamName"], "in", options["region"], "from", options["initialPosition"])

# COMMAND ----------

# MAGIC %md
# MAGIC ## Start the stream
# MAGIC
# MAGIC Each Kinesis record carries one post as JSON in its binary `data` column. `parse_kinesis`
# MAGIC applies the producer's schema, types the timestamps and drops records that are not posts.
# MAGIC The memory sink keeps every post in the driver's memory: fine for a lab, not for days.

# COMMAND ----------

# Minutes are counted in UTC, as the producer writes its timestamps.
spark.conf.set("spark.sql.session.timeZone", "UTC")

raw = spark.readStream.format("kinesis").options(**options).load()
posts = parse_kinesis(raw)

query = (
    posts.writeStream.format("memory")
    .queryName(MEMORY_TABLE)
    .outputMode("append")
    .trigger(processingTime="10 seconds")
    .start()
)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Query it with Spark SQL
# MAGIC
# MAGIC Give the stream a few seconds (one trigger is 10 s), then run these cells again and again.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT count(*) AS posts, count(DISTINCT author) AS authors, max(created_ts) AS newest
# MAGIC FROM tweets

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT created_ts, author, place, hashtags, text
# MAGIC FROM tweets
# MAGIC ORDER BY created_ts DESC
# MAGIC LIMIT 20

# COMMAND ----------

display(spark.sql(top_hashtags_sql(10)))

# COMMAND ----------

# MAGIC %md
# MAGIC ## pandas and matplotlib
# MAGIC
# MAGIC `toPandas()` brings a query's result to the driver: always aggregate (or `LIMIT`) first.

# COMMAND ----------

top = spark.sql(top_hashtags_sql(15)).toPandas()
plot_top_hashtags(top)
plt.show()

# COMMAND ----------

per_minute = spark.sql(posts_per_minute_sql()).toPandas()
plot_posts_per_minute(per_minute)
plt.show()
per_minute.tail(10)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Stop
# MAGIC
# MAGIC Stops the streaming query (the `tweets` table disappears with it). Terminate the cluster
# MAGIC too if you are done: it is billed while it runs.

# COMMAND ----------

query.stop()
