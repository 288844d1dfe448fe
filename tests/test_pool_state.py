"""No session state survives a trip through the pool.

Connections known clean (after ``db.call`` of a generated function, or a transaction whose COMMIT
or ROLLBACK carried the reset) go back without a reset; a connection handed out raw by
``acquire()`` gets the full reset. 10,000 random acquire/release cycles over a small pool, mixing
clean and dirtying work, each connection probed again and again: no setting, PREPAREd statement,
advisory lock, LISTEN, temporary table or open cursor ever shows up on a later checkout.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator

import asyncpg
import pytest

from datalayer import Database, errors
from datalayer.queries import Connection, stateless
from datalayer.settings import Settings

CYCLES = 10_000

PROBE = """
SELECT current_setting('work_mem') AS work_mem,
       coalesce(current_setting('leak.setting', true), '') AS setting,
       coalesce(current_setting('datalayer.user_id', true), '') AS user_id,
       coalesce(current_setting('datalayer.actor', true), '') AS actor,
       (SELECT count(*) FROM pg_prepared_statements WHERE from_sql) AS prepared,
       (SELECT count(*) FROM pg_locks
         WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS advisory_locks,
       (SELECT count(*) FROM pg_listening_channels()) AS listening,
       (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS temp_tables,
       (SELECT count(*) FROM pg_cursors) AS cursors,
       pg_backend_pid() AS pid
"""


@stateless
async def probe(conn: Connection) -> asyncpg.Record | None:
    """What the session carries (a generated function's shape: one statement, no state)."""
    return await conn.fetchrow(PROBE)


@stateless
async def fails(conn: Connection) -> None:
    await conn.execute("SELECT 1 / 0")


# Each leaves state on the session that outlives a transaction (n keeps names unique).
SESSION_STATE = [
    "SET work_mem = '7MB'",
    "SELECT set_config('leak.setting', 'x', false)",
    "PREPARE leak_{n} AS SELECT 1",
    "SELECT pg_advisory_lock({n})",
    "LISTEN leak_{n}",
    "CREATE TEMP TABLE leak_{n} (i int)",
    "DECLARE leak_{n} CURSOR WITH HOLD FOR SELECT 1",
]
# ... every one of which a transaction block may leave too (a PREPARE or a temporary table that
# outlives the transaction makes COMMIT's message report the session not clean: full reset).
IN_TRANSACTION = [
    *SESSION_STATE,
    "SET LOCAL work_mem = '9MB'",
    "SELECT set_config('leak.setting', 'y', true)",
    "SELECT pg_advisory_xact_lock({n})",
    "CREATE TEMP TABLE leak_{n} (i int) ON COMMIT DROP",
]


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(
        Settings.load(url=database_url, pool_size=3, max_overflow=0, slow_query_ms=0)
    )
    try:
        yield database
    finally:
        await database.close()


async def test_no_state_leaks_across_random_cycles(pool: Database) -> None:
    clean = await pool.call(probe)
    assert clean is not None
    baseline = dict(clean)
    del baseline["pid"]
    seen_pids: set[int] = set()
    probes = 0

    async def worker(w: int, cycles: range) -> None:
        nonlocal probes
        rng = random.Random(w)
        for n in cycles:
            kind = rng.random()
            if kind < 0.4:
                row = await pool.call(probe)
                assert row is not None
                state = dict(row)
                seen_pids.add(state.pop("pid"))
                assert state == baseline, f"cycle {n}: state left behind: {state} != {baseline}"
                probes += 1
            elif kind < 0.6:
                async with pool.acquire() as conn:
                    await conn.execute(rng.choice(SESSION_STATE).format(n=n + 1))
            elif kind < 0.85:
                statement = rng.choice(IN_TRANSACTION).format(n=n + 1)
                rollback = rng.random() < 0.3
                with pytest.raises(ZeroDivisionError) if rollback else contextlib.nullcontext():
                    async with pool.transaction(actor="leak-test") as conn:
                        await conn.execute(statement)
                        if rollback:
                            raise ZeroDivisionError
            elif kind < 0.95:
                async with pool.transaction(readonly=True) as conn:
                    await conn.execute("SET LOCAL statement_timeout = '5s'")
            else:
                with pytest.raises(errors.DataLayerError):
                    await pool.call(fails)

    # more tasks than connections: every connection is taken by every kind of work
    workers = 5
    await asyncio.gather(*(worker(w, range(w, CYCLES, workers)) for w in range(workers)))
    assert probes > CYCLES // 3
    assert len(seen_pids) == 3  # every connection of the pool was probed, repeatedly


async def test_clean_connections_skip_the_reset(pool: Database, database_url: str) -> None:
    """A connection back from db.call goes back without a reset statement (the server's last
    statement on it is the call's own); one handed out raw is fully reset on release."""
    watcher = await asyncpg.connect(database_url)
    try:

        async def last_statement(pid: int) -> str:
            text = await watcher.fetchval("SELECT query FROM pg_stat_activity WHERE pid = $1", pid)
            assert isinstance(text, str)
            return text

        async with pool.acquire() as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        assert "DEALLOCATE" in await last_statement(pid)  # the full reset ran on release
        row = await pool.call(probe)
        assert row is not None
        last = await last_statement(row["pid"])
        assert "pg_advisory_unlock_all" not in last and "pg_listening_channels" in last
        async with pool.transaction(actor="a") as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        last = await last_statement(pid)
        assert "RESET ALL; COMMIT" in last and "DEALLOCATE" not in last  # in COMMIT's message
    finally:
        await watcher.close()


async def test_idle_connections_close_after_the_idle_timeout(database_url: str) -> None:
    """Connections going back without a reset still get asyncpg's idle timer: past
    DATABASE_POOL_IDLE_TIMEOUT an idle connection is closed, down to the pool's floor
    (DATABASE_POOL_SIZE, asyncpg's min_size)."""
    database = await Database.connect(
        Settings.load(
            url=database_url, pool_size=1, max_overflow=3, pool_idle_timeout=0.5, slow_query_ms=0
        )
    )
    try:

        async def busy() -> None:
            async with database.transaction() as conn:
                await conn.execute("SELECT pg_sleep(0.2)")
            await database.call(probe)

        await asyncio.gather(*(busy() for _ in range(4)))
        opened = sum(1 for h in database._pool._holders if h._con is not None)  # type: ignore[union-attr]
        assert opened == 4
        await asyncio.sleep(1.5)
        left = sum(1 for h in database._pool._holders if h._con is not None)  # type: ignore[union-attr]
        assert left == 1
    finally:
        await database.close()
