"""ruleIQ's read and lifecycle paths: a business profile with its assessment sessions and evidence
in one statement, abandoning an assessment (the database refuses steps backwards, whoever asks),
archiving a conversation, deleting evidence, reading a plan by id, and the audit of users without
their password hash."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from compliance_support import (
    BCRYPT,
    compliance,
    make_evidence,
    make_framework,
    make_owner,
    make_user,
)

from datalayer import Database, errors
from datalayer.compliance.shapes import ProfileAssessmentSession, ProfileEvidenceItem


async def _session(conn: Any, user: Any, profile: Any, framework: Any, name: str) -> Any:
    return await compliance.create_assessment_session(
        conn, user_id=user.id, business_profile_id=profile.id, framework_id=framework.id,
        session_name=name,
    )  # fmt: skip


async def test_profile_with_sessions_and_evidence(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        other_framework = await make_framework(owner)
        empty = await compliance.get_business_profile_with_activity(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        assert empty is not None and empty.company_name == "Acme Ltd"
        assert empty.assessment_sessions == [] and empty.evidence_items == []
        first = await _session(conn, user, profile, framework, "first")
        second = await _session(conn, user, profile, other_framework, "second")
        await compliance.update_assessment_answers(
            conn, assessment_session_id=second.id, user_id=user.id,
            answers={"q1": {"value": 3}}, progress_percentage=Decimal("37.5"),
        )  # fmt: skip
        old = await make_evidence(conn, user.id, profile.id, framework.id, evidence_name="Old")
        new = await make_evidence(
            conn, user.id, profile.id, framework.id, evidence_name="New",
            ai_metadata={"source": "scan", "score": 0.9},
        )  # fmt: skip
        stranger = await make_user(conn)
        their_profile = await compliance.create_business_profile(
            conn, user_id=stranger.id, company_name="Other plc", industry=None,
            employee_count=None, handles_personal_data=False, processes_payments=False,
            stores_health_data=False, provides_financial_services=False,
            operates_critical_infrastructure=False, has_international_operations=False,
            data_sensitivity="Low",
        )  # fmt: skip
        await make_evidence(conn, stranger.id, their_profile.id, framework.id)
        full = await compliance.get_business_profile_with_activity(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        assert full is not None
        # sessions oldest first, evidence newest first, ties (one transaction) broken by id
        sessions = sorted([first, second], key=lambda s: (s.created_at, s.id))
        assert [s.id for s in full.assessment_sessions] == [s.id for s in sessions]
        assert all(isinstance(s, ProfileAssessmentSession) for s in full.assessment_sessions)
        nested = next(s for s in full.assessment_sessions if s.id == second.id)
        assert nested.status == "in_progress" and nested.framework_id == other_framework.id
        assert nested.progress_percentage == Decimal("37.5")
        assert nested.questions_answered == {"q1": {"value": 3}}
        assert nested.created_at == second.created_at
        evidence = sorted([new, old], key=lambda e: (e.created_at, e.id), reverse=True)
        assert [e.id for e in full.evidence_items] == [e.id for e in evidence]
        assert all(isinstance(e, ProfileEvidenceItem) for e in full.evidence_items)
        scanned = next(e for e in full.evidence_items if e.id == new.id)
        assert scanned.ai_metadata == {"source": "scan", "score": 0.9}
        assert (
            full.evidence_items[1].priority == "high" and full.evidence_items[1].file_size is None
        )
        # the same activity as two set-based queries
        sessions = await compliance.list_assessment_sessions_by_profile(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        evidence = await compliance.list_evidence_items_by_profile(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        assert [s.id for s in sessions] == [s.id for s in full.assessment_sessions]
        assert [e.id for e in evidence] == [e.id for e in full.evidence_items]
        assert [s.progress_percentage for s in sessions] == [
            s.progress_percentage for s in full.assessment_sessions
        ]
        assert (
            await compliance.list_evidence_items_by_profile(
                conn, business_profile_id=profile.id, user_id=stranger.id
            )
            == []
        )
        # another user's profile is not there for this user, nor this one for them
        assert (
            await compliance.get_business_profile_with_activity(
                conn, business_profile_id=their_profile.id, user_id=user.id
            )
            is None
        )
        assert (
            await compliance.get_business_profile_with_activity(
                conn, business_profile_id=profile.id, user_id=stranger.id
            )
            is None
        )
        theirs = await compliance.get_business_profile_with_activity(
            conn, business_profile_id=their_profile.id, user_id=stranger.id
        )
        assert theirs is not None and len(theirs.evidence_items) == 1
        assert theirs.assessment_sessions == []


async def test_abandon_assessment_and_forward_only_status(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        open_one = await _session(conn, user, profile, framework, "open")
        done = await _session(conn, user, profile, framework, "done")
        abandoned = await compliance.update_assessment_abandoned(
            conn, assessment_session_id=open_one.id, user_id=user.id
        )
        assert abandoned is not None and abandoned.status == "abandoned"
        assert abandoned.completed_at is None
        # abandoned is final: no answers, no completion, no second abandon
        reopened = await compliance.update_assessment_answers(
            conn, assessment_session_id=open_one.id, user_id=user.id, answers={"q": 1},
            progress_percentage=Decimal("5"),
        )  # fmt: skip
        assert reopened is None
        assert (
            await compliance.update_assessment_abandoned(
                conn, assessment_session_id=open_one.id, user_id=user.id
            )
            is None
        )
        assert (
            await compliance.update_assessment_abandoned(
                conn, assessment_session_id=uuid4(), user_id=user.id
            )
            is None
        )
        completed = await compliance.update_assessment_status(
            conn, assessment_session_id=done.id, user_id=user.id, status="completed"
        )
        assert completed is not None and completed.completed_at is not None
        assert (
            await compliance.update_assessment_abandoned(
                conn, assessment_session_id=done.id, user_id=user.id
            )
            is None
        )
    # a step backwards is refused by the database, through the typed function ...
    for session, target in ((done, "in_progress"), (done, "abandoned"), (open_one, "completed")):
        with pytest.raises(errors.CheckViolation) as info:
            async with cdb.transaction() as conn:
                await compliance.update_assessment_status(
                    conn, assessment_session_id=session.id, user_id=user.id, status=target
                )
        assert info.value.constraint == "assessment_sessions_status_transition_check"
        assert info.value.table == "assessment_sessions" and info.value.columns == ("status",)
        assert "completed and abandoned sessions are final" in str(info.value)
    # ... and for the owner too (the rule is the table's, not the query's)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(
                "UPDATE compliance.assessment_sessions SET status = 'not_started', completed_at = NULL"
                " WHERE id = $1",
                done.id,
            )
    assert info.value.constraint == "assessment_sessions_status_transition_check"
    async with cdb.transaction(user_id=user.id) as conn:
        still = await compliance.get_assessment_session_by_id(
            conn, assessment_session_id=done.id, user_id=user.id
        )
        assert still is not None and still.status == "completed"


async def test_archive_chat_conversation(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
        chat = await compliance.create_chat_conversation(
            conn, user_id=user.id, business_profile_id=profile.id, title="GDPR"
        )
        archived = await compliance.update_chat_conversation_archived(
            conn, chat_conversation_id=chat.id, user_id=user.id, archived=True
        )
        assert archived is not None and archived.status == "archived"
        assert (
            await compliance.update_chat_conversation_message(
                conn, chat_conversation_id=chat.id, user_id=user.id, role="user", content="hi"
            )
            is None
        )
        stranger = await make_user(conn)
        assert (
            await compliance.update_chat_conversation_archived(
                conn, chat_conversation_id=chat.id, user_id=stranger.id, archived=False
            )
            is None
        )
        active = await compliance.update_chat_conversation_archived(
            conn, chat_conversation_id=chat.id, user_id=user.id, archived=False
        )
        assert active is not None and active.status == "active"
        talked = await compliance.update_chat_conversation_message(
            conn, chat_conversation_id=chat.id, user_id=user.id, role="user", content="hi"
        )
        assert talked is not None and len(talked.messages) == 1


async def test_delete_evidence_item(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        keep = await make_evidence(conn, user.id, profile.id, framework.id)
        gone = await make_evidence(conn, user.id, profile.id, framework.id)
        stranger = await make_user(conn)
        assert (
            await compliance.delete_evidence_item(
                conn, evidence_item_id=gone.id, user_id=stranger.id
            )
            == 0
        )
        assert (
            await compliance.delete_evidence_item(conn, evidence_item_id=gone.id, user_id=user.id)
            == 1
        )
        assert (
            await compliance.delete_evidence_item(conn, evidence_item_id=gone.id, user_id=user.id)
            == 0
        )
        assert (
            await compliance.get_evidence_item_by_id(
                conn, evidence_item_id=gone.id, user_id=user.id
            )
            is None
        )
        full = await compliance.get_business_profile_with_activity(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        assert full is not None and [e.id for e in full.evidence_items] == [keep.id]
    async with owner.transaction() as conn:
        row = await conn.fetchrow(
            "SELECT old_values ->> 'evidence_name' AS name FROM core.audit_log"
            " WHERE schema_name = 'compliance' AND table_name = 'evidence_items'"
            " AND operation = 'DELETE' AND row_id = $1",
            str(gone.id),
        )
        assert row is not None and row["name"] == gone.evidence_name


async def test_get_implementation_plan_by_id(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        plan = await compliance.create_implementation_plan(
            conn, user_id=user.id, business_profile_id=profile.id, framework_id=framework.id,
            title="ISO rollout",
            phases=[{"name": "Scope", "tasks": [{"title": "List assets", "status": "completed"}]}],
            planned_start_date=None, planned_end_date=None,
        )  # fmt: skip
        got = await compliance.get_implementation_plan_by_id(
            conn, implementation_plan_id=plan.id, user_id=user.id
        )
        assert got == plan and got.total_tasks == 1 and got.completed_tasks == 1
        assert got.phases[0].tasks[0].title == "List assets"
        stranger = await make_user(conn)
        assert (
            await compliance.get_implementation_plan_by_id(
                conn, implementation_plan_id=plan.id, user_id=stranger.id
            )
            is None
        )
        assert (
            await compliance.get_implementation_plan_by_id(
                conn, implementation_plan_id=uuid4(), user_id=user.id
            )
            is None
        )


async def test_users_audited_without_password_hash(cdb: Database, owner: Database) -> None:
    async with cdb.transaction(actor="signup") as conn:
        user = await make_user(conn, email="audited@example.com", hashed_password=BCRYPT)
        assert await compliance.update_user_active(conn, user_id=user.id, is_active=False) == 1
    async with owner.transaction() as conn:
        rows = await conn.fetch(
            "SELECT operation, old_values, new_values, changed_columns, actor FROM core.audit_log"
            " WHERE schema_name = 'compliance' AND table_name = 'users' AND row_id = $1"
            " ORDER BY occurred_at, id",
            str(user.id),
        )
    assert [r["operation"] for r in rows] == ["INSERT", "UPDATE"]
    insert, update = rows
    assert insert["new_values"]["email"] == "audited@example.com"
    assert insert["actor"] == "signup"
    assert update["changed_columns"] == ["is_active"]  # updated_at is now() both times
    assert update["old_values"]["is_active"] is True and update["new_values"]["is_active"] is False
    for row in rows:
        for image in (row["old_values"], row["new_values"]):
            if image is not None:
                assert "hashed_password" not in image and "id" in image
                assert BCRYPT not in str(image)
