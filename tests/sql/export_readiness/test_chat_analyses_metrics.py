"""Chat sessions and messages (text encrypted at rest, citations, keyset history), finance and
logistics analyses of a report, and the metrics upsert; as export_readiness_app acting for a user,
so another user's sessions, messages and analyses are out of reach."""

from __future__ import annotations

from decimal import Decimal

import pytest
from export_readiness_support import KEY, act_as, make_report, make_user

from datalayer import Database, errors
from datalayer import export_readiness as er


async def test_chat_session_and_history_pages(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        session = await er.create_chat_session(
            conn, user_id=user.id, report_id=report.id, context_data={"hs_code": "09103030"}
        )
        assert session.report_id == report.id
        assert (
            await er.list_chat_messages(
                conn,
                session_id=session.id,
                user_id=user.id,
                before_created_at=None,
                before_id=None,
                max_rows=10,
                encryption_key=KEY,
            )
            == []
        )
    texts = []
    for i in range(5):
        async with edb.transaction(user_id=user.id) as conn:
            role = "user" if i % 2 == 0 else "assistant"
            sources = [] if role == "user" else [{"source": f"guide-{i}", "title": "FDA guide"}]
            text = f"message {i}: our buyer pays USD 4.20/kg"
            msg = await er.create_chat_message(
                conn, session_id=session.id, user_id=user.id, role=role, content=text,
                sources=sources, encryption_key=KEY,
            )  # fmt: skip
            assert msg is not None and msg.content == text
            texts.append(text)
    async with owner_db.transaction() as conn:
        stored = await conn.fetch("SELECT content_encrypted FROM export_readiness.chat_messages")
        assert len(stored) == 5 and all(b"buyer" not in r["content_encrypted"] for r in stored)
    async with edb.transaction(user_id=user.id) as conn:
        pages = []
        before_created_at, before_id = None, None
        while page := await er.list_chat_messages(
            conn, session_id=session.id, user_id=user.id, before_created_at=before_created_at,
            before_id=before_id, max_rows=2, encryption_key=KEY,
        ):  # fmt: skip
            pages.append(page)
            before_created_at, before_id = page[-1].created_at, page[-1].id
        assert [len(p) for p in pages] == [2, 2, 1]
        history = [m for p in pages for m in p]
        assert [m.content for m in history] == texts[::-1]
        question, answer = history[0], history[1]
        assert question.role == "user" and question.sources == []
        assert answer.role == "assistant" and answer.sources[0].source == "guide-3"
        assert answer.sources[0].title == "FDA guide" and answer.sources[0].url is None
        cited = await er.list_chat_messages_by_source(
            conn, user_id=user.id, source="guide-3", max_rows=10, encryption_key=KEY
        )
        assert [m.content for m in cited] == [texts[3]]
        sessions = await er.list_chat_sessions_by_user(
            conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=10
        )
        assert [(s.id, s.message_count) for s in sessions] == [(session.id, 5)]
        assert sessions[0].updated_at > session.updated_at
    async with edb.transaction(user_id=stranger.id) as conn:
        for whose in (stranger.id, user.id):
            assert (
                await er.list_chat_messages(
                    conn,
                    session_id=session.id,
                    user_id=whose,
                    before_created_at=None,
                    before_id=None,
                    max_rows=10,
                    encryption_key=KEY,
                )
                == []
            )
            assert (
                await er.list_chat_messages_by_source(
                    conn, user_id=whose, source="guide-3", max_rows=10, encryption_key=KEY
                )
                == []
            )
            assert (
                await er.list_chat_sessions_by_user(
                    conn, user_id=whose, before_updated_at=None, before_id=None, max_rows=10
                )
                == []
            )


async def test_chat_session_context_ownership_and_delete(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        general = await er.create_chat_session(
            conn, user_id=user.id, report_id=None, context_data={"topic": "RoDTEP"}
        )
        assert general.report_id is None
        assert await er.get_chat_session(conn, session_id=general.id, user_id=user.id) == general
        merged = await er.update_chat_session_context(
            conn, session_id=general.id, user_id=user.id, context_data={"destination": "AE"}
        )
        assert merged is not None and merged.context_data == {
            "topic": "RoDTEP",
            "destination": "AE",
        }
    async with edb.transaction(user_id=stranger.id) as conn:
        for whose in (stranger.id, user.id):
            assert await er.get_chat_session(conn, session_id=general.id, user_id=whose) is None
            assert (
                await er.update_chat_session_context(
                    conn, session_id=general.id, user_id=whose, context_data={}
                )
                is None
            )
            assert (
                await er.create_chat_message(
                    conn,
                    session_id=general.id,
                    user_id=whose,
                    role="user",
                    content="hi",
                    sources=[],
                    encryption_key=KEY,
                )
                is None
            )
            assert await er.delete_chat_session(conn, session_id=general.id, user_id=whose) == 0
    async with edb.transaction(user_id=user.id) as conn:
        await er.create_chat_message(
            conn, session_id=general.id, user_id=user.id, role="user", content="hi",
            sources=[], encryption_key=KEY,
        )  # fmt: skip
        assert await er.delete_chat_session(conn, session_id=general.id, user_id=stranger.id) == 0
        assert await er.delete_chat_session(conn, session_id=general.id, user_id=user.id) == 1
    async with owner_db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM export_readiness.chat_messages") == 0
        assert await conn.fetchval("SELECT count(*) FROM export_readiness.chat_sessions") == 0


async def test_chat_messages_are_never_edited(edb: Database, owner_db: Database) -> None:
    """The service has no UPDATE on chat_messages at all; even the owner is refused by the
    append-only trigger."""
    async with edb.transaction() as conn:
        user = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        session = await er.create_chat_session(
            conn, user_id=user.id, report_id=None, context_data={}
        )
        await er.create_chat_message(
            conn, session_id=session.id, user_id=user.id, role="user", content="hi",
            sources=[], encryption_key=KEY,
        )  # fmt: skip
    with pytest.raises(errors.PermissionDenied):
        async with edb.transaction(user_id=user.id) as conn:
            await conn.execute("UPDATE export_readiness.chat_messages SET role = 'assistant'")
    with pytest.raises(errors.RestrictViolation) as info:
        async with owner_db.transaction() as conn:
            await conn.execute("UPDATE export_readiness.chat_messages SET role = 'assistant'")
    assert info.value.constraint == "chat_messages_append_only"


async def test_chat_session_about_another_users_report_is_refused(edb: Database) -> None:
    async with edb.transaction() as conn:
        owner = await make_user(conn)
        stranger = await make_user(conn)
    async with edb.transaction(user_id=owner.id) as conn:
        report = await make_report(conn, owner.id)
    # the report is invisible to the stranger, so a session about it is refused by the policy that
    # admits children of visible (own, not deleted) reports only, before the composite key
    # chat_sessions_report_id_fkey would refuse it
    with pytest.raises(errors.PermissionDenied) as info:
        async with edb.transaction(user_id=stranger.id) as conn:
            await er.create_chat_session(
                conn, user_id=stranger.id, report_id=report.id, context_data={}
            )
    assert "chat_sessions_live" in str(info.value)
    # a session in the owner's name, while acting as the stranger: row-level security refuses it
    with pytest.raises(errors.PermissionDenied):
        async with edb.transaction(user_id=stranger.id) as conn:
            await er.create_chat_session(
                conn, user_id=owner.id, report_id=report.id, context_data={}
            )


async def test_finance_and_logistics_analyses(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        report = await make_report(conn, user.id)
        assert (
            await er.get_finance_analysis_by_report(conn, report_id=report.id, user_id=user.id)
            is None
        )
        assert (
            await er.get_logistics_analysis_by_report(conn, report_id=report.id, user_id=user.id)
            is None
        )
    for total in ("150000", "175000"):
        async with edb.transaction(user_id=user.id) as conn:
            finance = await er.create_finance_analysis(
                conn, report_id=report.id, user_id=user.id,
                working_capital_data={"certification": 15000, "total": int(total)},
                rodtep_benefit_data={"rate_percent": 1.2, "annual_benefit": 28800},
                gst_refund_data={"route": "LUT", "refund": 0},
                cash_flow_timeline=[{"day": 0, "amount": -int(total)}],
                total_working_capital=Decimal(total),
            )  # fmt: skip
            assert finance is not None
    async with edb.transaction(user_id=user.id) as conn:
        latest = await er.get_finance_analysis_by_report(conn, report_id=report.id, user_id=user.id)
        assert latest == finance and latest is not None
        assert latest.total_working_capital == Decimal("175000")
        assert latest.rodtep_benefit_data == {"rate_percent": 1.2, "annual_benefit": 28800}
        logistics = await er.create_logistics_analysis(
            conn, report_id=report.id, user_id=user.id, recommended_mode="LCL",
            lcl_fcl_comparison={"lcl": {"cost": 42000}, "fcl": {"cost": 95000}},
            rms_probability=Decimal("12.50"), freight_estimate={"sea": 42000, "air": 180000},
        )  # fmt: skip
        assert logistics is not None
        got = await er.get_logistics_analysis_by_report(conn, report_id=report.id, user_id=user.id)
        assert got == logistics and got is not None and got.rms_probability == Decimal("12.50")
    async with edb.transaction(user_id=stranger.id) as conn:
        for whose in (stranger.id, user.id):
            assert (
                await er.get_finance_analysis_by_report(conn, report_id=report.id, user_id=whose)
                is None
            )
            assert (
                await er.get_logistics_analysis_by_report(conn, report_id=report.id, user_id=whose)
                is None
            )
            not_theirs = await er.create_finance_analysis(
                conn, report_id=report.id, user_id=whose, working_capital_data={},
                rodtep_benefit_data={}, gst_refund_data={}, cash_flow_timeline=[],
                total_working_capital=Decimal(0),
            )  # fmt: skip
            assert not_theirs is None
            assert (
                await er.create_logistics_analysis(
                    conn,
                    report_id=report.id,
                    user_id=whose,
                    recommended_mode="FCL",
                    lcl_fcl_comparison={},
                    rms_probability=Decimal(0),
                    freight_estimate={},
                )
                is None
            )


async def test_metrics_upsert_adds_up(edb: Database, readonly_db: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        other = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.get_user_metrics(conn, user_id=user.id) is None
        empty = await er.get_metrics_totals(conn)
        assert empty.users == 0 and empty.cost_savings == Decimal(0)
        first = await er.upsert_user_metrics(
            conn, user_id=user.id, reports_generated=1, certifications_completed=0,
            documents_generated=2, action_tasks_completed=3, cost_savings=Decimal("25000"),
            time_saved_hours=Decimal("6.5"),
        )  # fmt: skip
        second = await er.upsert_user_metrics(
            conn, user_id=user.id, reports_generated=1, certifications_completed=1,
            documents_generated=0, action_tasks_completed=1, cost_savings=Decimal("5000"),
            time_saved_hours=Decimal("1.5"),
        )  # fmt: skip
        assert second.id == first.id
        assert (second.reports_generated, second.certifications_completed) == (2, 1)
        assert (second.documents_generated, second.action_tasks_completed) == (2, 4)
        assert second.cost_savings == Decimal("30000") and second.time_saved_hours == Decimal("8")
        assert await er.get_user_metrics(conn, user_id=user.id) == second
        totals = await er.get_metrics_totals(conn)
        assert (totals.users, totals.reports_generated, totals.action_tasks_completed) == (1, 2, 4)
        assert totals.cost_savings == Decimal("30000")
    async with edb.transaction(user_id=other.id) as conn:
        assert await er.get_user_metrics(conn, user_id=user.id) is None
        await er.upsert_user_metrics(
            conn, user_id=other.id, reports_generated=5, certifications_completed=0,
            documents_generated=0, action_tasks_completed=0, cost_savings=Decimal("1000"),
            time_saved_hours=Decimal(0),
        )  # fmt: skip
        mine = await er.get_metrics_totals(conn)
        assert (mine.users, mine.reports_generated) == (1, 5)
    with pytest.raises(errors.PermissionDenied):  # another user's counters: refused
        async with edb.transaction(user_id=other.id) as conn:
            await er.upsert_user_metrics(
                conn, user_id=user.id, reports_generated=1, certifications_completed=0,
                documents_generated=0, action_tasks_completed=0, cost_savings=Decimal(0),
                time_saved_hours=Decimal(0),
            )  # fmt: skip
    async with readonly_db.transaction() as conn:  # reporting: the platform totals
        totals = await er.get_metrics_totals(conn)
        assert (totals.users, totals.reports_generated) == (2, 7)
        assert totals.cost_savings == Decimal("31000")


async def test_question_and_answer_in_one_transaction_keep_their_order(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        session = await er.create_chat_session(
            conn, user_id=user.id, report_id=None, context_data={}
        )
        for i in range(6):
            role = "user" if i % 2 == 0 else "assistant"
            sources = [{"source": "dgft-handbook"}] if role == "assistant" else []
            await er.create_chat_message(
                conn, session_id=session.id, user_id=user.id, role=role, content=f"turn {i}",
                sources=sources, encryption_key=KEY,
            )  # fmt: skip
        first = await er.list_chat_messages(
            conn, session_id=session.id, user_id=user.id, before_created_at=None,
            before_id=None, max_rows=4, encryption_key=KEY,
        )  # fmt: skip
        rest = await er.list_chat_messages(
            conn, session_id=session.id, user_id=user.id, before_created_at=first[-1].created_at,
            before_id=first[-1].id, max_rows=4, encryption_key=KEY,
        )  # fmt: skip
    assert [m.content for m in first + rest] == [f"turn {i}" for i in range(5, -1, -1)]
