"""Health and monitoring queries (``sql/ops/``) as typed functions, for operators and health checks.

The models and functions are generated in ``_queries.py`` (``make gen``) and re-exported here.
This file is hand-written: it keeps the API of the former hand-written module where the generated
one differs (parameter defaults, :class:`~datalayer.errors.NotAvailable` for slow queries, the
``LockInfo`` name).
"""

from __future__ import annotations

from ..errors import NotAvailable
from ..queries import Connection
from . import _queries
from ._queries import (
    ActiveConnection,
    BlockedQuery,
    CacheHitRatio,
    ConnectionState,
    IndexUsage,
    Lock,
    LongRunningQuery,
    ServerInfo,
    SlowQuery,
    TableSize,
    UnusedIndex,
    count_connections,
    get_cache_hit_ratio,
    get_pg_stat_statements_schema,
    get_server_info,
    list_active_connections,
    list_blocked_queries,
    list_connections_by_state,
    list_index_usage,
    list_locks,
    list_table_sizes,
    list_unused_indexes,
    verify,
)

__all__ = [
    "ActiveConnection",
    "BlockedQuery",
    "CacheHitRatio",
    "ConnectionState",
    "IndexUsage",
    "Lock",
    "LockInfo",
    "LongRunningQuery",
    "ServerInfo",
    "SlowQuery",
    "TableSize",
    "UnusedIndex",
    "count_connections",
    "get_cache_hit_ratio",
    "get_pg_stat_statements_schema",
    "get_server_info",
    "list_active_connections",
    "list_blocked_queries",
    "list_connections_by_state",
    "list_index_usage",
    "list_locks",
    "list_long_running_queries",
    "list_slow_queries",
    "list_table_sizes",
    "list_unused_indexes",
    "verify",
]

#: The former name of :class:`Lock`.
LockInfo = Lock


async def list_long_running_queries(
    conn: Connection, *, min_seconds: float = 60.0
) -> list[LongRunningQuery]:
    """Statements running, or transactions open, for at least ``min_seconds``; longest first."""
    return await _queries.list_long_running_queries(conn, min_seconds=float(min_seconds))


async def list_slow_queries(conn: Connection, *, max_rows: int = 20) -> list[SlowQuery]:
    """Slowest statements by mean time, from pg_stat_statements.

    Raises :class:`~datalayer.errors.NotAvailable` when the extension is not installed here.
    """
    schema = await _queries.get_pg_stat_statements_schema(conn)
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
    return await _queries.list_slow_queries(conn, max_rows=max_rows)
