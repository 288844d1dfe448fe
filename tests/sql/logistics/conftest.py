"""Fixtures for the logistics schema."""

from __future__ import annotations

import pytest

from datalayer import Database


@pytest.fixture
async def ldb(db: Database) -> Database:
    await db.refresh_catalog()
    return db
