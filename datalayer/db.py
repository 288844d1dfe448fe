"""The asyncpg pool, transactions, and health.

A transaction costs no more round trips than the work inside it: ``BEGIN`` (with the actor setting)
is one message, and ``COMMIT`` carries the session reset in the same message, so a connection goes
back to the pool clean without asyncpg's separate reset query on release. Connections handed out
raw by :meth:`Database.acquire` get the full reset on release, as asyncpg does by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction as _PgTransaction
from asyncpg.transaction import TransactionState as _PgState
from pydantic import BaseModel, SecretStr

from . import errors
from .errors import ConfigurationError, PoolTimeout, RetryableError, translate
from .pooling import STATEMENT_CACHE_HINT, behind_pooler_async
from .queries import STATELESS_ATTRIBUTE, Connection, configure_logging
from .replicas import (
    POSITION_SQL,
    Position,
    Replica,
    ReplicaHealth,
    Router,
    note_write,
    parse_position,
    wanted,
)
from .settings import Settings, is_local_host

__all__ = [
    "Database",
    "DatabaseHealth",
    "Health",
    "Isolation",
    "MigrationInfo",
    "PoolInfo",
    "TransactionContext",
    "is_encrypted",
]

log = logging.getLogger("datalayer.db")
#: Connection lifecycle: opened, closed, replaced (too old or dead), acquire timeouts, retries.
pool_log = logging.getLogger("datalayer.pool")

Isolation = Literal["read_committed", "repeatable_read", "serializable"]
T = TypeVar("T")
P = ParamSpec("P")

_ISOLATION_SQL = {
    "read_committed": " ISOLATION LEVEL READ COMMITTED",
    "repeatable_read": " ISOLATION LEVEL REPEATABLE READ",
    "serializable": " ISOLATION LEVEL SERIALIZABLE",
}
# What asyncpg's Connection.get_reset_query() sends on release. Sent inside COMMIT's and ROLLBACK's
# message: a transaction block keeps to transaction-scoped state (SET LOCAL, set_config(..., true),
# xact advisory locks, ON COMMIT DROP), and this resets the rest but temporary tables and PREPAREd
# statements. DISCARD TEMP is left out here: it cost about 13% of a one-call transfer transaction
# (2.28 ms against 2.02 ms on a 200k-entry ledger), every transaction.
_RESET_SQL = "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;"
# ... so the same message ends with this question, whose status is "SELECT 0" only when the
# session holds no temporary table and no PREPAREd statement: otherwise the connection is not
# marked clean and gets the full reset on release (one more round trip, only then). A session that
# never made a temporary object has no temporary schema, and pg_class is not read at all (a
# one-time filter).
_LEFTOVERS_SQL = (
    "SELECT FROM pg_catalog.pg_class WHERE pg_catalog.pg_my_temp_schema() <> 0"
    " AND relnamespace = pg_catalog.pg_my_temp_schema()"
    " UNION ALL SELECT FROM pg_catalog.pg_prepared_statements WHERE from_sql LIMIT 1;"
)
_CLEAN_STATUS = "SELECT 0"
# The full reset of a connection handed out raw: also its temporary tables (asyncpg leaves them
# behind) and the statements the session PREPAREd (asyncpg's own cached statements are
# protocol-level, from_sql false, and stay).
_FULL_RESET_SQL = (
    _RESET_SQL
    + " DISCARD TEMP;"
    + " DO $dl$DECLARE s text; BEGIN FOR s IN SELECT name FROM pg_catalog.pg_prepared_statements"
    " WHERE from_sql LOOP EXECUTE pg_catalog.format('DEALLOCATE %I', s); END LOOP; END$dl$;"
)
ACTOR_SETTING = "datalayer.actor"
USER_ID_SETTING = "datalayer.user_id"


class _Connection(asyncpg.Connection):
    """asyncpg connection that remembers whether its session was reset by our COMMIT, and when it
    was opened (for ``DATABASE_POOL_RECYCLE``)."""

    _datalayer_clean: bool = False
    _datalayer_born: float = 0.0


def _literal(value: str) -> str:
    """A dollar-quoted SQL literal: safe whatever standard_conforming_strings says."""
    if "\x00" in value:
        raise ConfigurationError("the actor contains a NUL byte")
    tag = "$dl$"
    while tag in value or value.endswith(tag[:-1]):
        tag = f"$dl{secrets.token_hex(4)}$"
    return f"{tag}{value}{tag}"


# -- health shapes ---------------------------------------------------------------------------------


class PoolInfo(BaseModel):
    """Pool figures (HoardRun's ``pool_info``: pool_size, checked_in, checked_out, overflow)."""

    pool_size: int
    checked_in: int
    checked_out: int
    overflow: int
    min_size: int
    max_size: int


class MigrationInfo(BaseModel):
    applied: int
    pending: list[str]
    head: str | None


class DatabaseHealth(BaseModel):
    database_url: str
    database_version: str | None
    connection_healthy: bool
    latency_ms: float | None
    pool_info: PoolInfo
    migrations: MigrationInfo | None
    error: str | None = None
    #: One entry per ``DATABASE_READ_URLS`` replica: reachable, replay lag, bytes behind.
    replicas: list[ReplicaHealth] = []


class Health(BaseModel):
    """The shape of HoardRun's ``GET /api/health/database``."""

    status: Literal["healthy", "degraded", "unhealthy"]
    timestamp: datetime
    database: DatabaseHealth


# -- transactions ----------------------------------------------------------------------------------


class TransactionContext:
    """What :meth:`Database.transaction` returns.

    ``async with ctx as conn:`` runs the block once in one transaction. ``await ctx.run(fn, ...)``
    runs ``fn(conn, ...)`` in a transaction and, when ``retries`` > 0, runs it again (with exponential
    backoff and full jitter) after a serialization failure, deadlock or lost connection.
    """

    def __init__(
        self,
        db: Database,
        *,
        isolation: Isolation | None,
        readonly: bool,
        deferrable: bool,
        retries: int,
        actor: str | None,
        user_id: UUID | None,
        backoff: float,
        max_backoff: float,
        after: str | Position | None = None,
    ) -> None:
        if user_id is not None and not isinstance(user_id, UUID):
            raise ConfigurationError(f"user_id must be a uuid.UUID, not {type(user_id).__name__}")
        if isolation is not None and isolation not in _ISOLATION_SQL:
            raise ConfigurationError(f"unknown isolation level {isolation!r}")
        if retries < 0:
            raise ConfigurationError("retries must be >= 0")
        self._db = db
        self._isolation = isolation
        self._readonly = readonly
        self._deferrable = deferrable
        self.retries = retries
        self._actor = actor
        self._user_id = user_id
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._begin = self._begin_sql()
        self._active: _Attempt | None = None
        self._after = after
        #: After a committed write transaction on a database with read replicas: the position
        #: token of its COMMIT (see :mod:`datalayer.replicas`); else ``None``.
        self.position: str | None = None

    def _begin_sql(self) -> str:
        sql = "BEGIN" + _ISOLATION_SQL.get(self._isolation or "", "")
        if self._readonly:
            sql += " READ ONLY"
        if self._deferrable:
            sql += " DEFERRABLE"
        sql += ";"
        if self._actor is not None:
            sql += f" SET LOCAL {ACTOR_SETTING} = {_literal(self._actor)};"
        if self._user_id is not None:
            # str(UUID) is 36 characters of [0-9a-f-]: nothing to quote.
            sql += f" SELECT set_config('{USER_ID_SETTING}', '{self._user_id}', true);"
        return sql

    async def __aenter__(self) -> Connection:
        if self.retries:
            raise ConfigurationError(
                "a retried transaction needs a function to run again: "
                "use `await db.transaction(retries=n).run(fn)`"
            )
        if self._active is not None:
            raise ConfigurationError("this transaction context is already in use")
        self._active = _Attempt(
            self._db, self._begin, self._isolation, self._readonly, self._deferrable, self._after
        )
        return await self._active.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        attempt, self._active = self._active, None
        assert attempt is not None
        await attempt.finish(exc)
        self.position = attempt.position

    async def run(self, fn: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in a transaction, retrying retryable errors."""
        attempt_no = 0
        while True:
            attempt = _Attempt(
                self._db,
                self._begin,
                self._isolation,
                self._readonly,
                self._deferrable,
                self._after,
            )
            try:
                conn = await attempt.start()
                try:
                    result = await fn(conn, *args, **kwargs)
                except BaseException as exc:
                    await attempt.finish(exc)
                    raise  # pragma: no cover - finish() always raises when given an error
                await attempt.finish(None)
                self.position = attempt.position
                return result
            except RetryableError as exc:
                if attempt_no >= self.retries:
                    raise
                delay = random.uniform(0, min(self._max_backoff, self._backoff * 2**attempt_no))
                log.info(
                    "retrying transaction after %s (attempt %d of %d, sleeping %.0f ms)",
                    type(exc).__name__,
                    attempt_no + 1,
                    self.retries,
                    delay * 1000,
                )
                attempt_no += 1
                await asyncio.sleep(delay)


class _Attempt:
    """One transaction on one pooled connection."""

    __slots__ = ("_after", "_begin", "_conn", "_db", "_pg_xact", "_primary", "_raw", "position")

    def __init__(
        self,
        db: Database,
        begin: str,
        isolation: Isolation | None,
        readonly: bool,
        deferrable: bool,
        after: str | Position | None = None,
        *,
        primary: bool = False,
    ) -> None:
        self._db = db
        self._begin = begin
        self._primary = primary
        self._conn: PoolConnectionProxy[asyncpg.Record] | None = None
        self._raw: asyncpg.Connection[asyncpg.Record] | None = None
        self._pg_xact = (isolation, readonly, deferrable)
        self._after = after
        self.position: str | None = None

    async def start(self) -> Connection:
        conn: PoolConnectionProxy[asyncpg.Record] | None = None
        if self._pg_xact[1] and not self._primary and self._db._router is not None:
            # Read-only: a replica that has replayed what this task must see, else the primary.
            conn = await self._db._router.acquire(
                wanted(self._after), self._db.settings.pool_timeout
            )
        if conn is None:
            conn = await self._db._acquire_proxy()
        try:
            await conn.execute(self._begin)
        except BaseException as exc:
            await self._db._release(conn)
            if isinstance(exc, Exception):
                raise translate(exc, errors.CATALOG) from None  # the driver's text repeats values
            raise
        # Register the open transaction with asyncpg, so that conn.transaction() inside the block
        # makes savepoints and asyncpg's own bookkeeping stays right.
        raw: asyncpg.Connection[asyncpg.Record] = conn._con  # type: ignore[attr-defined]
        isolation, readonly, deferrable = self._pg_xact
        xact = _PgTransaction(raw, isolation, readonly, deferrable)
        xact._state = _PgState.STARTED  # type: ignore[attr-defined]
        raw._top_xact = xact  # type: ignore[attr-defined]
        self._conn = conn
        self._raw = raw
        return conn

    async def finish(self, exc: BaseException | None) -> None:
        conn, raw = self._conn, self._raw
        assert conn is not None and raw is not None
        self._conn = self._raw = None
        raw._top_xact = None  # type: ignore[attr-defined]
        committed = False
        router = self._db._router
        try:
            if exc is None:
                await self._commit(raw, readonly=self._pg_xact[1])
                committed = True
                if router is not None and not self._pg_xact[1]:
                    self.position = await _commit_position(raw)
            elif not raw.is_closed():
                try:
                    # ROLLBACK and the session reset travel in one message.
                    status = await raw.execute(f"ROLLBACK; {_RESET_SQL} {_LEFTOVERS_SQL}")
                    if isinstance(raw, _Connection):
                        raw._datalayer_clean = status == _CLEAN_STATUS
                except Exception as end_exc:
                    log.warning("rollback failed: %s", end_exc)
        finally:
            if conn._con is not None:  # type: ignore[attr-defined]  # dead: already left the pool
                try:
                    await self._db._release(conn)  # shielded by asyncpg: it completes anyway
                except asyncio.CancelledError:
                    if not committed:
                        raise
                    # COMMIT succeeded and the release completes anyway: the work is done, so the
                    # cancellation is absorbed rather than passing for a transaction that failed.
                    task = asyncio.current_task()
                    if task is not None:
                        task.uncancel()
                    log.debug("a cancellation arrived after COMMIT succeeded; the commit stands")
        if exc is not None:
            if errors.is_driver_error(exc):
                mapped = translate(exc, errors.CATALOG)
                if router is not None and isinstance(mapped, errors.ConnectionLost):
                    replica = router.owner(conn)
                    if replica is not None:
                        router.mark_down(replica, f"ConnectionLost: {mapped.message}")
                raise mapped from None  # the driver's text repeats values
            raise exc

    @staticmethod
    async def _commit(raw: asyncpg.Connection[asyncpg.Record], *, readonly: bool) -> None:
        if raw.is_closed():
            raise errors.ConnectionLost("connection lost before COMMIT", sqlstate="08006")
        try:
            # The reset runs inside the transaction, then COMMIT, in one message. If a statement
            # in the block failed (and was caught there), the reset fails with 25P02 instead of
            # COMMIT silently rolling back.
            status = await raw.execute(f"{_RESET_SQL} COMMIT; {_LEFTOVERS_SQL}")
        except asyncio.CancelledError as cancel:
            # COMMIT was sent: whether the server applied it is unknown, and the connection is in
            # an unknown state. Never let a bare CancelledError stand for a commit that happened.
            raw.terminate()
            if readonly:
                raise  # a read-only transaction changed nothing: plain cancellation is the truth
            raise errors.CommitOutcomeUnknown(
                "the task was cancelled while COMMIT was in flight: the transaction may or may "
                "not have been committed",
                sqlstate="57014",
            ) from cancel
        except Exception as end_exc:
            mapped = translate(end_exc, errors.CATALOG)
            if not raw.is_closed() and raw.is_in_transaction():
                with contextlib.suppress(Exception):
                    await raw.execute("ROLLBACK")
            if (
                not readonly
                and isinstance(mapped, errors.ConnectionLost | errors.QueryTimeout)
                and not isinstance(mapped, errors.LockTimeout)
            ):
                raise errors.CommitOutcomeUnknown(
                    f"the connection failed while committing ({mapped.message}): the transaction "
                    "may or may not have been committed",
                    sqlstate=mapped.sqlstate,
                ) from end_exc
            if mapped.sqlstate == "25P02":
                raise errors.QueryError(
                    "the transaction was rolled back: a statement inside it failed and the error "
                    "was caught in the block",
                    sqlstate="25P02",
                ) from end_exc
            # A read-only transaction that lost its connection at COMMIT changed nothing: the
            # error stays retryable (ConnectionLost) instead of an unknown outcome.
            raise mapped from end_exc
        if isinstance(raw, _Connection):
            raw._datalayer_clean = status == _CLEAN_STATUS


async def _commit_position(raw: asyncpg.Connection[asyncpg.Record]) -> str | None:
    """The primary's WAL insert position just after a COMMIT (the read-your-writes token), noted
    for the reads that follow in this task. ``None`` when it cannot be read: the commit stands."""
    try:
        token = await raw.fetchval(POSITION_SQL)
    except Exception as exc:
        log.warning("cannot read the commit position: %s", type(exc).__name__)
        return None
    if token is None:
        return None
    note_write(str(token))
    return str(token)


# -- the database ----------------------------------------------------------------------------------


async def _init_connection(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Once per new connection: json/jsonb ↔ Python objects (uuid is native in asyncpg)."""
    for typename in ("jsonb", "json"):
        await conn.set_type_codec(
            typename, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


SslArg = Literal["disable", "prefer", "allow", "require", "verify-ca", "verify-full"]


def _ssl_mode(settings: Settings, dsn: str) -> SslArg | None:
    """What to pass to asyncpg as ``ssl``: ``DATABASE_SSL_MODE`` when set; else ``None`` when the
    URL has an ``sslmode`` (asyncpg applies it); else ``prefer`` for a local host and ``require``
    for any other. A conflict between the setting and the URL is refused rather than silently
    downgraded."""
    in_url = settings.url_ssl_mode
    if settings.ssl_mode is not None and in_url and in_url != settings.ssl_mode.value:
        raise ConfigurationError(
            f"DATABASE_SSL_MODE={settings.ssl_mode.value} contradicts sslmode={in_url} in "
            "DATABASE_URL; set one of them",
            variable="DATABASE_SSL_MODE",
        )
    if in_url and settings.ssl_mode is None:
        return None
    mode: SslArg = settings.effective_ssl_mode().value
    return mode


def is_encrypted(conn: asyncpg.Connection[asyncpg.Record]) -> bool:
    """Whether this connection runs over TLS."""
    transport = getattr(conn, "_transport", None)
    return transport is not None and transport.get_extra_info("ssl_object") is not None


async def _reset_connection(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """On release: nothing when our COMMIT/ROLLBACK already reset the session, else a full reset."""
    if isinstance(conn, _Connection) and conn._datalayer_clean:
        conn._datalayer_clean = False
        return
    await conn.execute(_FULL_RESET_SQL)


def _release_clean(
    pool: asyncpg.Pool[asyncpg.Record], conn: PoolConnectionProxy[asyncpg.Record]
) -> bool:
    """Hand a connection whose session is known clean back to the pool at once, without the
    reset and without ``Pool.release``'s shielded task; ``False`` (nothing done) when it is not
    known clean or asyncpg would do more than put it back (closed, in a transaction, cancelling,
    expired, at its query limit), so that ``Pool.release`` does the full job.

    Written against asyncpg 0.32's pool (the version pyproject pins): the same steps as
    ``PoolConnectionHolder.release`` when the reset is a no-op."""
    raw = conn._con  # type: ignore[attr-defined]
    if not isinstance(raw, _Connection) or not raw._datalayer_clean:
        return False
    holder: Any = conn._holder  # asyncpg's PoolConnectionHolder
    protocol: Any = raw._protocol  # type: ignore[attr-defined]
    if (
        holder._pool is not pool
        or holder._in_use is None
        or raw.is_closed()
        or raw.is_in_transaction()
        or raw._top_xact is not None  # type: ignore[attr-defined]
        or protocol._is_cancelling()
        or protocol.queries_count >= holder._max_queries
        or holder._generation != pool._generation
        or pool._closing
    ):
        return False
    raw._datalayer_clean = False
    raw._on_release()  # type: ignore[attr-defined]  # warns about listeners left behind
    raw._listeners.clear()  # type: ignore[attr-defined]
    raw._log_listeners.clear()  # type: ignore[attr-defined]
    holder._timeout = None
    holder._release()
    holder._setup_inactive_callback()  # rearm the idle timer (DATABASE_POOL_IDLE_TIMEOUT)
    return True


class _Lifecycle:
    """Per-connection hooks of one pool: codecs, age, the TLS check and lifecycle logging."""

    def __init__(self, settings: Settings) -> None:
        self.masked_url = settings.masked_url
        self.local = is_local_host(settings.host)
        self.opened = 0
        self.closed = 0
        self.replaced = 0
        self.acquire_timeouts = 0
        self.warned_plaintext = False

    @property
    def open(self) -> int:
        return self.opened - self.closed

    async def init(self, conn: asyncpg.Connection[asyncpg.Record]) -> None:
        await _init_connection(conn)
        if isinstance(conn, _Connection):
            conn._datalayer_born = time.monotonic()
        self.opened += 1
        pid = conn.get_server_pid()

        def closed(_: object) -> None:
            self.closed += 1
            pool_log.debug("connection closed (backend pid %d, %d open)", pid, self.open)

        conn.add_termination_listener(closed)
        pool_log.debug(
            "connection opened to %s (backend pid %d, %d open)", self.masked_url, pid, self.open
        )
        if not self.local and not is_encrypted(conn) and not self.warned_plaintext:
            self.warned_plaintext = True
            pool_log.warning(
                "the connection to %s is not encrypted: set DATABASE_SSL_MODE=require (or "
                "verify-full) unless the network is trusted",
                self.masked_url,
            )


def _connect_retryable(exc: errors.DataLayerError) -> bool:
    """Startup errors worth another attempt: the server is unreachable, starting, shutting down
    or overloaded. Wrong credentials, a missing database or bad settings fail at once."""
    if isinstance(exc, errors.ConnectionLost | errors.QueryTimeout):
        return exc.sqlstate != "08P01"  # a protocol violation will not go away
    return exc.sqlstate == "53300"  # too many connections


_CONSTRAINTS_SQL = """
SELECT n.nspname AS schema, c.conname AS name, t.relname AS tbl,
       coalesce(array_agg(a.attname ORDER BY k.ord) FILTER (WHERE a.attname IS NOT NULL), '{}')
           AS columns,
       obj_description(c.oid, 'pg_constraint') AS comment,
       CASE WHEN t.relkind = 'p' THEN array(
           SELECT p.relname::text FROM pg_partition_tree(t.oid) AS pt
           JOIN pg_class AS p ON p.oid = pt.relid WHERE pt.level > 0
       ) ELSE '{}' END AS partitions
FROM pg_constraint AS c
JOIN pg_namespace AS n ON n.oid = c.connamespace
LEFT JOIN pg_class AS t ON t.oid = c.conrelid
LEFT JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
LEFT JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT coalesce(t.relispartition, false)  -- a partition's constraints are its table's
GROUP BY n.nspname, c.conname, t.relname, t.relkind, t.oid, c.oid
"""


class Database:
    """A pool of connections to one PostgreSQL database.

    The pool opens ``DATABASE_POOL_MIN_SIZE`` connections (default 1) and grows on demand up to
    ``DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW``; idle connections above the minimum close after
    ``DATABASE_POOL_IDLE_TIMEOUT``. On acquire, a connection older than ``DATABASE_POOL_RECYCLE``
    is replaced, and with ``DATABASE_POOL_PRE_PING`` one that fails a ``SELECT 1`` is replaced too.
    """

    def __init__(
        self,
        settings: Settings,
        pool: asyncpg.Pool[asyncpg.Record],
        lifecycle: _Lifecycle | None = None,
    ) -> None:
        self.settings = settings
        self._pool = pool
        self._closed = False
        self._lifecycle = lifecycle or _Lifecycle(settings)
        self._recycle = settings.pool_recycle
        self._pre_ping = settings.pool_pre_ping
        self._check_on_acquire = bool(self._recycle) or self._pre_ping
        #: Called with (seconds waited, timed out) after each acquire (``datalayer.otel``).
        self._acquire_observer: Callable[[float, bool], None] | None = None
        #: Whether ``DATABASE_URL`` leads through a connection pooler (seen at startup).
        self.behind_pooler = False
        #: The read replicas of ``DATABASE_READ_URLS`` (``None``: every query on the primary).
        self._router: Router | None = None

    @classmethod
    async def connect(cls, settings: Settings | None = None, *, url: str | None = None) -> Database:
        """Open the pool (settings from the environment / ``.env`` unless given).

        A server that cannot be reached (or is starting up) is tried again
        ``DATABASE_CONNECT_RETRIES`` times, with exponential backoff and jitter; wrong credentials
        or a missing database fail at once."""
        if settings is None:
            settings = Settings.load(url=url) if url else Settings.load()
        elif url is not None:
            raise ConfigurationError("pass either settings or url, not both")
        dsn = settings.require_url()
        configure_logging(
            echo=settings.echo, parameters=settings.echo_parameters, slow_ms=settings.slow_query_ms
        )
        ssl = _ssl_mode(settings, dsn)
        attempt = 0
        while True:
            lifecycle = _Lifecycle(settings)
            try:
                return await cls._open(settings, dsn, ssl, lifecycle)
            except errors.DataLayerError as exc:
                if attempt >= settings.connect_retries or not _connect_retryable(exc):
                    raise
                ceiling = min(
                    settings.connect_retry_max_backoff, settings.connect_retry_backoff * 2**attempt
                )
                delay = ceiling / 2 + random.uniform(0, ceiling / 2)
                attempt += 1
                pool_log.warning(
                    "cannot connect to %s (%s); attempt %d of %d in %.2f s",
                    settings.masked_url,
                    type(exc).__name__,
                    attempt + 1,
                    settings.connect_retries + 1,
                    delay,
                )
                await asyncio.sleep(delay)

    @classmethod
    async def _open(
        cls, settings: Settings, dsn: str, ssl: SslArg | None, lifecycle: _Lifecycle
    ) -> Database:
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=settings.pool_min_size,
                max_size=settings.pool_max_size,
                max_inactive_connection_lifetime=settings.pool_idle_timeout,
                init=lifecycle.init,
                reset=_reset_connection,
                connection_class=_Connection,
                statement_cache_size=settings.statement_cache_size,
                command_timeout=settings.command_timeout,
                timeout=settings.connect_timeout,
                ssl=ssl,
                server_settings={"application_name": "datalayer"},
            )
        except Exception as exc:
            mapped = translate(exc, errors.CATALOG)
            raise type(mapped)(
                f"cannot connect to {settings.masked_url}: {mapped.message}",
                sqlstate=mapped.sqlstate,
            ) from None
        db = cls(settings, pool, lifecycle)
        try:
            await db._open_replicas(ssl)
            await db.refresh_catalog()
            await db._check_pooler()
        except BaseException as exc:
            await pool.close()
            if db._router is not None:
                await db._router.close()
            if isinstance(exc, ConfigurationError):
                raise
            if isinstance(exc, errors.DataLayerError):
                raise type(exc)(
                    f"cannot connect to {settings.masked_url}: {exc.message}",
                    sqlstate=exc.sqlstate,
                ) from None
            raise
        pool_log.info(
            "pool open on %s (%d to %d connections)",
            settings.masked_url,
            settings.pool_min_size,
            settings.pool_max_size,
        )
        return db

    async def _open_replicas(self, ssl: SslArg | None) -> None:
        """One lazy pool per ``DATABASE_READ_URLS`` entry: nothing connects yet, so a replica
        that is down does not stop the service from starting (it is skipped when read from)."""
        urls = self.settings.read_url_list
        if not urls:
            return
        replicas: list[Replica] = []
        for url in urls:
            lifecycle = _Lifecycle(self.settings.model_copy(update={"url": SecretStr(url)}))
            pool = await asyncpg.create_pool(
                url,
                min_size=0,
                max_size=self.settings.pool_max_size,
                max_inactive_connection_lifetime=self.settings.pool_idle_timeout,
                init=lifecycle.init,
                reset=_reset_connection,
                connection_class=_Connection,
                statement_cache_size=self.settings.statement_cache_size,
                command_timeout=self.settings.command_timeout,
                timeout=self.settings.connect_timeout,
                ssl=ssl,
                server_settings={"application_name": "datalayer"},
            )
            replicas.append(Replica(url=url, pool=pool))
        self._router = Router(
            replicas=replicas,
            wait=self.settings.read_wait,
            max_lag=self.settings.read_max_lag,
            retry_interval=self.settings.read_retry_interval,
        )

    async def _check_pooler(self) -> None:
        """Recognise a connection pooler in front of the server (one query at startup), and
        refuse a statement cache behind it unless the pooler is said to keep prepared
        statements."""
        async with self.acquire() as conn:
            self.behind_pooler = await behind_pooler_async(conn)
        if (
            self.behind_pooler
            and self.settings.statement_cache_size > 0
            and not self.settings.pooler_prepared_statements
        ):
            raise ConfigurationError(STATEMENT_CACHE_HINT, variable="DATABASE_STATEMENT_CACHE_SIZE")

    @property
    def router(self) -> Router | None:
        """The read routing (``None`` without ``DATABASE_READ_URLS``): its ``stats`` count replica
        reads, fallbacks to the primary and read-your-writes waits."""
        return self._router

    async def refresh_catalog(self) -> None:
        """Reload constraint columns and COMMENTs used to explain integrity errors."""
        async with self.acquire() as conn:
            rows = await conn.fetch(_CONSTRAINTS_SQL)
        errors.CATALOG.update(
            {
                (r["schema"], r["name"]): errors.ConstraintInfo(
                    schema=r["schema"],
                    table=r["tbl"] or "",
                    columns=tuple(r["columns"]),
                    comment=r["comment"],
                    partitions=frozenset(r["partitions"]),
                )
                for r in rows
            }
        )

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._pool.close()
            if self._router is not None:
                await self._router.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool[asyncpg.Record]:
        """The underlying asyncpg pool (for what datalayer does not wrap, e.g. COPY)."""
        return self._pool

    async def _acquire_proxy(
        self, timeout: float | None = None
    ) -> PoolConnectionProxy[asyncpg.Record]:
        if not self._check_on_acquire:
            return await self._checkout(timeout)
        # Every connection replaced below was closed, so a new one is opened in its place; the
        # bound keeps a server that refuses every check from looping forever.
        for _ in range(self._pool.get_max_size() + 1):
            conn = await self._checkout(timeout)
            raw: asyncpg.Connection[asyncpg.Record] = conn._con  # type: ignore[attr-defined]
            reason = self._too_old(raw)
            if reason is None:
                if not self._pre_ping:
                    return conn
                reason = await self._ping(conn, raw)
                if reason is None:
                    return conn
            self._lifecycle.replaced += 1
            pool_log.info(
                "replacing a connection (backend pid %d): %s", raw.get_server_pid(), reason
            )
            if not raw.is_closed():
                raw.terminate()  # hands the slot back to the pool, empty
            elif conn._con is not None:  # type: ignore[attr-defined]
                await self._release(conn)
        return await self._checkout(timeout)

    async def _checkout(self, timeout: float | None) -> PoolConnectionProxy[asyncpg.Record]:
        observer = self._acquire_observer
        started = time.perf_counter() if observer is not None else 0.0
        wait = self.settings.pool_timeout if timeout is None else timeout
        try:
            free = getattr(self._pool, "_queue", None)  # asyncpg's queue of free holders
            if free is not None and not free.empty():
                # A connection is free: nothing to wait for, so no timer at all.
                conn = await self._pool.acquire()
            else:
                # Waiting for a connection: a timer on this task. asyncpg's own acquire(timeout=)
                # runs asyncio.wait_for, a new task per waiting acquire, which is where calls
                # queued when every connection was busy (64 tasks on a pool of 8).
                async with asyncio.timeout(wait):
                    conn = await self._pool.acquire()
        except TimeoutError:
            self._lifecycle.acquire_timeouts += 1
            if observer is not None:
                observer(time.perf_counter() - started, True)
            pool_log.warning(
                "no connection free within %g s (pool max %d, all in use)",
                wait,
                self._pool.get_max_size(),
            )
            raise PoolTimeout(
                f"no connection free within {wait:g} s (DATABASE_POOL_TIMEOUT; pool max "
                f"{self._pool.get_max_size()})"
            ) from None
        except Exception as exc:
            raise translate(exc, errors.CATALOG) from None  # the driver's text repeats values
        if observer is not None:
            observer(time.perf_counter() - started, False)
        return conn

    def _too_old(self, raw: asyncpg.Connection[asyncpg.Record]) -> str | None:
        if self._recycle and isinstance(raw, _Connection):
            age = time.monotonic() - raw._datalayer_born
            if age > self._recycle:
                return f"open for {age:.0f} s, over DATABASE_POOL_RECYCLE={self._recycle:g}"
        return None

    async def _ping(
        self, conn: PoolConnectionProxy[asyncpg.Record], raw: asyncpg.Connection[asyncpg.Record]
    ) -> str | None:
        """``DATABASE_POOL_PRE_PING``: a real statement (asyncpg breaks on an empty one)."""
        try:
            await raw.execute("SELECT 1")
        except asyncio.CancelledError:
            if conn._con is not None:  # type: ignore[attr-defined]
                await self._release(conn)
            raise
        except Exception as exc:
            return f"the pre-ping failed ({type(exc).__name__})"
        return None

    async def _release(self, conn: PoolConnectionProxy[asyncpg.Record]) -> None:
        # The pool the connection came from: the primary's or a replica's.
        pool = getattr(getattr(conn, "_holder", None), "_pool", None) or self._pool
        if not _release_clean(pool, conn):
            await pool.release(conn)

    @asynccontextmanager
    async def acquire(self, timeout: float | None = None) -> AsyncIterator[Connection]:
        """A raw pooled connection (autocommit; fully reset on release)."""
        conn = await self._acquire_proxy(timeout)
        try:
            yield conn
        except Exception as exc:
            if errors.is_driver_error(exc):
                raise translate(exc, errors.CATALOG) from None  # the driver's text repeats values
            raise
        finally:
            if conn._con is not None:  # type: ignore[attr-defined]
                await self._release(conn)

    async def call(
        self,
        fn: Callable[Concatenate[Connection, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one query function on a pooled connection (autocommit) and return its result.

        ``await db.call(fintech.get_account_by_id, account_id=a, user_id=u)``. The connection is
        never handed out, and the SQL in ``sql/`` leaves no session state behind (a test checks the
        files for session-level SET, set_config(..., false), advisory locks, LISTEN and WITH HOLD
        cursors), so it returns to the pool without a reset query: one round trip per call where
        ``acquire()`` needs two. A function that leaves a transaction open gets the full reset.
        """
        conn = await self._acquire_proxy()
        raw: asyncpg.Connection[asyncpg.Record] = conn._con  # type: ignore[attr-defined]
        stateless = getattr(fn, STATELESS_ATTRIBUTE, False)
        try:
            # A generated query function runs one statement and keeps no reference to the
            # connection: it gets the connection itself, without the proxy's indirection.
            return await fn(raw if stateless else conn, *args, **kwargs)
        except Exception as exc:
            if errors.is_driver_error(exc):
                raise translate(exc, errors.CATALOG) from None  # the driver's text repeats values
            raise
        finally:
            if (
                stateless
                and isinstance(raw, _Connection)
                and not raw.is_closed()
                and not raw.is_in_transaction()
            ):
                raw._datalayer_clean = True
            if conn._con is not None:  # type: ignore[attr-defined]
                await self._release(conn)

    def transaction(
        self,
        *,
        isolation: Isolation | None = None,
        readonly: bool = False,
        deferrable: bool = False,
        retries: int = 0,
        actor: str | None = None,
        user_id: UUID | None = None,
        backoff: float = 0.02,
        max_backoff: float = 1.0,
        after: str | None = None,
    ) -> TransactionContext:
        """One connection, one transaction. ``actor`` is recorded by the audit trigger;
        ``user_id`` is set as ``datalayer.user_id`` for the transaction only (what row-level
        security policies read), in the same message as ``BEGIN``.

        With ``DATABASE_READ_URLS``, a ``readonly`` transaction runs on a replica that has
        replayed ``after`` (a position token) and every write committed earlier in this task,
        waiting up to ``DATABASE_READ_WAIT`` for one, else on the primary; a write transaction
        sets ``.position`` on the returned context after its COMMIT."""
        return TransactionContext(
            self,
            isolation=isolation,
            readonly=readonly,
            deferrable=deferrable,
            retries=retries,
            actor=actor,
            user_id=user_id,
            backoff=backoff,
            max_backoff=max_backoff,
            after=after,
        )

    async def read(
        self,
        fn: Callable[Concatenate[Connection, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a read-only query function where reads go: ``await db.read(fintech.get_account_by_id,
        account_id=a, user_id=u)``.

        With ``DATABASE_READ_URLS`` it runs on a replica (autocommit: the standby refuses any
        write) that has replayed this task's position (:func:`datalayer.replicas.read_after` and
        the writes committed earlier in the task); a replica lost during the call is left out and
        the call runs again on the primary. On the primary it runs in a ``READ ONLY``
        transaction, so a function that writes fails the same way wherever it runs."""
        router = self._router
        if router is not None:
            conn = await router.acquire(wanted(None), self.settings.pool_timeout)
            if conn is not None:
                raw: asyncpg.Connection[asyncpg.Record] = conn._con  # type: ignore[attr-defined]
                stateless = getattr(fn, STATELESS_ATTRIBUTE, False)
                try:
                    return await fn(raw if stateless else conn, *args, **kwargs)
                except Exception as exc:
                    mapped = translate(exc, errors.CATALOG) if errors.is_driver_error(exc) else exc
                    if not isinstance(mapped, errors.ConnectionLost):
                        if mapped is exc:
                            raise
                        raise mapped from None  # the driver's text repeats values
                    replica = router.owner(conn)
                    if replica is not None:
                        router.mark_down(replica, f"ConnectionLost: {mapped.message}")
                    router.stats.primary_fallbacks += 1
                finally:
                    if (
                        stateless
                        and isinstance(raw, _Connection)
                        and not raw.is_closed()
                        and not raw.is_in_transaction()
                    ):
                        raw._datalayer_clean = True
                    if conn._con is not None:  # type: ignore[attr-defined]
                        await self._release(conn)
        attempt = _Attempt(self, "BEGIN READ ONLY;", None, True, False, primary=True)
        tx_conn = await attempt.start()
        try:
            result = await fn(tx_conn, *args, **kwargs)
        except BaseException as exc:
            await attempt.finish(exc)
            raise  # pragma: no cover - finish() always raises when given an error
        await attempt.finish(None)
        return result

    def pool_info(self) -> PoolInfo:
        size = self._pool.get_size()
        idle = self._pool.get_idle_size()
        low = self._pool.get_min_size()
        return PoolInfo(
            pool_size=size,
            checked_in=idle,
            checked_out=size - idle,
            overflow=max(0, size - self.settings.pool_size),
            min_size=low,
            max_size=self._pool.get_max_size(),
        )

    async def health(self, *, timeout: float = 5.0) -> Health:
        """Database health in the shape of HoardRun's ``/api/health/database`` (never raises)."""
        from .migrate import MIGRATION_TABLE, pending_ids

        version: str | None = None
        latency: float | None = None
        migrations: MigrationInfo | None = None
        error: str | None = None
        applied: list[str] = []
        primary_position: Position | None = None
        try:
            async with asyncio.timeout(timeout), self.acquire() as conn:
                started = time.perf_counter()
                await conn.fetchval("SELECT 1")
                latency = round((time.perf_counter() - started) * 1000, 3)
                version = "PostgreSQL " + str(await conn.fetchval("SHOW server_version"))
                if self._router is not None:
                    primary_position = parse_position(
                        str(await conn.fetchval("SELECT pg_current_wal_lsn()::text"))
                    )
                if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", MIGRATION_TABLE):
                    rows = await conn.fetch(
                        f"SELECT migration_id FROM {MIGRATION_TABLE} ORDER BY migration_id"
                    )
                    applied = [r[0] for r in rows]
        except Exception as exc:
            mapped = translate(exc, errors.CATALOG)
            error = f"{type(mapped).__name__}: {mapped.message}"
        healthy = error is None
        problem: str | None = None
        if healthy:
            try:
                # core and the histories installed here (read off the event loop)
                pending = await asyncio.to_thread(pending_ids, applied)
                migrations = MigrationInfo(
                    applied=len(applied),
                    pending=pending,
                    head=applied[-1] if applied else None,
                )
            except Exception as exc:  # the database answered; the migration files are the problem
                problem = f"migrations unknown: {exc}"
        status: Literal["healthy", "degraded", "unhealthy"] = (
            "unhealthy"
            if not healthy
            else ("degraded" if problem or (migrations and migrations.pending) else "healthy")
        )
        replicas: list[ReplicaHealth] = []
        if self._router is not None:
            replicas = await self._router.health(primary_position, timeout)
            if status == "healthy" and not all(r.healthy for r in replicas):
                status = "degraded"
        error = error or problem
        return Health(
            status=status,
            timestamp=datetime.now(UTC),
            database=DatabaseHealth(
                database_url=self.settings.masked_url,
                database_version=version,
                connection_healthy=healthy,
                latency_ms=latency,
                pool_info=self.pool_info(),
                migrations=migrations,
                error=error,
                replicas=replicas,
            ),
        )
