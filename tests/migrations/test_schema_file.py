"""schema.sql is what the migrations build: apply all → roll back all → apply all, then compare."""

from __future__ import annotations

from pathlib import Path

from datalayer import migrate

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip_matches_committed_schema_sql(empty_database_url: str, tmp_path: Path) -> None:
    applied = migrate.apply(empty_database_url, quiet=True)
    assert applied == [m.id for m in migrate.migration_files()]
    first = tmp_path / "first.sql"
    migrate.dump_schema(empty_database_url, first)

    rolled_back = migrate.rollback(empty_database_url, target="0", quiet=True)
    assert rolled_back == list(reversed(applied))
    empty = tmp_path / "empty.sql"
    migrate.dump_schema(empty_database_url, empty)
    assert "CREATE SCHEMA core" not in empty.read_text()
    assert "CREATE TABLE" not in empty.read_text()

    assert migrate.apply(empty_database_url, quiet=True) == applied
    second = tmp_path / "second.sql"
    migrate.dump_schema(empty_database_url, second)

    committed = (ROOT / "schema.sql").read_text()
    assert first.read_text() == second.read_text()
    assert second.read_text() == committed, "schema.sql is stale: run `make schema` and commit it"
