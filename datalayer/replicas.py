"""Read replicas: routing of read-only work, read-your-writes positions, and replica health.

``DATABASE_READ_URLS`` names one or more streaming replicas. Read-only transactions
(``db.transaction(readonly=True)``) and :meth:`Database.read` go to a replica, in turn; everything
else goes to the primary (``DATABASE_URL``).

Read-your-writes: when replicas are configured, a write transaction ends by reading the primary's
WAL insert position after its COMMIT (one more round trip), a *position token* such as
``"0/3000148"``. A read given that token (``after=``, :func:`read_after`, or automatically for
later reads in the same task) first asks the replica how far it has replayed
(``pg_last_wal_replay_lsn()``); if it is behind, it polls for up to ``DATABASE_READ_WAIT``
seconds, then runs on the primary instead. The insert position is at or after the end of the
COMMIT record, so a replica that has replayed it shows the write.

A replica that cannot be reached, or whose replay lag exceeds ``DATABASE_READ_MAX_LAG``, is left
out for ``DATABASE_READ_RETRY_INTERVAL`` seconds and then tried again.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from pydantic import BaseModel

from . import errors
from .errors import ConfigurationError
from .settings import mask_url

__all__ = [
    "Position",
    "ReplicaHealth",
    "ReplicaStats",
    "current_position",
    "parse_position",
    "read_after",
]

log = logging.getLogger("datalayer.replicas")

_LSN = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")

#: A WAL position as an integer (``hi << 32 | lo``), comparable with ``<``.
Position = int

#: The position the reads of this task (or request) must see: set by :func:`read_after`, and
#: raised by every write transaction committed in the task.
_READ_AFTER: contextvars.ContextVar[Position | None] = contextvars.ContextVar(
    "datalayer_read_after", default=None
)

# One round trip: how far this server has replayed, and its replay lag in seconds (0 when it has
# replayed all it received; NULL on a primary).
_PROBE_SQL = (
    "SELECT pg_last_wal_replay_lsn()::text, "
    "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END"
)
#: Where the primary's WAL ends after a COMMIT: at or past the end of its commit record.
POSITION_SQL = "SELECT pg_current_wal_insert_lsn()::text"


class Scope:
    """The positions written within one request (or other unit of work): shared by every context
    copied from it, so a write committed in a dependency or a task spawned by the request is seen
    by the request's later reads and by the response."""

    __slots__ = ("latest",)

    def __init__(self) -> None:
        self.latest: Position | None = None

    def note(self, position: Position) -> None:
        if self.latest is None or position > self.latest:
            self.latest = position

    @property
    def token(self) -> str | None:
        return None if self.latest is None else format_position(self.latest)


_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar(
    "datalayer_read_scope", default=None
)


@contextmanager
def position_scope() -> Iterator[Scope]:
    """Collect the positions of the writes committed within the block (in this context and every
    context copied from it); the reads within the block wait for them."""
    scope = Scope()
    reset = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(reset)


def parse_position(token: str) -> Position:
    """``"16/B374D848"`` → an integer position. :class:`ConfigurationError` for anything else (a
    token comes from a client: it is checked, never put into SQL)."""
    match = _LSN.fullmatch(token.strip())
    if match is None:
        raise ConfigurationError("not a position token (expected the form 16/B374D848)")
    return int(match.group(1), 16) << 32 | int(match.group(2), 16)


def format_position(position: Position) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


def current_position() -> str | None:
    """The position token this task's reads wait for (the latest of :func:`read_after` and the
    writes committed in this task), or ``None``."""
    position = wanted(None)
    return None if position is None else format_position(position)


@contextmanager
def read_after(token: str | Position | None) -> Iterator[None]:
    """Within the block, reads see at least the write that produced ``token`` (a replica that has
    not replayed it is waited for, then the primary is used). ``None`` changes nothing."""
    if token is None:
        yield
        return
    position = parse_position(token) if isinstance(token, str) else token
    current = _READ_AFTER.get()
    reset = _READ_AFTER.set(position if current is None else max(current, position))
    try:
        yield
    finally:
        _READ_AFTER.reset(reset)


def note_write(token: str) -> None:
    """Record a committed write's position for the reads that follow in this task."""
    position = parse_position(token)
    current = _READ_AFTER.get()
    if current is None or position > current:
        _READ_AFTER.set(position)
    scope = _SCOPE.get()
    if scope is not None:
        scope.note(position)


def wanted(after: str | Position | None) -> Position | None:
    """The position a read must see: ``after`` and this task's, whichever is later."""
    mine = _READ_AFTER.get()
    scope = _SCOPE.get()
    if scope is not None and scope.latest is not None:
        mine = scope.latest if mine is None else max(mine, scope.latest)
    if after is None:
        return mine
    given = parse_position(after) if isinstance(after, str) else after
    return given if mine is None else max(given, mine)


class ReplicaHealth(BaseModel):
    """One replica in the health report."""

    url: str
    healthy: bool
    lag_seconds: float | None
    replay_position: str | None
    lag_bytes: int | None
    skipped_until: float | None = None
    error: str | None = None


