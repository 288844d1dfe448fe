"""Assessment sessions (the dashboard join on a real foreign key) and evidence (approval workflow,
search by name and full text with keyset pages, the compliance overview)."""

from __future__ import annotations

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

ALL = ["not_started", "in_progress", "collected", "approved", "rejected"]


async def _session(
    conn: Any, user: Any, profile: Any, framework: Any, name: str | None = None
) -> Any:
    return await compliance.create_assessment_session(
        conn, user_id=user.id, business_profile_id=profile.id, framework_id=framework.id,
        session_name=name,
    )  # fmt: skip


async def test_assessment_session_lifecycle(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        stranger = await make_user(conn)
        session = await _session(conn, user, profile, framework, "Q1 review")
        assert session.status == "not_started" and session.questions_answered == {}
        assert session.progress_percentage == Decimal("0") and session.completed_at is None
        assert (
            await compliance.get_assessment_session_by_id(
                conn, assessment_session_id=session.id, user_id=stranger.id
            )
            is None
        )
        answered = await compliance.update_assessment_answers(
            conn, assessment_session_id=session.id, user_id=user.id,
            answers={"q1": "yes", "q2": {"value": 3}}, progress_percentage=Decimal("40"),
        )  # fmt: skip
        assert answered is not None and answered.status == "in_progress"
        more = await compliance.update_assessment_answers(
            conn, assessment_session_id=session.id, user_id=user.id,
            answers={"q2": {"value": 4}, "q3": "no"}, progress_percentage=Decimal("60.5"),
        )  # fmt: skip
        assert more is not None
        assert more.questions_answered == {"q1": "yes", "q2": {"value": 4}, "q3": "no"}
        assert more.progress_percentage == Decimal("60.50")
        done = await compliance.update_assessment_completed(
            conn, assessment_session_id=session.id, user_id=user.id
        )
        assert done is not None and done.status == "completed" and done.completed_at is not None
        assert done.progress_percentage == Decimal("100")
        assert (
            await compliance.update_assessment_completed(
                conn, assessment_session_id=session.id, user_id=user.id
            )
            is None
        )
        assert (
            await compliance.update_assessment_answers(
                conn,
                assessment_session_id=session.id,
                user_id=user.id,
                answers={},
                progress_percentage=Decimal("1"),
            )
            is None
        )
        got = await compliance.get_assessment_session_by_id(
            conn, assessment_session_id=session.id, user_id=user.id
        )
        assert got == done


async def test_assessment_dashboard_joins_the_profile_and_pages(
    cdb: Database, owner: Database
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        other_profile = await make_profile(conn, user.id, company_name="Beta GmbH")
        stranger = await make_user(conn)
        assert (
            await compliance.list_assessment_dashboard(
                conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=10
            )
            == []
        )
    ids = []
    for n in range(5):
        async with cdb.transaction() as conn:  # one transaction each: distinct updated_at
            s = await _session(conn, user, other_profile if n % 2 else profile, framework, f"s{n}")
            ids.append(s.id)
    async with cdb.transaction() as conn:
        first = await compliance.list_assessment_dashboard(
            conn, user_id=user.id, before_updated_at=None, before_id=None, max_rows=3
        )
        assert [r.id for r in first] == ids[::-1][:3]
        assert [r.company_name for r in first] == ["Acme Ltd", "Beta GmbH", "Acme Ltd"]
        assert first[0].framework_code == framework.code and first[0].session_name == "s4"
        rest = await compliance.list_assessment_dashboard(
            conn, user_id=user.id, before_updated_at=first[-1].updated_at,
            before_id=first[-1].id, max_rows=3,
        )  # fmt: skip
        assert [r.id for r in rest] == ids[::-1][3:]
        assert (
            await compliance.list_assessment_dashboard(
                conn, user_id=stranger.id, before_updated_at=None, before_id=None, max_rows=10
            )
            == []
        )


async def test_a_session_cannot_use_another_users_profile(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, _, framework = await make_owner(conn, owner)
        _, foreign_profile, _ = await make_owner(conn, owner)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await _session(conn, user, foreign_profile, framework)
    assert info.value.constraint == "assessment_sessions_business_profile_id_fkey"
    assert "same user" in str(info.value)


async def test_a_session_needs_a_real_framework(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.create_assessment_session(
                conn, user_id=user.id, business_profile_id=profile.id,
                framework_id="00000000-0000-0000-0000-000000000001", session_name=None,
            )  # fmt: skip
    assert info.value.constraint == "assessment_sessions_framework_id_fkey"


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'paused'", "assessment_sessions_status_check"),
        ("progress_percentage = 100.01", "assessment_sessions_progress_percentage_check"),
        ("progress_percentage = -1", "assessment_sessions_progress_percentage_check"),
        ("completed_at = now()", "assessment_sessions_completed_at_check"),
        ("status = 'completed'", "assessment_sessions_completed_at_check"),
        ("questions_answered = '[1, 2]'", "assessment_sessions_questions_answered_check"),
        ("session_name = ''", "assessment_sessions_session_name_check"),
    ],
)
async def test_assessment_session_checks(
    cdb: Database, owner: Database, assignment: str, constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await _session(conn, user, profile, framework)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.assessment_sessions SET {assignment}")
    assert info.value.constraint == constraint


async def test_evidence_approval_workflow(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        reviewer = await make_user(conn)
        item = await make_evidence(
            conn, user.id, profile.id, framework.id, ai_metadata={"confidence": 0.9}
        )
        assert item.status == "not_started" and item.priority == "high"
        assert item.ai_metadata == {"confidence": 0.9} and item.file_path is None
        collected = await compliance.update_evidence_file(
            conn, evidence_item_id=item.id, user_id=user.id, file_path="s3://bucket/ac.pdf",
            file_type="application/pdf", file_size=12345,
        )  # fmt: skip
        assert collected is not None and collected.status == "collected"
        assert collected.file_size == 12345
        approved = await compliance.update_evidence_status(
            conn, evidence_item_id=item.id, user_id=user.id, status="approved",
            reviewer_id=reviewer.id,
        )  # fmt: skip
        assert approved is not None and approved.status == "approved"
        assert approved.approved_by == reviewer.id and approved.approved_at is not None
        rejected = await compliance.update_evidence_status(
            conn, evidence_item_id=item.id, user_id=user.id, status="rejected", reviewer_id=None
        )
        assert (
            rejected is not None and rejected.approved_at is None and rejected.approved_by is None
        )
        assert (
            await compliance.update_evidence_status(
                conn,
                evidence_item_id=item.id,
                user_id=reviewer.id,
                status="approved",
                reviewer_id=reviewer.id,
            )
            is None
        )
        assert (
            await compliance.get_evidence_item_by_id(
                conn, evidence_item_id=item.id, user_id=user.id
            )
            == rejected
        )
        assert (
            await compliance.get_evidence_item_by_id(
                conn, evidence_item_id=item.id, user_id=reviewer.id
            )
            is None
        )
        assert (
            await compliance.update_evidence_file(
                conn,
                evidence_item_id=item.id,
                user_id=reviewer.id,
                file_path="x",
                file_type="x",
                file_size=1,
            )
            is None
        )


async def test_approving_evidence_without_an_approver_is_refused(
    cdb: Database, owner: Database
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        item = await make_evidence(conn, user.id, profile.id, framework.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.update_evidence_status(
                conn, evidence_item_id=item.id, user_id=user.id, status="approved", reviewer_id=None
            )
    assert info.value.constraint == "evidence_items_approval_check"
    assert "approved_by" in str(info.value)


async def test_an_approver_cannot_be_deleted_while_their_approval_stands(
    cdb: Database, owner: Database
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        reviewer = await make_user(conn)
        item = await make_evidence(conn, user.id, profile.id, framework.id)
        await compliance.update_evidence_status(
            conn, evidence_item_id=item.id, user_id=user.id, status="approved",
            reviewer_id=reviewer.id,
        )  # fmt: skip
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await compliance.delete_user(conn, user_id=reviewer.id)
    assert info.value.constraint == "evidence_items_approved_by_fkey"


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'done'", "evidence_items_status_check"),
        ("priority = 'urgent'", "evidence_items_priority_check"),
        ("status = 'approved'", "evidence_items_approval_check"),
        ("approved_at = now()", "evidence_items_approval_check"),
        ("file_size = -1", "evidence_items_file_size_check"),
        ("file_path = ''", "evidence_items_file_path_check"),
        ("file_type = ''", "evidence_items_file_type_check"),
        ("evidence_name = ' '", "evidence_items_evidence_name_check"),
        ("control_reference = ''", "evidence_items_control_reference_check"),
        ("ai_metadata = '[]'", "evidence_items_ai_metadata_check"),
    ],
)
async def test_evidence_checks(
    cdb: Database, owner: Database, assignment: str, constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await make_evidence(conn, user.id, profile.id, framework.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.evidence_items SET {assignment}")
    assert info.value.constraint == constraint
    assert info.value.table == "evidence_items"


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("business_profile_id", "evidence_items_business_profile_id_fkey"),
        ("framework_id", "evidence_items_framework_id_fkey"),
    ],
)
async def test_evidence_foreign_keys(
    cdb: Database, owner: Database, field: str, constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        _, foreign_profile, _ = await make_owner(conn, owner)
    ids = {"business_profile_id": foreign_profile.id, "framework_id": user.id}
    args = {"business_profile_id": profile.id, "framework_id": framework.id, field: ids[field]}
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await make_evidence(conn, user.id, args["business_profile_id"], args["framework_id"])
    assert info.value.constraint == constraint


async def test_evidence_search_by_name_and_text_with_keyset_pages(
    cdb: Database, owner: Database
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        stranger = await make_user(conn)
        names = [
            ("Firewall configuration review", "Quarterly review of perimeter firewall rules"),
            ("Access control policy", "Who may access production"),
            ("Firewall change log", "Every change to firewall rules, approved"),
            ("Backup restore test", "Restoring backups monthly"),
            ("100%_coverage report", "Coverage of controls"),
        ]
        items = []
        for name, description in names:
            items.append(
                await make_evidence(
                    conn,
                    user.id,
                    profile.id,
                    framework.id,
                    evidence_name=name,
                    description=description,
                )
            )
        await compliance.update_evidence_status(
            conn, evidence_item_id=items[2].id, user_id=user.id, status="in_progress",
            reviewer_id=None,
        )  # fmt: skip

        newest_first = [
            i.id for i in sorted(items, key=lambda i: (i.created_at, i.id), reverse=True)
        ]

        async def by_name(text: str, statuses: list[str] = ALL, **page: Any) -> list[Any]:
            page = {"before_created_at": None, "before_id": None, "max_rows": 10} | page
            return await compliance.list_evidence_by_name(
                conn, user_id=user.id, statuses=statuses, name_contains=text, **page
            )

        firewalls = [i for i in newest_first if i in (items[0].id, items[2].id)]
        assert [i.id for i in await by_name("FIREWALL")] == firewalls
        assert [i.id for i in await by_name("firewall", ["not_started"])] == [items[0].id]
        assert [i.id for i in await by_name("100%_")] == [items[4].id]
        assert await by_name("0%_c") != [] and await by_name("100%x") == []
        assert await by_name("w_ll") == []  # an underscore matches only an underscore
        assert len(await by_name("wall")) == 2
        assert await by_name("firewall", []) == []
        # all five share created_at (one transaction): the keyset breaks the tie by id;
        # every name contains an "r"
        with_r = newest_first
        first = await by_name("r", max_rows=2)
        assert [i.id for i in first] == with_r[:2]
        second = await by_name(
            "r", before_created_at=first[-1].created_at, before_id=first[-1].id, max_rows=2
        )
        assert [i.id for i in second] == with_r[2:4]
        third = await by_name(
            "r", before_created_at=second[-1].created_at, before_id=second[-1].id, max_rows=2
        )
        assert [i.id for i in third] == with_r[4:]
        assert await compliance.list_evidence_by_name(
            conn, user_id=stranger.id, statuses=ALL, name_contains="firewall",
            before_created_at=None, before_id=None, max_rows=10,
        ) == []  # fmt: skip

        async def by_text(text: str, statuses: list[str] = ALL, **page: Any) -> list[Any]:
            page = {"before_created_at": None, "before_id": None, "max_rows": 10} | page
            return await compliance.list_evidence_by_text(
                conn, user_id=user.id, statuses=statuses, search_text=text, **page
            )

        assert [i.id for i in await by_text("firewall rules")] == firewalls
        assert [i.id for i in await by_text("firewall -change")] == [items[0].id]
        assert [i.id for i in await by_text("restoring backup")] == [items[3].id]
        assert [i.id for i in await by_text("A.5.15")] != []  # the control reference is searched
        assert [i.id for i in await by_text('"firewall change"')] == [items[2].id]
        assert await by_text("firewall", ["approved"]) == []
        assert await by_text("kubernetes") == []
        page1 = await by_text("firewall", max_rows=1)
        page2 = await by_text(
            "firewall", before_created_at=page1[0].created_at, before_id=page1[0].id, max_rows=1
        )
        assert [i.id for i in page1 + page2] == firewalls


async def test_evidence_by_ai_metadata(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        tagged = await make_evidence(
            conn, user.id, profile.id, framework.id,
            ai_metadata={"model": "x", "tags": ["network", "firewall"]},
        )  # fmt: skip
        await make_evidence(conn, user.id, profile.id, framework.id, ai_metadata={"model": "x"})
        found = await compliance.list_evidence_by_ai_metadata(
            conn, user_id=user.id, metadata={"tags": ["firewall"]}, max_rows=10
        )
        assert [i.id for i in found] == [tagged.id]
        assert (
            len(
                await compliance.list_evidence_by_ai_metadata(
                    conn, user_id=user.id, metadata={"model": "x"}, max_rows=10
                )
            )
            == 2
        )
        assert (
            await compliance.list_evidence_by_ai_metadata(
                conn, user_id=user.id, metadata={"model": "y"}, max_rows=10
            )
            == []
        )


async def test_compliance_overview(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, iso = await make_owner(conn, owner)
        gdpr = await make_framework(owner, "zz-gdpr", name="GDPR")
        reviewer = await make_user(conn)
        assert await compliance.list_compliance_overview(conn, user_id=user.id) == []
        iso_items = [await make_evidence(conn, user.id, profile.id, iso.id) for _ in range(3)]
        await make_evidence(conn, user.id, profile.id, gdpr.id)
        for item in iso_items[:2]:
            await compliance.update_evidence_status(
                conn, evidence_item_id=item.id, user_id=user.id, status="approved",
                reviewer_id=reviewer.id,
            )  # fmt: skip
        overview = await compliance.list_compliance_overview(conn, user_id=user.id)
        assert [(o.framework_code, o.total_items, o.approved_count) for o in overview] == [
            (iso.code, 3, 2),
            ("zz-gdpr", 1, 0),
        ]
        assert overview[0].approved_percentage == Decimal("66.67")
        assert overview[1].approved_percentage == Decimal("0")
        assert overview[1].framework_id == gdpr.id and overview[1].framework_name == "GDPR"
        assert await compliance.list_compliance_overview(conn, user_id=reviewer.id) == []
