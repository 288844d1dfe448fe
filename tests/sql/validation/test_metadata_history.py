"""Search by JSON containment on request_data and user_context (GIN, jsonb_path_ops, keyset
pages, row-level security), and a session's status history read from the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

from validation_support import ALICE, BOB, finish_session, make_session

from datalayer import Database, load, validation

PAGE: dict[str, Any] = {"before_created_at": None, "before_id": None}


async def test_search_by_request_data_containment(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        strict = await make_session(
            conn,
            request_data={"options": {"strict": True, "depth": 2}, "files": ["a.php", "b.php"]},
        )
        loose = await make_session(conn, request_data={"options": {"strict": False}})
        nested = await make_session(
            conn, request_data={"options": {"strict": True}, "files": ["b.php"]}
        )

        async def search(contains: Any, **page: Any) -> list[Any]:
            rows = await validation.list_sessions_by_request_data(
                conn, contains=contains, **(page or PAGE), max_rows=10
            )
            return [s.id for s in rows]

        assert await search({"options": {"strict": True}}) == [nested.id, strict.id]
        assert await search({"options": {"strict": False}}) == [loose.id]
        # array containment: sessions whose files include b.php
        assert await search({"files": ["b.php"]}) == [nested.id, strict.id]
        assert await search({"files": ["a.php", "b.php"], "options": {"depth": 2}}) == [strict.id]
        assert await search({}) == [nested.id, loose.id, strict.id]  # {} is in every object
        assert await search({"options": {"strict": "true"}}) == []  # types matter
        assert await search({"nothing": 1}) == []
        first = await validation.list_sessions_by_request_data(
            conn, contains={"options": {"strict": True}}, **PAGE, max_rows=1
        )
        assert [s.id for s in first] == [nested.id]
        rest = await search(
            {"options": {"strict": True}},
            before_created_at=first[0].created_at,
            before_id=first[0].id,
        )
        assert rest == [strict.id]
        # soft-deleted sessions are not found
        await validation.update_session_soft_deleted(conn, session_id=nested.id, deleted_by="alice")
        assert await search({"options": {"strict": True}}) == [strict.id]
    # another user finds nothing of Alice's (row-level security)
    async with vdb.transaction(user_id=BOB) as conn:
        assert (
            await validation.list_sessions_by_request_data(conn, contains={}, **PAGE, max_rows=10)
            == []
        )


async def test_search_by_user_context_containment(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        ci = await make_session(conn, user_context={"client": "ci", "team": {"name": "core"}})
        await make_session(conn, user_context={"client": "cli"})
        found = await validation.list_sessions_by_user_context(
            conn, contains={"team": {"name": "core"}}, **PAGE, max_rows=10
        )
        assert [s.id for s in found] == [ci.id]
        assert found[0].user_context == {"client": "ci", "team": {"name": "core"}}
        none = await validation.list_sessions_by_user_context(
            conn, contains={"client": "web"}, **PAGE, max_rows=10
        )
        assert none == []


def _nodes(plan: Any) -> Iterator[dict[str, Any]]:
    if isinstance(plan, dict):
        if "Node Type" in plan:
            yield plan
        for value in plan.values():
            yield from _nodes(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from _nodes(item)


async def test_containment_searches_use_the_gin_indexes(owner_db: Database) -> None:
    async with owner_db.acquire() as conn:
        # every document differs (a sequence number), as real requests do; 20 rows match a batch
        # and 20 a client, so walking the created_at index would read most of the table
        await conn.execute(
            """
            INSERT INTO validation.validation_sessions (request_id, owner_id, source_technology,
                target_technology, scope, request_data, user_context)
            SELECT 'bulk-' || n, $1, 'php', 'python', 'full_system',
                jsonb_build_object('options', jsonb_build_object('strict', n % 2 = 0),
                                   'batch', n % 997, 'seq', n),
                jsonb_build_object('client', 'client-' || n % 1009, 'seq', n)
            FROM generate_series(1, 20000) AS n
            """,
            ALICE,
        )
        await conn.execute("ANALYZE validation.validation_sessions")
        for name, contains, index in (
            ("list_sessions_by_request_data", {"batch": 5}, "validation_sessions_request_data_idx"),
            ("list_sessions_by_user_context", {"client": "client-7"}, "validation_sessions_user_context_idx"),
        ):  # fmt: skip
            query = load("validation")[name]
            params = {"contains": contains, **PAGE, "max_rows": 20}
            raw = await conn.fetchval("EXPLAIN (FORMAT JSON) " + query.sql, *query.bind(params))
            plan = json.loads(raw) if isinstance(raw, str) else raw
            used = {n["Index Name"] for n in _nodes(plan) if "Index Name" in n}
            assert index in used, json.dumps(plan)


async def test_session_status_history_from_the_audit_trail(
    vdb: Database, owner_db: Database, readonly_db: Database
) -> None:
    async with vdb.transaction(user_id=ALICE, actor="alice@example.com") as conn:
        session = await make_session(conn)
        await validation.update_session_soft_deleted(
            conn, session_id=session.id, deleted_by="alice"
        )
        await validation.update_session_restored(conn, session_id=session.id)
    async with vdb.transaction(user_id=ALICE, actor="validator") as conn:
        await finish_session(conn, session.id, "completed")
        other = await make_session(conn)
    async with vdb.transaction(user_id=ALICE) as conn:
        history = await validation.list_session_status_history(conn, session_id=session.id)
    steps = [(h.from_status, h.to_status) for h in history]
    # soft delete and restore change no status, so they are not in the status history
    assert steps == [(None, "pending"), ("pending", "processing"), ("processing", "completed")]
    assert [h.actor for h in history] == ["alice@example.com", "validator", "validator"]
    assert all(h.app_role == "validation_app" for h in history)
    assert history[0].occurred_at <= history[1].occurred_at <= history[2].occurred_at
    # another user does not see the history of a session not shared with them
    async with vdb.transaction(user_id=BOB) as conn:
        assert await validation.list_session_status_history(conn, session_id=session.id) == []
        assert await validation.list_session_status_history(conn, session_id=uuid4()) == []
    # the reporting role reads every session's history
    async with readonly_db.transaction() as conn:
        seen = await validation.list_session_status_history(conn, session_id=other.id)
        assert [(h.from_status, h.to_status) for h in seen] == [(None, "pending")]
