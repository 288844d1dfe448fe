"""``datalayer monitor``: the ``sql/ops/`` figures of one database, as rich tables or JSON.

Connections by state, long-running statements and transactions, backends waiting for locks and
who blocks them, the largest tables with their index sizes, indexes never scanned, the cache hit
ratio, and the slowest statements when ``pg_stat_statements`` is installed. It reads statistics
views only (through the typed functions of :mod:`datalayer.ops`), so any login can run it; one
with ``pg_monitor`` sees every session instead of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..ops import (
    BlockedQuery,
    CacheHitRatio,
    ConnectionState,
    LongRunningQuery,
    SlowQuery,
    TableSize,
    UnusedIndex,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ..queries import Connection

__all__ = ["Snapshot", "main", "render", "snapshot"]

#: How long a figure waits for a lock before it is left out.
_LOCK_WAIT = "1s"


class Snapshot(BaseModel):
    """The figures at one moment."""

    taken_at: datetime
    database: str
    server_version: str
    connections_by_state: list[ConnectionState]
    long_running: list[LongRunningQuery]
    blocked: list[BlockedQuery]
    largest_tables: list[TableSize]
    unused_indexes: list[UnusedIndex]
    cache_hit_ratio: CacheHitRatio | None
    slow_queries: list[SlowQuery] | None
    slow_queries_note: str | None
    #: figures left out, and why (a size needs a lock that a blocked table does not give)
    notes: list[str]


async def snapshot(conn: Connection, *, long_seconds: float = 60.0, top: int = 10) -> Snapshot:
    """Read every figure on ``conn``."""
    from .. import ops
    from ..errors import LockTimeout, NotAvailable

    info = await ops.get_server_info(conn)
    notes: list[str] = []
    slow: list[SlowQuery] | None
    try:
        slow = list(await ops.list_slow_queries(conn, max_rows=top))
        note = None
    except NotAvailable as exc:
        slow, note = None, str(exc)
    connections = list(await ops.list_connections_by_state(conn))
    long_running = list(await ops.list_long_running_queries(conn, min_seconds=long_seconds))
    blocked = list(await ops.list_blocked_queries(conn))
    # Sizes open each relation (a lock); an exclusive lock held elsewhere must not hang the
    # monitor that is there to show it: the session's lock_timeout ends the wait.
    sizes: list[TableSize] = []
    unused: list[UnusedIndex] = []
    try:
        sizes = list(await ops.list_table_sizes(conn))[:top]
    except LockTimeout:
        notes.append(f"table sizes left out: a relation is locked ({_LOCK_WAIT} lock wait)")
    try:
        unused = list(await ops.list_unused_indexes(conn))[:top]
    except LockTimeout:
        notes.append(f"unused indexes left out: a relation is locked ({_LOCK_WAIT} lock wait)")
    return Snapshot(
        taken_at=datetime.now(UTC),
        database=info.database_name or "",
        server_version=info.server_version,
        connections_by_state=connections,
        long_running=long_running,
        blocked=blocked,
        largest_tables=sizes,
        unused_indexes=unused,
        cache_hit_ratio=await ops.get_cache_hit_ratio(conn),
        slow_queries=slow,
        slow_queries_note=note,
        notes=notes,
    )


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _age(value: timedelta | None) -> str:
    if value is None:
        return ""
    seconds = value.total_seconds()
    return f"{seconds:.1f} s" if seconds < 120 else str(value).split(".")[0]


def _ratio(value: float | None) -> str:
    return "n/a (no reads yet)" if value is None else f"{value:.2%}"


def render(snap: Snapshot, out: Console) -> None:
    """Print the snapshot as tables."""
    from rich.table import Table

    out.print(
        f"[bold]{snap.database}[/] (PostgreSQL {snap.server_version}) at "
        f"{snap.taken_at:%Y-%m-%d %H:%M:%S} UTC"
    )

    t = Table(title="connections by state")
    for c in ("state", "connections", "longest in state"):
        t.add_column(c)
    for cs in snap.connections_by_state:
        t.add_row(cs.state, str(cs.connections), _age(cs.longest_in_state))
    out.print(t)

    t = Table(title="long-running statements and transactions")
    for c in ("pid", "role", "state", "statement", "transaction", "wait", "query"):
        t.add_column(c)
    for q in snap.long_running:
        wait = f"{q.wait_event_type}:{q.wait_event}" if q.wait_event_type else ""
        t.add_row(
            str(q.pid), q.role_name or "", q.state or "", _age(q.query_age),
            _age(q.transaction_age), wait, (q.query or "")[:120],
        )  # fmt: skip
    out.print(t if snap.long_running else "long-running: none")

    t = Table(title="locks: waiting backends and their blockers")
    for c in ("pid", "role", "waiting", "query", "blocked by", "blocker state", "blocker query"):
        t.add_column(c)
    for b in snap.blocked:
        t.add_row(
            str(b.pid), b.role_name or "", _age(b.waiting_for), (b.query or "")[:80],
            ", ".join(str(p) for p in b.blocking_pids), b.blocker_state or "",
            (b.blocker_query or "")[:80],
        )  # fmt: skip
    out.print(t if snap.blocked else "blocked: none")

    t = Table(title="largest tables")
    for c in ("table", "total", "heap", "indexes", "rows (estimate)"):
        t.add_column(c, justify="left" if c == "table" else "right")
    for s in snap.largest_tables:
        t.add_row(
            f"{s.schema_name}.{s.table_name}", _size(s.total_bytes), _size(s.table_bytes),
            _size(s.index_bytes), str(s.estimated_rows),
        )  # fmt: skip
    out.print(t)

    t = Table(title="unused indexes (never scanned, enforce nothing)")
    for c in ("index", "table", "size"):
        t.add_column(c)
    for u in snap.unused_indexes:
        t.add_row(f"{u.schema_name}.{u.index_name}", u.table_name, _size(u.index_bytes))
    out.print(t if snap.unused_indexes else "unused indexes: none")

    ratio = snap.cache_hit_ratio
    out.print(
        f"cache hit ratio: tables {_ratio(ratio.table_hit_ratio if ratio else None)}, "
        f"indexes {_ratio(ratio.index_hit_ratio if ratio else None)}"
    )

    for note in snap.notes:
        out.print(f"note: {note}", markup=False)
    if snap.slow_queries is None:
        out.print(f"slow queries: {snap.slow_queries_note}", markup=False)
    else:
        t = Table(title="slowest statements (mean time, pg_stat_statements)")
        for c in ("mean ms", "max ms", "calls", "rows", "query"):
            t.add_column(c, justify="left" if c == "query" else "right")
        for sq in snap.slow_queries:
            t.add_row(
                f"{sq.mean_ms:.2f}", f"{sq.max_ms:.2f}", str(sq.calls), str(sq.rows),
                sq.query[:120],
            )  # fmt: skip
        out.print(t)


async def _run(args: argparse.Namespace) -> int:
    from ..db import Database
    from ..settings import Settings
    from ..urls import resolve_url
    from ._common import console

    url = resolve_url(args.database_url)
    out = console()
    async with await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0)) as db:
        while True:
            async with db.acquire() as conn:
                await conn.execute(f"SET lock_timeout = '{_LOCK_WAIT}'")
                snap = await snapshot(conn, long_seconds=args.long_seconds, top=args.top)
            if args.json:
                text = snap.model_dump_json(indent=None if args.watch else 2)
                print(json.dumps(json.loads(text)) if args.watch else text, flush=True)
            else:
                if args.watch:
                    out.clear()
                render(snap, out)
            if not args.watch:
                return 0
            await asyncio.sleep(args.watch)


def main(args: argparse.Namespace) -> int:
    """``datalayer monitor``: print once, or every ``--watch`` seconds until Ctrl-C."""
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 0
