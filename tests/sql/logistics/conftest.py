"""Fixtures for the logistics schema: the tests connect as the service does, through a login
that is a member of ``logistics_app`` (``ldb``); ``owner`` is the owner's side, used only to set
up what the service may not write and to check results."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from rls_support import app_url

from datalayer import Database
from datalayer.settings import Settings


def role_url(config: pytest.Config, database_url: str, kind: str = "app") -> str:
    """``database_url`` connecting as the test login of ``logistics_<kind>``."""
    return app_url(database_url, "logistics", kind)


@pytest.fixture
def app_dsn(request: pytest.FixtureRequest, database_url: str) -> str:
    return role_url(request.config, database_url, "app")


@pytest.fixture
def readonly_dsn(request: pytest.FixtureRequest, database_url: str) -> str:
    return role_url(request.config, database_url, "readonly")


@pytest.fixture
async def owner(db: Database) -> Database:
    """The owner's side (the superuser of the test server)."""
    await db.refresh_catalog()
    return db


@pytest.fixture
async def ldb(app_dsn: str) -> AsyncIterator[Database]:
    """A :class:`Database` connected as ``logistics_app``."""
    database = await Database.connect(
        Settings.load(url=app_dsn, pool_size=2, max_overflow=6, command_timeout=30)
    )
    try:
        await database.refresh_catalog()
        yield database
    finally:
        await database.close()
