"""The compliance schema as the catalog sees it: no truncated identifier, the seed's full column
names, named and commented constraints, an index behind every foreign key, an owner on every row."""

from __future__ import annotations

import re
from pathlib import Path

from datalayer import Database
from datalayer.paths import project_root

MIGRATIONS = sorted(
    (project_root() / "migrations" / "compliance").glob("[0-9][0-9][0-9][0-9].compliance.*.sql")
)
FORWARD = [p for p in MIGRATIONS if not p.name.endswith(".rollback.sql")]
TABLES = re.compile(r"CREATE TABLE compliance\.(\w+) \((.*?)\n\);", re.DOTALL)
COLUMN = re.compile(r"^    ([a-z_][a-z0-9_]*) ", re.MULTILINE)
CONSTRAINT = re.compile(
    r"\bCONSTRAINT (\w+) (?:PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK)|CREATE CONSTRAINT TRIGGER (\w+)"
)
INDEX = re.compile(r"CREATE (?:UNIQUE )?INDEX (\w+) ON compliance\.")

FULL_NAMES = {
    "business_profiles": {
        "handles_personal_data",
        "processes_payments",
        "stores_health_data",
        "provides_financial_services",
        "operates_critical_infrastructure",
        "has_international_operations",
    },
    "assessment_sessions": {"business_profile_id", "questions_answered"},
    "generated_policies": {"business_profile_id"},
}


def _written() -> tuple[dict[str, list[str]], set[str], set[str]]:
    tables: dict[str, list[str]] = {}
    constraints: set[str] = set()
    indexes: set[str] = set()
    for path in FORWARD:
        text = path.read_text()
        for name, body in TABLES.findall(text):
            tables[name] = [c for c in COLUMN.findall(body) if c != "CONSTRAINT"]
        constraints.update(name for pair in CONSTRAINT.findall(text) for name in pair if name)
        indexes.update(INDEX.findall(text))
    return tables, constraints, indexes


def test_the_migrations_cover_the_eleven_tables() -> None:
    # 0012-0016: roles, row security, checks, lifecycle; 0030: the shipped reference frameworks;
    # 0040: the service reads its user's audit rows only
    assert len(FORWARD) == 18 and len(MIGRATIONS) == 36
    tables, _, _ = _written()
    assert set(tables) == {
        "users", "business_profiles", "assessment_sessions", "evidence_items",
        "chat_conversations", "generated_policies", "compliance_frameworks",
        "implementation_plans", "readiness_assessments", "integration_configurations",
        "report_schedules",
    }  # fmt: skip


def test_no_identifier_in_the_migrations_is_longer_than_63_bytes() -> None:
    for path in MIGRATIONS:
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text()):
            assert len(word.encode()) <= 63, f"{path.name}: {word} would be truncated"


async def test_every_column_in_the_catalog_is_the_one_written(owner: Database) -> None:
    tables, _, _ = _written()
    async with owner.acquire() as conn:
        for table, columns in tables.items():
            catalog = await conn.fetch(
                "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass"
                " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                f"compliance.{table}",
            )
            assert [r["attname"] for r in catalog] == columns, table
    for table, names in FULL_NAMES.items():
        assert names <= set(tables[table]), table
    truncated = {"handles_persona", "processes_payme", "business_profil", "questions_answe"}
    assert not truncated & {c for cols in tables.values() for c in cols}


async def test_every_constraint_and_index_name_is_the_one_written(owner: Database) -> None:
    _, constraints, indexes = _written()
    async with owner.acquire() as conn:
        catalog_constraints = {
            r["conname"]
            for r in await conn.fetch(
                "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                " WHERE n.nspname = 'compliance'"
            )
        }
        catalog_indexes = {
            r["indexname"]
            for r in await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'compliance'"
            )
        }
    assert catalog_constraints == constraints
    keys = {c for c in constraints if c.endswith(("_pkey", "_key"))}
    assert catalog_indexes == indexes | keys


async def test_constraints_are_commented_and_foreign_keys_indexed(owner: Database) -> None:
    async with owner.acquire() as conn:
        uncommented = await conn.fetch(
            """
            SELECT c.conname
            FROM pg_constraint AS c
            JOIN pg_namespace AS n ON n.oid = c.connamespace
            WHERE n.nspname = 'compliance'
                AND c.contype IN ('c', 'u', 'f')
                AND obj_description(c.oid, 'pg_constraint') IS NULL
            """
        )
        unindexed = await conn.fetch(
            """
            SELECT c.conname
            FROM pg_constraint AS c
            JOIN pg_namespace AS n ON n.oid = c.connamespace
            WHERE n.nspname = 'compliance'
                AND c.contype = 'f'
                AND NOT EXISTS (
                    SELECT 1
                    FROM pg_index AS i
                    WHERE i.indrelid = c.conrelid
                        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey
                )
            """
        )
        on_delete = await conn.fetch(
            """
            SELECT c.conname, c.confdeltype
            FROM pg_constraint AS c
            JOIN pg_namespace AS n ON n.oid = c.connamespace
            WHERE n.nspname = 'compliance' AND c.contype = 'f'
            """
        )
    assert [r["conname"] for r in uncommented] == []
    assert [r["conname"] for r in unindexed] == []
    # every FK states ON DELETE: cascade (owned rows), restrict (frameworks, approvers) or set null
    assert on_delete and all(
        r["confdeltype"] in (b"c", b"r", b"n", "c", "r", "n") for r in on_delete
    )


async def test_every_table_with_user_data_carries_the_owner(owner: Database) -> None:
    async with owner.acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT t.table_name, bool_or(c.column_name = 'user_id') AS has_owner
            FROM information_schema.tables AS t
            JOIN information_schema.columns AS c
                ON c.table_schema = t.table_schema AND c.table_name = t.table_name
            WHERE t.table_schema = 'compliance'
            GROUP BY t.table_name
            """
        )
    without = {r["table_name"] for r in rows if not r["has_owner"]}
    assert without == {"users", "compliance_frameworks"}  # the owner itself; shared reference data
    assert len(rows) == 11


def test_the_rollbacks_drop_what_the_migrations_create() -> None:
    for path in FORWARD:
        rollback = Path(str(path).replace(".sql", ".rollback.sql"))
        text = rollback.read_text()
        for table, _ in TABLES.findall(path.read_text()):
            assert f"DROP TABLE compliance.{table};" in text, rollback.name
