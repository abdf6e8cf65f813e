import sys
from pathlib import Path

CONSUMER = Path(__file__).resolve().parents[1]
# The module sits next to the notebook, not in a package: make it importable from any cwd.
sys.path.insert(0, str(CONSUMER))
# The fixtures are the producer's real bytes: import its record module, not a copy of it.
sys.path.insert(0, str(CONSUMER.parent / "producer-app"))
