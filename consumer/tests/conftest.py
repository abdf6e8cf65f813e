import sys
from pathlib import Path

# The module sits next to the notebook, not in a package: make it importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
