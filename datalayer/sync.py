"""A synchronous facade for scripts and workers: the same query functions, called from plain code.

.. code-block:: python

    with SyncDatabase.connect() as db:                        # settings from the environment
        info = db.call(ops.get_server_info)                   # one query, autocommit, no user
        with db.transaction(user_id=uid) as tx:               # one transaction, as that user
            account = tx.call(fintech.get_account_by_id, account_id=aid, user_id=uid)
            tx.call(fintech.update_account_name, account_id=aid, user_id=uid, account_name="Main")

(``ops`` is ``datalayer.ops``; ``fintech`` the application package of the same name.)

The async :class:`~datalayer.Database` runs on an event loop in one background thread owned by the
facade; every call blocks the calling thread until its result (or its typed error) is back. Any
number of threads may share one ``SyncDatabase`` (calls run concurrently on the pool, up to its
size). Not for async code: there, use :class:`~datalayer.Database` directly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID

from .db import Database, Health, Isolation, PoolInfo, TransactionContext
from .errors import ConfigurationError
from .queries import Connection
from .settings import Settings

__all__ = ["SyncDatabase", "SyncTransaction"]

T = TypeVar("T")
P = ParamSpec("P")


class _Loop:
    """An event loop running forever in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="datalayer-sync", daemon=True
        )
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self.thread:
            coro.close()
            raise ConfigurationError("SyncDatabase called from its own event loop thread")
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            coro.close()
            raise ConfigurationError(
                "SyncDatabase called from async code: await the Database methods instead"
            )
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        if not self.thread.is_alive():
            self.loop.close()


class SyncDatabase:
    """A :class:`~datalayer.Database` driven from synchronous code."""

    def __init__(self, db: Database, loop: _Loop) -> None:
        self._db = db
        self._loop = loop
        self._closed = False

    @classmethod
    def connect(cls, settings: Settings | None = None, *, url: str | None = None) -> SyncDatabase:
        """Open the pool (as :meth:`Database.connect`), on a loop in a background thread."""
        loop = _Loop()
        try:
            db = loop.run(Database.connect(settings, url=url))
        except BaseException:
            loop.stop()
            raise
        return cls(db, loop)

    @property
    def database(self) -> Database:
        """The async :class:`Database` underneath (only for use on its own loop)."""
        return self._db

    def call(
        self,
        fn: Callable[Concatenate[Connection, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one query function on a pooled connection (autocommit) and return its result."""

        async def run() -> T:
            return await self._db.call(fn, *args, **kwargs)

        return self._loop.run(run())

    def transaction(
        self,
        *,
        isolation: Isolation | None = None,
        readonly: bool = False,
        deferrable: bool = False,
        actor: str | None = None,
        user_id: UUID | None = None,
    ) -> SyncTransaction:
        """One connection, one transaction: ``with db.transaction(...) as tx: tx.call(...)``.
        The block commits when it ends and rolls back when it raises."""
        return SyncTransaction(
            self._loop,
            self._db.transaction(
                isolation=isolation,
                readonly=readonly,
                deferrable=deferrable,
                actor=actor,
                user_id=user_id,
            ),
        )

    def health(self) -> Health:
        return self._loop.run(self._db.health())

    def pool_info(self) -> PoolInfo:
        return self._db.pool_info()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._loop.run(self._db.close())
            finally:
                self._loop.stop()

    def __enter__(self) -> SyncDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SyncTransaction:
    """A transaction of a :class:`SyncDatabase`; use it in a ``with`` block."""

    def __init__(self, loop: _Loop, ctx: TransactionContext) -> None:
        self._loop = loop
        self._ctx = ctx
        self._conn: Connection | None = None

    def __enter__(self) -> SyncTransaction:
        self._conn = self._loop.run(self._ctx.__aenter__())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._conn = None
        self._loop.run(self._ctx.__aexit__(exc_type, exc, tb))

    def call(
        self,
        fn: Callable[Concatenate[Connection, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one query function inside the transaction."""
        conn = self._conn
        if conn is None:
            raise ConfigurationError("use the transaction in a `with` block")

        async def run() -> T:
            return await fn(conn, *args, **kwargs)

        return self._loop.run(run())
