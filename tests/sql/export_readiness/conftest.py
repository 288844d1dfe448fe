"""Fixtures for the export_readiness schema."""

from __future__ import annotations

import pytest

from datalayer import Database


@pytest.fixture
async def edb(db: Database) -> Database:
    await db.refresh_catalog()
    return db
