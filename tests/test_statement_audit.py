"""core.tg__audit_statement (statement-level, transition tables) writes the same core.audit_log
rows as core.tg__audit (row-level): the same work on two identical tables, one with each trigger,
gives equal audit rows; fintech.users uses it, and a COPY into it and an update by the application
role are audited row by row with the role and actor."""

from __future__ import annotations

import json
import uuid

import asyncpg
from rls_support import app_url

from datalayer import Database
from datalayer.bulk import copy_records
from datalayer.settings import Settings

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"

SETUP = """
CREATE SCHEMA audfx;
CREATE TABLE audfx.by_row (id uuid PRIMARY KEY, name text NOT NULL, secret text, n int NOT NULL);
CREATE TABLE audfx.by_statement (LIKE audfx.by_row INCLUDING ALL);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audfx.by_row
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('secret');
CREATE TRIGGER audit_insert AFTER INSERT ON audfx.by_statement
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('secret');
CREATE TRIGGER audit_update AFTER UPDATE ON audfx.by_statement
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('secret');
CREATE TRIGGER audit_delete AFTER DELETE ON audfx.by_statement
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__audit_statement('secret');
"""

# The same statements on each table ({t}): multi-row and single-row, changed and unchanged rows,
# a change of the left-out column only, deletes. (A changed id is the one difference: see below.)
WORK = [
    "INSERT INTO audfx.{t} VALUES ('00000000-0000-0000-0000-000000000001', 'one', 's', 1)",
    "UPDATE audfx.{t} SET n = n + 1 WHERE n % 3 = 0",
    "UPDATE audfx.{t} SET name = name WHERE n % 5 = 0",
    "UPDATE audfx.{t} SET secret = 'changed' WHERE n % 4 = 0",
    "UPDATE audfx.{t} SET name = name || '!', secret = NULL WHERE n % 7 = 0",
    "DELETE FROM audfx.{t} WHERE n % 11 = 0",
    "UPDATE audfx.{t} SET n = n WHERE false",
    "DELETE FROM audfx.{t} WHERE n = 1000",
]

COMPARED = """
SELECT operation, row_id, old_values, new_values, changed_columns, actor, db_user, app_role
FROM core.audit_log
WHERE schema_name = 'audfx' AND table_name = $1
"""


def _key(row: asyncpg.Record) -> str:
    return repr(tuple(row))


async def test_statement_level_audit_writes_the_row_level_rows(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(SETUP)
        ids = [uuid.uuid4() for _ in range(300)]
        extra = [(uuid.uuid4(), f"extra {k}", 1000 + k) for k in range(3)]
        for table in ("by_row", "by_statement"):
            async with conn.transaction():
                await conn.execute("SELECT set_config('datalayer.actor', 'loader', true)")
                await conn.copy_records_to_table(
                    table,
                    schema_name="audfx",
                    records=[(i, f"name {k}", f"secret {k}", k + 2) for k, i in enumerate(ids)],
                )
                await conn.executemany(
                    f"INSERT INTO audfx.{table} VALUES ($1, $2, NULL, $3)",
                    extra,
                )
                for statement in WORK:
                    await conn.execute(statement.format(t=table))
        by_row = sorted((await conn.fetch(COMPARED, "by_row")), key=_key)
        by_statement = sorted((await conn.fetch(COMPARED, "by_statement")), key=_key)
        assert len(by_row) > 300
        assert {r["operation"] for r in by_row} == {"INSERT", "UPDATE", "DELETE"}
        for r in by_row:  # the excluded column in neither image (they arrive decoded or as text)
            for image in (r["new_values"], r["old_values"]):
                decoded = json.loads(image) if isinstance(image, str) else image
                assert decoded is None or "secret" not in decoded, decoded
        assert any(r["new_values"] for r in by_row)  # the images are there to be checked
        assert by_statement == by_row
        # UPDATE pairs old and new rows by id: a changed id is a DELETE and an INSERT
        await conn.execute(
            "UPDATE audfx.by_statement SET id = '00000000-0000-0000-0000-000000000002' WHERE n = 1"
        )
        moved = await conn.fetch(
            "SELECT operation, row_id FROM core.audit_log WHERE schema_name = 'audfx' "
            "AND table_name = 'by_statement' AND row_id LIKE '00000000-%' ORDER BY operation"
        )
        assert [tuple(r) for r in moved] == [
            ("DELETE", "00000000-0000-0000-0000-000000000001"),
            ("INSERT", "00000000-0000-0000-0000-000000000001"),
            ("INSERT", "00000000-0000-0000-0000-000000000002"),
        ]
    finally:
        await conn.close()


async def test_fintech_users_copy_is_audited_per_row(database_url: str) -> None:
    """The bulk load (a COPY as the owner, with an actor) and an update by the application role
    under row-level security are both audited row by row, without the password hash."""
    users = [uuid.uuid4() for _ in range(50)]
    admin = await asyncpg.connect(database_url)
    try:
        async with admin.transaction():
            await admin.execute("SELECT set_config('datalayer.actor', 'bulk-loader', true)")
            await copy_records(
                admin,
                "fintech.users",
                ["id", "email", "first_name", "last_name", "password_hash", "role"],
                [
                    (u, f"bulk{k}@example.com", "Bulk", "User", BCRYPT, "customer")
                    for k, u in enumerate(users)
                ],
            )
        async with (
            await Database.connect(
                Settings.load(url=app_url(database_url, "fintech"), pool_size=1, max_overflow=0)
            ) as db,
            db.transaction(user_id=users[0], actor="self") as conn,
        ):
            status = await conn.execute(
                "UPDATE fintech.users SET first_name = 'Changed' WHERE id = $1", users[0]
            )
            assert status == "UPDATE 1"
        triggers = await admin.fetch(
            "SELECT tgname, tgtype & 1 = 1 AS per_row FROM pg_trigger "
            "WHERE tgrelid = 'fintech.users'::regclass AND tgname LIKE '%audit%'"
        )
        assert {t["tgname"] for t in triggers} == {
            "_900_audit_insert",
            "_900_audit_update",
            "_900_audit_delete",
        }
        assert not any(t["per_row"] for t in triggers)
        rows = await admin.fetch(
            "SELECT operation, row_id, coalesce(new_values, old_values) AS shown, "
            "changed_columns, actor, app_role FROM core.audit_log "
            "WHERE schema_name = 'fintech' AND table_name = 'users' "
            "AND row_id = ANY($1::text[])",
            [str(u) for u in users],
        )
    finally:
        await admin.close()
    inserts = [r for r in rows if r["operation"] == "INSERT"]
    assert sorted(r["row_id"] for r in inserts) == sorted(str(u) for u in users)
    assert {(r["actor"], r["app_role"]) for r in inserts} == {("bulk-loader", "superuser")}
    [update] = [r for r in rows if r["operation"] == "UPDATE"]
    assert update["row_id"] == str(users[0]) and "first_name" in update["changed_columns"]
    assert (update["actor"], update["app_role"]) == ("self", "fintech_app")
    assert all('"password_hash"' not in r["shown"] for r in rows)
