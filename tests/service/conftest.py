"""Service integration tests: the example service is its own small package under
examples/hoardrun_api/, importable here as ``hoardrun_api``."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hoardrun_api"
if str(EXAMPLE) not in sys.path:
    sys.path.insert(0, str(EXAMPLE))
