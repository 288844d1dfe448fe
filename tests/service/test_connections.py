"""Connections at the seeds' level: a lazy pool, maximum age, pre-ping, startup retries, lifecycle
logging, connection loss as RetryableError, COMMIT under cancellation, timeouts that name the query."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from pathlib import Path

import psycopg
import pytest

from datalayer import Database, errors
from datalayer.db import _Connection, _Lifecycle
from datalayer.queries import Connection, load
from datalayer.settings import Settings

POOL = "datalayer.pool"


def _kill_now(url: str, pid: int) -> None:
    """Terminate backend ``pid`` from a blocking connection and wait until it is gone, without
    giving the event loop a turn: asyncpg cannot have noticed the loss yet."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(500):
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            admin.execute("SELECT pg_sleep(0.01)")
    raise AssertionError(f"backend {pid} is still there")


async def _pid(conn: Connection) -> int:
    return int(await conn.fetchval("SELECT pg_backend_pid()"))


async def test_the_pool_opens_lazily_and_grows_to_size_plus_overflow(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.load(url=database_url, pool_size=3, max_overflow=2, pool_timeout=0.3)
    async with await Database.connect(settings) as db:
        assert db.pool.get_size() == 1  # DATABASE_POOL_MIN_SIZE, not DATABASE_POOL_SIZE
        held: list[Connection] = []
        entered = [db.acquire() for _ in range(5)]
        for ctx in entered:
            held.append(await ctx.__aenter__())
        assert db.pool.get_size() == 5
        info = db.pool_info()
        assert (info.checked_out, info.overflow, info.max_size) == (5, 2, 5)
        with caplog.at_level(logging.WARNING, logger=POOL), pytest.raises(errors.PoolTimeout) as e:
            async with db.acquire():
                pass
        assert "DATABASE_POOL_TIMEOUT" in str(e.value) and "0.3 s" in str(e.value)
        assert any("no connection free" in r.getMessage() for r in caplog.records)
        for ctx in reversed(entered):
            await ctx.__aexit__(None, None, None)
        assert db.pool_info().checked_in == 5


async def test_pre_ping_replaces_a_killed_backend(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def one_call_after_a_kill(pre_ping: bool) -> tuple[int, int | BaseException]:
        settings = Settings.load(
            url=database_url, pool_size=1, max_overflow=0, pool_pre_ping=pre_ping
        )
        async with await Database.connect(settings) as db:
            first = await db.call(_pid)
            _kill_now(database_url, first)
            try:
                return first, await db.call(_pid)
            except errors.DataLayerError as exc:
                return first, exc

    first, second = await one_call_after_a_kill(pre_ping=False)
    # Without the check the dead connection is handed out: a retryable connection loss.
    assert isinstance(second, errors.ConnectionLost)
    assert isinstance(second, errors.RetryableError)
    with caplog.at_level(logging.INFO, logger=POOL):
        first, second = await one_call_after_a_kill(pre_ping=True)
    assert isinstance(second, int) and second != first
    assert any("pre-ping failed" in r.getMessage() for r in caplog.records)


async def test_pre_ping_keeps_healthy_connections(database_url: str) -> None:
    settings = Settings.load(url=database_url, pool_size=1, max_overflow=0, pool_pre_ping=True)
    async with await Database.connect(settings) as db:
        pids = {await db.call(_pid) for _ in range(20)}
        async with db.transaction() as conn:
            pids.add(await _pid(conn))
        async with db.acquire() as conn:
            pids.add(await _pid(conn))
        assert len(pids) == 1  # the ping never broke a connection


async def test_recycle_is_a_maximum_connection_age(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.load(url=database_url, pool_size=1, max_overflow=0, pool_recycle=0.2)
    async with await Database.connect(settings) as db:
        first = await db.call(_pid)
        assert await db.call(_pid) == first  # young enough: kept
        await asyncio.sleep(0.3)
        with caplog.at_level(logging.INFO, logger=POOL):
            assert await db.call(_pid) != first
    assert any("DATABASE_POOL_RECYCLE" in r.getMessage() for r in caplog.records)


async def test_lifecycle_is_logged(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=POOL):
        async with await Database.connect(Settings.load(url=database_url, pool_size=1)) as db:
            await db.call(_pid)
    messages = [r.getMessage() for r in caplog.records if r.name == POOL]
    assert any(m.startswith("connection opened") for m in messages)
    assert any(m.startswith("pool open") for m in messages)
    assert any(m.startswith("connection closed") for m in messages)
    assert not any("@" in m and "***@" not in m for m in messages)  # URLs are masked


async def test_startup_retries_are_bounded_and_logged(
    pg_server: object, caplog: pytest.LogCaptureFixture
) -> None:
    url = "postgresql://nobody:pw-secret-789@127.0.0.1:1/nowhere"
    settings = Settings.load(
        url=url, connect_retries=2, connect_retry_backoff=0.01, connect_retry_max_backoff=0.02
    )
    with caplog.at_level(logging.WARNING, logger=POOL), pytest.raises(errors.ConnectionLost) as e:
        await Database.connect(settings)
    retries = [r.getMessage() for r in caplog.records if "cannot connect" in r.getMessage()]
    assert len(retries) == 2
    assert "attempt 3 of 3" in retries[-1]
    assert "pw-secret-789" not in str(e.value) + caplog.text


async def test_startup_does_not_retry_what_waiting_cannot_fix(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    missing = database_url.rsplit("/", 1)[0] + "/no_such_database"
    settings = Settings.load(url=missing, connect_retries=5, connect_retry_backoff=5)
    with caplog.at_level(logging.WARNING, logger=POOL), pytest.raises(errors.DataLayerError) as e:
        await Database.connect(settings)
    assert not isinstance(e.value, errors.RetryableError)
    assert not any("cannot connect" in r.getMessage() for r in caplog.records)


async def test_startup_waits_for_a_server_that_comes_up(database_url: str) -> None:
    """A TCP relay that refuses the first attempts, then forwards to the real server."""
    from urllib.parse import urlsplit

    target = urlsplit(database_url)
    attempts = 0

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 2:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = database_url.replace(f":{target.port}/", f":{port}/")
    try:
        settings = Settings.load(
            url=url, pool_size=1, connect_retries=3, connect_retry_backoff=0.01
        )
        async with await Database.connect(settings) as db:
            assert await db.call(lambda c: c.fetchval("SELECT 41 + 1")) == 42
        assert attempts >= 3
    finally:
        server.close()


async def test_plaintext_to_a_remote_host_is_warned(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncpg

    remote = Settings.load(url="postgresql://app@db.example.com:5432/app")
    local = Settings.load(url="postgresql://app@127.0.0.1:5432/app")
    conn = await asyncpg.connect(database_url, ssl="disable", connection_class=_Connection)
    try:
        with caplog.at_level(logging.WARNING, logger=POOL):
            await _Lifecycle(local).init(conn)
            assert not caplog.records
            await _Lifecycle(remote).init(conn)
        assert any("not encrypted" in r.getMessage() for r in caplog.records)
        assert "db.example.com" in caplog.text
    finally:
        await conn.close()


async def test_user_id_is_set_for_the_transaction_only(db: Database) -> None:
    uid = uuid.uuid4()
    async with db.transaction(user_id=uid, actor="api") as conn:
        assert await conn.fetchval("SELECT current_setting('datalayer.user_id')") == str(uid)
        assert await conn.fetchval("SELECT current_setting('datalayer.actor')") == "api"
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT current_setting('datalayer.user_id', true)") in (
            None,
            "",
        )
    with pytest.raises(errors.ConfigurationError, match="user_id"):
        db.transaction(user_id="1; DROP TABLE x")  # type: ignore[arg-type]


async def test_a_read_only_commit_never_reports_an_unknown_outcome(database_url: str) -> None:
    settings = Settings.load(url=database_url, pool_size=1, max_overflow=0)
    async with await Database.connect(settings) as db:
        with pytest.raises(errors.RetryableError) as info:
            async with db.transaction(readonly=True) as conn:
                _kill_now(database_url, await _pid(conn))
        assert not isinstance(info.value, errors.CommitOutcomeUnknown)
        # The same loss in a read-write transaction: the outcome is unknown to the client.
        with pytest.raises(errors.CommitOutcomeUnknown):
            async with db.transaction() as conn:
                _kill_now(database_url, await _pid(conn))
        assert await db.call(lambda c: c.fetchval("SELECT 1")) == 1  # the pool recovered


_SLOW_COMMIT = """
CREATE TABLE public.t (id int PRIMARY KEY, commit_sleep float8 NOT NULL);
CREATE FUNCTION public.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(NEW.commit_sleep); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON public.t DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION public.slow_commit();
"""


async def _insert(db: Database, i: int, sleep: float, inserted: asyncio.Event) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO public.t VALUES ($1, $2)", i, sleep)
        inserted.set()


async def test_a_task_cancelled_during_commit_gets_a_typed_error(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(_SLOW_COMMIT)
    inserted = asyncio.Event()
    task = asyncio.create_task(_insert(db, 1, 0.5, inserted))
    await inserted.wait()
    await asyncio.sleep(0.1)  # the block is done; COMMIT is running its 0.5 s deferred trigger
    task.cancel()
    with pytest.raises(errors.CommitOutcomeUnknown) as info:
        await task
    assert isinstance(info.value.__cause__, asyncio.CancelledError)
    assert await db.call(lambda c: c.fetchval("SELECT 1")) == 1


async def test_no_cancelled_commit_passes_for_a_failed_one(db: Database) -> None:
    """Cancel transactions at random moments around COMMIT: a bare CancelledError must always
    mean that nothing was committed."""
    async with db.transaction() as conn:
        await conn.execute(_SLOW_COMMIT)
    rng = random.Random(16)
    outcomes: dict[int, str] = {}
    for i in range(150):
        inserted = asyncio.Event()
        task = asyncio.create_task(_insert(db, i, rng.choice([0, 0.001, 0.003]), inserted))
        await asyncio.sleep(rng.uniform(0, 0.006))
        task.cancel()
        try:
            await task
            outcomes[i] = "committed"
        except asyncio.CancelledError:
            outcomes[i] = "cancelled"
        except errors.CommitOutcomeUnknown:
            outcomes[i] = "unknown"
    async with db.acquire() as conn:
        stored = {r[0] for r in await conn.fetch("SELECT id FROM public.t")}
    cancelled_but_stored = [i for i, o in outcomes.items() if o == "cancelled" and i in stored]
    committed_but_missing = [i for i, o in outcomes.items() if o == "committed" and i not in stored]
    assert cancelled_but_stored == [] and committed_but_missing == []
    # Cancellations landed both inside the block and while COMMIT was in flight.
    assert set(outcomes.values()) >= {"cancelled", "unknown"}


async def test_timeouts_name_the_query_and_the_limit(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "q.sql").write_text(
        "-- name: get_sleep(seconds)$\n-- Sleeps.\nSELECT pg_sleep(:seconds::float8)::text;\n"
    )
    q = load("slow", tmp_path).get_sleep
    settings = Settings.load(url=database_url, pool_size=1, command_timeout=0.2)
    async with await Database.connect(settings) as db:
        with pytest.raises(errors.QueryTimeout) as client:
            await db.call(q.fetchval, seconds=5)
        assert "slow.get_sleep" in str(client.value) and "0.2 s" in str(client.value)
        assert "DATABASE_COMMAND_TIMEOUT" in str(client.value)
        with pytest.raises(errors.QueryTimeout) as server:
            async with db.transaction() as conn:
                await conn.execute("SET LOCAL statement_timeout = '50ms'")
                await q.fetchval(conn, seconds=0.1)
        assert "slow.get_sleep" in str(server.value)
        assert "statement_timeout" in str(server.value)
