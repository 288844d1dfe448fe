"""The pool's lifespan and the request dependencies.

``transaction()`` is a dependency whose COMMIT runs when the path operation returns and *before*
the response is sent (FastAPI's ``scope="function"``): a COMMIT that fails (a deferred constraint,
a lost connection) becomes an error response, never a 2xx for a row that was not saved. A plain
``yield`` dependency would commit after the response has gone out.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Request

from ..db import Database, Isolation
from ..errors import ConfigurationError
from ..queries import Connection
from ..settings import Settings

__all__ = ["DB", "get_db", "lifespan", "transaction"]

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def lifespan(
    settings: Settings | None = None,
    *,
    require_migrations: bool = False,
    then: Lifespan | None = None,
) -> Lifespan:
    """A FastAPI lifespan that opens the pool at startup (``app.state.db``) and closes it at
    shutdown. ``require_migrations=True`` refuses to start while a migration is pending (or the
    migration state cannot be read). ``then`` is the application's own lifespan, run inside."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        db = await Database.connect(settings)
        try:
            if require_migrations:
                await check_migrations(db)
            app.state.db = db
            if then is None:
                yield
            else:
                async with then(app):
                    yield
        finally:
            app.state.db = None
            await db.close()

    return run


async def check_migrations(db: Database) -> None:
    """:class:`ConfigurationError` unless every migration is applied."""
    health = await db.health()
    migrations = health.database.migrations
    if migrations is None:
        raise ConfigurationError(
            f"cannot read the migration state of {db.settings.masked_url}: "
            f"{health.database.error or 'unknown error'}"
        )
    if migrations.pending:
        shown = ", ".join(migrations.pending[:5])
        more = f" and {len(migrations.pending) - 5} more" if len(migrations.pending) > 5 else ""
        raise ConfigurationError(
            f"{len(migrations.pending)} migration(s) pending on {db.settings.masked_url}: "
            f"{shown}{more}; run `datalayer migrate` first"
        )


def get_db(request: Request) -> Database:
    """The application's :class:`Database` (opened by :func:`lifespan`)."""
    db = getattr(request.app.state, "db", None)
    if not isinstance(db, Database):
        raise ConfigurationError(
            "no database on app.state: create the app with lifespan=datalayer.fastapi.lifespan()"
        )
    return db


#: ``db: DB`` in a path operation's parameters gives the :class:`Database`.
DB = Annotated[Database, Depends(get_db)]


def transaction(
    user_id: Callable[..., UUID | Awaitable[UUID]] | None = None,
    *,
    readonly: bool = False,
    isolation: Isolation | None = None,
    actor: Callable[..., str | Awaitable[str]] | None = None,
) -> Any:
    """A dependency giving one connection in one transaction for the request.

    ``user_id`` is itself a dependency (the application's authentication) returning the caller's
    UUID, set as ``datalayer.user_id`` for the transaction; ``actor`` likewise for the audit
    trail. The transaction commits when the path operation returns, before the response is sent;
    an exception rolls it back. Use it as ``conn: Annotated[Connection, transaction(user_id=me)]``.
    """

    async def _no_user() -> None:
        return None

    async def _no_actor() -> None:
        return None

    async def dependency(
        request: Request,
        uid: Annotated[UUID | None, Depends(user_id or _no_user)],
        who: Annotated[str | None, Depends(actor or _no_actor)],
    ) -> AsyncIterator[Connection]:
        db = get_db(request)
        async with db.transaction(
            user_id=uid, actor=who, readonly=readonly, isolation=isolation
        ) as conn:
            yield conn

    return Depends(dependency, scope="function")
