"""Per-call cost of a generated function over the same raw asyncpg call (a benchmark, not a test).

    .venv/bin/python tests/gen/bench_overhead.py postgresql://user@host:port/db

The database must have tests/gen/fixtures/schema.sql applied (the script applies it when the
genfx schema is missing). Prints microseconds per call for: raw asyncpg fetchrow; datalayer's
Query.fetchrow; the generated get_owner (which also validates the row into a pydantic model); and
raw fetchrow + the same validation, so the generated wrapper's own cost is the difference.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import psycopg
from gen_support import SCHEMA, SQL_ROOT, apply_fixture_schema, import_fresh

from datalayer.gen.cli import run_gen


async def interleaved(
    variants: dict[str, Callable[[], Awaitable[object]]], rounds: int = 20000
) -> dict[str, float]:
    """Run the variants round-robin (so drift hits them equally); median us per call."""
    samples: dict[str, list[float]] = {k: [] for k in variants}
    clock = time.perf_counter
    for _ in range(500):
        for fn in variants.values():
            await fn()
    for _ in range(rounds):
        for label, fn in variants.items():
            start = clock()
            await fn()
            samples[label].append(clock() - start)
    return {k: statistics.median(v) * 1e6 for k, v in samples.items()}


class _Replay:
    """Answers fetchrow with a row fetched earlier: isolates the Python-side cost (no I/O)."""

    def __init__(self, row: object) -> None:
        self.row = row

    async def fetchrow(self, sql: str, *args: object) -> object:
        return self.row


def report(title: str, results: dict[str, float]) -> None:
    print(title)
    base = results["raw"]
    for label, value in results.items():
        print(f"  {label:<34} {value:7.2f} us  ({value - base:+.2f} us over raw)")


async def bench(url: str, root: Path) -> None:
    g = import_fresh(root, SCHEMA)
    conn = await asyncpg.connect(url)
    try:
        owner = await g.create_owner(conn, name="Ada", email="ada@example.com", nickname=None)
        query = g._queries._get_owner
        sql, oid = query.sql, owner.id
        fields = g._queries._Owner_FIELDS

        def variants(c: object) -> dict[str, Callable[[], Awaitable[object]]]:
            async def raw() -> object:
                return await c.fetchrow(sql, oid)  # type: ignore[attr-defined]

            async def raw_validated() -> object:
                row = await c.fetchrow(sql, oid)  # type: ignore[attr-defined]
                return (
                    None
                    if row is None
                    else g.Owner.model_validate(dict(zip(fields, row, strict=True)))
                )

            async def via_query() -> object:
                return await query.fetchrow(c, id=oid)

            async def generated() -> object:
                return await g.get_owner(c, id=oid)

            return {
                "raw": raw,
                "raw + model_validate": raw_validated,
                "Query.fetchrow": via_query,
                "generated get_owner": generated,
            }

        report("real round trips (median per call):", await interleaved(variants(conn), 5000))
        replay = _Replay(await conn.fetchrow(sql, oid))
        report("Python side only (replayed row):", await interleaved(variants(replay)))
        await conn.execute("DELETE FROM genfx.owners WHERE id = $1", oid)
    finally:
        await conn.close()


def main() -> None:
    url = sys.argv[1]
    with psycopg.connect(url, autocommit=True) as pg:
        present = pg.execute("SELECT to_regnamespace('genfx') IS NOT NULL").fetchone()
    if not (present and present[0]):
        apply_fixture_schema(url)
    with tempfile.TemporaryDirectory() as tmp:
        assert run_gen(url, [SCHEMA], False, sql_root=SQL_ROOT, out_root=Path(tmp)) == 0
        asyncio.run(bench(url, Path(tmp)))


if __name__ == "__main__":
    main()
