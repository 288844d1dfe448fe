"""Cascades: deleting a report removes its certification progress, documents, action plan, chat
sessions (and their messages) and analyses; deleting a user removes all their data. The deletes run
as export_readiness_app acting for the user (the cascades reach rows under row-level security);
rows are counted in every table on the owner's side before and after, and the other user's rows
stay."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from export_readiness_support import act_as, count_rows, make_everything, make_report, make_user

from datalayer import Database
from datalayer import export_readiness as er

#: What make_everything adds for one report.
PER_REPORT = {
    "reports": 1,
    "certification_progress": 1,
    "generated_documents": 1,
    "action_plan_progress": 1,
    "chat_sessions": 1,
    "chat_messages": 2,
    "finance_analysis": 1,
    "logistics_analysis": 1,
}


async def _user_with_reports(conn: Any, reports: int) -> tuple[Any, list[Any]]:
    """A user with ``reports`` reports and everything under them; the transaction then acts for
    that user."""
    user = await make_user(conn)
    await act_as(conn, user.id)
    made = []
    for _ in range(reports):
        report = await make_report(conn, user.id)
        await make_everything(conn, user, report)
        made.append(report)
    await er.upsert_user_metrics(
        conn, user_id=user.id, reports_generated=reports, certifications_completed=0,
        documents_generated=reports, action_tasks_completed=0, cost_savings=Decimal(0),
        time_saved_hours=Decimal(0),
    )  # fmt: skip
    general = await er.create_chat_session(conn, user_id=user.id, report_id=None, context_data={})
    await conn.execute(
        "INSERT INTO export_readiness.chat_messages (session_id, role, content_encrypted) "
        "VALUES ($1, 'user', '\\x01')",
        general.id,
    )
    return user, made


def _minus(before: dict[str, int], removed: dict[str, int]) -> dict[str, int]:
    return {table: n - removed.get(table, 0) for table, n in before.items()}


async def test_deleting_a_report_removes_its_rows_only(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        await _user_with_reports(conn, 1)
        alice, (first, second) = await _user_with_reports(conn, 2)
    async with owner_db.transaction() as conn:
        before = await count_rows(conn)
    assert before["reports"] == 3 and before["chat_messages"] == 2 * 3 + 2
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.delete_report(conn, report_id=first.id, user_id=alice.id) == 1
    async with owner_db.transaction() as conn:
        assert await count_rows(conn) == _minus(before, PER_REPORT)
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.get_report_by_id(conn, report_id=second.id, user_id=alice.id) is not None
        certs = await er.list_certification_progress_by_report(
            conn, report_id=second.id, user_id=alice.id
        )
        assert len(certs) == 1


async def test_deleting_a_user_removes_all_their_data(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        alice, _ = await _user_with_reports(conn, 2)
        bob, (bobs_report,) = await _user_with_reports(conn, 1)
    async with owner_db.transaction() as conn:
        before = await count_rows(conn)
    assert all(n > 0 for n in before.values()), before
    async with edb.transaction(user_id=bob.id) as conn:  # bob cannot delete alice
        assert await er.delete_user(conn, user_id=alice.id) == 0
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.delete_user(conn, user_id=alice.id) == 1
    alices = {table: 2 * n for table, n in PER_REPORT.items()}
    alices.update(users=1, user_metrics=1, chat_sessions=3, chat_messages=5)
    async with owner_db.transaction() as conn:
        after = await count_rows(conn)
    assert after == _minus(before, alices)
    assert after == {
        **PER_REPORT,
        "users": 1,
        "user_metrics": 1,
        "chat_sessions": 2,
        "chat_messages": 3,
    }
    async with edb.transaction(user_id=bob.id) as conn:
        assert await er.get_report_by_id(conn, report_id=bobs_report.id, user_id=bob.id) is not None
        assert await er.get_user_metrics(conn, user_id=bob.id) is not None
        assert await er.delete_user(conn, user_id=bob.id) == 1
    async with owner_db.transaction() as conn:
        assert set((await count_rows(conn)).values()) == {0}
