"""What reading through the export_readiness keyring costs: decrypting the same values with
pgcrypto's pgp_sym_decrypt and a bare key (what the queries did before key ids) and with
export_readiness.decrypt(value, key_id, keyring) given a bare key and a two-key JSON keyring (during
a rotation), interleaved, in one run.

    python bench/keyring.py [--values 2000] [--rounds 5]

Runs against DATABASE_URL's server (a role that may create databases), in a scratch database it
migrates with core and export_readiness and drops afterwards. Each variant decrypts every value in
one statement (a server-side count, so the client and the network are out of it). Reports the
median time per value over the rounds (min-max) and the ratio to pgp_sym_decrypt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import asyncpg

from datalayer import migrate
from datalayer.migrate import scratch_database
from datalayer.urls import resolve_url

KEY = "bench key one"
#: name -> (statement, whether it takes the keyring rather than the bare key)
VARIANTS = {
    "pgp_sym_decrypt(value, key)": (
        "SELECT count(public.pgp_sym_decrypt(c, $1)) FROM bench_values",
        False,
    ),
    "decrypt(value, key_id, bare key)": (
        "SELECT count(export_readiness.decrypt(c, kid, $1)) FROM bench_values",
        False,
    ),
    "decrypt(value, key_id, keyring of 2)": (
        "SELECT count(export_readiness.decrypt(c, kid, $1)) FROM bench_values",
        True,
    ),
}


async def main(values: int, rounds: int) -> None:
    keyring = json.dumps({"current": "2", "keys": {"1": KEY, "2": "bench key two"}})
    with scratch_database(resolve_url(None), suffix="_keyring") as url:
        migrate.apply(url, apps=["export_readiness"], quiet=True)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "CREATE TABLE bench_values AS SELECT public.pgp_sym_encrypt('+9198' || g, $1) AS c,"
                " '1'::text AS kid FROM generate_series(1, $2::int) AS g",
                KEY,
                values,
            )
            times: dict[str, list[float]] = {name: [] for name in VARIANTS}
            for _ in range(rounds):
                for name, (sql, takes_keyring) in VARIANTS.items():
                    started = time.perf_counter()
                    assert await conn.fetchval(sql, keyring if takes_keyring else KEY) == values
                    times[name].append((time.perf_counter() - started) / values * 1e6)
        finally:
            await conn.close()
    base = statistics.median(times["pgp_sym_decrypt(value, key)"])
    print(f"{values} values, {rounds} rounds; microseconds per value, median (min-max)")
    for name, spent in times.items():
        median = statistics.median(spent)
        print(
            f"  {name:40} {median:8.1f} ({min(spent):.1f}-{max(spent):.1f})  x{median / base:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--values", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.values, args.rounds))
