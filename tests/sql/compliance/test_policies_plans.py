"""Versioned policies with full-text search, implementation plans and their progress, readiness
scores per framework, and chat conversations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from compliance_support import (
    compliance,
    make_evidence,
    make_framework,
    make_owner,
    make_profile,
    make_user,
)

from datalayer import Database, errors
from datalayer.compliance.shapes import ChatMessage, PlanPhase

POLICY = (
    "Data protection policy. Personal data is encrypted at rest and in transit. "
    "Access to customer records is logged and reviewed every quarter."
)


async def _policy(conn: Any, user: Any, profile: Any, framework: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user.id, "business_profile_id": profile.id, "framework_id": framework.id,
        "policy_name": "Data protection", "policy_type": "data_protection", "content": POLICY,
    }  # fmt: skip
    fields.update(overrides)
    return await compliance.create_policy_version(conn, **fields)


async def test_policy_versions(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        other_profile = await make_profile(conn, user.id)
        assert (
            await compliance.list_policy_versions(
                conn, user_id=user.id, business_profile_id=profile.id, policy_name="Data protection"
            )
            == []
        )
        v1 = await _policy(conn, user, profile, framework)
        v2 = await _policy(conn, user, profile, framework, content=POLICY + " Revised.")
        other = await _policy(conn, user, profile, framework, policy_name="Incident response")
        elsewhere = await _policy(conn, user, other_profile, framework)
        assert (v1.version, v2.version, other.version, elsewhere.version) == (1, 2, 1, 1)
        assert v1.status == "draft" and v1.approved_at is None
        versions = await compliance.list_policy_versions(
            conn, user_id=user.id, business_profile_id=profile.id, policy_name="Data protection"
        )
        assert [(v.id, v.version) for v in versions] == [(v2.id, 2), (v1.id, 1)]
        assert versions[0].content_length == len(POLICY) + len(" Revised.")
        got = await compliance.get_policy_by_id(conn, policy_id=v2.id, user_id=user.id)
        assert got is not None and got.content.endswith("Revised.")
        stranger = await make_user(conn)
        assert await compliance.get_policy_by_id(conn, policy_id=v2.id, user_id=stranger.id) is None
        assert (
            await compliance.list_policy_versions(
                conn,
                user_id=stranger.id,
                business_profile_id=profile.id,
                policy_name="Data protection",
            )
            == []
        )
        approved = await compliance.update_policy_status(
            conn, policy_id=v2.id, user_id=user.id, status="approved", reviewer_id=stranger.id
        )
        assert approved is not None and approved.approved_by == stranger.id
        archived = await compliance.update_policy_status(
            conn, policy_id=v2.id, user_id=user.id, status="archived", reviewer_id=None
        )
        assert archived is not None and archived.approved_at is None
        assert (
            await compliance.update_policy_status(
                conn, policy_id=v2.id, user_id=stranger.id, status="draft", reviewer_id=None
            )
            is None
        )


async def test_a_duplicate_policy_version_is_refused(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await _policy(conn, user, profile, framework)
    with pytest.raises(errors.UniqueViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute("UPDATE compliance.generated_policies SET version = 1")
            await conn.execute(
                "INSERT INTO compliance.generated_policies (user_id, business_profile_id,"
                " framework_id, policy_name, policy_type, version, content)"
                " VALUES ($1, $2, $3, 'Data protection', 'data_protection', 1, 'x')",
                user.id, profile.id, framework.id,
            )  # fmt: skip
    assert info.value.constraint == "generated_policies_business_profile_id_policy_name_version_key"


async def test_policy_full_text_search(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        dp = await _policy(conn, user, profile, framework)
        ir = await _policy(
            conn, user, profile, framework, policy_name="Incident response",
            policy_type="incident_response",
            content="Security incidents are reported within 24 hours; customer data breaches too.",
        )  # fmt: skip
        found = await compliance.list_policies_by_text(
            conn, user_id=user.id, search_text="encrypted customer records", max_rows=10
        )
        assert [p.id for p in found] == [dp.id]
        assert "<b>" in found[0].excerpt and found[0].rank > 0
        both = await compliance.list_policies_by_text(
            conn, user_id=user.id, search_text="customer", max_rows=10
        )
        assert {p.id for p in both} == {dp.id, ir.id}
        named = await compliance.list_policies_by_text(
            conn, user_id=user.id, search_text="incident", max_rows=10
        )
        assert [p.id for p in named] == [ir.id]  # the name weighs more: ranked first
        assert (
            await compliance.list_policies_by_text(
                conn, user_id=user.id, search_text="kubernetes", max_rows=10
            )
            == []
        )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'published'", "generated_policies_status_check"),
        ("status = 'approved'", "generated_policies_approval_check"),
        ("version = 0", "generated_policies_version_check"),
        ("policy_type = 'Data Protection'", "generated_policies_policy_type_check"),
        ("policy_name = ''", "generated_policies_policy_name_check"),
        ("content = '  '", "generated_policies_content_check"),
    ],
)
async def test_policy_checks(
    cdb: Database, owner: Database, assignment: str, constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await _policy(conn, user, profile, framework)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.generated_policies SET {assignment}")
    assert info.value.constraint == constraint


async def test_policy_of_another_users_profile_is_refused(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, _, framework = await make_owner(conn, owner)
        _, foreign, _ = await make_owner(conn, owner)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await _policy(conn, user, foreign, framework)
    assert info.value.constraint == "generated_policies_business_profile_id_fkey"


PHASES = [
    {"name": "Scope", "tasks": [
        {"title": "List systems", "status": "completed"},
        {"title": "Name owners", "status": "in_progress"},
    ]},
    {"name": "Controls", "tasks": [
        {"title": "Encrypt backups", "status": "not_started"},
        {"title": "Review access", "status": "completed"},
    ]},
]  # fmt: skip


async def _plan(conn: Any, user: Any, profile: Any, framework: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user.id, "business_profile_id": profile.id, "framework_id": framework.id,
        "title": "ISO rollout", "phases": PHASES, "planned_start_date": date(2020, 1, 1),
        "planned_end_date": date.today() - timedelta(days=1),
    }  # fmt: skip
    fields.update(overrides)
    return await compliance.create_implementation_plan(conn, **fields)


async def test_implementation_plan_progress(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        assert (
            await compliance.list_implementation_plan_progress(
                conn, user_id=user.id, business_profile_id=profile.id
            )
            == []
        )
        plan = await _plan(conn, user, profile, framework)
        assert (
            isinstance(plan.phases[0], PlanPhase)
            and plan.phases[1].tasks[0].title == "Encrypt backups"
        )
        assert (plan.total_tasks, plan.completed_tasks) == (4, 2)
        empty = await _plan(
            conn, user, profile, framework, title="Later", phases=[],
            planned_start_date=None, planned_end_date=date.today() + timedelta(days=30),
        )  # fmt: skip
        progress = await compliance.list_implementation_plan_progress(
            conn, user_id=user.id, business_profile_id=profile.id
        )
        assert [(p.title, p.total_tasks, p.completed_tasks, p.progress_percentage, p.is_overdue)
                for p in progress] == [
            ("ISO rollout", 4, 2, Decimal("50.00"), True),
            ("Later", 0, 0, Decimal("0"), False),
        ]  # fmt: skip
        done_phases = [
            {"name": p["name"], "tasks": [{**t, "status": "completed"} for t in p["tasks"]]}  # type: ignore[attr-defined]
            for p in PHASES
        ]
        updated = await compliance.update_implementation_plan_phases(
            conn, implementation_plan_id=plan.id, user_id=user.id, phases=done_phases
        )
        assert updated is not None and updated.completed_tasks == 4
        finished = await compliance.update_implementation_plan_status(
            conn, implementation_plan_id=plan.id, user_id=user.id, status="completed"
        )
        assert finished is not None and finished.status == "completed"
        progress = await compliance.list_implementation_plan_progress(
            conn, user_id=user.id, business_profile_id=profile.id
        )
        assert progress[0].progress_percentage == Decimal("100") and not progress[0].is_overdue
        assert progress[1].id == empty.id
        stranger = await make_user(conn)
        assert (
            await compliance.update_implementation_plan_phases(
                conn, implementation_plan_id=plan.id, user_id=stranger.id, phases=[]
            )
            is None
        )
        assert (
            await compliance.update_implementation_plan_status(
                conn, implementation_plan_id=plan.id, user_id=stranger.id, status="on_hold"
            )
            is None
        )


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"phases": [{"name": "x", "tasks": [{"title": "t", "status": "done"}]}]},
         "implementation_plans_phases_check"),
        ({"phases": [{"name": "x"}]}, "implementation_plans_phases_check"),
        ({"phases": [{"tasks": []}]}, "implementation_plans_phases_check"),
        ({"phases": [{"name": "x", "tasks": [{"status": "completed"}]}]},
         "implementation_plans_phases_check"),
        ({"phases": {"name": "x"}}, "implementation_plans_phases_check"),
        ({"planned_end_date": date(2019, 12, 31)}, "implementation_plans_dates_check"),
        ({"title": ""}, "implementation_plans_title_check"),
    ],
)  # fmt: skip
async def test_implementation_plan_checks(
    cdb: Database, owner: Database, overrides: dict[str, Any], constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await _plan(conn, user, profile, framework, **overrides)
    assert info.value.constraint == constraint


async def test_implementation_plan_status_check(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        plan = await _plan(conn, user, profile, framework)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.update_implementation_plan_status(
                conn, implementation_plan_id=plan.id, user_id=user.id, status="done"
            )
    assert info.value.constraint == "implementation_plans_status_check"


async def test_readiness_scores_per_framework(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, iso = await make_owner(conn, owner)
        soc2 = await make_framework(owner, "zz-soc2")
        await make_framework(owner, "zz-unused")
        reviewer = await make_user(conn)
        assert (
            await compliance.list_readiness_scores(
                conn, user_id=user.id, business_profile_id=profile.id
            )
            == []
        )
        first = await compliance.create_readiness_assessment(
            conn, user_id=user.id, business_profile_id=profile.id, framework_id=iso.id,
            overall_score=Decimal("40"), risk_level="high", score_breakdown={"access": 30},
        )  # fmt: skip
        assert first.score_breakdown == {"access": 30}
    async with cdb.transaction() as conn:  # a later transaction: a later assessed_at
        await compliance.create_readiness_assessment(
            conn, user_id=user.id, business_profile_id=profile.id, framework_id=iso.id,
            overall_score=Decimal("72.5"), risk_level="medium", score_breakdown={},
        )  # fmt: skip
        item = await make_evidence(conn, user.id, profile.id, soc2.id)
        await make_evidence(conn, user.id, profile.id, soc2.id)
        await compliance.update_evidence_status(
            conn, evidence_item_id=item.id, user_id=user.id, status="approved",
            reviewer_id=reviewer.id,
        )  # fmt: skip
        scores = await compliance.list_readiness_scores(
            conn, user_id=user.id, business_profile_id=profile.id
        )
        assert [(s.framework_code, s.overall_score, s.risk_level, s.evidence_total,
                 s.evidence_approved) for s in scores] == [
            (iso.code, Decimal("72.50"), "medium", 0, 0),
            ("zz-soc2", None, None, 2, 1),
        ]  # fmt: skip
        assert scores[0].assessed_at is not None and scores[1].assessed_at is None
        assert (
            await compliance.list_readiness_scores(
                conn, user_id=reviewer.id, business_profile_id=profile.id
            )
            == []
        )


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"overall_score": Decimal("100.5")}, "readiness_assessments_overall_score_check"),
        ({"overall_score": Decimal("-1")}, "readiness_assessments_overall_score_check"),
        ({"risk_level": "severe"}, "readiness_assessments_risk_level_check"),
        ({"score_breakdown": [1]}, "readiness_assessments_score_breakdown_check"),
    ],
)
async def test_readiness_checks(
    cdb: Database, owner: Database, overrides: dict[str, Any], constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
    fields: dict[str, Any] = {
        "user_id": user.id, "business_profile_id": profile.id, "framework_id": framework.id,
        "overall_score": Decimal("50"), "risk_level": "low", "score_breakdown": {},
    }  # fmt: skip
    fields.update(overrides)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.create_readiness_assessment(conn, **fields)
    assert info.value.constraint == constraint


async def test_chat_conversations(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
        stranger = await make_user(conn)
        assert (
            await compliance.list_chat_conversations_by_user(
                conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=10
            )
            == []
        )
        chat = await compliance.create_chat_conversation(
            conn, user_id=user.id, business_profile_id=profile.id, title="GDPR questions"
        )
        assert chat.messages == [] and chat.last_message_at is None
        loose = await compliance.create_chat_conversation(
            conn, user_id=user.id, business_profile_id=None, title="General"
        )
        await compliance.update_chat_conversation_message(
            conn, chat_conversation_id=chat.id, user_id=user.id, role="user",
            content="Do we need a DPO?",
        )  # fmt: skip
        answered = await compliance.update_chat_conversation_message(
            conn, chat_conversation_id=chat.id, user_id=user.id, role="assistant",
            content="Probably: you process personal data at scale.",
        )  # fmt: skip
        assert answered is not None and answered.last_message_at is not None
        assert all(isinstance(m, ChatMessage) for m in answered.messages)
        assert [m.role for m in answered.messages] == ["user", "assistant"]
        assert (
            await compliance.update_chat_conversation_message(
                conn, chat_conversation_id=chat.id, user_id=stranger.id, role="user", content="hi"
            )
            is None
        )
        got = await compliance.get_chat_conversation_by_id(
            conn, chat_conversation_id=chat.id, user_id=user.id
        )
        assert got == answered
        assert (
            await compliance.get_chat_conversation_by_id(
                conn, chat_conversation_id=chat.id, user_id=stranger.id
            )
            is None
        )
        page = await compliance.list_chat_conversations_by_user(
            conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=1
        )
        rest = await compliance.list_chat_conversations_by_user(
            conn, user_id=user.id, before_updated_at=page[0].updated_at, before_id=page[0].id,
            max_rows=10,
        )  # fmt: skip
        assert {c.id for c in page + rest} == {chat.id, loose.id} and len(page + rest) == 2
        counts = {c.id: c.message_count for c in page + rest}
        assert counts == {chat.id: 2, loose.id: 0}
        # deleting the profile keeps the conversation, without the link
        await compliance.delete_business_profile(
            conn, business_profile_id=profile.id, user_id=user.id
        )
        kept = await compliance.get_chat_conversation_by_id(
            conn, chat_conversation_id=chat.id, user_id=user.id
        )
        assert kept is not None and kept.business_profile_id is None and len(kept.messages) == 2


async def test_chat_checks(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, _, _ = await make_owner(conn, owner)
        chat = await compliance.create_chat_conversation(
            conn, user_id=user.id, business_profile_id=None, title="t"
        )
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.update_chat_conversation_message(
                conn, chat_conversation_id=chat.id, user_id=user.id, role="system", content="x"
            )
    assert info.value.constraint == "chat_conversations_messages_check"
    for assignment, constraint in [
        ("status = 'closed'", "chat_conversations_status_check"),
        ("title = ''", "chat_conversations_title_check"),
    ]:
        with pytest.raises(errors.CheckViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(f"UPDATE compliance.chat_conversations SET {assignment}")
        assert info.value.constraint == constraint
