"""datalayer against raw asyncpg and SQLAlchemy 2 async ORM, side by side in one run.

    make bench            # full run (100k users and accounts, 1M ledger entries): 15-25 minutes
    make bench QUICK=1    # a smaller data set and fewer calls: a few minutes

Runs against DATABASE_URL's server, else the embedded cluster, in a scratch database it creates
and drops. Within every round the variants run one after another (A B C, A B C, ...), so machine
noise hits all of them alike; the report gives median, min and max per variant and each variant's
ratio to raw asyncpg and to SQLAlchemy ORM. Writes BENCHMARKS.md and bench/ratios.png.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import sqlalchemy
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import dataset
from orm import Account, BulkUser, Entry, Transfer, User

import datalayer
from datalayer import Database, fintech, migrate
from datalayer.bulk import copy_records
from datalayer.devdb import find_bindir
from datalayer.migrate import scratch_database
from datalayer.settings import Settings
from datalayer.urls import resolve_url

ROOT = Path(__file__).resolve().parents[1]
Q = datalayer.load("fintech")


@dataclass(frozen=True)
class Config:
    users: int
    entries: int
    pk_calls: int
    list_calls: int
    inserts: int
    bulk_rows: int
    transfers: int
    pool_seconds: float
    keyset_calls: int
    rounds: int
    migrate_reps: int
    pgbench_seconds: int
    statement_calls: int = 1_000
    card_payments: int = 2_000


FULL = Config(100_000, 1_000_000, 10_000, 1_000, 5_000, 100_000, 1_000, 5.0, 300, 5, 3, 5)
QUICK = Config(3_000, 20_000, 1_000, 100, 500, 5_000, 100, 0.5, 100, 3, 1, 1, 100, 100)


@dataclass
class Result:
    scenario: str
    variant: str
    unit: str  # what one sample measures
    samples: list[float] = field(default_factory=list)
    higher_is_better: bool = False
    extra: dict[str, float] = field(default_factory=dict)
    #: client CPU per call, one per sample (same unit as a time sample; µs per op for ops/s)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


Variant = Callable[[int], Awaitable[float]]  # (round) -> value for this round


async def interleave(
    scenario: str, unit: str, variants: dict[str, Variant], rounds: int
) -> list[Result]:
    results = {name: Result(scenario, name, unit) for name in variants}
    for fn in variants.values():  # warm-up: statement caches, codecs, pools
        await fn(-1)
    names = list(variants)
    for r in range(rounds):
        # Rotate the order every round, and collect garbage before each run, so that no variant
        # always follows another (an ORM run leaves garbage whose collection would land on the next).
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            # Client CPU (this process: time.process_time) over the variant's run, per call: the
            # run's CPU share of its wall time times the time per call (ops/s: share / rate).
            cpu0, wall0 = time.process_time(), time.perf_counter()
            value = await variants[name](r)
            share = (time.process_time() - cpu0) / max(time.perf_counter() - wall0, 1e-9)
            results[name].samples.append(value)
            results[name].cpu.append(share * 1e6 / value if unit == "ops/s" else share * value)
    print(
        f"  {scenario}: " + ", ".join(f"{n} {res.median:.1f}" for n, res in results.items()),
        file=sys.stderr,
    )
    return list(results.values())


def per_op_us(started: float, n: int) -> float:
    return (time.perf_counter() - started) / n * 1e6


APP_LOGIN = "bench_fintech_app_login"


def as_app(url: str, user_id: uuid.UUID) -> str:
    """``url`` with the fintech_app login and ``datalayer.user_id`` set for the whole session (a
    startup setting, which RESET ALL keeps): row-level security on, as for a service's user."""
    parts = urlsplit(url)
    netloc = f"{APP_LOGIN}@{parts.hostname}:{parts.port or 5432}"
    return urlunsplit(parts._replace(netloc=netloc, query=f"datalayer.user_id={user_id}"))


async def _no_reset(conn: asyncpg.Connection) -> None:
    """asyncpg's pool with its reset turned off (``reset=`` a no-op)."""


