"""Every foreign key of the compliance schema refused once: an unknown owner, another user's
business profile, an unknown framework or approver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from compliance_support import KEY, compliance, make_evidence, make_owner

from datalayer import Database, errors

NOBODY = UUID("00000000-0000-0000-0000-00000000dead")

Case = Callable[[Any, Any, Any, Any, Any], Awaitable[object]]


def _plan(user: Any, profile: Any, framework: Any) -> dict[str, Any]:
    return {
        "user_id": user, "business_profile_id": profile, "framework_id": framework,
        "title": "Plan", "phases": [], "planned_start_date": None, "planned_end_date": None,
    }  # fmt: skip


def _readiness(user: Any, profile: Any, framework: Any) -> dict[str, Any]:
    return {
        "user_id": user, "business_profile_id": profile, "framework_id": framework,
        "overall_score": Decimal("50"), "risk_level": "low", "score_breakdown": {},
    }  # fmt: skip


def _policy(user: Any, profile: Any, framework: Any) -> dict[str, Any]:
    return {
        "user_id": user, "business_profile_id": profile, "framework_id": framework,
        "policy_name": "P", "policy_type": "security", "content": "text",
    }  # fmt: skip


async def _approve_policy(c: Any, u: Any, p: Any, f: Any, _: Any) -> object:
    policy = await compliance.create_policy_version(c, **_policy(u.id, p.id, f.id))
    return await compliance.update_policy_status(
        c, policy_id=policy.id, user_id=u.id, status="approved", reviewer_id=NOBODY
    )


async def _approve_evidence(c: Any, u: Any, p: Any, f: Any, _: Any) -> object:
    item = await make_evidence(c, u.id, p.id, f.id)
    return await compliance.update_evidence_status(
        c, evidence_item_id=item.id, user_id=u.id, status="approved", reviewer_id=NOBODY
    )


CASES: list[tuple[str, Case]] = [
    ("assessment_sessions_user_id_fkey", lambda c, u, p, f, fp: compliance.create_assessment_session(
        c, user_id=NOBODY, business_profile_id=p.id, framework_id=f.id, session_name=None)),
    ("evidence_items_user_id_fkey", lambda c, u, p, f, fp: make_evidence(c, NOBODY, p.id, f.id)),
    ("evidence_items_approved_by_fkey", _approve_evidence),
    ("chat_conversations_user_id_fkey", lambda c, u, p, f, fp: compliance.create_chat_conversation(
        c, user_id=NOBODY, business_profile_id=None, title="t")),
    ("chat_conversations_business_profile_id_fkey", lambda c, u, p, f, fp: compliance.create_chat_conversation(
        c, user_id=u.id, business_profile_id=fp.id, title="t")),
    ("generated_policies_user_id_fkey", lambda c, u, p, f, fp: compliance.create_policy_version(
        c, **_policy(NOBODY, p.id, f.id))),
    ("generated_policies_framework_id_fkey", lambda c, u, p, f, fp: compliance.create_policy_version(
        c, **_policy(u.id, p.id, NOBODY))),
    ("generated_policies_approved_by_fkey", _approve_policy),
    ("implementation_plans_user_id_fkey", lambda c, u, p, f, fp: compliance.create_implementation_plan(
        c, **_plan(NOBODY, p.id, f.id))),
    ("implementation_plans_business_profile_id_fkey", lambda c, u, p, f, fp: compliance.create_implementation_plan(
        c, **_plan(u.id, fp.id, f.id))),
    ("implementation_plans_framework_id_fkey", lambda c, u, p, f, fp: compliance.create_implementation_plan(
        c, **_plan(u.id, p.id, NOBODY))),
    ("readiness_assessments_user_id_fkey", lambda c, u, p, f, fp: compliance.create_readiness_assessment(
        c, **_readiness(NOBODY, p.id, f.id))),
    ("readiness_assessments_business_profile_id_fkey", lambda c, u, p, f, fp: compliance.create_readiness_assessment(
        c, **_readiness(u.id, fp.id, f.id))),
    ("readiness_assessments_framework_id_fkey", lambda c, u, p, f, fp: compliance.create_readiness_assessment(
        c, **_readiness(u.id, p.id, NOBODY))),
    ("integration_configurations_user_id_fkey", lambda c, u, p, f, fp: compliance.create_integration(
        c, user_id=NOBODY, provider="github", display_name="GitHub", credentials={},
        encryption_key=KEY, settings={})),
    ("report_schedules_user_id_fkey", lambda c, u, p, f, fp: compliance.create_report_schedule(
        c, user_id=NOBODY, business_profile_id=p.id, report_type="readiness", frequency="daily",
        parameters={}, recipients=["a@example.com"], next_run_at=datetime.now(UTC))),
]  # fmt: skip


@pytest.mark.parametrize(("constraint", "call"), CASES, ids=[c for c, _ in CASES])
async def test_foreign_key_refused(
    cdb: Database, owner: Database, constraint: str, call: Case
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        _, foreign_profile, _ = await make_owner(conn, owner)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await call(conn, user, profile, framework, foreign_profile)
    assert info.value.constraint == constraint
    assert info.value.schema == "compliance"
    assert "must" in str(info.value)  # the constraint's COMMENT is the message
