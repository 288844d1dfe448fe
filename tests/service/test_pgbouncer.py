"""A real PgBouncer (transaction pooling) in front of the test server: what the pool does through
it, what it refuses, and the migration runner refusing to run through it."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import psycopg
import pytest

from datalayer import Database, errors, migrate
from datalayer.devdb import Bouncer
from datalayer.migrate import MigrationError
from datalayer.settings import Settings


class Server(Protocol):
    port: int
    user: str


def _bouncer(server: Server, **kwargs: str) -> Bouncer:
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    return Bouncer(
        Path(tempfile.mkdtemp(prefix="dl-bouncer-", dir=base)),
        server_port=server.port,
        auth_user=server.user,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def bouncer(pg_server: Server) -> Iterator[Bouncer]:
    if not shutil.which("pgbouncer") and not Path("/usr/sbin/pgbouncer").exists():
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer; CI installs it)")
    b = _bouncer(pg_server)
    b.up()
    try:
        yield b
    finally:
        b.destroy()


def _through(bouncer: Bouncer, database_url: str) -> str:
    return bouncer.url(database_url.rsplit("/", 1)[1])


async def test_a_statement_cache_behind_a_pooler_is_refused_with_the_fix(
    bouncer: Bouncer, database_url: str
) -> None:
    url = _through(bouncer, database_url)
    with pytest.raises(errors.ConfigurationError) as refused:
        await Database.connect(Settings.load(url=url, statement_cache_size=100))
    assert refused.value.variable == "DATABASE_STATEMENT_CACHE_SIZE"
    assert "DATABASE_STATEMENT_CACHE_SIZE=0" in str(refused.value)
    assert "max_prepared_statements" in str(refused.value)
    # Said to keep prepared statements (PgBouncer >= 1.21): allowed.
    settings = Settings.load(url=url, statement_cache_size=100, pooler_prepared_statements=True)
    async with await Database.connect(settings) as db:
        assert db.behind_pooler


async def test_direct_connections_are_not_taken_for_a_pooler(db: Database) -> None:
    if db.behind_pooler:
        pytest.skip("the suite itself runs through PgBouncer")
    assert not db.behind_pooler


async def test_transactions_through_transaction_pooling_keep_nothing_of_each_other(
    bouncer: Bouncer, database_url: str
) -> None:
    settings = Settings.load(
        url=_through(bouncer, database_url), statement_cache_size=0, pool_size=8, max_overflow=0
    )
    async with await Database.connect(settings) as db:
        assert db.behind_pooler

        async def one(n: int) -> None:
            user = uuid.uuid4()
            async with db.transaction(actor=f"actor-{n}", user_id=user) as conn:
                row = await conn.fetchrow(
                    "SELECT current_setting('datalayer.actor', true),"
                    " current_setting('datalayer.user_id', true)"
                )
                assert row is not None and tuple(row) == (f"actor-{n}", str(user))
            # The next transaction, on whichever server connection, sees none of it.
            async with db.transaction() as conn:
                row = await conn.fetchrow(
                    "SELECT coalesce(current_setting('datalayer.actor', true), ''),"
                    " coalesce(current_setting('datalayer.user_id', true), '')"
                )
                assert row is not None and tuple(row) == ("", "")
            # A statement run twice with different parameter types: no cached statement to miss.
            async with db.acquire() as conn:
                assert await conn.fetchval("SELECT $1::int + 1", n) == n + 1
                assert await conn.fetchval("SELECT $1::text || 'x'", str(n)) == f"{n}x"

        await asyncio.gather(*(one(n) for n in range(40)))


def test_migrations_refuse_to_run_through_pgbouncer(
    bouncer: Bouncer, pg_server: Server, empty_database_url: str
) -> None:
    name = empty_database_url.rsplit("/", 1)[1]
    # PgBouncer refuses libpq's `options` at startup (the runner sets its timeouts there).
    with pytest.raises(MigrationError) as refused:
        migrate.apply(bouncer.url(name), quiet=True)
    assert "use the direct URL" in str(refused.value)
    # A PgBouncer that drops `options`: recognised by its cancel key all the same.
    tolerant = _bouncer(pg_server, ignore_startup_parameters="extra_float_digits,options")
    tolerant.up()
    try:
        with pytest.raises(MigrationError) as refused:
            migrate.apply(tolerant.url(name), quiet=True)
        assert "use the direct URL" in str(refused.value)
    finally:
        tolerant.destroy()
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'core'").fetchone()
        assert row == (0,)  # nothing was applied
