"""Fixtures for the fintech schema."""

from __future__ import annotations

import pytest

from datalayer import Database


@pytest.fixture
async def fdb(db: Database) -> Database:
    await db.refresh_catalog()
    return db
