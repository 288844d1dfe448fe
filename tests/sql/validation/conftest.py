"""Fixtures for the validation schema."""

from __future__ import annotations

import pytest

from datalayer import Database


@pytest.fixture
async def vdb(db: Database) -> Database:
    await db.refresh_catalog()
    return db
