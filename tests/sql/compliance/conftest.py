"""Fixtures for the compliance schema: the service's side (``cdb``, connected as a login of
``compliance_app``) and the owner's side (``owner``, the superuser) for what the service may not do
(frameworks are reference data the operators maintain) and for checking results."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from compliance_support import app_url

from datalayer import Database
from datalayer.settings import Settings


async def _connect(url: str) -> Database:
    database = await Database.connect(
        Settings.load(url=url, pool_size=2, max_overflow=6, command_timeout=30)
    )
    await database.refresh_catalog()
    return database


@pytest.fixture
async def owner(db: Database) -> Database:
    """The superuser (the owner's side): setup the service may not do, and checks."""
    await db.refresh_catalog()
    return db


@pytest.fixture
async def cdb(database_url: str) -> AsyncIterator[Database]:
    """The service: connected as a login of compliance_app."""
    database = await _connect(app_url(database_url, "compliance"))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def worker_db(database_url: str) -> AsyncIterator[Database]:
    """The report queue: connected as a login of compliance_worker."""
    database = await _connect(app_url(database_url, "compliance", "worker"))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def readonly_db(database_url: str) -> AsyncIterator[Database]:
    """Reporting: connected as a login of compliance_readonly."""
    database = await _connect(app_url(database_url, "compliance", "readonly"))
    try:
        yield database
    finally:
        await database.close()