async def run(cfg: Config, url: str) -> tuple[list[Result], dict[str, object]]:
    results: list[Result] = []
    info: dict[str, object] = {}
    with scratch_database(url) as bench_url:
        t0 = time.perf_counter()
        migrate.apply(bench_url, quiet=True)
        db = await Database.connect(
            Settings.load(
                url=bench_url, pool_size=8, max_overflow=0, slow_query_ms=0, command_timeout=600
            )
        )
        print(
            f"loading {cfg.users:,} users and accounts, {cfg.entries:,} ledger entries",
            file=sys.stderr,
        )
        data = await dataset.load(db, users=cfg.users, entries=cfg.entries)
        info["load_seconds"] = time.perf_counter() - t0
        async with db.acquire() as conn:
            await conn.execute(
                f"DO $$ BEGIN CREATE ROLE {APP_LOGIN} LOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            await conn.execute(f"GRANT fintech_app TO {APP_LOGIN}")
            await conn.execute("ANALYZE")
        # Reads (scenarios 1, 2, 6, 7) as the application role with the hot user set: policies on.
        # Writes (3, 4, 5) as the owner, who loads data in bulk and owns the functions.
        app = as_app(bench_url, data.hot_user)
        db_app = await Database.connect(
            Settings.load(
                url=app, pool_size=8, max_overflow=0, slow_query_ms=0, command_timeout=600
            )
        )
        apg_app = await asyncpg.create_pool(app, min_size=8, max_size=8)
        apg_app_noreset = await asyncpg.create_pool(app, min_size=8, max_size=8, reset=_no_reset)
        apg_pool = await asyncpg.create_pool(bench_url, min_size=8, max_size=8)
        engine = create_async_engine(
            bench_url.replace("postgresql://", "postgresql+asyncpg://", 1),
            pool_size=8,
            max_overflow=0,
        )
        engine_app = create_async_engine(
            app.split("?")[0].replace("postgresql://", "postgresql+asyncpg://", 1),
            pool_size=8,
            max_overflow=0,
            connect_args={"server_settings": {"datalayer.user_id": str(data.hot_user)}},
        )
        Session = async_sessionmaker(engine, expire_on_commit=False)
        SessionApp = async_sessionmaker(engine_app, expire_on_commit=False)
        try:
            results += await pk_lookup(cfg, db_app, SessionApp, data)
            results += await list_rows(cfg, db_app, SessionApp, data)
            results += await single_inserts(cfg, db, apg_pool, Session)
            results += await bulk_insert(cfg, db, apg_pool, Session)
            results += await transfers(cfg, db, apg_pool, Session)
            results += await pool_throughput(
                cfg, db_app, apg_app, apg_app_noreset, SessionApp, data
            )
            results += await keyset(cfg, db_app, data)
            results += await account_statement(cfg, db, apg_pool, Session, data)
            results += await card_payments(cfg, db, apg_pool, Session)
        finally:
            await engine.dispose()
            await engine_app.dispose()
            await apg_pool.close()
            await apg_app.close()
            await apg_app_noreset.close()
            await db_app.close()
            await db.close()
        results += await migrations(cfg, url)
    results += pgbench(cfg, url)
    return results, info


# -- 1. primary-key lookup ----------------------------------------------------------------------------


async def pk_lookup(cfg, db, Session, data) -> list[Result]:
    # Row-level security lets the session's user (the hot user) see its own account only.
    ids = [(data.hot_account, data.hot_user)] * cfg.pk_calls
    sql = Q.get_account_by_id.sql

    async with db.acquire() as conn:

        async def typed(r: int) -> float:
            started = time.perf_counter()
            for a, u in ids:
                await fintech.get_account_by_id(conn, account_id=a, user_id=u)
            return per_op_us(started, len(ids))

        async def raw(r: int) -> float:
            started = time.perf_counter()
            for a, u in ids:
                await conn.fetchrow(sql, a, u)
            return per_op_us(started, len(ids))

        async def orm_get(r: int) -> float:
            async with Session() as s:
                started = time.perf_counter()
                for a, _ in ids:
                    await s.get(Account, a)
                return per_op_us(started, len(ids))

        async def orm_select(r: int) -> float:
            async with Session() as s:
                started = time.perf_counter()
                for a, u in ids:
                    (
                        await s.execute(
                            select(Account).where(Account.id == a, Account.user_id == u)
                        )
                    ).scalar_one_or_none()
                return per_op_us(started, len(ids))

        async def orm_session_per_call(r: int) -> float:
            started = time.perf_counter()
            for a, _ in ids:
                async with Session() as s:
                    await s.get(Account, a)
            return per_op_us(started, len(ids))

        return await interleave(
            "1. primary-key lookup into a model (one connection, as fintech_app)", "µs/call",
            {
                "datalayer typed function": typed,
                "asyncpg fetchrow (Record)": raw,
                "SQLAlchemy ORM session.get": orm_get,
                "SQLAlchemy ORM select()": orm_select,
                "SQLAlchemy ORM session per call": orm_session_per_call,
            },
            cfg.rounds,
        )  # fmt: skip


# -- 2. a list of 100 rows ----------------------------------------------------------------------------


async def list_rows(cfg, db, Session, data) -> list[Result]:
    hot = data.hot_account
    sql = Q.list_account_statement.sql
    async with db.acquire() as conn:

        async def typed(r: int) -> float:
            started = time.perf_counter()
            for _ in range(cfg.list_calls):
                rows = await fintech.list_account_statement(
                    conn, account_id=hot, before_created_at=None, before_id=None, max_rows=100
                )
            assert len(rows) == 100
            return per_op_us(started, cfg.list_calls)

        async def raw(r: int) -> float:
            started = time.perf_counter()
            for _ in range(cfg.list_calls):
                rows = await conn.fetch(sql, hot, None, None, 100)
            assert len(rows) == 100
            return per_op_us(started, cfg.list_calls)

        async def orm(r: int) -> float:
            stmt = (
                select(Entry)
                .where(Entry.account_id == hot)
                .order_by(Entry.created_at.desc(), Entry.id)
                .limit(100)
            )
            async with Session() as s:
                started = time.perf_counter()
                for _ in range(cfg.list_calls):
                    rows = (await s.execute(stmt)).scalars().all()
                    s.expunge_all()
                assert len(rows) == 100
                return per_op_us(started, cfg.list_calls)

        return await interleave(
            "2. a page of 100 rows into models (as fintech_app)", "µs/page",
            {"datalayer typed function": typed, "asyncpg fetch (Records)": raw, "SQLAlchemy ORM select()": orm},
            cfg.rounds,
        )  # fmt: skip


# -- 3. single-row inserts ----------------------------------------------------------------------------


async def single_inserts(cfg, db, pool, Session) -> list[Result]:
    sql = Q.create_user.sql
    n = cfg.inserts

    def emails(tag: str, r: int) -> list[str]:
        return [f"{tag}-{r}-{i}@insert.example" for i in range(n)]

    async def typed(r: int) -> float:
        async with db.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            started = time.perf_counter()
            for e in emails("dl", r):
                await fintech.create_user(
                    conn, email=e, first_name="A", last_name="B", phone_number=None,
                    password_hash=dataset.BCRYPT,
                )  # fmt: skip
            took = per_op_us(started, n)
            await tx.rollback()
            return took

    async def raw(r: int) -> float:
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            started = time.perf_counter()
            for e in emails("pg", r):
                await conn.fetchrow(sql, e, "A", "B", None, dataset.BCRYPT)
            took = per_op_us(started, n)
            await tx.rollback()
            return took

    async def orm(r: int) -> float:
        async with Session() as s:
            await s.begin()
            started = time.perf_counter()
            for e in emails("orm", r):
                s.add(
                    User(
                        email=e,
                        first_name="A",
                        last_name="B",
                        password_hash=dataset.BCRYPT,
                        role="customer",
                    )
                )
                await s.flush()
            took = per_op_us(started, n)
            await s.rollback()
            return took

    return await interleave(
        f"3. {n:,} single-row inserts in one transaction", "µs/row",
        {"datalayer typed function": typed, "asyncpg fetchrow": raw, "SQLAlchemy ORM add + flush": orm},
        cfg.rounds,
    )  # fmt: skip


# -- 4. bulk insert ----------------------------------------------------------------------------------


async def bulk_insert(cfg, db, pool, Session) -> list[Result]:
    async with db.acquire() as conn:
        # The same table without its audit triggers, and with the row-level audit trigger that
        # fintech.users had before its statement-level one: the baselines of the audited COPY.
        await conn.execute(
            "CREATE TABLE public.users_unaudited (LIKE fintech.users INCLUDING ALL);"
            "CREATE TABLE public.users_row_audit (LIKE fintech.users INCLUDING ALL);"
            "CREATE TRIGGER _900_audit AFTER INSERT OR UPDATE OR DELETE ON public.users_row_audit"
            " FOR EACH ROW EXECUTE FUNCTION core.tg__audit('password_hash');"
        )
    out = await _bulk(
        cfg, db, pool, Session, User, "fintech.users",
        "4. bulk insert into fintech.users (audited per statement)",
        baselines={
            "asyncpg COPY, same table unaudited": "public.users_unaudited",
            "asyncpg COPY, same table, row-level audit": "public.users_row_audit",
        },
    )  # fmt: skip
    async with db.acquire() as conn:
        await conn.execute(
            "CREATE TABLE public.bulk_users (id uuid PRIMARY KEY, email text NOT NULL,"
            " first_name text NOT NULL, last_name text NOT NULL, password_hash text NOT NULL,"
            " role text NOT NULL)"
        )
    return out + await _bulk(
        cfg,
        db,
        pool,
        Session,
        BulkUser,
        "public.bulk_users",
        "4b. bulk insert, same columns without constraints",
    )


async def _bulk(
    cfg, db, pool, Session, model, table: str, title: str, baselines: dict[str, str] | None = None
) -> list[Result]:
    n = cfg.bulk_rows
    cols = ["id", "email", "first_name", "last_name", "password_hash", "role"]
    User = model

    def rows(tag: str, r: int) -> list[tuple[object, ...]]:
        return [
            (uuid.uuid4(), f"{tag}-{r}-{i}@bulk.example", "A", "B", dataset.BCRYPT, "customer")
            for i in range(n)
        ]

    async def copy(r: int) -> float:
        data = rows("copy", r)
        async with db.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            started = time.perf_counter()
            await copy_records(conn, table, cols, data)
            took = (time.perf_counter() - started) * 1000
            await tx.rollback()
            return took

    async def executemany(r: int) -> float:
        data = rows("many", r)
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            started = time.perf_counter()
            await conn.executemany(
                f"INSERT INTO {table} (id, email, first_name, last_name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)",
                data,
            )
            took = (time.perf_counter() - started) * 1000
            await tx.rollback()
            return took

    async def orm_add_all(r: int) -> float:
        data = rows("addall", r)
        async with Session() as s:
            await s.begin()
            started = time.perf_counter()
            s.add_all(
                User(id=i, email=e, first_name=f, last_name=ln, password_hash=p, role=ro)
                for i, e, f, ln, p, ro in data
            )
            await s.flush()
            took = (time.perf_counter() - started) * 1000
            await s.rollback()
            return took

    async def orm_insert(r: int) -> float:
        data = [dict(zip(cols, row, strict=True)) for row in rows("ormins", r)]
        async with Session() as s:
            await s.begin()
            started = time.perf_counter()
            await s.execute(insert(User), data)
            took = (time.perf_counter() - started) * 1000
            await s.rollback()
            return took

    def raw_copy(target: str) -> Variant:
        async def run(r: int) -> float:
            data = rows("raw", r)
            schema, _, name = target.partition(".")
            async with pool.acquire() as conn:
                tx = conn.transaction()
                await tx.start()
                started = time.perf_counter()
                await conn.copy_records_to_table(
                    name, records=data, columns=cols, schema_name=schema
                )
                took = (time.perf_counter() - started) * 1000
                await tx.rollback()
                return took

        return run

    extra = {name: raw_copy(target) for name, target in (baselines or {}).items()}
    return await interleave(
        f"{title}, {n:,} rows", "ms",
        {
            "datalayer bulk (COPY)": copy,
            **extra,
            "asyncpg executemany": executemany,
            "SQLAlchemy ORM add_all": orm_add_all,
            "SQLAlchemy ORM insert() executemany": orm_insert,
        },
        cfg.rounds,
    )  # fmt: skip


# -- 5. transfers -------------------------------------------------------------------------------------


async def transfers(cfg, db, pool, Session) -> list[Result]:
    async with db.transaction() as conn:
        user = await fintech.create_user(
            conn, email="transfers@bench.example", first_name="T", last_name="T", phone_number=None,
            password_hash=dataset.BCRYPT,
        )  # fmt: skip
    # money moves as its user: the posting functions check the transaction's user
    async with db.transaction(user_id=user.id) as conn:
        a = await fintech.create_account(
            conn, user_id=user.id, account_number="ACC9999999998", account_name="A",
            account_type="checking", currency="USD", credit_limit=Decimal(0),
        )  # fmt: skip
        b = await fintech.create_account(
            conn, user_id=user.id, account_number="ACC9999999999", account_name="B",
            account_type="savings", currency="USD", credit_limit=Decimal(0),
        )  # fmt: skip
        await fintech.create_deposit(
            conn, account_id=a.id, amount=Decimal(1_000_000), description=None
        )
        await fintech.create_deposit(
            conn, account_id=b.id, amount=Decimal(1_000_000), description=None
        )
    sql = Q.create_transfer.sql
    one = Decimal("1.25")
    n = cfg.transfers

    def legs(i: int) -> tuple[uuid.UUID, uuid.UUID]:
        return (a.id, b.id) if i % 2 == 0 else (b.id, a.id)

    async def typed(r: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            src, dst = legs(i)
            async with db.transaction(user_id=user.id) as conn:
                await fintech.create_transfer(
                    conn, user_id=user.id, from_account_id=src, to_account_id=dst,
                    amount=one, idempotency_key=f"dl-{r}-{i}", fx_rate=None, description=None,
                )  # fmt: skip
        return per_op_us(started, n)

    async def raw(r: int) -> float:
        started = time.perf_counter()
        uid = str(user.id)
        for i in range(n):
            src, dst = legs(i)
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT set_config('datalayer.user_id', $1, true)", uid)
                await conn.fetchrow(sql, user.id, src, dst, one, f"pg-{r}-{i}", None, None)
        return per_op_us(started, n)

    async def orm(r: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            src_id, dst_id = legs(i)
            async with Session() as s, s.begin():
                key = f"orm-{r}-{i}"
                # A Python-side posting: declare it, as the SQL posting functions do.
                await s.execute(sqlalchemy.text("SELECT set_config('fintech.posting', 'on', true)"))
                seen = await s.execute(
                    select(Transfer.id).where(
                        Transfer.user_id == user.id, Transfer.idempotency_key == key
                    )
                )
                if seen.first() is not None:
                    continue
                accounts = (
                    (
                        await s.execute(
                            select(Account)
                            .where(Account.id.in_([src_id, dst_id]))
                            .order_by(Account.id)
                            .with_for_update()
                        )
                    )
                    .scalars()
                    .all()
                )
                src = next(x for x in accounts if x.id == src_id)
                dst = next(x for x in accounts if x.id == dst_id)
                if src.status != "active" or dst.status != "active" or src.currency != dst.currency:
                    raise RuntimeError("not active or currency mismatch")
                if src.balance - one < -src.credit_limit:
                    raise RuntimeError("insufficient funds")
                t = Transfer(
                    id=uuid.uuid4(), user_id=user.id, from_account_id=src.id, to_account_id=dst.id, amount=one,
                    currency=src.currency, credited_amount=one, credited_currency=dst.currency,
                    status="completed", idempotency_key=key, completed_at=datetime.now(UTC),
                )  # fmt: skip
                s.add(t)
                await s.flush()  # the entries reference the transfer
                src.balance -= one
                dst.balance += one
                posting = uuid.uuid4()
                s.add_all([
                    Entry(posting_id=posting, account_id=src.id, amount=-one, currency=src.currency, kind="transfer", balance_after=src.balance, transfer_id=t.id),
                    Entry(posting_id=posting, account_id=dst.id, amount=one, currency=dst.currency, kind="transfer", balance_after=dst.balance, transfer_id=t.id),
                ])  # fmt: skip
        return per_op_us(started, n)

    out = await interleave(
        "5. the fintech transfer, one per call (pooled connection)", "µs/transfer",
        {
            "datalayer db.call(create_transfer)": typed,
            "asyncpg pool acquire + same SQL": raw,
            "SQLAlchemy ORM session (Python-side transfer)": orm,
        },
        cfg.rounds,
    )  # fmt: skip
    async with db.transaction() as conn:
        assert await fintech.list_balance_mismatches(conn) == []
        assert await fintech.list_unbalanced_postings(conn) == []
    return out


# -- 6. pool throughput -------------------------------------------------------------------------------


async def pool_throughput(cfg, db, pool, pool_noreset, Session, data) -> list[Result]:
    results: list[Result] = []
    sql = Q.get_account_by_id.sql
    pairs = [(data.hot_account, data.hot_user)]  # the session's user: what RLS lets it see

    async def drive(
        tasks: int, op: Callable[[uuid.UUID, uuid.UUID], Awaitable[object]]
    ) -> tuple[float, list[float]]:
        deadline = time.perf_counter() + cfg.pool_seconds
        latencies: list[float] = []

        async def worker(k: int) -> None:
            i = k
            while time.perf_counter() < deadline:
                a, u = pairs[(i * 7919) % len(pairs)]
                i += tasks
                started = time.perf_counter()
                await op(a, u)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(tasks)))
        return len(latencies) / (time.perf_counter() - started), latencies

    async def dl_op(a: uuid.UUID, u: uuid.UUID) -> object:
        return await db.call(fintech.get_account_by_id, account_id=a, user_id=u)

    async def apg_op(a: uuid.UUID, u: uuid.UUID) -> object:
        async with pool.acquire() as conn:
            return await conn.fetchrow(sql, a, u)

    async def apg_noreset_op(a: uuid.UUID, u: uuid.UUID) -> object:
        async with pool_noreset.acquire() as conn:
            return await conn.fetchrow(sql, a, u)

    async def orm_op(a: uuid.UUID, u: uuid.UUID) -> object:
        async with Session() as s:
            return await s.get(Account, a)

    for tasks in (8, 64):
        variants: dict[str, Variant] = {}
        lat: dict[str, list[float]] = {}
        for name, op in (
            ("datalayer db.call (typed)", dl_op),
            ("asyncpg pool, default reset", apg_op),
            ("asyncpg pool, reset disabled", apg_noreset_op),
            ("SQLAlchemy ORM session per op", orm_op),
        ):

            async def variant(r: int, op=op, name=name, tasks=tasks, lat=lat) -> float:
                rate, latencies = await drive(tasks, op)
                if r >= 0:
                    lat.setdefault(name, []).extend(latencies)
                return rate

            variants[name] = variant
        rs = await interleave(
            f"6. pool throughput, {tasks} tasks over a pool of 8, {cfg.pool_seconds:g} s (as fintech_app)", "ops/s",
            variants, max(1, cfg.rounds // 2),
        )  # fmt: skip
        for res in rs:
            res.higher_is_better = True
            ls = sorted(lat[res.variant])
            res.extra = {"p50_us": ls[len(ls) // 2] * 1e6, "p99_us": ls[int(len(ls) * 0.99)] * 1e6}
        results += rs
    return results


# -- 7. keyset pagination -----------------------------------------------------------------------------


async def keyset(cfg, db, data) -> list[Result]:
    hot = data.hot_account
    sql = Q.list_account_statement.sql
    offset_sql = (
        "SELECT id, posting_id, account_id, amount, currency, kind, balance_after, transfer_id,"
        " p2p_transaction_id, description, created_at FROM fintech.transactions"
        " WHERE account_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3"
    )
    async with db.acquire() as conn:
        entries = await conn.fetchval(
            "SELECT count(*) FROM fintech.transactions WHERE account_id = $1", hot
        )
        depth_n = min(10_000, entries - 50)  # the quick data set has fewer entries
        depth = await conn.fetch(offset_sql, hot, depth_n - 1, 1)
        cursor = (depth[0]["created_at"], depth[0]["id"])

        async def page1(r: int) -> float:
            started = time.perf_counter()
            for _ in range(cfg.keyset_calls):
                await fintech.list_account_statement(
                    conn, account_id=hot, before_created_at=None, before_id=None, max_rows=50
                )
            return per_op_us(started, cfg.keyset_calls)

        async def keyset_deep(r: int) -> float:
            started = time.perf_counter()
            for _ in range(cfg.keyset_calls):
                await fintech.list_account_statement(
                    conn, account_id=hot, before_created_at=cursor[0], before_id=cursor[1],
                    max_rows=50,
                )  # fmt: skip
            return per_op_us(started, cfg.keyset_calls)

        async def offset_deep(r: int) -> float:
            started = time.perf_counter()
            for _ in range(cfg.keyset_calls):
                await conn.fetch(offset_sql, hot, depth_n, 50)
            return per_op_us(started, cfg.keyset_calls)

        first = await conn.fetch(sql, hot, cursor[0], cursor[1], 50)
        expected = await conn.fetch(offset_sql, hot, depth_n, 50)
        assert [r["id"] for r in first] == [r["id"] for r in expected], "keyset and OFFSET disagree"
        return await interleave(
            f"7. statement page of 50 into models (as fintech_app): page 1, keyset at depth"
            f" {depth_n:,}, OFFSET {depth_n:,}", "µs/page",
            {"page 1": page1, "keyset at depth": keyset_deep, "OFFSET at depth (raw)": offset_deep},
            cfg.rounds,
        )  # fmt: skip


# -- 8. migrations and test databases -----------------------------------------------------------------


async def migrations(cfg, url: str) -> list[Result]:
    import psycopg
    from psycopg import sql as psql

    template = f"datalayer_bench_template_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(psql.SQL("DROP DATABASE IF EXISTS {}").format(psql.Identifier(template)))
        admin.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(template)))
    parts = urlsplit(url)
    template_url = parts._replace(path=f"/{template}").geturl()
    migrate.apply(template_url, quiet=True)

    migration_count = sum(
        1 for p in (ROOT / "migrations").glob("*/*.sql") if not p.name.endswith(".rollback.sql")
    )

    async def from_scratch(r: int) -> float:
        with scratch_database(url) as fresh:
            started = time.perf_counter()
            migrate.apply(fresh, quiet=True)
            return (time.perf_counter() - started) * 1000

    async def clone(r: int) -> float:
        name = f"datalayer_bench_clone_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as admin:
            started = time.perf_counter()
            admin.execute(
                psql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    psql.Identifier(name), psql.Identifier(template)
                )
            )
            took = (time.perf_counter() - started) * 1000
            admin.execute(psql.SQL("DROP DATABASE {}").format(psql.Identifier(name)))
        return took

    try:
        return await interleave(
            f"8. a migrated database ({migration_count} migrations)", "ms",
            {"datalayer migrate on an empty database": from_scratch, "clone of the migrated template": clone},
            cfg.migrate_reps,
        )  # fmt: skip
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    psql.Identifier(template)
                )
            )


