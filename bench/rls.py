"""What row-level security costs: the same typed calls as fintech_app (RLS on, policies keyed on
core.current_user_id()) and as a superuser (RLS bypassed), interleaved, in one run.

    python bench/rls.py [--calls 2000] [--rounds 7]

Runs against DATABASE_URL's server (a role that may create databases and roles), in a scratch
database it migrates with core and fintech and drops afterwards. Each call is one transaction with
``user_id`` set (``db.transaction(user_id=...)``), as a service makes it, for both variants.
Reports wall time and client CPU per call (medians over rounds, min-max) and the ratio RLS/bypass.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from datalayer import Database, fintech, migrate
from datalayer.migrate import scratch_database
from datalayer.settings import Settings
from datalayer.urls import resolve_url

LOGIN = "bench_fintech_app_login"
BCRYPT = "$2b$12$" + "a" * 53


def as_login(url: str, login: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}"))


async def setup(url: str) -> tuple[object, object]:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            f"DO $$ BEGIN CREATE ROLE {LOGIN} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        await conn.execute(f"GRANT fintech_app TO {LOGIN}")
    finally:
        await conn.close()
    db = await Database.connect(
        Settings.load(url=as_login(url, LOGIN), pool_size=1, max_overflow=0)
    )
    try:
        async with db.transaction() as c:
            user = await fintech.create_user(
                c, email="rls@bench.example", first_name="R", last_name="L",
                phone_number=None, password_hash=BCRYPT,
            )  # fmt: skip
        async with db.transaction(user_id=user.id) as c:
            account = await fintech.create_account(
                c, user_id=user.id, account_number="ACC0000000001", account_name="Main",
                account_type="checking", currency="USD", credit_limit=Decimal(0),
            )  # fmt: skip
            for _ in range(120):
                await fintech.create_deposit(
                    c, account_id=account.id, amount=Decimal("1.25"), description="seed"
                )
    finally:
        await db.close()
    return user, account


async def measure(call: Callable[[], Awaitable[object]], calls: int) -> tuple[float, float]:
    for _ in range(50):
        await call()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        await call()
    return (
        (time.perf_counter() - wall) / calls * 1e6,
        (time.process_time() - cpu) / calls * 1e6,
    )


async def main(calls: int, rounds: int) -> None:
    with scratch_database(resolve_url(None), suffix="_rls") as url:
        migrate.apply(url, apps=["fintech"], quiet=True)
        user, account = await setup(url)
        uid, aid = user.id, account.id  # type: ignore[attr-defined]
        app = await Database.connect(
            Settings.load(url=as_login(url, LOGIN), pool_size=1, max_overflow=0)
        )
        bypass = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
        try:

            def pk(db: Database) -> Callable[[], Awaitable[object]]:
                async def run() -> object:
                    async with db.transaction(user_id=uid) as c:
                        row = await fintech.get_account_by_id(c, account_id=aid, user_id=uid)
                    assert row is not None
                    return row

                return run

            def page(db: Database) -> Callable[[], Awaitable[object]]:
                async def run() -> object:
                    async with db.transaction(user_id=uid) as c:
                        rows = await fintech.list_account_statement(
                            c, account_id=aid, before_created_at=None, before_id=None, max_rows=100
                        )
                    assert len(rows) == 100
                    return rows

                return run

            cases = {
                ("pk lookup", "rls"): pk(app),
                ("pk lookup", "bypass"): pk(bypass),
                ("100 rows", "rls"): page(app),
                ("100 rows", "bypass"): page(bypass),
            }
            results: dict[tuple[str, str], list[tuple[float, float]]] = {k: [] for k in cases}
            order = list(cases)
            for r in range(rounds):
                for key in order[r % len(order) :] + order[: r % len(order)]:
                    results[key].append(await measure(cases[key], calls))
        finally:
            await app.close()
            await bypass.close()
            conn = await asyncpg.connect(url)
            try:
                await conn.execute(f"DROP OWNED BY {LOGIN}")
            finally:
                await conn.close()

    def med(key: tuple[str, str], i: int) -> tuple[float, float, float]:
        values = [v[i] for v in results[key]]
        return statistics.median(values), min(values), max(values)

    print(
        f"calls per round: {calls}, rounds: {rounds} (interleaved); µs per call, median (min-max)"
    )
    print(
        "| operation | RLS on: wall | RLS bypassed: wall | ratio wall | RLS on: client CPU | bypassed: client CPU | ratio CPU |"
    )
    print("|---|---|---|---|---|---|---|")
    for op in ("pk lookup", "100 rows"):
        w_on, w_off = med((op, "rls"), 0), med((op, "bypass"), 0)
        c_on, c_off = med((op, "rls"), 1), med((op, "bypass"), 1)
        ratios_w = [
            a[0] / b[0] for a, b in zip(results[(op, "rls")], results[(op, "bypass")], strict=True)
        ]
        ratios_c = [
            a[1] / b[1] for a, b in zip(results[(op, "rls")], results[(op, "bypass")], strict=True)
        ]
        print(
            f"| {op} | {w_on[0]:.1f} ({w_on[1]:.1f}-{w_on[2]:.1f}) | {w_off[0]:.1f} ({w_off[1]:.1f}-{w_off[2]:.1f}) "
            f"| {statistics.median(ratios_w):.3f} | {c_on[0]:.1f} | {c_off[0]:.1f} | {statistics.median(ratios_c):.3f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.rounds))
