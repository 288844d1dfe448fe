"""Health and monitoring queries (``sql/ops/``) as typed functions, for operators and health checks."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from .errors import NotAvailable
from .queries import Connection, load, to_model, to_models

__all__ = [
    "ActiveConnection",
    "CacheHitRatio",
    "IndexUsage",
    "LockInfo",
    "LongRunningQuery",
    "ServerInfo",
    "SlowQuery",
    "TableSize",
    "UnusedIndex",
    "count_connections",
    "get_cache_hit_ratio",
    "get_server_info",
    "list_active_connections",
    "list_index_usage",
    "list_locks",
    "list_long_running_queries",
    "list_slow_queries",
    "list_table_sizes",
    "list_unused_indexes",
]

Q = load("ops")


class ServerInfo(BaseModel):
    server_version: str
    server_version_num: int
    database_name: str
    role_name: str
    server_time: datetime


class ActiveConnection(BaseModel):
    pid: int
    role_name: str | None
    application_name: str | None
    client_addr: str | None
    state: str | None
    backend_start: datetime | None
    xact_start: datetime | None
    query_start: datetime | None
    wait_event_type: str | None
    wait_event: str | None
    query: str | None


class LongRunningQuery(BaseModel):
    pid: int
    role_name: str | None
    state: str | None
    query_age: timedelta | None
    transaction_age: timedelta | None
    wait_event_type: str | None
    wait_event: str | None
    query: str | None


class LockInfo(BaseModel):
    pid: int | None
    locktype: str
    mode: str
    granted: bool
    relation: str | None
    state: str | None
    query_age: timedelta | None
    query: str | None


class TableSize(BaseModel):
    schema_name: str
    table_name: str
    total_bytes: int
    table_bytes: int
    index_bytes: int
    estimated_rows: int


class IndexUsage(BaseModel):
    schema_name: str
    table_name: str
    index_name: str
    index_bytes: int
    scans: int
    is_unique: bool
    is_primary: bool
    is_valid: bool


class UnusedIndex(BaseModel):
    schema_name: str
    table_name: str
    index_name: str
    index_bytes: int


class CacheHitRatio(BaseModel):
    table_hit_ratio: float | None
    index_hit_ratio: float | None


class SlowQuery(BaseModel):
    queryid: int | None
    query: str
    calls: int
    total_ms: float
    mean_ms: float
    max_ms: float
    rows: int


async def get_server_info(conn: Connection) -> ServerInfo:
    """The server's version, the current database and role, and the server's clock."""
    row = to_model(ServerInfo, await Q.get_server_info.fetchrow(conn))
    assert row is not None  # a SELECT without FROM always returns one row
    return row


async def count_connections(conn: Connection) -> int:
    """Connections to the current database, this one included."""
    value = await Q.count_connections.fetchval(conn)
    assert isinstance(value, int)
    return value


async def list_active_connections(conn: Connection) -> list[ActiveConnection]:
    """Every other backend connected to the current database."""
    return to_models(ActiveConnection, await Q.list_active_connections.fetch(conn))


async def list_long_running_queries(
    conn: Connection, *, min_seconds: float = 60.0
) -> list[LongRunningQuery]:
    """Statements running, or transactions open, for at least ``min_seconds``; longest first."""
    rows = await Q.list_long_running_queries.fetch(conn, min_seconds=float(min_seconds))
    return to_models(LongRunningQuery, rows)


async def list_locks(conn: Connection) -> list[LockInfo]:
    """Locks held or awaited in the current database (waiting ones first)."""
    return to_models(LockInfo, await Q.list_locks.fetch(conn))


async def list_table_sizes(conn: Connection) -> list[TableSize]:
    """Size of every user table, largest first."""
    return to_models(TableSize, await Q.list_table_sizes.fetch(conn))


async def list_index_usage(conn: Connection) -> list[IndexUsage]:
    """Every user index with its size and scan count."""
    return to_models(IndexUsage, await Q.list_index_usage.fetch(conn))


async def list_unused_indexes(conn: Connection) -> list[UnusedIndex]:
    """Indexes never scanned that enforce nothing: candidates to drop."""
    return to_models(UnusedIndex, await Q.list_unused_indexes.fetch(conn))


async def get_cache_hit_ratio(conn: Connection) -> CacheHitRatio:
    """Share of table and index reads served from shared buffers."""
    row = to_model(CacheHitRatio, await Q.get_cache_hit_ratio.fetchrow(conn))
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return row


async def list_slow_queries(conn: Connection, *, max_rows: int = 20) -> list[SlowQuery]:
    """Slowest statements by mean time, from pg_stat_statements.

    Raises :class:`~datalayer.errors.NotAvailable` when the extension is not installed here.
    """
    schema = await Q.get_pg_stat_statements_schema.fetchval(conn)
    if schema is None:
        raise NotAvailable(
            "slow queries are not available: the pg_stat_statements extension is not installed in "
            "this database (add it to shared_preload_libraries, restart, then "
            "CREATE EXTENSION pg_stat_statements)"
        )
    if schema != "public":
        raise NotAvailable(
            f"slow queries are not available: pg_stat_statements is installed in schema {schema}, "
            "expected public"
        )
    return to_models(SlowQuery, await Q.list_slow_queries.fetch(conn, max_rows=max_rows))
