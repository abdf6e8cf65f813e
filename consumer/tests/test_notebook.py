"""The notebook file: valid Databricks source format, and in step with its %run files."""

import ast
import builtins
import re
from pathlib import Path

import run_files

sc = run_files.load()

NOTEBOOK = Path(__file__).resolve().parents[1] / "tweets_streaming.py"
RUN_FILES = run_files.run_files()
HEADER = "# Databricks notebook source\n"
SEPARATOR = "\n# COMMAND ----------\n"
# Names a Databricks notebook provides without an import.
DATABRICKS_GLOBALS = {"spark", "dbutils", "display"}


def cells():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    return [c.strip("\n") for c in text[len(HEADER) :].split(SEPARATOR)]


def python_cells():
    return [c for c in cells() if not c.startswith("# MAGIC")]


def test_cells_are_markdown_sql_run_or_python_that_compiles():
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
    assert kinds.index("%run") < kinds.index("python")


def test_the_modules_are_loaded_with_run_next_to_the_notebook_not_from_the_working_directory():
    # On serverless the working directory is not guaranteed; %run resolves the path
    # relative to the notebook. Each file must itself be a notebook for %run to load it.
    names = [path.stem for path in RUN_FILES]
    assert names == ["records", "queries", "settings", "streaming", "plots"]
    assert [f"# MAGIC %run ./{name}" for name in names] == [c for c in cells() if "%run" in c]
    for path in RUN_FILES:
        assert path.parent == NOTEBOOK.parent and path.read_text(encoding="utf-8").startswith(HEADER)
    assert "os.getcwd" not in NOTEBOOK.read_text(encoding="utf-8")
    python = "\n".join(python_cells())
    assert not any(re.search(rf"\bimport {name}\b", python) for name in names)  # no import to go wrong


def test_every_name_the_notebook_uses_comes_from_the_module_or_databricks():
    tree = ast.parse("\n".join(python_cells()))
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    from_module = used - bound - DATABRICKS_GLOBALS - set(dir(builtins))
    assert from_module >= {"WIDGETS", "read_settings", "parse_kinesis", "start_query", "stop"}
    assert all(hasattr(sc, name) for name in from_module), from_module - set(dir(sc))


def test_reads_kinesis_with_the_settings_and_sql_cells_query_the_view():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert 'spark.readStream.format("kinesis").options(**settings.options)' in text
    sql = [c for c in cells() if c.startswith("# MAGIC %sql")]
    assert sql and all(re.search(rf"\bFROM {sc.MEMORY_TABLE}\b", c) for c in sql)


def test_no_trigger_or_sink_is_written_in_the_notebook_itself():
    # Both modes go through start_query, whose triggers the module's tests pin down.
    text = "\n".join(python_cells())
    assert "trigger(" not in text and "writeStream" not in text and "to_timestamp" not in text


def test_widgets_are_created_from_the_modules_list_and_read_back():
    text = "\n".join(python_cells())
    assert "for widget in WIDGETS:" in text
    assert "dbutils.widgets.get(widget.name) for widget in WIDGETS" in text
    assert "dbutils.secrets.get(scope=scope, key=key)" in text
    names = [w.name for w in sc.WIDGETS]
    assert {"mode", "role_external_id", "service_credential", "secret_scope"} <= set(names)
    assert len(names) == len(set(names))


def test_the_last_cell_stops_and_drops_the_view_and_says_what_stays():
    assert cells()[-1] == "stop(spark, query)"
    stop_text = cells()[-2]
    assert "driver's memory" in stop_text and "cluster restarts" in stop_text
    assert "Delta table and the checkpoint stay" in stop_text


def test_each_files_docstring_names_the_notebook_and_only_files_that_exist():
    for path in RUN_FILES:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        names = re.findall(r"\b(\w+\.py)\b", doc)
        assert NOTEBOOK.name in names, path.name
        assert all((path.parent / name).exists() for name in names), names


def test_the_readme_documents_every_widget():
    readme = (NOTEBOOK.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Widgets and `streamlab handout`") :]
    documented = re.findall(r"^\| `(\w+)` \|", table, flags=re.M)
    assert documented[: len(sc.WIDGETS)] == [w.name for w in sc.WIDGETS]
