"""Per-call overhead of datalayer against the same raw asyncpg call, and the cost of pool resets.

    python bench/overhead.py [--calls 2000] [--rounds 7]

Runs against DATABASE_URL's server (else the embedded cluster), in a scratch database it creates and
drops. Variants run interleaved within every round (A B C ..., A B C ...), so machine noise hits
all of them alike; the table reports the median (min-max) per call over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosql
import asyncpg
from pydantic import BaseModel

from datalayer import Database
from datalayer.migrate import scratch_database
from datalayer.queries import load, to_model
from datalayer.settings import Settings
from datalayer.urls import resolve_url

SQL = """
-- name: get_item_by_id(item_id)^
-- One item by primary key.
SELECT id, name, qty, price, created_at
FROM public.items
WHERE id = :item_id;
"""


class Item(BaseModel):
    id: int
    name: str
    qty: int
    price: float
    created_at: object


async def main(calls: int, rounds: int) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp()) / "bench"
    folder.mkdir()
    (folder / "items.sql").write_text(SQL)
    query = load("bench", folder.parent).get_item_by_id
    aiosql_queries = aiosql.from_path(folder / "items.sql", "asyncpg")

    with scratch_database(resolve_url(None)) as url:
        db = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
        raw_pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        unsafe_pool = await asyncpg.create_pool(url, min_size=1, max_size=1, reset=_no_reset)
        async with db.acquire() as conn:
            await conn.execute(
                "CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL,"
                " price float8 NOT NULL, created_at timestamptz NOT NULL DEFAULT now());"
                "INSERT INTO public.items (id, name, qty, price)"
                " SELECT g, 'item ' || g, g % 100, g * 1.5 FROM generate_series(1, 10000) g"
            )
        ids = [(i * 7919) % 10000 + 1 for i in range(calls)]

        async with db.transaction() as conn:
            sql = query.sql

            async def raw_fetchrow() -> None:
                for i in ids:
                    await conn.fetchrow(sql, i)

            async def dl_query() -> None:
                for i in ids:
                    await query.fetchrow(conn, item_id=i)

            async def dl_typed() -> None:
                for i in ids:
                    to_model(Item, await query.fetchrow(conn, item_id=i))

            async def raw_typed() -> None:
                for i in ids:
                    row = await conn.fetchrow(sql, i)
                    Item.model_validate(dict(row))  # type: ignore[arg-type]

            async def aiosql_call() -> None:
                for i in ids:
                    await aiosql_queries.get_item_by_id(conn, item_id=i)

            in_tx: dict[str, Callable[[], Awaitable[None]]] = {
                "asyncpg fetchrow": raw_fetchrow,
                "datalayer Query.fetchrow": dl_query,
                "asyncpg fetchrow + model_validate": raw_typed,
                "datalayer fetchrow + to_model": dl_typed,
                "aiosql's own call path": aiosql_call,
            }
            results = await _interleave(in_tx, rounds, calls)

        async def asyncpg_acquire_default_reset() -> None:
            for i in ids:
                async with raw_pool.acquire() as c:
                    await c.fetchrow(sql, i)

        async def asyncpg_acquire_tx_default_reset() -> None:
            for i in ids:
                async with raw_pool.acquire() as c, c.transaction():
                    await c.fetchrow(sql, i)

        async def asyncpg_acquire_tx_no_reset() -> None:
            for i in ids:
                async with unsafe_pool.acquire() as c, c.transaction():
                    await c.fetchrow(sql, i)

        async def datalayer_transaction() -> None:
            for i in ids:
                async with db.transaction() as c:
                    await query.fetchrow(c, item_id=i)

        per_call = {
            "asyncpg acquire + fetchrow (default reset)": asyncpg_acquire_default_reset,
            "asyncpg acquire + transaction + fetchrow (default reset)": asyncpg_acquire_tx_default_reset,
            "asyncpg acquire + transaction + fetchrow (no reset: unsafe floor)": asyncpg_acquire_tx_no_reset,
            "datalayer transaction + fetchrow (reset in COMMIT)": datalayer_transaction,
        }
        results.update(await _interleave(per_call, rounds, calls))
        await raw_pool.close()
        await unsafe_pool.close()
        await db.close()

    base = statistics.median(results["asyncpg fetchrow"])
    print(
        f"{calls} calls x {rounds} rounds, interleaved; µs per call: median (min-max), ratio to asyncpg fetchrow"
    )
    for name, samples in results.items():
        med = statistics.median(samples)
        print(
            f"  {name:66s} {med:7.1f} ({min(samples):6.1f}-{max(samples):6.1f})  x{med / base:.3f}"
        )
    print(
        f"  overhead of Query.fetchrow over asyncpg fetchrow: "
        f"{statistics.median(results['datalayer Query.fetchrow']) - base:+.2f} µs per call"
    )


async def _no_reset(conn: object) -> None:
    return None


async def _interleave(
    variants: dict[str, Callable[[], Awaitable[None]]], rounds: int, calls: int
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for fn in variants.values():  # warm-up: statement caches, codecs
        await fn()
    for _ in range(rounds):
        for name, fn in variants.items():
            started = time.perf_counter()
            await fn()
            samples[name].append((time.perf_counter() - started) / calls * 1e6)
    return samples


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.rounds))
