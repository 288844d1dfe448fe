"""validation sessions: lifecycle, the status machine, sharing, logs, soft delete and restore, and
every constraint of validation_sessions, session_shares and session_logs violated once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from validation_support import (
    ALICE,
    BOB,
    finish_session,
    make_discrepancy,
    make_result,
    make_session,
    uid,
)

from datalayer import Database, errors, validation


async def test_session_lifecycle(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn, request_id="req-life")
        assert session.status == "pending" and session.started_at is None
        assert session.finished_at is None and session.response_data is None
        assert session.request_data["options"] == {"strict": True}
        assert session.user_context == {"client": "tests"}
        assert await validation.get_session_by_id(conn, session_id=session.id) == session
        by_request = await validation.get_session_by_request_id(conn, request_id="req-life")
        assert by_request is not None and by_request.id == session.id
        assert await validation.get_session_by_request_id(conn, request_id="nope") is None
        assert await validation.get_session_by_id(conn, session_id=uuid4()) is None

        started = await validation.update_session_started(conn, session_id=session.id)
        assert started is not None and started.status == "processing"
        assert started.started_at is not None
        done = await validation.update_session_completed(
            conn, session_id=session.id, response_data={"fidelity": 0.97}
        )
        assert done is not None and done.status == "completed"
        assert done.response_data == {"fidelity": 0.97} and done.finished_at is not None
        assert await validation.update_session_started(conn, session_id=uuid4()) is None


async def test_failed_and_cancelled_sessions(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        failed = await finish_session(conn, (await make_session(conn)).id, "failed", reason="boom")
        assert failed.error_message == "boom" and failed.finished_at is not None
        cancelled = await finish_session(conn, (await make_session(conn)).id, "cancelled")
        assert cancelled.started_at is None and cancelled.finished_at is not None
        running = await validation.update_session_started(
            conn, session_id=(await make_session(conn)).id
        )
        assert running is not None
        stopped = await validation.update_session_cancelled(conn, session_id=running.id)
        assert stopped is not None and stopped.status == "cancelled"
        assert stopped.started_at is not None


@pytest.mark.parametrize(
    ("start", "move"),
    [
        ("pending", "completed"),
        ("pending", "failed"),
        ("completed", "started"),
        ("completed", "cancelled"),
        ("failed", "completed"),
        ("cancelled", "started"),
        ("processing", "started"),
        ("completed", "completed"),
        ("failed", "failed"),
    ],
)
async def test_illegal_status_transitions_are_refused(vdb: Database, start: str, move: str) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await finish_session(conn, (await make_session(conn)).id, start)
    calls: dict[str, Any] = {
        "completed": lambda c: validation.update_session_completed(
            c, session_id=session.id, response_data={}
        ),
        "failed": lambda c: validation.update_session_failed(
            c, session_id=session.id, error_message="x"
        ),
        "cancelled": lambda c: validation.update_session_cancelled(c, session_id=session.id),
        "started": lambda c: validation.update_session_started(c, session_id=session.id),
    }
    if start == "processing" and move == "started":
        # processing -> processing is no transition: nothing changes, started_at stays.
        async with vdb.transaction(user_id=ALICE) as conn:
            again = await calls[move](conn)
        assert again is not None and again.status == "processing"
        assert again.started_at == session.started_at
        return
    with pytest.raises(errors.CheckViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await calls[move](conn)
    assert info.value.constraint == "validation_sessions_status_transition_check"
    assert info.value.table == "validation_sessions" and info.value.schema == "validation"
    assert (
        "illegal status transition" in info.value.message or "cannot change" in info.value.message
    )
    async with vdb.transaction(user_id=ALICE) as conn:
        unchanged = await validation.get_session_by_id(conn, session_id=session.id)
    assert unchanged is not None and unchanged.status == start


async def test_a_session_must_start_pending(owner_db: Database) -> None:
    # the owner's side: validation_app may not even name the status column in an INSERT
    with pytest.raises(errors.CheckViolation) as info:
        async with owner_db.transaction() as conn:
            await conn.execute(
                "INSERT INTO validation.validation_sessions (request_id, owner_id, status, "
                "source_technology, target_technology, scope, request_data, started_at) "
                "VALUES ('r', $1, 'processing', 'php', 'python', 'full_system', '{}', now())",
                ALICE,
            )
    assert info.value.constraint == "validation_sessions_status_transition_check"


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"request_id": " "}, "validation_sessions_request_id_check", "request_id"),
        (
            {"source_technology": "PHP"},
            "validation_sessions_source_technology_check",
            "source_technology",
        ),
        (
            {"target_technology": "x" * 51},
            "validation_sessions_target_technology_check",
            "target_technology",
        ),
        ({"scope": "everything"}, "validation_sessions_scope_check", "scope"),
        ({"request_data": [1, 2]}, "validation_sessions_request_data_check", "request_data"),
        ({"user_context": "text"}, "validation_sessions_user_context_check", "user_context"),
    ],
)
async def test_session_checks(
    vdb: Database, overrides: dict[str, Any], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await make_session(conn, **overrides)
    assert info.value.constraint == constraint
    assert info.value.columns == (column,)
    assert info.value.table == "validation_sessions"


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("SET status = 'bogus', started_at = now()", "validation_sessions_status_check"),
        ("SET response_data = '[]'", "validation_sessions_response_data_check"),
        ("SET error_message = 'not failed'", "validation_sessions_error_message_check"),
        ("SET started_at = now()", "validation_sessions_started_at_check"),
        ("SET finished_at = now()", "validation_sessions_finished_at_check"),
        ("SET deleted_at = now()", "validation_sessions_deleted_check"),
        (
            "SET deleted_at = now(), deleted_by = repeat('d', 201)",
            "validation_sessions_deleted_by_length_check",
        ),
    ],
)
async def test_session_row_checks(vdb: Database, sql: str, constraint: str) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
    with pytest.raises(errors.CheckViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await conn.execute(
                f"UPDATE validation.validation_sessions {sql} WHERE id = $1", session.id
            )
    assert info.value.constraint == constraint


async def test_failing_without_a_reason_is_refused(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await finish_session(conn, (await make_session(conn)).id, "processing")
    with pytest.raises(errors.CheckViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await validation.update_session_failed(conn, session_id=session.id, error_message=None)
    assert info.value.constraint == "validation_sessions_error_message_check"
    with pytest.raises(errors.CheckViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await validation.update_session_failed(
                conn, session_id=session.id, error_message="e" * 10001
            )
    assert info.value.constraint == "validation_sessions_error_message_length_check"


async def test_request_id_is_unique(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        await make_session(conn, request_id="dup")
    with pytest.raises(errors.UniqueViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await make_session(conn, request_id="dup")
    assert info.value.constraint == "validation_sessions_request_id_key"
    assert "already used" in info.value.message


async def test_owner_keyset_pages(vdb: Database, owner_db: Database) -> None:
    pager = uid("pager")
    async with vdb.transaction(user_id=pager) as conn:
        mine = [await make_session(conn, owner_id=pager) for _ in range(5)]
    async with vdb.transaction(user_id=BOB) as conn:
        await make_session(conn, owner_id=BOB)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    async with owner_db.transaction() as conn:
        await conn.execute(
            "UPDATE validation.validation_sessions AS t SET created_at = v.c "
            "FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, c) WHERE t.id = v.id",
            [s.id for s in mine],
            [
                base,
                base + timedelta(days=1),
                base + timedelta(days=1),
                base,
                base + timedelta(days=2),
            ],
        )
    async with vdb.transaction(user_id=pager) as conn:
        seen = []
        before_at, before_id = None, None
        while True:
            page = await validation.list_sessions_by_owner(
                conn, owner_id=pager, before_created_at=before_at, before_id=before_id, max_rows=2
            )
            if not page:
                break
            seen.extend(page)
            before_at, before_id = page[-1].created_at, page[-1].id
        keys = [(s.created_at, s.id) for s in seen]
        assert keys == sorted(keys, reverse=True) and len(set(keys)) == 5
        assert {s.id for s in seen} == {s.id for s in mine}
        assert (
            await validation.list_sessions_by_owner(
                conn, owner_id=BOB, before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )


async def test_sharing_grants_read_or_write(vdb: Database) -> None:
    owner, reader, writer, stranger = uid("owner"), uid("reader"), uid("writer"), uid("stranger")
    async with vdb.transaction(user_id=owner) as conn:
        session = await make_session(conn, owner_id=owner)
        share = await validation.upsert_session_share(
            conn, session_id=session.id, grantee_id=reader, permission="read", granted_by="owner"
        )
        assert share.permission == "read"
        await validation.upsert_session_share(
            conn, session_id=session.id, grantee_id=writer, permission="write", granted_by="owner"
        )
        access = validation.exists_session_access
        assert await access(conn, session_id=session.id, user_id=owner, write=True)
        assert await access(conn, session_id=session.id, user_id=reader, write=False)
        assert not await access(conn, session_id=session.id, user_id=reader, write=True)
        assert await access(conn, session_id=session.id, user_id=writer, write=True)
        assert not await access(conn, session_id=session.id, user_id=stranger, write=False)
        assert await validation.get_session_for_user(conn, session_id=session.id, user_id=reader)
        assert (
            await validation.get_session_for_user(conn, session_id=session.id, user_id=stranger)
            is None
        )
        upgraded = await validation.upsert_session_share(
            conn, session_id=session.id, grantee_id=reader, permission="write", granted_by="boss"
        )
        assert upgraded.id == share.id and upgraded.permission == "write"
        assert upgraded.granted_by == "boss"
        shares = await validation.list_session_shares(conn, session_id=session.id)
        assert [s.grantee_id for s in shares] == sorted([reader, writer])
        assert (
            await validation.delete_session_share(conn, session_id=session.id, grantee_id=writer)
            == 1
        )
        assert (
            await validation.delete_session_share(conn, session_id=session.id, grantee_id=writer)
            == 0
        )
        assert not await access(conn, session_id=session.id, user_id=writer, write=False)
        assert await validation.list_session_shares(conn, session_id=uuid4()) == []


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"permission": "admin"}, errors.CheckViolation, "session_shares_permission_check"),
        ({"granted_by": " "}, errors.CheckViolation, "session_shares_granted_by_check"),
        ({"session_id": uuid4()}, errors.ForeignKeyViolation, "session_shares_session_id_fkey"),
    ],
)
async def test_share_constraints(
    vdb: Database,
    owner_db: Database,
    overrides: dict[str, Any],
    error: type[errors.IntegrityError],
    constraint: str,
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
    fields: dict[str, Any] = {
        "session_id": session.id,
        "grantee_id": BOB,
        "permission": "read",
        "granted_by": "alice",
    }
    fields.update(overrides)
    # a missing session: the owner's side (as validation_app, row-level security refuses first)
    target = owner_db if error is errors.ForeignKeyViolation else vdb
    with pytest.raises(error) as info:
        async with target.transaction(user_id=ALICE) as conn:
            await validation.upsert_session_share(conn, **fields)
    assert info.value.constraint == constraint


async def test_share_pair_is_unique(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
        await conn.execute(
            "INSERT INTO validation.session_shares (session_id, grantee_id, permission, granted_by) "
            "VALUES ($1, $2, 'read', 'alice')",
            session.id,
            BOB,
        )
    with pytest.raises(errors.UniqueViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await conn.execute(
                "INSERT INTO validation.session_shares (session_id, grantee_id, permission, granted_by) "
                "VALUES ($1, $2, 'write', 'alice')",
                session.id,
                BOB,
            )
    assert info.value.constraint == "session_shares_session_id_grantee_id_key"


async def test_logs_are_append_only_and_paged_in_order(vdb: Database, owner_db: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
        lines = [
            await validation.create_session_log(
                conn, session_id=session.id, level="info", message=f"step {i}", details=None
            )
            for i in range(5)
        ]
        await validation.create_session_log(
            conn, session_id=session.id, level="error", message="oops", details={"code": 7}
        )
        got = []
        after_at, after_id = None, None
        while page := await validation.list_session_logs(
            conn, session_id=session.id, after_logged_at=after_at, after_id=after_id, max_rows=2
        ):
            got.extend(page)
            after_at, after_id = page[-1].logged_at, page[-1].id
        assert [g.message for g in got] == [f"step {i}" for i in range(5)] + ["oops"]
        assert got[-1].details == {"code": 7} and got[0].id == lines[0].id
        assert (
            await validation.list_session_logs(
                conn, session_id=uuid4(), after_logged_at=None, after_id=None, max_rows=5
            )
            == []
        )
    for sql in (
        "UPDATE validation.session_logs SET message = 'rewritten'",
        "DELETE FROM validation.session_logs",
        "TRUNCATE validation.session_logs",
    ):
        # validation_app has no such privilege; the owner is stopped by the trigger
        with pytest.raises(errors.PermissionDenied):
            async with vdb.transaction(user_id=ALICE) as conn:
                await conn.execute(sql)
        with pytest.raises(errors.RestrictViolation) as info:
            async with owner_db.transaction() as conn:
                await conn.execute(sql)
        assert info.value.constraint == "session_logs_append_only"


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"level": "fatal"}, errors.CheckViolation, "session_logs_level_check"),
        ({"message": ""}, errors.CheckViolation, "session_logs_message_check"),
        ({"details": [1]}, errors.CheckViolation, "session_logs_details_check"),
        ({"session_id": uuid4()}, errors.ForeignKeyViolation, "session_logs_session_id_fkey"),
    ],
)
async def test_log_constraints(
    vdb: Database,
    owner_db: Database,
    overrides: dict[str, Any],
    error: type[errors.IntegrityError],
    constraint: str,
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
    fields: dict[str, Any] = {
        "session_id": session.id,
        "level": "info",
        "message": "hello",
        "details": None,
    }
    fields.update(overrides)
    target = owner_db if error is errors.ForeignKeyViolation else vdb
    with pytest.raises(error) as info:
        async with target.transaction(user_id=ALICE) as conn:
            await validation.create_session_log(conn, **fields)
    assert info.value.constraint == constraint


async def test_soft_deleted_sessions_are_invisible_everywhere_but_restorable(vdb: Database) -> None:
    carol, dave = uid("carol"), uid("dave")
    async with vdb.transaction(actor="admin@example.com", user_id=carol) as conn:
        kept = await make_session(conn, owner_id=carol, request_id="kept")
        gone = await finish_session(
            conn, (await make_session(conn, owner_id=carol, request_id="gone")).id, "completed"
        )
        await validation.upsert_session_share(
            conn, session_id=gone.id, grantee_id=dave, permission="read", granted_by="carol"
        )
        result = await make_result(conn, gone.id)
        await make_discrepancy(conn, result.id, "critical")
        await validation.create_session_log(
            conn, session_id=gone.id, level="info", message="hi", details=None
        )
        await validation.create_behavioral_test_result(
            conn,
            session_id=gone.id,
            scenario_name="login",
            status="passed",
            started_at=datetime.now(UTC),
            finished_at=datetime.now(UTC),
            details={},
            error_message=None,
        )
        deletion = await validation.update_session_soft_deleted(
            conn, session_id=gone.id, deleted_by="carol"
        )
        assert deletion is not None and deletion.deleted_by == "carol"
        assert (
            await validation.update_session_soft_deleted(conn, session_id=gone.id, deleted_by="x")
            is None
        )

    async with vdb.transaction(user_id=carol) as conn:
        assert await validation.get_session_by_id(conn, session_id=gone.id) is None
        assert await validation.get_session_by_request_id(conn, request_id="gone") is None
        assert (
            await validation.get_session_for_user(conn, session_id=gone.id, user_id=carol) is None
        )
        assert not await validation.exists_session_access(
            conn, session_id=gone.id, user_id=carol, write=False
        )
        page = await validation.list_sessions_by_owner(
            conn, owner_id=carol, before_created_at=None, before_id=None, max_rows=10
        )
        assert [s.id for s in page] == [kept.id]
        for filters in (
            validation.SessionFilter(),
            validation.SessionFilter(owner_id=carol),
            validation.SessionFilter(visible_to=dave),
            validation.SessionFilter(statuses=["completed"]),
        ):
            found = await validation.search_sessions(conn, filters)
            assert gone.id not in {s.id for s in found.items}
            assert found.total == len(found.items)
        exported = [s.id async for s in validation.stream_session_export(conn, created_since=None)]
        assert exported == [kept.id]
        assert await validation.get_validation_result_by_session(conn, session_id=gone.id) is None
        assert await validation.list_discrepancies_by_result(conn, result_id=result.id) == []
        assert (
            await validation.list_behavioral_test_results_by_session(conn, session_id=gone.id) == []
        )
        assert (
            await validation.list_session_logs(
                conn, session_id=gone.id, after_logged_at=None, after_id=None, max_rows=5
            )
            == []
        )
        statuses = await validation.list_session_status_counts(conn)
        assert {s.status: s.sessions for s in statuses} == {"pending": 1}
        stats = await validation.get_result_statistics(conn, created_from=None)
        assert stats.results == 0 and stats.avg_fidelity_score is None
        assert await validation.list_success_rates_by_technology(conn, created_from=None) == []
        week = datetime.now(UTC) - timedelta(days=8)
        assert (
            await validation.list_discrepancy_trends(
                conn, created_from=week, created_to=datetime.now(UTC) + timedelta(days=1)
            )
            == []
        )
        deleted = await validation.list_sessions_deleted(
            conn, before_deleted_at=None, before_id=None, max_rows=10
        )
        assert [(d.id, d.deleted_by) for d in deleted] == [(gone.id, "carol")]
        audit = await conn.fetchrow(
            "SELECT actor, changed_columns FROM core.audit_log "
            "WHERE table_name = 'validation_sessions' AND row_id = $1 AND operation = 'UPDATE' "
            "ORDER BY occurred_at DESC, id DESC LIMIT 1",
            str(gone.id),
        )
        assert audit is not None and audit["actor"] == "admin@example.com"
        assert set(audit["changed_columns"]) >= {"deleted_at", "deleted_by"}

    async with vdb.transaction(user_id=carol) as conn:
        restored = await validation.update_session_restored(conn, session_id=gone.id)
        assert restored is not None and restored.id == gone.id and restored.status == "completed"
        assert await validation.update_session_restored(conn, session_id=gone.id) is None
        assert await validation.update_session_restored(conn, session_id=kept.id) is None
        assert await validation.get_session_by_id(conn, session_id=gone.id) is not None
        assert len(await validation.list_discrepancies_by_result(conn, result_id=result.id)) == 1
        assert await validation.exists_session_access(
            conn, session_id=gone.id, user_id=dave, write=False
        )
        assert (
            await validation.list_sessions_deleted(
                conn, before_deleted_at=None, before_id=None, max_rows=10
            )
            == []
        )
