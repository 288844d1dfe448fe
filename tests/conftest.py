"""Test harness: one throwaway PostgreSQL server per session, migrations applied once into a template
database, and a fresh clone of that template for every test (pytest-postgresql's janitor).

Roles: the migrations run as the server's superuser (the owner's side); application tests connect
as a login that is a member of ``<app>_app`` (``rls_support.app_login``, ``rls_support.app_url``),
as a service would, and never as the owner.

The server is started from the machine's own ``pg_ctl`` on tmpfs with fsync off (``Cluster(fast=True)``).
pytest-postgresql's ``postgresql_proc`` cannot run as root ("pg_ctl: cannot be run as root"), so the
server is started by :class:`datalayer.devdb.Cluster`, which runs it as the ``postgres`` user when the
tests run as root, and as the current user otherwise. ``TEST_DATABASE_URL`` points the tests at an
existing server instead (a role allowed to create databases).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from pytest_postgresql.janitor import DatabaseJanitor
from rls_support import app_login

from datalayer import migrate
from datalayer.db import Database
from datalayer.devdb import Bouncer, Cluster
from datalayer.settings import Settings

TEMPLATE = "datalayer_template"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str | None

    def url(self, dbname: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def janitor(self, dbname: str, **kwargs: object) -> DatabaseJanitor:
        return DatabaseJanitor(
            user=self.user,
            host=self.host,
            port=self.port,
            dbname=dbname,
            password=self.password,
            **kwargs,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """The PostgreSQL server the tests run against."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        parts = urlsplit(external)
        yield Server(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
        )
        return
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="datalayer-test-", dir=base))
    cluster = Cluster(root, dbname="postgres", fast=True)
    cluster.up()
    try:
        yield Server(host="127.0.0.1", port=cluster.port, user="postgres", password=None)
    finally:
        cluster.destroy()


def _migrate_template(
    host: str, port: int, user: str, dbname: str, password: str | None = None, **_: object
) -> None:
    auth = user + (f":{password}" if password else "")
    migrate.apply(f"postgresql://{auth}@{host}:{port}/{dbname}", quiet=True)


@pytest.fixture(scope="session")
def template_db(pg_server: Server) -> Iterator[str]:
    """A database with every migration applied, marked as a template; its name. The login roles
    of :func:`app_login` exist from then on (roles belong to the server, not to a database)."""
    janitor = pg_server.janitor(TEMPLATE, as_template=True)
    janitor.drop()
    with janitor:
        janitor.load(_migrate_template)
        _create_logins(pg_server)
        yield TEMPLATE


#: The group roles a test login may act through: ``<app>_app``, ``<app>_worker``, ``<app>_readonly``.
ROLE_KINDS = ("app", "worker", "readonly")


def _create_logins(server: Server) -> None:
    with psycopg.connect(server.url(TEMPLATE), autocommit=True) as conn:
        groups = [
            str(r[0])
            for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname ~ '_(app|worker|readonly)$'"
                " AND NOT rolcanlogin"
            ).fetchall()
        ]
        for group in groups:
            app, _, kind = group.rpartition("_")
            login = app_login(app, kind)
            conn.execute(
                "DO $$ BEGIN CREATE ROLE " + login + " LOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            conn.execute(f"GRANT {group} TO {login}")


_counter = itertools.count()


@pytest.fixture
def database_url(pg_server: Server, template_db: str, pooler: Bouncer | None) -> Iterator[str]:
    """URL of a fresh clone of the migrated template, dropped after the test (through PgBouncer
    when ``TEST_PGBOUNCER=1``)."""
    name = f"test_{os.getpid()}_{next(_counter)}"
    with pg_server.janitor(name, template_dbname=template_db):
        yield pooler.url(name) if pooler is not None else pg_server.url(name)


@pytest.fixture
def empty_database_url(pg_server: Server) -> Iterator[str]:
    """URL of a fresh, empty database (no migrations), dropped after the test."""
    name = f"empty_{os.getpid()}_{next(_counter)}"
    with pg_server.janitor(name):
        yield pg_server.url(name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A connected :class:`Database` on a fresh migrated clone."""
    database = await Database.connect(
        Settings.load(url=database_url, pool_size=2, max_overflow=6, command_timeout=30)
    )
    try:
        yield database
    finally:
        await database.close()


# -- PgBouncer (TEST_PGBOUNCER=1) ------------------------------------------------------------------
# `make test-pgbouncer`: the application tests connect through a real PgBouncer in transaction mode
# in front of the test server (with DATABASE_STATEMENT_CACHE_SIZE=0); databases are still created,
# migrated and dropped over direct connections.


@pytest.fixture(scope="session")
def pooler(pg_server: Server) -> Iterator[Bouncer | None]:
    """The PgBouncer the tests' database URLs lead through, or ``None`` (the default)."""
    if os.environ.get("TEST_PGBOUNCER", "") not in ("1", "true", "yes"):
        yield None
        return
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    bouncer = Bouncer(
        Path(tempfile.mkdtemp(prefix="datalayer-pgbouncer-", dir=base)),
        server_port=pg_server.port,
        auth_user=pg_server.user,
    )
    bouncer.up()
    try:
        yield bouncer
    finally:
        bouncer.destroy()


@pytest.fixture
def direct_database_url(database_url: str, pg_server: Server, pooler: Bouncer | None) -> str:
    """``database_url`` without PgBouncer in between: for what a pooler refuses (migrations)."""
    if pooler is None:
        return database_url
    return pg_server.url(database_url.rsplit("/", 1)[1])
