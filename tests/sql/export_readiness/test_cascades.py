"""Cascades of the soft delete: deleting a report hides its certification progress, documents,
action plan, chat sessions (and their messages) and analyses; deleting a user hides all their data;
restoring brings back what was deleted with it; purging after the retention window removes it all
for good (ON DELETE CASCADE). The deletes and restores run as export_readiness_app acting for the
user; rows are counted in every table as the acting user, as reporting and on the owner's side
(every row, deleted ones included), and the other user's rows stay."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from export_readiness_support import act_as, count_rows, make_everything, make_report, make_user

from datalayer import Database
from datalayer import export_readiness as er
from datalayer.queries import Connection

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
        "INSERT INTO export_readiness.chat_messages (session_id, role, content_encrypted, content_key_id) "
        "VALUES ($1, 'user', '\\x01', '1')",
        general.id,
    )
    return user, made


def _minus(before: dict[str, int], removed: dict[str, int]) -> dict[str, int]:
    return {table: n - removed.get(table, 0) for table, n in before.items()}


async def _seen_by(db: Database, user_id: Any) -> dict[str, int]:
    """Rows of every table as the service sees them acting for ``user_id``."""
    async with db.transaction(user_id=user_id) as conn:
        return await count_rows(conn)


async def _backdate(conn: Connection, table: str, row_id: Any, days: int) -> None:
    """Owner's side: pretend the row was deleted ``days`` days ago."""
    await conn.execute(
        f"UPDATE export_readiness.{table} SET deleted_at = now() - make_interval(days => $2) "
        "WHERE id = $1",
        row_id,
        days,
    )


async def test_deleting_a_report_hides_its_rows_until_purged(
    edb: Database, owner_db: Database, readonly_db: Database
) -> None:
    async with edb.transaction() as conn:
        await _user_with_reports(conn, 1)
        alice, (first, second) = await _user_with_reports(conn, 2)
    async with owner_db.transaction() as conn:
        before = await count_rows(conn)
    async with readonly_db.transaction() as conn:
        reported = await count_rows(conn)
    assert reported == before
    assert before["reports"] == 3 and before["chat_messages"] == 2 * 3 + 2
    alices = await _seen_by(edb, alice.id)
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.delete_report(conn, report_id=first.id, user_id=alice.id) == 1
        assert await er.delete_report(conn, report_id=first.id, user_id=alice.id) == 0
    async with owner_db.transaction() as conn:
        assert await count_rows(conn) == before  # nothing removed yet
    assert await _seen_by(edb, alice.id) == _minus(alices, PER_REPORT)
    async with readonly_db.transaction() as conn:
        assert await count_rows(conn) == _minus(before, PER_REPORT)
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.get_report_by_id(conn, report_id=first.id, user_id=alice.id) is None
        assert await er.get_report_by_id(conn, report_id=second.id, user_id=alice.id) is not None
        certs = await er.list_certification_progress_by_report(
            conn, report_id=second.id, user_id=alice.id
        )
        assert len(certs) == 1
        assert await er.update_report_restored(conn, report_id=first.id, user_id=alice.id) == 1
        assert await er.update_report_restored(conn, report_id=first.id, user_id=alice.id) == 0
    assert await _seen_by(edb, alice.id) == alices
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.delete_report(conn, report_id=first.id, user_id=alice.id) == 1
    async with owner_db.transaction() as conn:
        assert await er.delete_users_and_reports_past_retention(conn) == (
            er.PurgedCounts(users_purged=0, reports_purged=0)  # within the window: kept
        )
        await _backdate(conn, "reports", first.id, 31)
    async with owner_db.transaction() as conn:
        purged = await er.delete_users_and_reports_past_retention(conn)
        assert purged == er.PurgedCounts(users_purged=0, reports_purged=1)
        assert await count_rows(conn) == _minus(before, PER_REPORT)
    assert await _seen_by(edb, alice.id) == _minus(alices, PER_REPORT)


async def test_deleting_a_user_hides_all_their_data_until_purged(
    edb: Database, owner_db: Database, readonly_db: Database
) -> None:
    async with edb.transaction() as conn:
        alice, (kept, dropped_earlier) = await _user_with_reports(conn, 2)
        bob, (bobs_report,) = await _user_with_reports(conn, 1)
    async with owner_db.transaction() as conn:
        before = await count_rows(conn)
    assert all(n > 0 for n in before.values()), before
    alices = {table: 2 * n for table, n in PER_REPORT.items()}
    alices.update(users=1, user_metrics=1, chat_sessions=3, chat_messages=5)
    assert await _seen_by(edb, alice.id) == alices
    async with edb.transaction(user_id=alice.id) as conn:  # deleted before the user: stays deleted
        assert await er.delete_report(conn, report_id=dropped_earlier.id, user_id=alice.id) == 1
    async with edb.transaction(user_id=bob.id) as conn:  # bob cannot delete alice
        assert await er.delete_user(conn, user_id=alice.id) == 0
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.delete_user(conn, user_id=alice.id) == 1
        assert await er.delete_user(conn, user_id=alice.id) == 0
    async with owner_db.transaction() as conn:
        assert await count_rows(conn) == before
        deleted_at = dict(
            await conn.fetch(
                "SELECT id, deleted_at FROM export_readiness.reports WHERE user_id = $1", alice.id
            )
        )
        user_deleted_at = await conn.fetchval(
            "SELECT deleted_at FROM export_readiness.users WHERE id = $1", alice.id
        )
    assert deleted_at[kept.id] == user_deleted_at != deleted_at[dropped_earlier.id]
    assert set((await _seen_by(edb, alice.id)).values()) == {0}
    async with readonly_db.transaction() as conn:
        assert await count_rows(conn) == _minus(before, alices)
    assert await _seen_by(edb, bob.id) == _minus(before, alices)
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.update_user_restored(conn, user_id=alice.id) == 1
    restored = _minus(alices, PER_REPORT)  # the report deleted before the user stays deleted
    assert await _seen_by(edb, alice.id) == restored
    async with edb.transaction(user_id=alice.id) as conn:
        assert await er.get_report_by_id(conn, report_id=kept.id, user_id=alice.id) is not None
        assert (
            await er.get_report_by_id(conn, report_id=dropped_earlier.id, user_id=alice.id) is None
        )
        assert await er.delete_user(conn, user_id=alice.id) == 1
    async with owner_db.transaction() as conn:
        await _backdate(conn, "users", alice.id, 31)
    async with owner_db.transaction() as conn:
        purged = await er.delete_users_and_reports_past_retention(conn)
        assert purged.users_purged == 1
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
        await _backdate(conn, "users", bob.id, 31)
    async with owner_db.transaction() as conn:
        await er.delete_users_and_reports_past_retention(conn)
        assert set((await count_rows(conn)).values()) == {0}
