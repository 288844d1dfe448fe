"""The core schema: uuid_v7, the updated_at and append-only triggers, the audit trail."""

from __future__ import annotations

import uuid

import pytest

from datalayer import Database
from datalayer.errors import RestrictViolation


async def test_uuid_v7_is_version_7_and_time_ordered(db: Database) -> None:
    async with db.acquire() as conn:
        ids = [await conn.fetchval("SELECT core.uuid_v7()") for _ in range(50)]
        server_ms = await conn.fetchval(
            "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
        )
    parsed = [uuid.UUID(str(i)) for i in ids]
    assert all(u.version == 7 for u in parsed)
    assert all(u.variant == uuid.RFC_4122 for u in parsed)
    millis = [int.from_bytes(u.bytes[:6], "big") for u in parsed]
    assert millis == sorted(millis)
    assert abs(millis[-1] - server_ms) < 5_000
    assert len(set(parsed)) == 50


async def _scratch_table(db: Database, *, audited: bool = False) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            """
            CREATE TABLE public.things (
                id uuid PRIMARY KEY DEFAULT core.uuid_v7(),
                name text NOT NULL,
                secret text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.things
                FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
            """
        )
        if audited:
            await conn.execute(
                "CREATE TRIGGER _900_audit AFTER INSERT OR UPDATE OR DELETE ON public.things "
                "FOR EACH ROW EXECUTE FUNCTION core.tg__audit('secret')"
            )


async def test_set_updated_at(db: Database) -> None:
    await _scratch_table(db)
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            "INSERT INTO public.things (name, updated_at) VALUES ('a', now() - interval '1 day') "
            "RETURNING id, updated_at"
        )
        assert row is not None
    async with db.transaction() as conn:
        after = await conn.fetchval(
            "UPDATE public.things SET name = 'b' WHERE id = $1 RETURNING updated_at", row["id"]
        )
        now = await conn.fetchval("SELECT now()")
    assert after > row["updated_at"]
    assert after == now


async def test_audit_log_records_changes_with_actor_and_redaction(db: Database) -> None:
    await _scratch_table(db, audited=True)
    async with db.transaction(actor="alice@example.com") as conn:
        thing_id = await conn.fetchval(
            "INSERT INTO public.things (name, secret) VALUES ('a', 'hunter2') RETURNING id"
        )
    async with db.transaction(actor="bob") as conn:
        await conn.execute("UPDATE public.things SET name = 'b' WHERE id = $1", thing_id)
        await conn.execute("UPDATE public.things SET name = 'b' WHERE id = $1", thing_id)  # no-op
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM public.things WHERE id = $1", thing_id)
    async with db.acquire() as conn:
        rows = await conn.fetch(
            "SELECT operation, row_id, old_values, new_values, changed_columns, actor "
            "FROM core.audit_log WHERE table_name = 'things' ORDER BY occurred_at, id"
        )
    assert [r["operation"] for r in rows] == ["INSERT", "UPDATE", "DELETE"]
    assert all(r["row_id"] == str(thing_id) for r in rows)
    assert [r["actor"] for r in rows] == ["alice@example.com", "bob", None]
    insert, update, delete = rows
    assert insert["new_values"]["name"] == "a" and "secret" not in insert["new_values"]
    assert insert["old_values"] is None
    assert set(update["changed_columns"]) == {"name", "updated_at"}
    assert update["old_values"]["name"] == "a" and update["new_values"]["name"] == "b"
    assert delete["new_values"] is None and delete["old_values"]["name"] == "b"


async def test_audit_log_is_append_only(db: Database) -> None:
    await _scratch_table(db, audited=True)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO public.things (name) VALUES ('x')")
    for statement in (
        "UPDATE core.audit_log SET actor = 'mallory'",
        "DELETE FROM core.audit_log",
        "TRUNCATE core.audit_log",
    ):
        with pytest.raises(RestrictViolation) as info:
            async with db.transaction() as conn:
                await conn.execute(statement)
        assert info.value.constraint == "audit_log_append_only"
        assert info.value.schema == "core" and info.value.table == "audit_log"
    async with db.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == 1


async def test_forbid_mutation_on_any_table(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.ledger (id int PRIMARY KEY, amount int NOT NULL);"
            "CREATE TRIGGER _100_forbid_mutation BEFORE UPDATE OR DELETE ON public.ledger "
            "FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();"
            "INSERT INTO public.ledger VALUES (1, 10);"
        )
    with pytest.raises(RestrictViolation, match="append-only") as info:
        async with db.transaction() as conn:
            await conn.execute("UPDATE public.ledger SET amount = 0")
    assert info.value.constraint == "ledger_append_only"
    assert info.value.sqlstate == "23001"
