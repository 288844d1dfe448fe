"""Fixtures for the compliance schema."""

from __future__ import annotations

import pytest

from datalayer import Database


@pytest.fixture
async def cdb(db: Database) -> Database:
    await db.refresh_catalog()
    return db
