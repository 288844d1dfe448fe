"""The audit trail's read side as each application's service role: acting for user A
(db.transaction(user_id=A)), <app>_app reads the audit rows about A only. User B's rows are not
returned by list_audit_row_history, by list_audit_actor_actions nor by a direct SELECT on the
trail the role may read; with no acting user it reads none of them. The readonly role still reads
both users' rows (so the rows the service does not see are there).

The rows are written as the superuser straight into core.audit_log, each with the image the
audit trigger writes: a users row carries the user's id, other tables' rows their user_id;
validation's rows are about sessions (its service reads the audit rows of the sessions its user
can see)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import pytest
from rls_support import app_url

from datalayer import Database, compliance, export_readiness, fintech, logistics, validation
from datalayer.settings import Settings

ACTOR = "support@example.com"
PAGE: dict[str, Any] = {
    "occurred_from": None,
    "occurred_to": None,
    "before_occurred_at": None,
    "before_id": None,
}


@dataclass(frozen=True)
class Scope:
    queries: ModuleType
    trail: str  # what the application's roles SELECT the trail from
    table: str  # the table of the second row about each user (besides users)


APPS: dict[str, Scope] = {
    "fintech": Scope(fintech, "fintech.audit_log", "accounts"),
    "logistics": Scope(logistics, "logistics.audit_log", "users"),
    "compliance": Scope(compliance, "core.audit_log", "business_profiles"),
    "export_readiness": Scope(export_readiness, "core.audit_log", "reports"),
    "validation": Scope(validation, "core.audit_log", "validation_sessions"),
}


@dataclass(frozen=True)
class Person:
    user_id: UUID
    rows: list[tuple[str, str]]  # (table_name, row_id) of the audit rows about this user


async def _connect(database_url: str, app: str, kind: str) -> Database:
    database = await Database.connect(
        Settings.load(url=app_url(database_url, app, kind), pool_size=1, max_overflow=0)
    )
    await database.refresh_catalog()
    return database


async def _person(db: Database, app: str) -> Person:
    """A user and two audit rows about it, changed by ACTOR."""
    user_id = uuid4()
    if app == "validation":
        rows: list[tuple[str, str, dict[str, Any]]] = []
        async with db.transaction() as conn:  # the superuser: real sessions the policy can find
            for n in range(2):
                session = await validation.create_session(
                    conn, request_id=f"scope-{user_id}-{n}", owner_id=user_id,
                    source_technology="php", target_technology="python", scope="full_system",
                    request_data={"source_files": ["a.php"]}, user_context={},
                )  # fmt: skip
                assert session is not None
                rows.append(("validation_sessions", str(session.id), {"owner_id": str(user_id)}))
    else:
        other = APPS[app].table
        second_id = str(uuid4()) if other != "users" else str(user_id)
        second = {"user_id": str(user_id)} if other != "users" else {"id": str(user_id)}
        rows = [("users", str(user_id), {"id": str(user_id)}), (other, second_id, second)]
    async with db.acquire() as conn:
        await conn.executemany(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, new_values,"
            " actor) VALUES ($1, $2, 'INSERT', $3, $4, $5)",
            [(app, table, row_id, image, ACTOR) for table, row_id, image in rows],
        )
    return Person(user_id, [(table, row_id) for table, row_id, _ in rows])


@pytest.fixture(params=list(APPS))
async def scoped(
    request: pytest.FixtureRequest, db: Database, database_url: str
) -> AsyncIterator[tuple[str, Person, Person, Database, Database]]:
    app: str = request.param
    a, b = await _person(db, app), await _person(db, app)
    service = await _connect(database_url, app, "app")
    reporting = await _connect(database_url, app, "readonly")
    try:
        yield app, a, b, service, reporting
    finally:
        await service.close()
        await reporting.close()


async def _seen(conn: Any, app: str, person: Person) -> dict[str, set[tuple[str, str]]]:
    """What a connection reads about ``person`` by each route."""
    queries = APPS[app].queries
    history: set[tuple[str, str]] = set()
    for table, row_id in person.rows:
        for entry in await queries.list_audit_row_history(
            conn, table_name=table, row_id=row_id, **PAGE, max_rows=10
        ):
            history.add((entry.table_name, entry.row_id))
    actions = {
        (entry.table_name, entry.row_id)
        for entry in await queries.list_audit_actor_actions(
            conn, actor=ACTOR, table_name=None, **PAGE, max_rows=100
        )
    }
    selected = {
        (r["table_name"], r["row_id"])
        for r in await conn.fetch(
            f"SELECT table_name, row_id FROM {APPS[app].trail} WHERE actor = $1", ACTOR
        )
    }
    mine = set(person.rows)
    return {
        "history": history & mine,
        "actions": actions & mine,
        "select": selected & mine,
    }


async def test_the_service_reads_the_audit_rows_of_its_acting_user_only(
    scoped: tuple[str, Person, Person, Database, Database],
) -> None:
    app, a, b, service, reporting = scoped
    everything = {route: set(a.rows) for route in ("history", "actions", "select")}
    nothing: dict[str, set[tuple[str, str]]] = {route: set() for route in everything}
    async with service.transaction(user_id=a.user_id) as conn:
        assert await _seen(conn, app, a) == everything
        assert await _seen(conn, app, b) == nothing
    async with service.transaction(user_id=b.user_id) as conn:
        assert await _seen(conn, app, a) == nothing
    async with service.transaction() as conn:  # no acting user: no user's rows
        assert await _seen(conn, app, a) == nothing
    async with reporting.transaction(readonly=True) as conn:  # reporting reads both users' rows
        assert await _seen(conn, app, a) == everything
        assert await _seen(conn, app, b) == {route: set(b.rows) for route in everything}
