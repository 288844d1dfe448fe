"""Soft delete of users and reports: what a deleted row hides from the typed queries (as the service
and as reporting), what the service can no longer do to it, the email freed for a new sign-up,
restoring within the retention window and not after. Runs as export_readiness_app (reporting as
export_readiness_readonly); the owner's side only moves deleted_at back in time and checks."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import psycopg
import pytest
from export_readiness_support import KEY, act_as, make_everything, make_report, make_user

from datalayer import Database, errors
from datalayer import export_readiness as er


async def _backdate(owner_db: Database, table: str, row_id: Any, days: int) -> None:
    async with owner_db.transaction() as conn:
        await conn.execute(
            f"UPDATE export_readiness.{table} SET deleted_at = now() - make_interval(days => $2) "
            "WHERE id = $1",
            row_id,
            days,
        )


async def test_a_deleted_report_is_gone_from_every_query(
    edb: Database, readonly_db: Database
) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id, destination_country="AE", hs_code="09103030")
        await make_everything(conn, user, report)
        [document] = await er.list_generated_documents_by_report(
            conn, report_id=report.id, user_id=user.id
        )
        [session] = await er.list_chat_sessions_by_user(
            conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=10
        )
    async with readonly_db.transaction() as conn:
        assert [s.destination_country for s in await er.list_destination_country_stats(conn)] == [
            "AE"
        ]
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.delete_report(conn, report_id=report.id, user_id=user.id) == 1
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.get_report_by_id(conn, report_id=report.id, user_id=user.id) is None
        assert (
            await er.list_reports_by_user(
                conn, user_id=user.id, before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )
        assert (
            await er.list_reports_requiring_certification(
                conn, user_id=user.id, certification_id="fda-food-facility"
            )
            == []
        )
        for listing in (
            er.list_certification_progress_by_report,
            er.list_generated_documents_by_report,
            er.list_action_plan_by_report,
            er.list_action_plan_days,
        ):
            assert await listing(conn, report_id=report.id, user_id=user.id) == [], listing
        assert (
            await er.get_generated_document(
                conn, document_id=document.id, user_id=user.id, encryption_key=KEY
            )
            is None
        )
        assert await er.get_chat_session(conn, session_id=session.id, user_id=user.id) is None
        assert await er.list_chat_messages(
            conn, session_id=session.id, user_id=user.id, before_created_at=None,
            before_id=None, max_rows=10, encryption_key=KEY,
        ) == []  # fmt: skip
        assert (
            await er.list_chat_messages_by_source(
                conn, user_id=user.id, source="fda-guide", max_rows=10, encryption_key=KEY
            )
            == []
        )
        assert (
            await er.get_finance_analysis_by_report(conn, report_id=report.id, user_id=user.id)
            is None
        )
        assert (
            await er.get_logistics_analysis_by_report(conn, report_id=report.id, user_id=user.id)
            is None
        )
        # ...and out of reach of the writing queries
        assert await er.update_report_failed(conn, report_id=report.id, failure_reason="x") is None
        assert (
            await er.delete_generated_document(conn, document_id=document.id, user_id=user.id) == 0
        )
        assert await er.delete_chat_session(conn, session_id=session.id, user_id=user.id) == 0
    with pytest.raises(errors.PermissionDenied, match="certification_progress_live"):
        async with edb.transaction(user_id=user.id) as conn:
            await er.create_certification_progress(
                conn, user_id=user.id, report_id=report.id, certification_id="bis",
                certification_name="BIS", estimated_cost=None,
            )  # fmt: skip
    async with readonly_db.transaction() as conn:
        assert await er.list_destination_country_stats(conn) == []
        assert (
            await er.list_reports_by_hs_code(
                conn, hs_code_prefix="0910", before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )
        assert (
            await er.list_reports_by_destination_country(
                conn, destination_country="AE", before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )


async def test_a_deleted_user_cannot_sign_in_and_its_email_can_sign_up_again(
    edb: Database,
) -> None:
    async with edb.transaction() as conn:
        first = await make_user(conn, "Asha@example.in", company_name="First Exports")
    async with edb.transaction(user_id=first.id) as conn:
        assert await er.delete_user(conn, user_id=first.id) == 1
        assert await er.get_user_by_id(conn, user_id=first.id, encryption_key=KEY) is None
        assert await er.update_user_last_login(conn, user_id=first.id) == 0
        assert await er.get_user_metrics(conn, user_id=first.id) is None
    async with edb.transaction() as conn:
        assert await er.get_user_login_by_email(conn, email="asha@example.in") is None
        second = await make_user(conn, "ASHA@example.in", company_name="Second Exports")
        login = await er.get_user_login_by_email(conn, email="asha@example.in")
    assert login is not None and login.user_id == second.id
    with pytest.raises(errors.UniqueViolation) as info:  # two live users may not share it
        async with edb.transaction() as conn:
            await make_user(conn, "asha@EXAMPLE.in")
    assert info.value.constraint == "users_email_key"
    # the first cannot come back while the second holds the email
    with pytest.raises(errors.UniqueViolation) as info:
        async with edb.transaction(user_id=first.id) as conn:
            await er.update_user_restored(conn, user_id=first.id)
    assert info.value.constraint == "users_email_key"
    async with edb.transaction(user_id=second.id) as conn:
        assert await er.delete_user(conn, user_id=second.id) == 1
    async with edb.transaction(user_id=second.id) as conn:  # not the acting user's: nothing
        assert await er.update_user_restored(conn, user_id=first.id) == 0
    async with edb.transaction(user_id=first.id) as conn:
        assert await er.update_user_restored(conn, user_id=first.id) == 1
        back = await er.get_user_by_id(conn, user_id=first.id, encryption_key=KEY)
    assert back is not None and back.company_name == "First Exports"
    async with edb.transaction() as conn:
        login = await er.get_user_login_by_email(conn, email="asha@example.in")
    assert login is not None and login.user_id == first.id


async def test_restoring_is_refused_after_the_retention_window(
    edb: Database, owner_db: Database
) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        await act_as(conn, user.id)
        old, recent = await make_report(conn, user.id), await make_report(conn, user.id)
        assert await er.delete_report(conn, report_id=old.id, user_id=user.id) == 1
        assert await er.delete_report(conn, report_id=recent.id, user_id=user.id) == 1
    await _backdate(owner_db, "reports", old.id, 31)
    await _backdate(owner_db, "reports", recent.id, 29)
    with pytest.raises(errors.RuleViolation) as info:
        async with edb.transaction(user_id=user.id) as conn:
            await er.update_report_restored(conn, report_id=old.id, user_id=user.id)
    assert info.value.sqlstate == "DL501" and info.value.column == "deleted_at"
    assert "restore_report: the report was deleted more than 30 days ago" in str(info.value)
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.update_report_restored(conn, report_id=recent.id, user_id=user.id) == 1
        assert await er.get_report_by_id(conn, report_id=recent.id, user_id=user.id) is not None
        assert await er.delete_user(conn, user_id=user.id) == 1
    await _backdate(owner_db, "users", user.id, 30)
    with pytest.raises(errors.RuleViolation) as info:
        async with edb.transaction(user_id=user.id) as conn:
            await er.update_user_restored(conn, user_id=user.id)
    assert info.value.sqlstate == "DL501" and info.value.table == "users"


async def test_the_service_cannot_hard_delete_unhide_or_purge(
    edb: Database, app_database_url: str
) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        assert await er.delete_report(conn, report_id=report.id, user_id=user.id) == 1
    with psycopg.connect(app_database_url) as conn:
        for statement in (
            "DELETE FROM export_readiness.users WHERE id = %(u)s",
            "DELETE FROM export_readiness.reports WHERE user_id = %(u)s",
            "UPDATE export_readiness.reports SET deleted_at = NULL WHERE user_id = %(u)s",
            "UPDATE export_readiness.users SET deleted_at = now() WHERE id = %(u)s",
            "SELECT * FROM export_readiness.purge_deleted()",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute("SELECT set_config('datalayer.user_id', %s, true)", (str(user.id),))
                conn.execute(statement, {"u": user.id})


async def test_purge_never_reaches_into_the_window_or_the_future(owner_db: Database) -> None:
    with pytest.raises(errors.DataError, match="as_of must be a time not after now"):
        async with owner_db.transaction() as conn:
            later = await conn.fetchval("SELECT now() + interval '1 day'")
            await er.delete_users_and_reports_past_retention(conn, as_of=later)


async def test_the_purge_command_runs_as_the_owner_only(
    edb: Database, owner_db: Database, database_url: str, app_database_url: str
) -> None:
    async with edb.transaction() as conn:
        expired, recent = await make_user(conn), await make_user(conn)
    for user in (expired, recent):
        async with edb.transaction(user_id=user.id) as conn:
            assert await er.delete_user(conn, user_id=user.id) == 1
    await _backdate(owner_db, "users", expired.id, 31)
    command = [sys.executable, "-m", "datalayer.cli", "export-readiness", "purge-deleted"]
    pipe = asyncio.subprocess.PIPE
    as_app = await asyncio.create_subprocess_exec(
        *command, "--database-url", app_database_url, stdout=pipe, stderr=pipe
    )
    _, err = await as_app.communicate()
    assert as_app.returncode == 2 and b"permission denied" in err.lower()
    as_owner = await asyncio.create_subprocess_exec(
        *command, "--database-url", database_url, stdout=pipe, stderr=pipe
    )
    out, err = await as_owner.communicate()
    assert as_owner.returncode == 0, err
    assert out.decode().startswith("purged 1 user(s) and 0 other report(s)")
    async with owner_db.transaction() as conn:
        left = await conn.fetch("SELECT id FROM export_readiness.users ORDER BY id")
    assert [r["id"] for r in left] == [recent.id]
