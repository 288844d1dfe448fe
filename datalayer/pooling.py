"""Transaction-mode connection poolers (PgBouncer): recognising one, and what they forbid.

A pooler such as PgBouncer answers the startup with a cancel key of its own, so the backend
process id a client is told (``BackendKeyData``) is not the ``pg_backend_pid()`` of the server
connection that runs its statements. A direct connection always gets the real one. One query tells
the two apart, whatever the pooler, its version, port or host.

In transaction mode a server connection belongs to a client for one transaction only, so anything
that outlives a transaction is lost or, worse, left to another client: session ``SET``, session
advisory locks, ``LISTEN``, ``WITH HOLD`` cursors and — before PgBouncer 1.21 — named prepared
statements. The query functions never use them (a test checks ``sql/``); transactions use
``SET LOCAL`` and ``set_config(..., true)``; the pool refuses a statement cache behind a pooler unless
told the pooler keeps prepared statements; the migration runner, which needs a session advisory
lock and session settings, refuses to run through one.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MIGRATE_HINT",
    "STATEMENT_CACHE_HINT",
    "behind_pooler",
    "behind_pooler_async",
]

MIGRATE_HINT = (
    "migrations cannot run through a connection pooler such as PgBouncer (the run holds a session "
    "advisory lock and session settings, which transaction pooling hands to other clients): use "
    "the direct URL of the PostgreSQL server"
)

STATEMENT_CACHE_HINT = (
    "this connection goes through a connection pooler such as PgBouncer: in transaction mode a "
    "prepared statement may be missing on the next transaction's server connection. Set "
    "DATABASE_STATEMENT_CACHE_SIZE=0, or DATABASE_POOLER_PREPARED_STATEMENTS=true when the pooler "
    "keeps them (PgBouncer >= 1.21 with max_prepared_statements > 0, or session pooling)"
)

#: Startup-packet errors of a pooler that does not accept libpq's ``options``: a pooler, too.
_POOLER_STARTUP_ERRORS = ("unsupported startup parameter",)


def behind_pooler(conn: Any) -> bool:
    """Whether a psycopg connection goes through a pooler (one query)."""
    row = conn.execute("SELECT pg_backend_pid()").fetchone()
    return row is not None and int(row[0]) != int(conn.info.backend_pid)


async def behind_pooler_async(conn: Any) -> bool:
    """Whether an asyncpg connection goes through a pooler (one query)."""
    return int(await conn.fetchval("SELECT pg_backend_pid()")) != int(conn.get_server_pid())


def is_pooler_startup_error(message: str) -> bool:
    return any(text in message for text in _POOLER_STARTUP_ERRORS)
