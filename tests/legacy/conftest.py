"""Legacy databases: each application's old tables (made by its SQLAlchemy models) in a schema of a
fresh database, filled by the application's generator, for ``datalayer adopt`` to convert.

``LEGACY_ROWS`` sets the size of each application's largest legacy table (default 2000, so the
suite stays fast; the documented 100k runs set ``LEGACY_ROWS=100000``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def legacy_rows() -> int:
    return int(os.environ.get("LEGACY_ROWS", "2000"))


@pytest.fixture
def timings() -> Iterator[dict[str, float]]:
    """Seconds per step of a test, printed at the end (``pytest -s`` shows them)."""
    measured: dict[str, float] = {}
    started = time.perf_counter()
    yield measured
    measured["total"] = time.perf_counter() - started
    print(" ".join(f"{k}={v:.2f}s" for k, v in measured.items()))
