"""Fixtures for the export_readiness schema.

The query tests connect as ``export_readiness_app`` (a login that is a member of that role and of
nothing else), as the ExportSathi service does, and act for a user with
``db.transaction(user_id=...)``: row-level security decides what they see. ``owner_db`` (the
superuser, the owner's side) only sets up what the application role may not write and checks
results; ``readonly_db`` is the reporting role.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import rls_support

from datalayer import Database
from datalayer.settings import Settings

APP = "export_readiness"


@pytest.fixture(scope="session")
def harness() -> Any:
    """The test logins of the application roles (``app_login``, ``app_url``)."""
    return rls_support


@pytest.fixture
def app_database_url(harness: Any, database_url: str) -> str:
    """The clone's URL as the login of export_readiness_app."""
    return str(harness.app_url(database_url, APP))


@pytest.fixture
def readonly_database_url(harness: Any, database_url: str) -> str:
    """The clone's URL as the login of export_readiness_readonly."""
    return str(harness.app_url(database_url, APP, "readonly"))


async def _connect(url: str) -> Database:
    return await Database.connect(
        Settings.load(url=url, pool_size=2, max_overflow=6, command_timeout=30)
    )


@pytest.fixture
async def db(app_database_url: str) -> AsyncIterator[Database]:
    """A :class:`Database` connected as export_readiness_app (overrides the superuser one)."""
    database = await _connect(app_database_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def edb(db: Database) -> Database:
    await db.refresh_catalog()
    return db


@pytest.fixture
async def owner_db(database_url: str) -> AsyncIterator[Database]:
    """The owner's side (superuser): setup the application role may not do, and checks."""
    database = await _connect(database_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def readonly_db(readonly_database_url: str) -> AsyncIterator[Database]:
    """A :class:`Database` connected as export_readiness_readonly (reporting)."""
    database = await _connect(readonly_database_url)
    try:
        yield database
    finally:
        await database.close()
