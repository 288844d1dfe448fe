"""Fixtures for the validation schema.

``vdb`` is what the service uses: a :class:`Database` connected as a login of ``validation_app``,
where every query runs under row-level security (``vdb.transaction(user_id=...)`` names the user
acting). ``owner_db`` is the superuser's side, kept for test data the application role must not
write (back-dated rows, rows it may not insert) and for checking results. ``worker_db`` and
``readonly_db`` connect as logins of ``validation_worker`` and ``validation_readonly``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from validation_support import app_url

from datalayer import Database
from datalayer.settings import Settings


async def _connect(url: str) -> Database:
    database = await Database.connect(
        Settings.load(url=url, pool_size=2, max_overflow=4, command_timeout=30)
    )
    await database.refresh_catalog()
    return database


@pytest.fixture
async def owner_db(db: Database) -> Database:
    await db.refresh_catalog()
    return db


@pytest.fixture
async def vdb(database_url: str) -> AsyncIterator[Database]:
    database = await _connect(app_url(database_url, "validation"))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def worker_db(database_url: str) -> AsyncIterator[Database]:
    database = await _connect(app_url(database_url, "validation", "worker"))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def readonly_db(database_url: str) -> AsyncIterator[Database]:
    database = await _connect(app_url(database_url, "validation", "readonly"))
    try:
        yield database
    finally:
        await database.close()
