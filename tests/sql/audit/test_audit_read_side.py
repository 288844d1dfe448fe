"""The audit trail's read side: each application's list_audit_row_history and
list_audit_actor_actions, run as that application's readonly role, return its own audit rows
only (filtered by table, row, actor and time, in keyset pages), and no readonly role reads
another application's rows by any route.

The trail holds, for every application, rows about the same table name, row id and actor, so a
query that leaked another application's rows would return them."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from rls_support import app_url

from datalayer import (
    Database,
    compliance,
    errors,
    export_readiness,
    fintech,
    load,
    logistics,
    validation,
)
from datalayer.settings import Settings

APPS: dict[str, ModuleType] = {
    "fintech": fintech,
    "logistics": logistics,
    "compliance": compliance,
    "validation": validation,
    "export_readiness": export_readiness,
}
T0 = datetime(2026, 1, 1, tzinfo=UTC)
ROW = "row-1"
ACTOR = "ops@example.com"
PAGE: dict[str, Any] = {
    "occurred_from": None,
    "occurred_to": None,
    "before_occurred_at": None,
    "before_id": None,
}


def _minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
async def trail(db: Database) -> AsyncIterator[Database]:
    """For each application: five changes to users row-1 by ACTOR (two of them in the same
    instant, as writes of one transaction are), one to another row by ACTOR in another table,
    and one change by someone else. Written as the superuser straight into core.audit_log (the
    read side is under test; the triggers that write it are tested with each application)."""
    rows: list[tuple[Any, ...]] = []
    for schema in APPS:
        history = [
            (0, "INSERT", None, {"id": ROW, "v": 0, "app": schema}),
            (1, "UPDATE", {"v": 0}, {"v": 1, "app": schema}),
            (2, "UPDATE", {"v": 1}, {"v": 2, "app": schema}),
            (2, "UPDATE", {"v": 2}, {"v": 3, "app": schema}),
            (3, "DELETE", {"v": 3, "app": schema}, None),
        ]
        for minute, operation, old, new in history:
            rows.append((_minutes(minute), schema, "users", operation, ROW, old, new, ACTOR))
        rows.append((_minutes(1), schema, "accounts", "INSERT", "row-2", None, {"x": 1}, ACTOR))
        rows.append((_minutes(1), schema, "users", "INSERT", "row-3", None, {"x": 1}, "someone"))
    async with db.acquire() as conn:
        await conn.executemany(
            "INSERT INTO core.audit_log (occurred_at, schema_name, table_name, operation, row_id,"
            " old_values, new_values, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            rows,  # the pool's codec encodes the dicts as jsonb
        )
    return db


async def _readonly(database_url: str, app: str) -> Database:
    database = await Database.connect(
        Settings.load(url=app_url(database_url, app, "readonly"), pool_size=1, max_overflow=0)
    )
    await database.refresh_catalog()
    return database


@pytest.mark.parametrize("app", list(APPS))
async def test_row_history_and_actor_actions_as_the_readonly_role(
    trail: Database, database_url: str, app: str
) -> None:
    queries = APPS[app]
    reader = await _readonly(database_url, app)
    try:
        async with reader.transaction(readonly=True) as conn:
            history = await queries.list_audit_row_history(
                conn, table_name="users", row_id=ROW, **PAGE, max_rows=10
            )
            assert [h.operation for h in history] == [
                "DELETE",
                "UPDATE",
                "UPDATE",
                "UPDATE",
                "INSERT",
            ]
            # every image is this application's own (the trail holds the same row for every app)
            assert all((h.new_values or h.old_values or {}).get("app") == app for h in history[:4])
            assert [h.occurred_at for h in history] == sorted(
                (h.occurred_at for h in history), reverse=True
            )
            # keyset pages of two walk the same rows, the same-instant pair included
            walked: list[Any] = []
            before: dict[str, Any] = {"before_occurred_at": None, "before_id": None}
            while True:
                page = await queries.list_audit_row_history(
                    conn, table_name="users", row_id=ROW, occurred_from=None, occurred_to=None,
                    **before, max_rows=2,
                )  # fmt: skip
                if not page:
                    break
                walked += page
                before = {"before_occurred_at": page[-1].occurred_at, "before_id": page[-1].id}
            assert [h.id for h in walked] == [h.id for h in history]
            # time window [from, to)
            window = await queries.list_audit_row_history(
                conn, table_name="users", row_id=ROW, occurred_from=_minutes(1),
                occurred_to=_minutes(3), before_occurred_at=None, before_id=None, max_rows=10,
            )  # fmt: skip
            assert [h.new_values["v"] for h in window] in ([3, 2, 1], [2, 3, 1])
            assert (
                await queries.list_audit_row_history(
                    conn, table_name="accounts", row_id=ROW, **PAGE, max_rows=10
                )
                == []
            )

            actions = await queries.list_audit_actor_actions(
                conn, actor=ACTOR, table_name=None, **PAGE, max_rows=20
            )
            assert len(actions) == 6 and {a.actor for a in actions} == {ACTOR}
            assert {a.table_name for a in actions} == {"users", "accounts"}
            only_accounts = await queries.list_audit_actor_actions(
                conn, actor=ACTOR, table_name="accounts", **PAGE, max_rows=20
            )
            assert [(a.table_name, a.row_id) for a in only_accounts] == [("accounts", "row-2")]
            first = await queries.list_audit_actor_actions(
                conn, actor=ACTOR, table_name=None, **PAGE, max_rows=4
            )
            rest = await queries.list_audit_actor_actions(
                conn, actor=ACTOR, table_name=None, occurred_from=None, occurred_to=None,
                before_occurred_at=first[-1].occurred_at, before_id=first[-1].id, max_rows=20,
            )  # fmt: skip
            assert [a.id for a in first + rest] == [a.id for a in actions]
            late = await queries.list_audit_actor_actions(
                conn, actor=ACTOR, table_name=None, occurred_from=_minutes(3), occurred_to=None,
                before_occurred_at=None, before_id=None, max_rows=20,
            )  # fmt: skip
            assert [a.operation for a in late] == ["DELETE"]
            assert (
                await queries.list_audit_actor_actions(
                    conn, actor="nobody", table_name=None, **PAGE, max_rows=20
                )
                == []
            )
    finally:
        await reader.close()


# Another application's audit rows, by every route a readonly role has: the other
# applications' views, and core.audit_log itself (refused, or filtered to its own schema).
@pytest.mark.parametrize("app", list(APPS))
async def test_a_readonly_role_reads_no_other_applications_audit_rows(
    trail: Database, database_url: str, app: str
) -> None:
    reader = await _readonly(database_url, app)
    try:
        for view in ("fintech.audit_log", "logistics.audit_log"):
            if view.startswith(app + "."):
                continue
            with pytest.raises(errors.PermissionDenied):
                async with reader.transaction(readonly=True) as conn:
                    await conn.fetchval(f"SELECT count(*) FROM {view}")
        if app in ("fintech", "logistics"):
            with pytest.raises(errors.PermissionDenied):
                async with reader.transaction(readonly=True) as conn:
                    await conn.fetchval("SELECT count(*) FROM core.audit_log")
        else:
            async with reader.transaction(readonly=True) as conn:
                schemas = await conn.fetch("SELECT DISTINCT schema_name FROM core.audit_log")
            assert [r["schema_name"] for r in schemas] == [app]
        # and the typed query, asked about a row every application has, returns its own only
        async with reader.transaction(readonly=True) as conn:
            rows = await APPS[app].list_audit_actor_actions(
                conn, actor="someone", table_name=None, **PAGE, max_rows=20
            )
        assert len(rows) == 1 and rows[0].new_values == {"x": 1}
    finally:
        await reader.close()


async def test_the_actor_query_uses_the_actor_index(trail: Database) -> None:
    async with trail.acquire() as conn:
        await conn.execute(
            "INSERT INTO core.audit_log (occurred_at, schema_name, table_name, operation, row_id,"
            " new_values, actor)"
            " SELECT $1::timestamptz + n * interval '1 second', 'compliance', 'users', 'INSERT',"
            " n::text, '{}', 'actor-' || n % 500 FROM generate_series(1, 20000) AS n",
            T0,
        )
        await conn.execute("ANALYZE core.audit_log")
        query = load("compliance")["list_audit_actor_actions"]
        params = {"actor": "actor-7", "table_name": None, **PAGE, "max_rows": 20}
        plan = await conn.fetchval("EXPLAIN (FORMAT JSON) " + query.sql, *query.bind(params))
        text = plan if isinstance(plan, str) else json.dumps(plan)
        # the index itself, or on a partitioned audit log its partitions' copies of it
        assert re.search(r'"Index Name": "audit_log_(\w+_)?schema_name_actor_occurred_at', text), (
            text
        )


async def test_compliance_readonly_reads_a_users_history_without_the_password_hash(
    db: Database, database_url: str
) -> None:
    async with db.transaction(actor="admin@example.com") as conn:
        user_id = await conn.fetchval(
            "INSERT INTO compliance.users (email, hashed_password) VALUES ($1, $2) RETURNING id",
            "someone@example.com",
            "$2b$12$" + "a" * 53,
        )
        await conn.execute("UPDATE compliance.users SET is_active = false WHERE id = $1", user_id)
        await conn.execute(
            "UPDATE compliance.users SET hashed_password = $2 WHERE id = $1",
            user_id,
            "$2b$12$" + "b" * 53,
        )
    reader = await _readonly(database_url, "compliance")
    try:
        async with reader.transaction(readonly=True) as conn:
            history = await compliance.list_audit_row_history(
                conn, table_name="users", row_id=str(user_id), **PAGE, max_rows=10
            )
    finally:
        await reader.close()
    # the password change alone changed no audited column, so it left no row
    assert [h.operation for h in history] == ["UPDATE", "INSERT"]
    assert history[0].changed_columns == ["is_active"]
    assert {h.actor for h in history} == {"admin@example.com"}
    for entry in history:
        for image in (entry.old_values, entry.new_values):
            assert image is None or ("hashed_password" not in image and "email" in image)
