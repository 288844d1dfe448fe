"""Database: pool, transactions (options, savepoints, retries), clean connections, health, logging."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg
import pytest

from datalayer import Database, errors
from datalayer.db import Health
from datalayer.queries import Connection, load
from datalayer.settings import Settings


async def test_commit_and_rollback(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE public.t (id int PRIMARY KEY)")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO public.t VALUES (1)")

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO public.t VALUES (2)")
            raise Boom
    async with db.acquire() as conn:
        assert await conn.fetch("SELECT id FROM public.t") == [(1,)]


async def test_options_are_applied(db: Database) -> None:
    with pytest.raises(errors.QueryError) as info:
        async with db.transaction(isolation="serializable", readonly=True, deferrable=True) as conn:
            assert await conn.fetchval("SHOW transaction_isolation") == "serializable"
            assert await conn.fetchval("SHOW transaction_read_only") == "on"
            assert await conn.fetchval("SHOW transaction_deferrable") == "on"
            await conn.execute("CREATE TABLE public.nope (id int)")
    assert info.value.sqlstate == "25006"
    async with db.transaction(isolation="repeatable_read") as conn:
        assert await conn.fetchval("SHOW transaction_isolation") == "repeatable read"
        assert await conn.fetchval("SHOW transaction_read_only") == "off"


async def test_actor_is_quoted_and_transaction_local(db: Database) -> None:
    tricky = "o'brien; DROP TABLE x; --"
    async with db.transaction(actor=tricky) as conn:
        assert await conn.fetchval("SELECT current_setting('datalayer.actor', true)") == tricky
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT current_setting('datalayer.actor', true)") in (None, "")


async def test_nested_connection_transaction_is_a_savepoint(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE public.t (id int PRIMARY KEY)")
        await conn.execute("INSERT INTO public.t VALUES (1)")
        with pytest.raises(Exception):  # noqa: B017 - asyncpg's own error inside the savepoint
            async with conn.transaction():
                await conn.execute("INSERT INTO public.t VALUES (2)")
                await conn.execute("INSERT INTO public.t VALUES (2)")
        await conn.execute("INSERT INTO public.t VALUES (3)")
    async with db.acquire() as conn:
        assert [r[0] for r in await conn.fetch("SELECT id FROM public.t ORDER BY id")] == [1, 3]


async def test_connections_come_back_clean(database_url: str) -> None:
    """Session state set inside a transaction or on a raw connection never reaches the next user."""
    single = await Database.connect(Settings.load(url=database_url, pool_size=1, max_overflow=0))
    try:
        probe = (
            "SELECT current_setting('work_mem'), current_setting('search_path'), "
            "current_setting('application_name'), "
            "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), "
            "(SELECT count(*) FROM pg_listening_channels()), "
            "(SELECT count(*) FROM pg_cursors)"
        )
        async with single.acquire() as conn:
            baseline = tuple(await conn.fetchrow(probe) or ())
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        dirty = (
            "SET work_mem = '77MB'; SET search_path = pg_catalog; SET application_name = 'dirty';"
            "SELECT pg_advisory_lock(42); LISTEN somewhere;"
            "DECLARE held CURSOR WITH HOLD FOR SELECT 1;"
        )
        async with single.transaction() as conn:
            await conn.execute(dirty)
        async with single.acquire() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == pid  # same session
            assert tuple(await conn.fetchrow(probe) or ()) == baseline
            await conn.execute(dirty)
        async with single.transaction() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == pid
            assert tuple(await conn.fetchrow(probe) or ()) == baseline
        with pytest.raises(errors.DataError):
            async with single.transaction() as conn:
                await conn.execute(dirty)
                await conn.execute("SELECT 1/0")
        async with single.acquire() as conn:
            assert tuple(await conn.fetchrow(probe) or ()) == baseline
    finally:
        await single.close()


async def test_retries_rerun_the_function(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.counter (id int PRIMARY KEY, n int NOT NULL);"
            "INSERT INTO public.counter VALUES (1, 0)"
        )

    async def bump(conn: Connection) -> int:
        n = await conn.fetchval("SELECT n FROM public.counter WHERE id = 1")
        await asyncio.sleep(0.01)
        await conn.execute("UPDATE public.counter SET n = $1 WHERE id = 1", n + 1)
        return int(n) + 1

    tx = db.transaction(isolation="serializable", retries=20, backoff=0.005)
    results = await asyncio.gather(*(tx.run(bump) for _ in range(6)))
    async with db.acquire() as conn:
        assert await conn.fetchval("SELECT n FROM public.counter WHERE id = 1") == 6
    assert sorted(results) == [1, 2, 3, 4, 5, 6]


async def test_without_retries_the_serialization_failure_reaches_the_caller(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.counter (id int PRIMARY KEY, n int NOT NULL);"
            "INSERT INTO public.counter VALUES (1, 0)"
        )
    calls = 0

    async def bump(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        n = await conn.fetchval("SELECT n FROM public.counter WHERE id = 1")
        await asyncio.sleep(0.05)
        await conn.execute("UPDATE public.counter SET n = $1 WHERE id = 1", n + 1)

    tx = db.transaction(isolation="serializable")
    results = await asyncio.gather(tx.run(bump), tx.run(bump), return_exceptions=True)
    assert calls == 2
    assert [type(r) for r in results if isinstance(r, BaseException)] == [
        errors.SerializationFailure
    ]


async def test_non_retryable_errors_are_not_retried(db: Database) -> None:
    calls = 0

    async def bad(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        await conn.execute("SELECT 1/0")

    with pytest.raises(errors.DataError):
        await db.transaction(retries=5).run(bad)
    assert calls == 1


async def test_retries_need_run(db: Database) -> None:
    with pytest.raises(errors.ConfigurationError, match="run"):
        async with db.transaction(retries=2):
            pass
    with pytest.raises(errors.ConfigurationError):
        db.transaction(isolation="chaotic")  # type: ignore[arg-type]


async def test_health_shape(db: Database, database_url: str) -> None:
    health = await db.health()
    assert isinstance(health, Health)
    assert health.status == "healthy"
    d = health.database
    assert d.connection_healthy is True
    assert d.database_url.startswith("postgresql://") and d.database_url.endswith(
        "/" + database_url.rsplit("/", 1)[1]
    )
    assert d.database_version and d.database_version.startswith("PostgreSQL ")
    assert d.latency_ms is not None and d.latency_ms > 0
    p = d.pool_info
    assert (p.min_size, p.max_size) == (1, 8)  # opens lazily: DATABASE_POOL_MIN_SIZE=1
    assert p.pool_size == p.checked_in + p.checked_out
    assert d.migrations is not None and d.migrations.pending == []
    assert d.migrations.applied >= 3 and d.migrations.head is not None
    as_json = json.loads(health.model_dump_json())
    assert set(as_json) == {"status", "timestamp", "database"}
    assert {"database_url", "database_version", "connection_healthy", "pool_info"} <= set(
        as_json["database"]
    )


async def test_health_reports_pending_migrations_and_masks_password(
    db: Database, database_url: str
) -> None:
    async with db.acquire() as conn:
        await conn.execute(
            "CREATE ROLE dl_health LOGIN PASSWORD 'pw-secret-123';"
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO dl_health;"
            "DELETE FROM public._yoyo_migration WHERE migration_id = "
            "(SELECT max(migration_id) FROM public._yoyo_migration)"
        )
    try:
        url = database_url.replace("postgres@", "dl_health:pw-secret-123@")
        async with await Database.connect(Settings.load(url=url, pool_size=1)) as other:
            health = await other.health()
        assert health.status == "degraded"
        assert health.database.migrations is not None
        assert len(health.database.migrations.pending) == 1
        assert "pw-secret-123" not in health.model_dump_json()
        assert health.database.database_url.startswith("postgresql://***@")
    finally:
        async with db.acquire() as conn:
            await conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dl_health")
            await conn.execute("DROP ROLE dl_health")


async def test_unreachable_database_is_a_clean_error(pg_server: object) -> None:
    url = "postgresql://nobody:pw-secret-456@127.0.0.1:1/nowhere"
    with pytest.raises(errors.DataLayerError) as info:
        await Database.connect(Settings.load(url=url, connect_timeout=2, connect_retries=0))
    assert "pw-secret-456" not in str(info.value)
    assert "127.0.0.1:1" in str(info.value)


async def test_query_logging(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    q = load("ops").get_server_info
    settings = Settings.load(url=database_url, pool_size=1, echo=True, slow_query_ms=0)
    async with await Database.connect(settings) as quiet_params:
        with caplog.at_level(logging.DEBUG, logger="datalayer.query"):
            async with quiet_params.transaction() as conn:
                await q.fetchrow(conn)
                await load("ops").list_long_running_queries.fetch(conn, min_seconds=12345.0)
    lines = [r for r in caplog.records if r.name == "datalayer.query"]
    assert [getattr(r, "query", None) for r in lines] == [
        "ops.get_server_info",
        "ops.list_long_running_queries",
    ]
    assert all(getattr(r, "duration_ms", -1) >= 0 for r in lines)
    assert getattr(lines[0], "rows", None) == 1
    assert "12345" not in caplog.text  # parameter values only when asked
    caplog.clear()
    settings = Settings.load(url=database_url, pool_size=1, slow_query_ms=1, echo_parameters=True)
    async with await Database.connect(settings) as slow:
        with caplog.at_level(logging.DEBUG, logger="datalayer.query"):
            async with slow.transaction() as conn:
                await load("ops").list_long_running_queries.fetch(conn, min_seconds=12345.0)
                await conn.execute("SELECT pg_sleep(0.01)")  # raw calls are not logged
    lines = [r for r in caplog.records if r.name == "datalayer.query"]
    # 1 ms threshold: the catalog query over pg_stat_activity takes longer than that
    assert [r.levelno for r in lines] == [logging.WARNING]
    assert "slow query ops.list_long_running_queries" in lines[0].getMessage()
    assert "12345" in lines[0].getMessage()  # parameters shown when asked


async def test_secret_parameters_are_never_logged(
    database_url: str, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "s").mkdir()
    (root / "s" / "q.sql").write_text(
        "-- name: get_echo(encryption_key, api_token, label)$\n-- Echo.\n"
        "SELECT length(:encryption_key::text) + length(:api_token::text) + length(:label::text);\n"
    )
    q = load("s", root).get_echo
    settings = Settings.load(url=database_url, pool_size=1, echo=True, echo_parameters=True)
    async with await Database.connect(settings) as logged:
        with caplog.at_level(logging.DEBUG, logger="datalayer.query"):
            async with logged.transaction() as conn:
                assert (
                    await q.fetchval(
                        conn, encryption_key="k-SECRET-1", api_token="t-SECRET-2", label="visible"
                    )
                    == 27
                )
    text = caplog.text
    assert "visible" in text and "SECRET" not in text and "'***'" in text


async def test_call_runs_query_functions_and_skips_the_reset(database_url: str) -> None:
    from datalayer import ops

    single = await Database.connect(Settings.load(url=database_url, pool_size=1, max_overflow=0))
    try:
        sent: list[str] = []
        async with single.acquire() as conn:
            conn._con.add_query_logger(lambda record: sent.append(record.query))  # type: ignore[attr-defined]
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        assert any("RESET ALL" in q for q in sent)  # a raw connection is reset on release
        sent.clear()
        info = await single.call(ops.get_server_info)
        assert info.database_name == database_url.rsplit("/", 1)[1]
        assert await single.call(ops.count_connections) >= 1
        await asyncio.sleep(0)  # asyncpg calls query loggers on the next loop iteration
        assert len(sent) == 2 and not any("RESET ALL" in q for q in sent)

        async def leaves_a_transaction_open(conn: Connection) -> int:
            await conn.execute("BEGIN; SET LOCAL work_mem = '64MB'")
            return int(await conn.fetchval("SELECT pg_backend_pid()"))

        assert await single.call(leaves_a_transaction_open) == pid
        assert any("RESET ALL" in q for q in sent)  # rolled back and reset
        with pytest.raises(errors.DataError):
            await single.call(lambda conn: conn.execute("SELECT 1/0"))
        async with single.acquire() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == pid
            assert not conn.is_in_transaction()
    finally:
        await single.close()


async def test_bulk_copy(db: Database) -> None:
    from datalayer.bulk import copy_records

    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.bulk (id int PRIMARY KEY, name text NOT NULL, "
            "CONSTRAINT bulk_name_check CHECK (name <> ''))"
        )
        assert (
            await copy_records(
                conn, "public.bulk", ["id", "name"], ((i, f"n{i}") for i in range(5000))
            )
            == 5000
        )
    with pytest.raises(errors.CheckViolation) as info:
        async with db.transaction() as conn:
            await copy_records(conn, "public.bulk", ["id", "name"], [(10_000, "ok"), (10_001, "")])
    assert info.value.constraint == "bulk_name_check"
    async with db.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM public.bulk") == 5000


async def test_an_error_caught_inside_the_block_does_not_commit_silently(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE public.t (id int PRIMARY KEY)")
    with pytest.raises(errors.QueryError) as info:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO public.t VALUES (1)")
            with contextlib.suppress(Exception):
                await conn.execute("INSERT INTO public.t VALUES (1)")  # fails; the block goes on
    assert info.value.sqlstate == "25P02" and "rolled back" in str(info.value)
    async with db.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM public.t") == 0
        assert not conn.is_in_transaction()


async def test_a_connection_lost_during_commit_is_not_retried(db: Database) -> None:
    """A deferred trigger that kills its own backend makes COMMIT's outcome unknown to the client."""
    async with db.transaction() as conn:
        await conn.execute(
            """
            CREATE TABLE public.t (id int PRIMARY KEY);
            CREATE FUNCTION public.die() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER die AFTER INSERT ON public.t DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION public.die();
            """
        )
    calls = 0

    async def insert(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        await conn.execute("INSERT INTO public.t VALUES ($1)", calls)

    with pytest.raises(errors.CommitOutcomeUnknown):
        await db.transaction(retries=3).run(insert)
    assert calls == 1
    assert not isinstance(errors.CommitOutcomeUnknown("x"), errors.RetryableError)


async def test_actor_is_safe_without_standard_conforming_strings(database_url: str) -> None:
    url = database_url + "?standard_conforming_strings=off"
    evil = "\\'; CREATE TABLE public.pwned (); --"
    async with await Database.connect(Settings.load(url=url, pool_size=1)) as odd:
        async with odd.transaction(actor=evil) as conn:
            assert await conn.fetchval("SHOW standard_conforming_strings") == "off"
            assert await conn.fetchval("SELECT current_setting('datalayer.actor')") == evil
        async with odd.acquire() as conn:
            assert await conn.fetchval("SELECT to_regclass('public.pwned')") is None
    with pytest.raises(errors.ConfigurationError):
        async with odd.transaction(actor="nul\x00byte"):
            pass


async def test_sslmode_in_the_url_is_not_overridden(database_url: str) -> None:
    # The test server has no TLS: sslmode=require in the URL must fail, not fall back to plain text.
    with pytest.raises(errors.DataLayerError):
        await Database.connect(Settings.load(url=database_url + "?sslmode=require", pool_size=1))
    with pytest.raises(errors.ConfigurationError) as info:
        await Database.connect(
            Settings.load(url=database_url + "?sslmode=disable", ssl_mode="require", pool_size=1)
        )
    assert info.value.variable == "DATABASE_SSL_MODE"
    async with await Database.connect(
        Settings.load(url=database_url + "?sslmode=disable", pool_size=1)
    ) as plain:
        assert await plain.call(lambda c: c.fetchval("SELECT 1")) == 1


async def test_call_resets_after_functions_that_are_not_query_functions(database_url: str) -> None:
    single = await Database.connect(Settings.load(url=database_url, pool_size=1, max_overflow=0))
    try:
        await single.call(lambda conn: conn.execute("SET search_path = leaked"))
        async with single.acquire() as conn:
            assert await conn.fetchval("SHOW search_path") != "leaked"
    finally:
        await single.close()


async def test_a_schema_change_under_a_cached_statement_is_retried(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.t (id int PRIMARY KEY, v int); INSERT INTO public.t VALUES (1, 1)"
        )
    calls = 0

    async def read(conn: Connection) -> object:
        nonlocal calls
        calls += 1
        return await conn.fetchval("SELECT v FROM public.t WHERE id = 1")

    async with db.acquire() as conn:  # every pooled connection caches the statement
        await read(conn)
    async with db.acquire() as conn:
        await conn.execute("ALTER TABLE public.t ALTER COLUMN v TYPE bigint")
    calls = 0
    assert await db.transaction(retries=3).run(read) == 1
    assert calls in (1, 2)


def test_schema_change_errors_are_retryable() -> None:
    exc = asyncpg.exceptions.InvalidCachedStatementError("cached plan must not change result type")
    assert isinstance(errors.translate(exc), errors.SchemaChanged)
    assert isinstance(errors.translate(exc), errors.RetryableError)
