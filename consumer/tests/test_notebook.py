"""The notebook file: valid Databricks source format, and in step with the module."""

import ast
import re
from pathlib import Path

import streamlab_consumer as sc

NOTEBOOK = Path(__file__).resolve().parents[1] / "tweets_streaming.py"
SEPARATOR = "\n# COMMAND ----------\n"


def cells():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert text.startswith("# Databricks notebook source\n")
    body = text[len("# Databricks notebook source\n") :]
    return [c.strip("\n") for c in body.split(SEPARATOR)]


def test_cells_are_markdown_sql_or_python_that_compiles():
    kinds = []
    for cell in cells():
        lines = cell.splitlines()
        if lines and lines[0].startswith("# MAGIC"):
            assert all(line == "# MAGIC" or line.startswith("# MAGIC ") for line in lines), cell
            kinds.append(lines[0].split()[2])
        else:
            compile(cell, str(NOTEBOOK), "exec")
            kinds.append("python")
    assert kinds.count("%md") >= 4 and kinds.count("%sql") >= 1 and kinds.count("python") >= 5


def test_imports_exist_in_the_module():
    tree = ast.parse(NOTEBOOK.read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "streamlab_consumer"
        for alias in node.names
    ]
    assert imported and all(hasattr(sc, name) for name in imported)


def test_reads_kinesis_into_the_memory_table_the_sql_cells_query():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert 'spark.readStream.format("kinesis")' in text
    assert 'writeStream.format("memory")' in text and ".queryName(MEMORY_TABLE)" in text
    sql = [c for c in cells() if c.startswith("# MAGIC %sql")]
    assert sql and all(re.search(rf"\bFROM {sc.MEMORY_TABLE}\b", c) for c in sql)


def test_widgets_are_the_kinesis_options_parameters():
    text = NOTEBOOK.read_text(encoding="utf-8")
    widgets = re.findall(r'dbutils\.widgets\.text\("(\w+)"', text)
    read = re.findall(r'dbutils\.widgets\.get\("(\w+)"\)', text)
    params = list(sc.kinesis_options.__code__.co_varnames[: sc.kinesis_options.__code__.co_argcount])
    assert widgets == read == params
