"""Fixtures for the fintech schema.

``fdb`` is the service's side: a login that is a member of ``fintech_app`` and nothing else, so
every query runs under the grants and row-level security the service has (a user acts through
``fdb.transaction(user_id=...)``). ``worker`` acts through ``fintech_worker`` (reconciliation and
jobs across users). ``owner`` is the superuser that migrated the database: only for setting up
what the application roles may not write, and for checking results behind their back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fintech_support import app_url

from datalayer import Database
from datalayer.settings import Settings


async def _connect(url: str) -> Database:
    database = await Database.connect(
        Settings.load(url=url, pool_size=2, max_overflow=8, command_timeout=30)
    )
    await database.refresh_catalog()
    return database


@pytest.fixture
async def fdb(database_url: str) -> AsyncIterator[Database]:
    database = await _connect(app_url(database_url))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def worker(database_url: str) -> AsyncIterator[Database]:
    database = await _connect(app_url(database_url, "worker"))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def owner(db: Database) -> Database:
    await db.refresh_catalog()
    return db
