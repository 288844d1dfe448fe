"""How long `datalayer adopt` takes: each application's legacy fixture (tests/legacy/<app>) loaded
at a size into a scratch database, then the app migrated, a dry run, an apply and a second apply,
each timed.

    python bench/adopt.py [--rows 100000] [--app fintech ...]

Runs against DATABASE_URL's server (a role that may create databases); each scratch database is
dropped afterwards. ``--rows`` is the size of each application's largest legacy table. Prints the
apply's report (quarantine counts by reason) and one line of timings per application.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from datalayer import apps, migrate
from datalayer.adopt import adopt

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-adopt-key"


def _database(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(base: str, app: str, rows: int) -> str:
    sys.path.insert(0, str(ROOT / "tests" / "legacy" / app))
    legacy = importlib.import_module(f"{app}_legacy")
    name = f"bench_adopt_{app}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _database(base, name)
    try:
        started = time.perf_counter()
        legacy.create_schema(url, "legacy")
        legacy.generate(url, "legacy", rows)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        migrate.apply(url, apps=[app], quiet=True)
        migrated = time.perf_counter() - started
        dry = adopt(url, app, "legacy")
        applied = adopt(url, app, "legacy", apply=True, encryption_key=KEY)
        print("\n".join(applied.lines()))
        again = adopt(url, app, "legacy", apply=True, encryption_key=KEY)
        assert applied.accounted and again.changed == 0
        total = sum(t.legacy_rows for t in applied.tables)
        return (
            f"{app:<17} legacy rows {total:>8}  load {loaded:6.1f} s  migrate {migrated:5.1f} s  "
            f"dry run {dry.seconds:5.1f} s  apply {applied.seconds:5.1f} s  "
            f"second apply {again.seconds:5.1f} s"
        )
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--app", action="append", choices=sorted(apps.registered()))
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        print("set DATABASE_URL to a server where databases may be created", file=sys.stderr)
        return 2
    lines = [run(base, app, args.rows) for app in args.app or sorted(apps.registered())]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
