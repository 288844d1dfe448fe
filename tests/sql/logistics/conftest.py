"""Fixtures for the logistics schema: the tests connect as the service does, through a login
that is a member of ``logistics_app`` (``ldb``); ``owner`` is the owner's side, used only to set
up what the service may not write and to check results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from datalayer import Database
from datalayer.settings import Settings

_HARNESS = Path(__file__).resolve().parents[2] / "conftest.py"


def _harness(config: pytest.Config) -> ModuleType:
    """The suite's root conftest (``app_url``, ``app_login``), as pytest loaded it."""
    for plugin in config.pluginmanager.get_plugins():
        path = getattr(plugin, "__file__", None)
        if isinstance(plugin, ModuleType) and path and Path(path).resolve() == _HARNESS:
            return plugin
    raise RuntimeError(f"{_HARNESS} is not loaded")


def role_url(config: pytest.Config, database_url: str, kind: str = "app") -> str:
    """``database_url`` connecting as the test login of ``logistics_<kind>``."""
    url: str = _harness(config).app_url(database_url, "logistics", kind)
    return url


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
