"""Fixtures for the generator tests: the fixture schema (tests/gen/fixtures/schema.sql) applied to a
clone of the migrated template, and the typed module generated from tests/gen/fixtures/sql/genfx/.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator

import pytest
from gen_support import SCHEMA, SQL_ROOT, Generated, apply_fixture_schema, forget

from datalayer.gen.cli import generate, run_gen


@pytest.fixture(scope="session")
def gen_db_url(pg_server: object, template_db: str) -> Iterator[str]:
    """A clone of the migrated template with the fixture schema, shared by the read-only tests."""
    name = f"gen_{os.getpid()}"
    with pg_server.janitor(name, template_dbname=template_db):  # type: ignore[attr-defined]
        url: str = pg_server.url(name)  # type: ignore[attr-defined]
        apply_fixture_schema(url)
        yield url


@pytest.fixture
def fixture_url(database_url: str) -> str:
    """This test's own clone of the migrated template, with the fixture schema applied."""
    apply_fixture_schema(database_url)
    return database_url


@pytest.fixture(scope="session")
def generated(gen_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """The genfx package generated into a temporary directory, imported."""
    root = tmp_path_factory.mktemp("gen")
    result = generate(gen_db_url, [SCHEMA], sql_root=SQL_ROOT, out_root=root)
    assert run_gen(gen_db_url, [SCHEMA], False, sql_root=SQL_ROOT, out_root=root) == 0
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(SCHEMA)
        yield Generated(root, module, result)
    finally:
        forget(SCHEMA)
        sys.path.remove(str(root))