@dataclass
class ReplicaStats:
    """Counters of the read routing (for health, tests and the bench)."""

    replica_reads: int = 0
    primary_fallbacks: int = 0
    waits: int = 0
    wait_seconds: float = 0.0
    skipped_down: int = 0
    skipped_lagging: int = 0


@dataclass
class Replica:
    url: str
    pool: asyncpg.Pool[asyncpg.Record]
    skip_until: float = 0.0
    last_lag: float | None = None
    last_error: str | None = None

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


@dataclass
class Router:
    """Chooses a replica for a read, or none (then the primary serves it)."""

    replicas: list[Replica]
    wait: float
    max_lag: float
    retry_interval: float
    stats: ReplicaStats = field(default_factory=ReplicaStats)
    _next: int = 0

    def mark_down(self, replica: Replica, reason: str) -> None:
        if replica.skip_until <= time.monotonic():
            log.warning(
                "replica %s left out for %g s: %s",
                replica.masked_url,
                self.retry_interval,
                reason,
            )
        replica.skip_until = time.monotonic() + self.retry_interval
        replica.last_error = reason

    def owner(self, conn: PoolConnectionProxy[asyncpg.Record]) -> Replica | None:
        pool = conn._holder._pool
        for replica in self.replicas:
            if replica.pool is pool:
                return replica
        return None

    async def acquire(
        self, position: Position | None, timeout: float
    ) -> PoolConnectionProxy[asyncpg.Record] | None:
        """A connection to a replica that has replayed ``position`` (waiting up to
        ``DATABASE_READ_WAIT`` for one), or ``None``: use the primary."""
        count = len(self.replicas)
        start = self._next
        self._next = (self._next + 1) % count
        now = time.monotonic()
        for i in range(count):
            replica = self.replicas[(start + i) % count]
            if replica.skip_until > now:
                continue
            conn = await self._try(replica, position, timeout)
            if conn is not None:
                self.stats.replica_reads += 1
                return conn
        self.stats.primary_fallbacks += 1
        return None

    async def _try(
        self, replica: Replica, position: Position | None, timeout: float
    ) -> PoolConnectionProxy[asyncpg.Record] | None:
        try:
            conn = await replica.pool.acquire(timeout=timeout)
        except Exception as exc:
            self.stats.skipped_down += 1
            self.mark_down(replica, _describe(exc))
            return None
        keep = False
        try:
            replay, lag = await conn.fetchrow(_PROBE_SQL)  # type: ignore[misc]
            replica.last_lag = lag
            replica.last_error = None
            if lag is not None and lag > self.max_lag:
                self.stats.skipped_lagging += 1
                self.mark_down(replica, f"replay lag {lag:.1f} s over DATABASE_READ_MAX_LAG")
                return None
            if position is None or replay is None or parse_position(replay) >= position:
                keep = True
                return conn
            keep = await self._wait(conn, position)
            return conn if keep else None
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.stats.skipped_down += 1
            self.mark_down(replica, _describe(exc))
            return None
        finally:
            if not keep and conn._con is not None:  # type: ignore[attr-defined]
                await replica.pool.release(conn)

    async def _wait(self, conn: PoolConnectionProxy[asyncpg.Record], position: Position) -> bool:
        started = time.monotonic()
        deadline = started + self.wait
        pause = 0.002
        self.stats.waits += 1
        try:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return False
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, 0.05)
                replay = await conn.fetchval("SELECT pg_last_wal_replay_lsn()::text")
                if replay is None or parse_position(replay) >= position:
                    return True
        finally:
            self.stats.wait_seconds += time.monotonic() - started

    async def health(
        self, primary_position: Position | None, timeout: float
    ) -> list[ReplicaHealth]:
        out: list[ReplicaHealth] = []
        for replica in self.replicas:
            try:
                async with asyncio.timeout(timeout):
                    conn = await replica.pool.acquire()
                    try:
                        replay, lag = await conn.fetchrow(_PROBE_SQL)  # type: ignore[misc]
                    finally:
                        await replica.pool.release(conn)
            except Exception as exc:
                self.mark_down(replica, _describe(exc))
                out.append(
                    ReplicaHealth(
                        url=replica.masked_url,
                        healthy=False,
                        lag_seconds=None,
                        replay_position=None,
                        lag_bytes=None,
                        skipped_until=replica.skip_until,
                        error=replica.last_error,
                    )
                )
                continue
            replica.last_lag = lag
            behind = (
                max(0, primary_position - parse_position(replay))
                if primary_position is not None and replay is not None
                else None
            )
            lagging = lag is not None and lag > self.max_lag
            out.append(
                ReplicaHealth(
                    url=replica.masked_url,
                    healthy=not lagging,
                    lag_seconds=None if lag is None else round(lag, 3),
                    replay_position=replay,
                    lag_bytes=behind,
                    error="replay lag over DATABASE_READ_MAX_LAG" if lagging else None,
                )
            )
        return out

    async def close(self) -> None:
        for replica in self.replicas:
            await replica.pool.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no connection within the timeout"
    mapped = errors.translate(exc, errors.CATALOG) if isinstance(exc, Exception) else exc
    message = getattr(mapped, "message", None) or type(mapped).__name__
    return f"{type(mapped).__name__}: {message}"