# -- 9. the server's floor ----------------------------------------------------------------------------


def pgbench(cfg: Config, url: str) -> list[Result]:
    binary = find_bindir() / "pgbench"
    if not binary.exists():
        binary = Path(shutil.which("pgbench") or "pgbench")
    parts = urlsplit(url)
    name = f"datalayer_pgbench_{os.getpid()}"
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    base = [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    import psycopg
    from psycopg import sql as psql

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))
    try:
        subprocess.run(
            [str(binary), *base, "-i", "-s", "1", "-q", name],
            check=True,
            capture_output=True,
            env=env,
        )
        result = Result(
            "9. the floor: pgbench -S -M prepared -c 1 (TCP 127.0.0.1)", "pgbench", "µs/transaction"
        )
        for _ in range(max(1, cfg.rounds // 2)):
            out = subprocess.run(
                [str(binary), *base, "-S", "-M", "prepared", "-c", "1", "-T", str(cfg.pgbench_seconds), name],
                check=True, capture_output=True, text=True, env=env,
            ).stdout  # fmt: skip
            match = re.search(r"latency average = ([0-9.]+) ms", out)
            assert match, out
            result.samples.append(float(match.group(1)) * 1000)
        print(f"  pgbench: {result.median:.1f} µs", file=sys.stderr)
        return [result]
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name))
            )


