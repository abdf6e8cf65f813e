"""The notebook's `%run` files on plain Python, loaded as Databricks loads them.

`%run ./records` runs records.py in the notebook's own namespace, so a later file uses
what an earlier one defined without importing it (an import would need the notebook's
folder on sys.path, which serverless does not promise). `load()` does the same outside
Databricks: it reads the `%run` cells of tweets_streaming.py, in their order, and runs
each file into one module. The tests, `streamlab handout`'s tests and the DuckDB parity
test read the notebook's logic through it.
"""

import re
import sys
import types
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
NOTEBOOK = FOLDER / "tweets_streaming.py"
_RUN_CELL = re.compile(r"^# MAGIC %run \./(\w+)$", re.M)


def run_files() -> list[Path]:
    """The files the notebook `%run`s, in its order."""
    return [FOLDER / f"{name}.py" for name in _RUN_CELL.findall(NOTEBOOK.read_text(encoding="utf-8"))]


@lru_cache(maxsize=None)
def load() -> types.ModuleType:
    """One module holding every name the `%run` files define, as the notebook sees them."""
    module = types.ModuleType("streamlab_notebook", "The notebook's %run files, in order.")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    for path in run_files():
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module
