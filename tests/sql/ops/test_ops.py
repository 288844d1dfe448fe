"""sql/ops/: health and monitoring queries against a real server."""

from __future__ import annotations

import asyncio

import pytest

from datalayer import Database, ops
from datalayer.errors import NotAvailable


async def test_server_info_and_connections(db: Database, database_url: str) -> None:
    async with db.transaction() as conn:
        info = await ops.get_server_info(conn)
        assert info.server_version_num >= 130000
        assert info.database_name == database_url.rsplit("/", 1)[1]
        assert info.role_name == "postgres"
        assert await ops.count_connections(conn) >= 1


async def test_active_long_running_and_locks(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE public.busy (id int)")
    started = asyncio.Event()

    async def hold() -> None:
        async with db.transaction() as conn:
            await conn.execute("LOCK TABLE public.busy IN ACCESS EXCLUSIVE MODE")
            started.set()
            await conn.execute("SELECT pg_sleep(1.2)")

    task = asyncio.create_task(hold())
    await started.wait()
    await asyncio.sleep(0.3)
    async with db.acquire() as conn:
        active = await ops.list_active_connections(conn)
        assert any(a.query and "pg_sleep" in a.query for a in active)
        assert all(a.pid for a in active)
        long = await ops.list_long_running_queries(conn, min_seconds=0.2)
        assert any(q.query and "pg_sleep" in q.query for q in long)
        assert await ops.list_long_running_queries(conn, min_seconds=3600) == []
        locks = await ops.list_locks(conn)
        assert any(
            lk.relation == "busy" and lk.mode == "AccessExclusiveLock" and lk.granted
            for lk in locks
        )
    await task


async def test_sizes_and_index_usage(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.sized (id int PRIMARY KEY, v text);"
            "CREATE INDEX sized_v_idx ON public.sized (v);"
            "INSERT INTO public.sized SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;"
            "ANALYZE public.sized;"
        )
    async with db.acquire() as conn:
        sizes = {(t.schema_name, t.table_name): t for t in await ops.list_table_sizes(conn)}
        sized = sizes[("public", "sized")]
        assert sized.table_bytes > 100_000 and sized.index_bytes > 0
        assert sized.total_bytes >= sized.table_bytes + sized.index_bytes
        assert sized.estimated_rows == 2000
        assert ("core", "audit_log") in sizes
        usage = {i.index_name: i for i in await ops.list_index_usage(conn)}
        assert usage["sized_pkey"].is_primary and usage["sized_v_idx"].is_valid
        unused = {i.index_name for i in await ops.list_unused_indexes(conn)}
        assert "sized_v_idx" in unused and "sized_pkey" not in unused
        ratio = await ops.get_cache_hit_ratio(conn)
        for value in (ratio.table_hit_ratio, ratio.index_hit_ratio):
            assert value is None or 0.0 <= value <= 1.0


async def test_slow_queries_need_pg_stat_statements(db: Database) -> None:
    async with db.acquire() as conn:
        with pytest.raises(NotAvailable, match="pg_stat_statements"):
            await ops.list_slow_queries(conn)
        await conn.execute("CREATE EXTENSION pg_stat_statements WITH SCHEMA public")
        preloaded = await conn.fetchval(
            "SELECT 'pg_stat_statements' = ANY(string_to_array(current_setting('shared_preload_libraries'), ','))"
        )
        if not preloaded:  # an external TEST_DATABASE_URL server may not preload it
            pytest.skip("pg_stat_statements is not in shared_preload_libraries on this server")
        await conn.execute("SELECT pg_sleep(0.05)")
        slow = await ops.list_slow_queries(conn, max_rows=500)
    assert slow and any("pg_sleep" in s.query for s in slow)
    assert all(s.calls >= 1 and s.mean_ms >= 0 for s in slow)
