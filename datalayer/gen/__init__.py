"""Typed query modules generated from the SQL: ``datalayer gen [--check] [SCHEMA ...]``.

The generator (describe, nullability, emit) is imported lazily: generated modules import only
:mod:`datalayer.gen.runtime`, which needs neither pglast nor psycopg.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

__all__ = ["add_arguments", "main", "run_from_args", "run_gen"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``gen``'s arguments to ``parser`` (for the ``datalayer`` command; imports nothing heavy)."""
    parser.add_argument("schemas", nargs="*", metavar="SCHEMA", help="default: every sql/ folder")
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate in memory; exit 1 with a unified diff when a file is stale, missing or "
        "orphaned",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a database already migrated to head, used as it is (default: a scratch database "
        "migrated from nothing on the server at DATABASE_URL, dropped afterwards)",
    )
    parser.add_argument("--sql-dir", default=None, help="default: the project's sql/")
    parser.add_argument("--out-dir", default=None, help="default: the datalayer package")


def run_from_args(args: argparse.Namespace) -> int:
    from .cli import run_from_args as run

    return run(args)


def run_gen(
    url: str | None,
    schemas: Sequence[str],
    check: bool,
    *,
    sql_root: Path | None = None,
    out_root: Path | None = None,
) -> int:
    """Generate (``check=False``) or verify (``check=True``) the typed modules; see :mod:`.cli`."""
    from .cli import run_gen as run

    return run(url, schemas, check, sql_root=sql_root, out_root=out_root)


def main(argv: Sequence[str] | None = None) -> int:
    from .cli import main as run

    return run(argv)
