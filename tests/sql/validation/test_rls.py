"""Least privilege and tenant isolation in validation, as the roles a service would use.

validation_app acts for one user per transaction (``datalayer.user_id``): it sees the sessions that
user owns or was given, and what hangs off them; without a user it sees nothing. It may not
TRUNCATE, change the schema, delete sessions, rewrite logs or results, or touch the metrics.
validation_worker runs the cross-user jobs, validation_readonly reads for reports. The audit trail
shows each role validation's rows only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from rls_support import assert_isolated, assert_rls_everywhere, owned_tables
from validation_support import (
    ALICE,
    BOB,
    app_url,
    finish_session,
    make_discrepancy,
    make_result,
    make_session,
    uid,
)

from datalayer import Database, errors, validation
from datalayer.queries import Connection

TABLES = (
    "validation_sessions",
    "session_shares",
    "session_logs",
    "validation_results",
    "discrepancies",
    "behavioral_test_results",
    "validation_metrics",
)
CHILD_TABLES = (
    "session_shares",
    "session_logs",
    "validation_results",
    "discrepancies",
    "behavioral_test_results",
)


async def _session_with_everything(conn: Connection, owner: UUID) -> dict[str, UUID]:
    """A completed session of ``owner`` with a share, a log line, a result, a discrepancy and a
    behavioral test run; the ids by table."""
    session = await finish_session(conn, (await make_session(conn, owner_id=owner)).id, "completed")
    share = await validation.upsert_session_share(
        conn, session_id=session.id, grantee_id=uid("friend"), permission="read", granted_by="o"
    )
    log = await validation.create_session_log(
        conn, session_id=session.id, level="info", message="started", details=None
    )
    result = await make_result(conn, session.id)
    discrepancy = await make_discrepancy(conn, result.id)
    run = await validation.create_behavioral_test_result(
        conn,
        session_id=session.id,
        scenario_name="login",
        status="passed",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC),
        details={},
        error_message=None,
    )
    return {
        "validation_sessions": session.id,
        "session_shares": share.id,
        "session_logs": log.id,
        "validation_results": result.id,
        "discrepancies": discrepancy.id,
        "behavioral_test_results": run.id,
    }


async def _visible(conn: Connection, table: str, row_id: UUID) -> bool:
    assert table in TABLES
    return bool(
        await conn.fetchval(f"SELECT count(*) FROM validation.{table} WHERE id = $1", row_id)
    )


async def test_isolation_from_the_catalog(vdb: Database, database_url: str) -> None:
    for user in (ALICE, BOB):
        async with vdb.transaction(user_id=user) as conn:
            await _session_with_everything(conn, user)
    owned = [t.table for t in owned_tables(database_url, "validation")]
    assert owned == ["validation_sessions"]  # the other tables hang off a session
    checked = await asyncio.to_thread(
        assert_isolated, database_url, app_url(database_url), "validation", ALICE, BOB
    )
    assert checked == ["validation.validation_sessions"]


async def test_rows_hanging_off_a_session_follow_its_visibility(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        ids = await _session_with_everything(conn, ALICE)
    async with vdb.transaction(user_id=BOB) as conn:
        for table, row_id in ids.items():
            assert not await _visible(conn, table, row_id), table
        for table in CHILD_TABLES:
            assert await conn.fetchval(f"SELECT count(*) FROM validation.{table}") == 0
        # nothing to change either: the rows are not there for B
        assert await conn.execute("DELETE FROM validation.session_shares") == "DELETE 0"
        assert (
            await validation.update_session_cancelled(conn, session_id=ids["validation_sessions"])
            is None
        )
        assert (
            await validation.get_validation_result_by_session(
                conn, session_id=ids["validation_sessions"]
            )
            is None
        )
    async with vdb.transaction() as conn:  # no user: nothing at all
        for table in TABLES[:-1]:
            assert await conn.fetchval(f"SELECT count(*) FROM validation.{table}") == 0
    async with vdb.transaction(user_id=ALICE) as conn:
        for table, row_id in ids.items():
            assert await _visible(conn, table, row_id), table


@pytest.mark.parametrize(
    "write",
    [
        lambda c, ids: validation.create_session_log(
            c, session_id=ids["validation_sessions"], level="info", message="x", details=None
        ),
        lambda c, ids: make_result(c, ids["validation_sessions"]),
        lambda c, ids: make_discrepancy(c, ids["validation_results"]),
        lambda c, ids: validation.create_behavioral_test_result(
            c,
            session_id=ids["validation_sessions"],
            scenario_name="x",
            status="skipped",
            started_at=datetime(2026, 1, 1, tzinfo=UTC),
            finished_at=datetime(2026, 1, 1, tzinfo=UTC),
            details={},
            error_message=None,
        ),
        lambda c, ids: validation.upsert_session_share(
            c,
            session_id=ids["validation_sessions"],
            grantee_id=BOB,
            permission="write",
            granted_by="bob",
        ),
        lambda c, ids: make_session(c, owner_id=ALICE),
    ],
    ids=["log", "result", "discrepancy", "behavioral", "share", "session"],
)
async def test_another_user_cannot_add_to_a_session(
    vdb: Database, owner_db: Database, write: Any
) -> None:
    async with owner_db.transaction() as conn:
        ids = await _session_with_everything(conn, ALICE)
        await conn.execute("DELETE FROM validation.validation_results")  # room for a new result
        ids["validation_results"] = (await make_result(conn, ids["validation_sessions"])).id
        before = await conn.fetchval("SELECT count(*) FROM core.audit_log")
    with pytest.raises(errors.PermissionDenied) as info:
        async with vdb.transaction(user_id=BOB) as conn:
            await write(conn, ids)
    assert "row-level security" in str(info.value)
    async with owner_db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == before


async def test_shares_give_read_or_write_access(vdb: Database) -> None:
    reader, writer = uid("reader"), uid("writer")
    async with vdb.transaction(user_id=ALICE) as conn:
        ids = await _session_with_everything(conn, ALICE)
        pending = await make_session(conn)
        for session_id in (ids["validation_sessions"], pending.id):
            await validation.upsert_session_share(
                conn, session_id=session_id, grantee_id=reader, permission="read", granted_by="a"
            )
            await validation.upsert_session_share(
                conn, session_id=session_id, grantee_id=writer, permission="write", granted_by="a"
            )
    session_id = ids["validation_sessions"]

    async with vdb.transaction(user_id=reader) as conn:
        for table, row_id in ids.items():
            if table != "session_shares":  # the friend's share is not the reader's business
                assert await _visible(conn, table, row_id), table
        assert not await _visible(conn, "session_shares", ids["session_shares"])
        shares = await validation.list_session_shares(conn, session_id=session_id)
        assert [s.grantee_id for s in shares] == [reader]
        assert await validation.update_session_started(conn, session_id=pending.id) is None
        assert await validation.exists_session_access(
            conn, session_id=session_id, user_id=reader, write=False
        )
        found = await validation.search_sessions(conn, validation.SessionFilter(visible_to=reader))
        assert {s.id for s in found.items} == {session_id, pending.id}
    with pytest.raises(errors.PermissionDenied):
        async with vdb.transaction(user_id=reader) as conn:
            await validation.create_session_log(
                conn, session_id=session_id, level="info", message="x", details=None
            )
    # a grantee does not manage shares: only the session's owner does
    async with vdb.transaction(user_id=reader) as conn:
        assert (
            await validation.delete_session_share(conn, session_id=session_id, grantee_id=reader)
            == 0
        )
    with pytest.raises(errors.PermissionDenied):
        async with vdb.transaction(user_id=writer) as conn:
            await validation.upsert_session_share(
                conn, session_id=session_id, grantee_id=uid("x"), permission="read", granted_by="w"
            )

    async with vdb.transaction(user_id=writer) as conn:
        started = await validation.update_session_started(conn, session_id=pending.id)
        assert started is not None and started.owner_id == ALICE
        line = await validation.create_session_log(
            conn, session_id=pending.id, level="info", message="by the writer", details=None
        )
        assert line.session_id == pending.id
        # a writer cannot give the session away: owner_id is not writable by the service
    with pytest.raises(errors.PermissionDenied):
        async with vdb.transaction(user_id=writer) as conn:
            await conn.execute(
                "UPDATE validation.validation_sessions SET owner_id = $2 WHERE id = $1",
                pending.id,
                writer,
            )


async def test_rls_is_forced_on_every_table_the_roles_read(database_url: str) -> None:
    await asyncio.to_thread(
        assert_rls_everywhere, database_url, "validation", "validation_app", set()
    )
    # the metrics are daily aggregates per technology pair: no user's rows, no grant to the service
    await asyncio.to_thread(
        assert_rls_everywhere,
        database_url,
        "validation",
        "validation_readonly",
        {"validation_metrics"},
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class"
            " WHERE relnamespace = 'validation'::regnamespace AND relkind = 'r' ORDER BY 1"
        ).fetchall()
    assert dict(rows) == {t: t != "validation_metrics" for t in TABLES}


@pytest.mark.parametrize(
    "sql",
    [
        *(f"TRUNCATE validation.{t}" for t in TABLES),
        "ALTER TABLE validation.validation_sessions ADD COLUMN x int",
        "ALTER TABLE validation.validation_sessions DISABLE ROW LEVEL SECURITY",
        "DROP POLICY validation_sessions_app_read ON validation.validation_sessions",
        "CREATE TABLE validation.mine (id int)",
        "CREATE FUNCTION validation.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "DELETE FROM validation.validation_sessions",
        "UPDATE validation.validation_sessions SET owner_id = owner_id",
        "UPDATE validation.validation_sessions SET request_id = request_id",
        "UPDATE validation.validation_results SET fidelity_score = 1",
        "DELETE FROM validation.validation_results",
        "DELETE FROM validation.discrepancies",
        "UPDATE validation.behavioral_test_results SET status = 'passed'",
        "DELETE FROM validation.session_logs",
        "UPDATE validation.session_shares SET session_id = session_id",
        "SELECT count(*) FROM validation.validation_metrics",
        "INSERT INTO validation.validation_metrics (metric_date) VALUES (current_date)",
        "SELECT validation.refresh_validation_metrics(current_date, current_date)",
        "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values)"
        " VALUES ('validation', 'validation_sessions', 'INSERT', '{}')",
        "UPDATE core.audit_log SET actor = 'forged'",
        "DELETE FROM core.audit_log",
        "TRUNCATE core.audit_log",
    ],
)
async def test_the_app_role_may_not(vdb: Database, sql: str) -> None:
    with pytest.raises(errors.PermissionDenied):
        async with vdb.transaction(user_id=ALICE) as conn:
            await conn.execute(sql)


async def test_owns_session_is_a_narrow_definer_function(
    vdb: Database, owner_db: Database, worker_db: Database, readonly_db: Database
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        mine = await make_session(conn)
    async with vdb.transaction(user_id=BOB) as conn:
        theirs = await make_session(conn, owner_id=BOB)
    owns = "SELECT validation.owns_session($1)"
    async with vdb.transaction(user_id=ALICE) as conn:
        assert await conn.fetchval(owns, mine.id) is True
        assert await conn.fetchval(owns, theirs.id) is False  # exists, but not Alice's
        assert await conn.fetchval(owns, uuid4()) is False
    async with vdb.transaction() as conn:
        assert await conn.fetchval(owns, mine.id) is False  # nobody owns anything
    for other in (worker_db, readonly_db):  # EXECUTE is not granted to PUBLIC
        with pytest.raises(errors.PermissionDenied):
            async with other.transaction(user_id=ALICE) as conn:
                await conn.fetchval(owns, mine.id)
    async with owner_db.transaction() as conn:
        row = await conn.fetchrow(
            "SELECT p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner) AS owner,"
            " has_function_privilege('public', p.oid, 'EXECUTE') AS public"
            " FROM pg_proc p WHERE p.oid = 'validation.owns_session(uuid)'::regprocedure"
        )
        assert row is not None
        assert row["prosecdef"] and row["owner"] == "datalayer_owner" and not row["public"]
        assert row["proconfig"] == ["search_path=pg_catalog, pg_temp"]
        public_functions = await conn.fetchval(
            "SELECT count(*) FROM pg_proc WHERE pronamespace = 'validation'::regnamespace"
            " AND has_function_privilege('public', oid, 'EXECUTE')"
        )
        assert public_functions == 0


async def test_worker_runs_cross_user_jobs_only(
    vdb: Database, owner_db: Database, worker_db: Database
) -> None:
    for user in (ALICE, BOB):
        async with vdb.transaction(user_id=user) as conn:
            await make_session(conn, owner_id=user)
    async with worker_db.transaction() as conn:  # no user needed: the jobs work across users
        assert (
            await validation.count_sessions_to_clean_up(
                conn, created_before=datetime(2100, 1, 1, tzinfo=UTC)
            )
            == 2
        )
        assert (
            await validation.update_sessions_soft_deleted_batch(
                conn,
                created_before=datetime(2100, 1, 1, tzinfo=UTC),
                deleted_by="job",
                batch_size=10,
            )
            == 2
        )
        assert (
            await validation.delete_sessions_purged_batch(
                conn, deleted_before=datetime(2100, 1, 1, tzinfo=UTC), batch_size=10
            )
            == 2
        )
    for sql in (
        "SELECT count(*) FROM validation.session_shares",
        "SELECT count(*) FROM validation.session_logs",
        "UPDATE validation.validation_sessions SET status = 'failed'",
        "INSERT INTO validation.validation_sessions (request_id, owner_id, source_technology,"
        " target_technology, scope, request_data) VALUES ('w', gen_random_uuid(), 'php', 'go',"
        " 'full_system', '{}')",
        "DELETE FROM validation.validation_results",
        "TRUNCATE validation.validation_metrics",
    ):
        with pytest.raises(errors.PermissionDenied):
            async with worker_db.transaction() as conn:
                await conn.execute(sql)
    async with owner_db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM validation.validation_sessions") == 0


async def test_readonly_reads_everything_and_writes_nothing(
    vdb: Database, readonly_db: Database
) -> None:
    for user in (ALICE, BOB):
        async with vdb.transaction(user_id=user) as conn:
            await _session_with_everything(conn, user)
    async with readonly_db.transaction() as conn:
        for table in TABLES[:-1]:
            assert await conn.fetchval(f"SELECT count(*) FROM validation.{table}") == 2, table
    for sql in (
        "UPDATE validation.validation_sessions SET deleted_by = 'r'",
        "DELETE FROM validation.session_shares",
        "SELECT validation.refresh_validation_metrics(current_date, current_date)",
    ):
        with pytest.raises(errors.PermissionDenied):
            async with readonly_db.transaction() as conn:
                await conn.execute("SET LOCAL transaction_read_only = off")
                await conn.execute(sql)


async def test_audit_rows_each_role_may_read(
    vdb: Database, owner_db: Database, worker_db: Database, readonly_db: Database
) -> None:
    async with vdb.transaction(user_id=ALICE, actor="alice@example.com") as conn:
        mine = await make_session(conn)
        share = await validation.upsert_session_share(
            conn, session_id=mine.id, grantee_id=BOB, permission="read", granted_by="alice"
        )
    async with vdb.transaction(user_id=BOB) as conn:
        theirs = await make_session(conn, owner_id=BOB)
    async with owner_db.transaction() as conn:
        # a row of another application's schema (written here as the owner: no app may)
        await conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, new_values)"
            " VALUES ('fintech', 'accounts', 'INSERT', $1, '{}')",
            str(mine.id),
        )
        everything = await conn.fetchval("SELECT count(*) FROM core.audit_log")
    assert everything == 4

    query = (
        "SELECT table_name, row_id, db_user, app_role FROM core.audit_log ORDER BY occurred_at, id"
    )
    async with vdb.transaction(user_id=ALICE) as conn:
        rows = await conn.fetch(query)
    assert [(r["table_name"], r["row_id"]) for r in rows] == [
        ("validation_sessions", str(mine.id)),
        ("session_shares", str(share.id)),
    ]
    assert {(r["db_user"], r["app_role"]) for r in rows} == {
        ("validation_app_test_login", "validation_app")
    }
    async with vdb.transaction(user_id=BOB) as conn:  # Bob reads his own and the shared session's
        rows = await conn.fetch(query)
    assert {r["row_id"] for r in rows} == {str(mine.id), str(share.id), str(theirs.id)}
    async with vdb.transaction() as conn:
        assert await conn.fetch(query) == []
    for other in (worker_db, readonly_db):
        async with other.transaction() as conn:
            rows = await conn.fetch(query)
        assert {r["row_id"] for r in rows} == {str(mine.id), str(share.id), str(theirs.id)}


@pytest.mark.parametrize(
    ("table", "column", "other_check", "row_sql"),
    [
        (
            "validation_results",
            "fidelity_score",
            "validation_results_fidelity_score_check",
            "INSERT INTO validation.validation_results (session_id, overall_status,"
            " fidelity_score, summary, execution_time_ms) VALUES ($1, 'approved', 'NaN', 's', 1)",
        ),
        (
            "discrepancies",
            "confidence",
            "discrepancies_confidence_check",
            "INSERT INTO validation.discrepancies (result_id, discrepancy_type, severity,"
            " description, confidence) SELECT id, 'x', 'info', 'd', 'NaN'"
            " FROM validation.validation_results WHERE session_id = $1",
        ),
        (
            "validation_metrics",
            "avg_fidelity_score",
            "validation_metrics_avg_fidelity_score_check",
            "INSERT INTO validation.validation_metrics (metric_date, source_technology,"
            " target_technology, total_sessions, completed_sessions, failed_sessions,"
            " cancelled_sessions, avg_fidelity_score, critical_discrepancies,"
            " warning_discrepancies, info_discrepancies) SELECT current_date, 'php', 'go',"
            " 1, 0, 0, 0, 'NaN', 0, 0, 0 WHERE $1::uuid IS NOT NULL",
        ),
        (
            "validation_metrics",
            "avg_execution_time_ms",
            None,
            "INSERT INTO validation.validation_metrics (metric_date, source_technology,"
            " target_technology, total_sessions, completed_sessions, failed_sessions,"
            " cancelled_sessions, avg_execution_time_ms, critical_discrepancies,"
            " warning_discrepancies, info_discrepancies) SELECT current_date, 'php', 'go',"
            " 1, 0, 0, 0, 'NaN', 0, 0, 0 WHERE $1::uuid IS NOT NULL",
        ),
    ],
)
async def test_numeric_columns_refuse_nan(
    owner_db: Database, table: str, column: str, other_check: str | None, row_sql: str
) -> None:
    """NaN sorts above every number, so a range check refuses it only by accident; the finite
    check refuses it on its own (shown with the range check dropped inside the transaction)."""
    async with owner_db.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
        if table == "discrepancies":
            await make_result(conn, session.id)
    if other_check is not None:
        with pytest.raises(errors.CheckViolation) as info:
            async with owner_db.transaction() as conn:
                await conn.execute(row_sql, session.id)
        assert info.value.constraint == other_check
    with pytest.raises(errors.CheckViolation) as info:
        async with owner_db.transaction() as conn:
            if other_check is not None:
                await conn.execute(f"ALTER TABLE validation.{table} DROP CONSTRAINT {other_check}")
            await conn.execute(row_sql, session.id)
    assert info.value.constraint == f"{table}_{column}_finite_check"
    assert info.value.table == table
    assert "finite" in info.value.message


async def test_metrics_technologies_have_a_length_limit(owner_db: Database) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with owner_db.transaction() as conn:
            await conn.execute(
                "INSERT INTO validation.validation_metrics (metric_date, source_technology,"
                " target_technology, total_sessions, completed_sessions, failed_sessions,"
                " cancelled_sessions, critical_discrepancies, warning_discrepancies,"
                " info_discrepancies) VALUES (current_date, repeat('p', 51), 'go', 1, 0, 0, 0,"
                " 0, 0, 0)"
            )
    assert info.value.constraint == "validation_metrics_source_technology_length_check"
    assert "at most 50" in info.value.message


async def test_every_text_column_states_its_limit(owner_db: Database) -> None:
    async with owner_db.transaction() as conn:
        rows = await conn.fetch(
            "SELECT c.relname AS tbl, a.attname AS col,"
            " col_description(c.oid, a.attnum) AS comment"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'validation'::regnamespace AND c.relkind = 'r'"
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'text'::regtype"
        )
    enumerations = {"status", "scope", "level", "severity", "permission", "overall_status"}
    unbounded = [
        f"{r['tbl']}.{r['col']}"
        for r in rows
        if r["col"] not in enumerations and not (r["comment"] and "characters" in r["comment"])
    ]
    assert unbounded == []
