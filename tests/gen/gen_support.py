"""Shared by the generator tests (importable because pytest puts tests/gen on sys.path)."""

from __future__ import annotations

import importlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import psycopg

from datalayer.gen.cli import GenResult

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SQL_ROOT = FIXTURES / "sql"
SCHEMA = "genfx"

# The fixture queries point at genfx_shapes with `-- @type`; generated modules import it.
if str(FIXTURES) not in sys.path:
    sys.path.append(str(FIXTURES))


@dataclass
class Generated:
    root: Path  # holds the generated package genfx/
    module: ModuleType
    result: GenResult


def apply_fixture_schema(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((FIXTURES / "schema.sql").read_text().encode())


def copy_sql(tmp: Path) -> Path:
    """A private copy of the fixture SQL (for tests that edit it)."""
    target = tmp / "sql"
    shutil.copytree(SQL_ROOT, target)
    return target


def forget(name: str) -> None:
    """Drop the package ``name`` and its submodules from ``sys.modules``."""
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]


def import_fresh(root: Path, name: str) -> ModuleType:
    """Import the generated package ``name`` from ``root``, forgetting any earlier import."""
    forget(name)
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
