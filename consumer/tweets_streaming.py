# Databricks notebook source
# MAGIC %md
# MAGIC # streamlab: posts from Kinesis with Spark Structured Streaming
# MAGIC
# MAGIC This notebook reads **your** lab's Kinesis Data Stream, keeps the posts in a table called
# MAGIC `tweets`, and queries it with Spark SQL, pandas and matplotlib. Choose the `mode` widget
# MAGIC for the compute you have (details in `consumer/README.md`):
# MAGIC
# MAGIC * **classic**: a classic cluster (dedicated access mode, Databricks Runtime 17.3 LTS) on a
# MAGIC   Databricks workspace on AWS. The stream is read live into an in-memory table, a
# MAGIC   micro-batch every 10 seconds, until you stop it.
# MAGIC * **serverless**: serverless compute, the only compute of the Free Edition. Serverless
# MAGIC   has no time-based triggers, so each run of the *Start* cell reads what the stream holds
# MAGIC   since the last run (`availableNow`) into a Delta table, then stops. Re-run it to fetch
# MAGIC   new posts.
# MAGIC
# MAGIC 1. Fill in the widgets with the values `streamlab handout` printed for you.
# MAGIC 2. Run the cells in order, then re-run the query cells (serverless: the *Start* cell
# MAGIC    first) to see the numbers grow.
# MAGIC 3. Run the last cell when you are done.
# MAGIC
# MAGIC Reading needs AWS credentials (README, "Credentials"): an instance profile (classic
# MAGIC only), a service credential, or access keys kept in a secret scope, optionally assuming
# MAGIC the reader role in `role_arn`. Never paste access keys into a notebook.
# MAGIC
# MAGIC The next five cells load the notebook's logic from the files beside it: how a record is
# MAGIC parsed (`records`), the course's queries (`queries`), the widgets (`settings`), the
# MAGIC Spark stream (`streaming`) and the plots (`plots`).

# COMMAND ----------

# MAGIC %run ./records

# COMMAND ----------

# MAGIC %run ./queries

# COMMAND ----------

# MAGIC %run ./settings

# COMMAND ----------

# MAGIC %run ./streaming

# COMMAND ----------

# MAGIC %run ./plots

# COMMAND ----------

# Defaults for the widgets: replace them with your values from `streamlab handout`, or
# just type into the widgets above the notebook. Names not listed keep WIDGETS' defaults.
HANDOUT = {
    "mode": "classic",
    "stream_name": "",
    "region": "us-east-1",
}

for widget in WIDGETS:
    default = HANDOUT.get(widget.name, widget.default)
    if widget.choices:
        dbutils.widgets.dropdown(widget.name, default, list(widget.choices), widget.label)
    else:
        dbutils.widgets.text(widget.name, default, widget.label)

# A wrong widget is named here, before Spark starts; access keys are read from the secret
# scope by name and never printed.
settings = read_settings(
    {widget.name: dbutils.widgets.get(widget.name) for widget in WIDGETS},
    secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
print(settings.describe())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Start the stream
# MAGIC
# MAGIC Each Kinesis record carries one post as JSON in its binary `data` column. `parse_kinesis`
# MAGIC applies the producer's schema, types the timestamps with `try_to_timestamp` (a malformed
# MAGIC time becomes NULL instead of stopping the query under ANSI mode) and drops records that
# MAGIC are not posts. **Serverless:** re-run this cell whenever you want the newest posts.

# COMMAND ----------

# Minutes are counted in UTC, as the producer writes its timestamps.
spark.conf.set("spark.sql.session.timeZone", "UTC")

raw = spark.readStream.format("kinesis").options(**settings.options).load()
posts = parse_kinesis(raw)

if settings.mode == "serverless":
    spark.sql(f"CREATE VOLUME IF NOT EXISTS {settings.volume}")
query = start_query(posts, settings)
if settings.mode == "serverless":
    query.awaitTermination()  # availableNow: returns once everything available is written
    show_as_view(spark, settings)
    print(spark.table(MEMORY_TABLE).count(), "posts in", settings.table)

# COMMAND ----------

# MAGIC %md
# MAGIC ## How fast is it reading?
# MAGIC
# MAGIC The course's streaming dashboard, as numbers: per micro-batch the input rate, the
# MAGIC processing rate and the batch duration (ms). Classic: the same charts are under the
# MAGIC *Start* cell and in the Spark UI's *Structured Streaming* tab. Serverless has no Spark
# MAGIC UI: this table is where to look.

# COMMAND ----------

import pandas as pd

display(pd.DataFrame(progress_rows(query.recentProgress), columns=list(PROGRESS_COLUMNS)))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Query it with Spark SQL
# MAGIC
# MAGIC Classic: give the stream a few seconds (one trigger is 10 s), then run these cells again
# MAGIC and again. Serverless: re-run the *Start* cell, then these.

# COMMAND ----------

display(spark.sql(summary_sql()))

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

import matplotlib.pyplot as plt

top = spark.sql(top_hashtags_sql(15)).toPandas()
plot_top_hashtags(top)
plt.show()

# COMMAND ----------

per_minute = spark.sql(posts_per_minute_sql()).toPandas()
plot_posts_per_minute(per_minute)
plt.show()
per_minute.tail(10)

# COMMAND ----------

places = spark.sql(posts_by_place_sql(15)).toPandas()
plot_posts_by_place(places)
plt.show()

# COMMAND ----------

# MAGIC %md
# MAGIC ## Stop
# MAGIC
# MAGIC Stops the streaming query (classic) and drops the `tweets` view. What stays:
# MAGIC
# MAGIC * **classic**: the memory sink's rows live in the driver's memory; `query.stop()` alone
# MAGIC   does not free them, because Spark never drops the view it created at start. They are
# MAGIC   gone once the view is dropped (this cell) or the cluster restarts. The cluster itself is
# MAGIC   billed until it terminates: terminate it, or let auto-termination do it.
# MAGIC * **serverless**: the Delta table and the checkpoint stay (that is what lets the next run
# MAGIC   continue where this one stopped). To start over, run
# MAGIC   `DROP TABLE <table>` and delete the checkpoint folder in the volume.

# COMMAND ----------

stop(spark, query)