# -- 10. the account statement -----------------------------------------------------------------------


async def account_statement(cfg, db, pool, Session, data) -> list[Result]:
    """The hot account's statement for the period holding its last 100 entries: the totals and the
    entries with their running balance (two queries, as the service makes them)."""
    hot = data.hot_account
    async with db.acquire() as conn:
        period_start = await conn.fetchval(
            "SELECT created_at FROM fintech.transactions WHERE account_id = $1"
            " ORDER BY created_at DESC, id LIMIT 1 OFFSET 99",
            hot,
        )
    period_end = datetime.now(UTC) + timedelta(days=1)
    totals_sql = Q.get_account_statement.sql
    entries_sql = Q.list_account_statement_entries.sql
    n = cfg.statement_calls
    async with db.acquire() as conn:

        async def typed(r: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                totals = await fintech.get_account_statement(
                    conn, account_id=hot, period_start=period_start, period_end=period_end
                )
                lines = await fintech.list_account_statement_entries(
                    conn, account_id=hot, period_start=period_start, period_end=period_end
                )
            assert totals is not None and lines[-1].running_balance == totals.closing_balance
            assert len(lines) == 100
            return per_op_us(started, n)

        async def raw(r: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                # the generated SQL's $n order: that of the parameters' first use
                totals = await conn.fetchrow(totals_sql, period_start, period_end, hot)
                lines = await conn.fetch(entries_sql, period_start, hot, period_end)
            assert totals is not None and lines[-1]["running_balance"] == totals["closing_balance"]
            return per_op_us(started, n)

        async def orm(r: int) -> float:
            later = (
                select(func.coalesce(func.sum(Entry.amount), 0))
                .where(Entry.account_id == hot, Entry.created_at >= period_start)
                .scalar_subquery()
            )
            opening = (
                select((Account.balance - later).label("opening"))
                .where(Account.id == hot)
                .subquery()
            )
            in_period = (Entry.account_id == hot, Entry.created_at >= period_start,
                         Entry.created_at < period_end)  # fmt: skip
            totals_stmt = select(
                opening.c.opening,
                func.count(Entry.id),
                func.coalesce(func.sum(Entry.amount).filter(Entry.amount > 0), 0),
                func.coalesce(-func.sum(Entry.amount).filter(Entry.amount < 0), 0),
                opening.c.opening + func.coalesce(func.sum(Entry.amount), 0),
            ).select_from(opening).outerjoin(Entry, sqlalchemy.and_(*in_period)).group_by(
                opening.c.opening
            )  # fmt: skip
            running = opening.c.opening + func.sum(Entry.amount).over(
                order_by=(Entry.created_at, Entry.id), rows=(None, 0)
            )
            lines_stmt = (
                select(Entry, opening.c.opening, running.label("running_balance"))
                .join(opening, sqlalchemy.true())
                .where(*in_period)
                .order_by(Entry.created_at, Entry.id)
            )
            async with Session() as s:
                started = time.perf_counter()
                for _ in range(n):
                    totals = (await s.execute(totals_stmt)).one()
                    lines = (await s.execute(lines_stmt)).all()
                    s.expunge_all()
                assert lines[-1].running_balance == totals[4] and len(lines) == 100
                return per_op_us(started, n)

        return await interleave(
            "10. the account statement: totals and 100 entries with running balance", "µs/statement",
            {
                "datalayer typed functions": typed,
                "asyncpg fetchrow + fetch, same SQL": raw,
                "SQLAlchemy ORM select() with window": orm,
            },
            cfg.rounds,
        )  # fmt: skip


# -- 11. the card payment -----------------------------------------------------------------------------


async def card_payments(cfg, db, pool, Session) -> list[Result]:
    """One card payment per call, each its own transaction as the card's user: the card's lock,
    the monthly spending-limit sum, the funds check and the posting. Payments rotate over 50
    cards, so no card's month holds more than a few hundred payments."""
    async with db.transaction() as conn:
        user = await fintech.create_user(
            conn, email="cards@bench.example", first_name="C", last_name="C", phone_number=None,
            password_hash=dataset.BCRYPT,
        )  # fmt: skip
    async with db.transaction(user_id=user.id) as conn:
        account = await fintech.create_account(
            conn, user_id=user.id, account_number="ACC9999999997", account_name="Cards",
            account_type="checking", currency="USD", credit_limit=Decimal(0),
        )  # fmt: skip
        await fintech.create_deposit(
            conn, account_id=account.id, amount=Decimal(10_000_000), description=None
        )
        cards = []
        for k in range(50):
            card = await fintech.create_card(
                conn, user_id=user.id, account_id=account.id, brand="visa", card_type="debit",
                last4=f"{k:04d}", cardholder_name="BENCH", token="tok", encryption_key="bench",
                expiry_month=12, expiry_year=2099, spending_limit=Decimal(1_000_000_000),
            )  # fmt: skip
            cards.append(card.id)
    sql = Q.create_card_payment.sql
    amount = Decimal("3.75")
    n = cfg.card_payments
    uid = str(user.id)

    async def typed(r: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            async with db.transaction(user_id=user.id) as conn:
                await fintech.create_card_payment(
                    conn, user_id=user.id, account_id=account.id, card_id=cards[i % 50],
                    amount=amount, merchant="Bench", idempotency_key=f"dl-{r}-{i}",
                )  # fmt: skip
        return per_op_us(started, n)

    async def raw(r: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT set_config('datalayer.user_id', $1, true)", uid)
                await conn.fetchrow(
                    sql, user.id, account.id, cards[i % 50], amount, "Bench", f"pg-{r}-{i}"
                )
        return per_op_us(started, n)

    call = sqlalchemy.text(
        "SELECT * FROM fintech.pay_with_card(:user_id, :account_id, :card_id, :amount,"
        " :merchant, :idempotency_key)"
    )

    async def orm(r: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            async with Session() as s, s.begin():
                await s.execute(
                    sqlalchemy.text("SELECT set_config('datalayer.user_id', :u, true)"), {"u": uid}
                )
                (await s.execute(call, {
                    "user_id": user.id, "account_id": account.id, "card_id": cards[i % 50],
                    "amount": amount, "merchant": "Bench", "idempotency_key": f"orm-{r}-{i}",
                })).one()  # fmt: skip
        return per_op_us(started, n)

    out = await interleave(
        "11. the card payment, one per call (pooled connection)", "µs/payment",
        {
            "datalayer db.call(create_card_payment)": typed,
            "asyncpg pool acquire + same SQL": raw,
            "SQLAlchemy session + same SQL (text())": orm,
        },
        cfg.rounds,
    )  # fmt: skip
    async with db.transaction() as conn:
        assert await fintech.list_balance_mismatches(conn) == []
        assert await fintech.list_unbalanced_postings(conn) == []
    return out


# -- report -------------------------------------------------------------------------------------------


# (scenario prefix, variant, baseline scenario prefix, baseline, metric, comparison, limit, text)
# metric "wall": the ratio of median times (or of ops/s for throughput, variant over baseline);
# "cpu": the ratio of median client CPU per call; "speedup": baseline time over variant time.
GOALS = [
    ("1.", "datalayer typed function", "1.", "asyncpg fetchrow (Record)", "cpu", "<=", 1.05,
     "pk lookup → typed model ≤ 1.05× asyncpg fetchrow, client CPU"),
    ("1.", "datalayer typed function", "1.", "asyncpg fetchrow (Record)", "wall", "<=", 1.03,
     "pk lookup → typed model ≤ 1.03× asyncpg fetchrow, wall"),
    ("2.", "datalayer typed function", "2.", "asyncpg fetch (Records)", "cpu", "<=", 1.25,
     "100 rows → typed models ≤ 1.25× asyncpg fetch, client CPU"),
    ("6. pool throughput, 64 ", "datalayer db.call (typed)", "6. pool throughput, 64 ",
     "asyncpg pool, default reset", "wall", ">=", 1.3,
     "pool, 64 tasks ≥ 1.3× asyncpg default pool (ops/s)"),
    ("6. pool throughput, 8 ", "datalayer db.call (typed)", "6. pool throughput, 8 ",
     "asyncpg pool, reset disabled", "wall", ">=", 1.0,
     "pool, 8 tasks ≥ 1.0× asyncpg pool with reset disabled (ops/s)"),
    ("6. pool throughput, 64 ", "datalayer db.call (typed)", "6. pool throughput, 64 ",
     "asyncpg pool, reset disabled", "wall", ">=", 1.0,
     "pool, 64 tasks ≥ 1.0× asyncpg pool with reset disabled (ops/s)"),
    ("4. ", "datalayer bulk (COPY)", "4. ", "SQLAlchemy ORM add_all", "speedup", ">=", 20.0,
     "bulk insert 100k into an audited table ≥ 20× faster than ORM add_all"),
    ("4. ", "datalayer bulk (COPY)", "4. ", "asyncpg COPY, same table unaudited", "wall", "<=",
     1.5, "bulk insert 100k into an audited table ≤ 1.5× asyncpg COPY unaudited"),
    ("1.", "datalayer typed function", "9.", "pgbench", "wall", "<=", 1.6,
     "pk lookup typed ≤ 1.6× the floor (pgbench -S -M prepared -c 1 latency)"),
    ("7.", "keyset at depth", "7.", "page 1", "wall", "<=", 1.3,
     "keyset page at depth 10,000 ≤ 1.3× page 1"),
]  # fmt: skip


def find(results: list[Result], prefix: str, variant: str) -> Result:
    return next(r for r in results if r.scenario.startswith(prefix) and r.variant == variant)


def goal_rows(results: list[Result]) -> list[tuple[str, float, bool]]:
    rows = []
    for prefix, variant, base_prefix, baseline, metric, op, limit, text in GOALS:
        try:
            v, b = find(results, prefix, variant), find(results, base_prefix, baseline)
        except StopIteration:
            continue
        if metric == "cpu":
            ratio = v.cpu_median / b.cpu_median
        elif metric == "speedup":
            ratio = b.median / v.median
        else:
            ratio = v.median / b.median
        ok = ratio <= limit if op == "<=" else ratio >= limit
        rows.append((text, ratio, ok))
    return rows


def fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def report(
    results: list[Result], info: dict[str, object], cfg: Config, command: str, chart: Path
) -> str:
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    mem = ""
    try:
        kb = int(
            next(
                line
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    pg = info.get("server_version", "?")
    lines = [
        "# Benchmarks",
        "",
        "Generated by `bench/run.py`; do not edit by hand. Regenerate with the command below.",
        "",
        f"* Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"* Command: `{command}`",
        f"* Machine: {os.cpu_count()} CPUs ({cpu}){mem}; {platform.system()} {platform.release()}",
        f"* Versions: Python {platform.python_version()}, PostgreSQL {pg}, asyncpg {asyncpg.__version__},"
        f" SQLAlchemy {sqlalchemy.__version__}, pydantic {__import__('pydantic').VERSION}, datalayer {datalayer.__version__}",
        f"* Data set: {cfg.users:,} users and accounts, {cfg.entries:,} ledger entries, loaded with COPY in"
        f" {float(info['load_seconds']):.1f} s; {cfg.rounds} interleaved rounds per scenario",
        "* Server and client share this machine; connections over TCP 127.0.0.1.",
        f"* Load average (1 min) when the run started and ended: {info.get('load_before', '?')},"
        f" {info.get('load_after', '?')} (other work on the machine shows here: a loaded machine"
        " makes every variant slower and ratios noisier)",
        "",
        "## Goals",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
    ]
    for text, ratio, ok in goal_rows(results):
        lines.append(f"| {text} | {ratio:.2f}× | {'yes' if ok else '**no**'} |")
    lines += ["", "## Results", "", f"![ratios to raw asyncpg]({chart.name})", ""]
    scenarios: dict[str, list[Result]] = {}
    for r in results:
        scenarios.setdefault(r.scenario, []).append(r)
    for scenario, rs in scenarios.items():
        asy = next((r for r in rs if r.variant.startswith("asyncpg")), None)
        orm = next((r for r in rs if r.variant.startswith("SQLAlchemy ORM")), None)
        unit = rs[0].unit
        lines += [
            f"### {scenario}",
            "",
            f"| variant | median {unit} | min | max | × asyncpg | × ORM | client CPU µs/{'op' if unit == 'ops/s' else unit.split('/')[-1] if '/' in unit else 'run (ms)'} | CPU × asyncpg | extra |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rs:
            xa = f"{r.median / asy.median:.2f}" if asy else ""
            xo = f"{r.median / orm.median:.2f}" if orm else ""
            ca = f"{r.cpu_median / asy.cpu_median:.2f}" if asy and r.cpu else ""
            cpu = fmt(r.cpu_median) if r.cpu else ""
            extra = ", ".join(f"{k} {fmt(v)}" for k, v in r.extra.items())
            lines.append(
                f"| {r.variant} | {fmt(r.median)} | {fmt(min(r.samples))} | {fmt(max(r.samples))} | {xa} | {xo} | {cpu} | {ca} | {extra} |"
            )
        lines.append("")
    lines += [
        "Ratios compare medians: for times, below 1 is faster than the reference; for ops/s (scenario 6),",
        "above 1 is more throughput. Client CPU is this process's CPU time (`time.process_time`) over",
        "a variant's run, per call (µs; for scenarios timed in ms, ms per run). The server's CPU is not",
        "in it: client and server share the machine's CPUs. Scenarios 1, 2, 6 and 7 connect as a",
        "login of `fintech_app` with `datalayer.user_id` set for the session (row-level security on,",
        "as a service's user); 3, 4 and 5 write as the owner, who bulk-loads and owns the functions.",
        "",
    ]
    return "\n".join(lines)


def draw(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    labels, values, colors = [], [], []
    scenarios: dict[str, list[Result]] = {}
    for r in results:
        scenarios.setdefault(r.scenario, []).append(r)
    for scenario, rs in scenarios.items():
        asy = next((r for r in rs if r.variant.startswith("asyncpg")), None)
        if asy is None:
            continue
        for r in rs:
            ratio = asy.median / r.median if r.higher_is_better else r.median / asy.median
            tasks = re.search(r"(\d+) tasks", scenario)
            prefix = scenario.split(" ")[0] + (f" {tasks.group(1)} tasks" if tasks else "")
            labels.append(f"{prefix}: {r.variant}")
            values.append(ratio)
            colors.append(
                "#2b7bba"
                if r.variant.startswith("datalayer")
                else "#999999"
                if r.variant.startswith("asyncpg")
                else "#d95f02"
            )
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(labels) + 1.2))
    ax.barh(range(len(labels)), values, color=colors)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}×"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("cost relative to raw asyncpg (log scale; lower is better)")
    ax.set_title("datalayer (blue), asyncpg (grey), SQLAlchemy ORM (orange)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small data set, fewer calls (< 1 minute)"
    )
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    cfg = QUICK if args.quick else FULL
    url = resolve_url(None)
    command = "make bench QUICK=1" if args.quick else "make bench"
    started = time.perf_counter()
    load_before = f"{os.getloadavg()[0]:.2f}"
    results, info = asyncio.run(run(cfg, url))
    info["load_before"], info["load_after"] = load_before, f"{os.getloadavg()[0]:.2f}"

    async def version() -> str:
        conn = await asyncpg.connect(url)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    info["server_version"] = asyncio.run(version())
    out = Path(args.output)
    chart = out.with_name("bench-ratios.png") if out.parent == ROOT else out.with_suffix(".png")
    draw(results, chart)
    out.write_text(report(results, info, cfg, command, chart))
    print(f"wrote {out} and {chart} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for text, ratio, ok in goal_rows(results):
        print(f"  {'met ' if ok else 'MISS'} {text}: {ratio:.2f}×", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
