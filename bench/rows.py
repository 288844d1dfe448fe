"""Rows into models: pydantic validation against the trusted path (``datalayer.gen.runtime.Rows``).

    python bench/rows.py [--calls 20000] [--rounds 7]

Uses one fintech ``Account`` record (12 columns) and a list of 100, built by a SELECT of literals on
DATABASE_URL's server (else the embedded cluster); no tables. Client CPU per row (process_time),
median over the rounds, the variants interleaved.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import asyncpg
from pydantic import TypeAdapter

from datalayer.db import _init_connection
from datalayer.fintech import _queries as fq
from datalayer.gen.runtime import validate_rows
from datalayer.urls import resolve_url

SQL = """
SELECT gen_random_uuid() AS id, gen_random_uuid() AS user_id, 'ACC0000000001' AS account_number,
       'main' AS account_name, 'checking' AS account_type, 'USD' AS currency,
       12.5::numeric AS balance, 0::numeric AS credit_limit, 'active' AS status,
       NULL::timestamptz AS closed_at, now() AS created_at, now() AS updated_at
FROM generate_series(1, 100)
"""


async def records() -> list[asyncpg.Record]:
    conn = await asyncpg.connect(resolve_url(None))
    try:
        await _init_connection(conn)
        return await conn.fetch(SQL)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rows = asyncio.run(records())
    row = rows[0]
    adapter = TypeAdapter(list[fq.Account])
    built = fq._Account_ROWS

    def trusted_one() -> object:
        validate_rows(False)
        return built.one(row)

    def validated_one() -> object:
        return fq.Account.model_validate(dict(row))

    def trusted_list() -> object:
        validate_rows(False)
        return built.many(rows)

    def validated_list() -> object:
        return adapter.validate_python([dict(r) for r in rows])

    variants: dict[str, tuple[Callable[[], object], int]] = {
        "one row: model_validate(dict(record))": (validated_one, args.calls),
        "one row: Rows.one (trusted)": (trusted_one, args.calls),
        "100 rows: TypeAdapter(list) batch validation": (validated_list, args.calls // 100),
        "100 rows: Rows.many (trusted)": (trusted_list, args.calls // 100),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (fn, n) in variants.items():
            started = time.process_time()
            for _ in range(n):
                fn()
            samples[name].append((time.process_time() - started) / n * 1e6)
    for name, values in samples.items():
        print(f"{name:48s} {statistics.median(values):9.2f} µs CPU")


if __name__ == "__main__":
    main()
