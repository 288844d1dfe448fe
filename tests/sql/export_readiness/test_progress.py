"""The dashboard, certification progress, the 7-day action plan, and generated documents
(content encrypted at rest, validation results); as export_readiness_app acting for a user, so
another user's progress and documents are out of reach."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from export_readiness_support import KEY, act_as, make_report, make_user

from datalayer import Database, errors
from datalayer import export_readiness as er

PLAN: list[dict[str, Any]] = [
    {"day_number": 1, "task_id": "apply-iec", "task_title": "Apply for IEC", "category": "registration"},
    {"day_number": 1, "task_id": "gst-lut", "task_title": "File GST LUT", "category": "finance"},
    {"day_number": 2, "task_id": "fda-reg", "task_title": "Register with FDA", "category": "certification"},
    {"day_number": 7, "task_id": "book-freight", "task_title": "Book LCL freight"},
]  # fmt: skip


async def _certification(conn: Any, user: Any, report: Any, cert: str) -> Any:
    return await er.create_certification_progress(
        conn, user_id=user.id, report_id=report.id, certification_id=cert,
        certification_name=cert.upper(), estimated_cost=None,
    )  # fmt: skip


async def test_dashboard_shows_certification_and_action_plan_progress(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.list_user_dashboard(conn, user_id=user.id) == []
        older = await make_report(conn, user.id, hs_code=None)
    async with edb.transaction(user_id=user.id) as conn:
        report = await make_report(conn, user.id)
        certs = [await _certification(conn, user, report, c) for c in ("fda", "fssai", "apeda")]
        await er.update_certification_status(
            conn, certification_progress_id=certs[0].id, user_id=user.id, status="completed",
            notes=None,
        )  # fmt: skip
        await er.create_action_plan_tasks(conn, user_id=user.id, report_id=report.id, tasks=PLAN)
        await er.update_action_plan_task_completed(
            conn, report_id=report.id, user_id=user.id, day_number=1, task_id="apply-iec",
            completed=True,
        )  # fmt: skip
        rows = await er.list_user_dashboard(conn, user_id=user.id)
        assert [r.report_id for r in rows] == [report.id, older.id]
        top, bottom = rows
        assert (top.certifications_total, top.certifications_completed) == (3, 1)
        assert top.certification_progress_pct == Decimal("33.3")
        assert (top.action_tasks_total, top.action_tasks_completed) == (4, 1)
        assert top.action_plan_completion_pct == Decimal("25.0")
        assert top.hs_code == "09103030" and top.risk_score == 35
        assert (bottom.certifications_total, bottom.action_tasks_total) == (0, 0)
        assert bottom.certification_progress_pct == 0 and bottom.action_plan_completion_pct == 0
        assert bottom.hs_code is None and bottom.status == "pending"
    async with edb.transaction(user_id=stranger.id) as conn:
        assert await er.list_user_dashboard(conn, user_id=user.id) == []


async def test_certification_progress(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        assert (
            await er.list_certification_progress_by_report(
                conn, report_id=report.id, user_id=user.id
            )
            == []
        )
        cert = await er.create_certification_progress(
            conn, user_id=user.id, report_id=report.id, certification_id="fda-food-facility",
            certification_name="FDA Food Facility Registration", estimated_cost=Decimal("15000"),
        )  # fmt: skip
        assert cert.status == "not_started" and cert.documents_completed == []
        assert cert.started_at is None and cert.completed_at is None
        started = await er.update_certification_status(
            conn, certification_progress_id=cert.id, user_id=user.id, status="in_progress",
            notes="DUNS requested",
        )  # fmt: skip
        assert started is not None and started.started_at is not None
        assert started.notes == "DUNS requested"
        for _ in range(2):
            with_doc = await er.update_certification_document_completed(
                conn, certification_progress_id=cert.id, user_id=user.id, document_name="DUNS"
            )
        assert with_doc is not None and with_doc.documents_completed == ["DUNS"]
        done = await er.update_certification_status(
            conn, certification_progress_id=cert.id, user_id=user.id, status="completed",
            notes=None,
        )  # fmt: skip
        assert done is not None and done.completed_at is not None
        assert done.notes == "DUNS requested" and done.started_at == started.started_at
        reopened = await er.update_certification_status(
            conn, certification_progress_id=cert.id, user_id=user.id, status="rejected",
            notes="label mismatch",
        )  # fmt: skip
        assert reopened is not None and reopened.completed_at is None
        listed = await er.list_certification_progress_by_report(
            conn, report_id=report.id, user_id=user.id
        )
        assert [c.id for c in listed] == [cert.id]
    async with edb.transaction(user_id=stranger.id) as conn:
        for whose in (stranger.id, user.id):
            assert (
                await er.update_certification_status(
                    conn,
                    certification_progress_id=cert.id,
                    user_id=whose,
                    status="completed",
                    notes=None,
                )
                is None
            )
            assert (
                await er.update_certification_document_completed(
                    conn, certification_progress_id=cert.id, user_id=whose, document_name="x"
                )
                is None
            )
            assert (
                await er.list_certification_progress_by_report(
                    conn, report_id=report.id, user_id=whose
                )
                == []
            )


async def test_seven_day_action_plan(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        assert await er.list_action_plan_days(conn, report_id=report.id, user_id=user.id) == []
        assert await er.list_action_plan_by_report(conn, report_id=report.id, user_id=user.id) == []
        added = await er.create_action_plan_tasks(
            conn, user_id=user.id, report_id=report.id, tasks=PLAN
        )
        assert [(t.day_number, t.task_id) for t in added] == [
            (1, "apply-iec"), (1, "gst-lut"), (2, "fda-reg"), (7, "book-freight")
        ]  # fmt: skip
        assert added[-1].category == "other" and not any(t.completed for t in added)
        again = await er.create_action_plan_tasks(
            conn, user_id=user.id, report_id=report.id, tasks=PLAN
        )
        assert again == []
        done = await er.update_action_plan_task_completed(
            conn, report_id=report.id, user_id=user.id, day_number=1, task_id="gst-lut",
            completed=True,
        )  # fmt: skip
        assert done is not None and done.completed and done.completed_at is not None
        days = await er.list_action_plan_days(conn, report_id=report.id, user_id=user.id)
        assert [(d.day_number, d.tasks_total, d.tasks_completed) for d in days] == [
            (1, 2, 1), (2, 1, 0), (7, 1, 0)
        ]  # fmt: skip
        assert days[0].completion_pct == Decimal("50.0")
        undone = await er.update_action_plan_task_completed(
            conn, report_id=report.id, user_id=user.id, day_number=1, task_id="gst-lut",
            completed=False,
        )  # fmt: skip
        assert undone is not None and not undone.completed and undone.completed_at is None
        assert (
            await er.update_action_plan_task_completed(
                conn,
                report_id=report.id,
                user_id=user.id,
                day_number=3,
                task_id="gst-lut",
                completed=True,
            )
            is None
        )
        tasks = await er.list_action_plan_by_report(conn, report_id=report.id, user_id=user.id)
        assert [t.task_id for t in tasks] == ["apply-iec", "gst-lut", "fda-reg", "book-freight"]
    async with edb.transaction(user_id=stranger.id) as conn:
        assert await er.list_action_plan_by_report(conn, report_id=report.id, user_id=user.id) == []
        assert await er.list_action_plan_days(conn, report_id=report.id, user_id=user.id) == []
        assert (
            await er.update_action_plan_task_completed(
                conn,
                report_id=report.id,
                user_id=user.id,
                day_number=1,
                task_id="apply-iec",
                completed=True,
            )
            is None
        )


async def test_action_plan_for_another_users_report_is_refused(edb: Database) -> None:
    async with edb.transaction() as conn:
        owner = await make_user(conn)
        stranger = await make_user(conn)
        await act_as(conn, owner.id)
        report = await make_report(conn, owner.id)
    # refused by the policy admitting children of visible (own, not deleted) reports only, before
    # the composite key action_plan_progress_report_id_fkey would refuse it
    with pytest.raises(errors.PermissionDenied) as info:
        async with edb.transaction(user_id=stranger.id) as conn:
            await er.create_action_plan_tasks(
                conn, user_id=stranger.id, report_id=report.id, tasks=PLAN
            )
    assert "action_plan_progress_live" in str(info.value)
    with pytest.raises(errors.PermissionDenied):  # tasks in the owner's name, acting as another
        async with edb.transaction(user_id=stranger.id) as conn:
            await er.create_action_plan_tasks(
                conn, user_id=owner.id, report_id=report.id, tasks=PLAN
            )


async def test_generated_documents_encrypted_with_validation_results(edb: Database) -> None:
    invoice = {"buyer": "Acme Foods Inc., 12 Harbor Rd, Newark", "bank_account": "001234567890"}
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        assert (
            await er.list_generated_documents_by_report(conn, report_id=report.id, user_id=user.id)
            == []
        )
        doc = await er.create_generated_document(
            conn, user_id=user.id, report_id=report.id, document_type="commercial_invoice",
            content=invoice, encryption_key=KEY,
        )  # fmt: skip
        assert doc.content == invoice and doc.validation_status == "pending"
        assert doc.validation_results == {} and doc.validated_at is None
        stored = await conn.fetchval(
            "SELECT content_encrypted FROM export_readiness.generated_documents WHERE id = $1",
            doc.id,
        )
        assert b"Acme" not in stored and b"001234567890" not in stored
        audit = await conn.fetch(
            "SELECT new_values FROM core.audit_log WHERE table_name = 'generated_documents'"
        )
        assert audit and all("content_encrypted" not in r["new_values"] for r in audit)
        fetched = await er.get_generated_document(
            conn, document_id=doc.id, user_id=user.id, encryption_key=KEY
        )
        assert fetched == doc
        results = {"is_valid": False, "errors": [{"field": "port_code", "message": "unknown"}]}
        validated = await er.update_document_validation(
            conn, document_id=doc.id, user_id=user.id, validation_status="failed",
            validation_results=results,
        )  # fmt: skip
        assert validated is not None and validated.validated_at is not None
        listed = await er.list_generated_documents_by_report(
            conn, report_id=report.id, user_id=user.id
        )
        assert [(d.id, d.validation_status, d.validation_results) for d in listed] == [
            (doc.id, "failed", results)
        ]
        assert not hasattr(listed[0], "content")
    async with edb.transaction(user_id=stranger.id) as conn:
        for whose in (stranger.id, user.id):
            assert (
                await er.get_generated_document(
                    conn, document_id=doc.id, user_id=whose, encryption_key=KEY
                )
                is None
            )
            assert (
                await er.update_document_validation(
                    conn,
                    document_id=doc.id,
                    user_id=whose,
                    validation_status="passed",
                    validation_results={},
                )
                is None
            )
            assert (
                await er.list_generated_documents_by_report(
                    conn, report_id=report.id, user_id=whose
                )
                == []
            )
            assert await er.delete_generated_document(conn, document_id=doc.id, user_id=whose) == 0
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.delete_generated_document(conn, document_id=doc.id, user_id=user.id) == 1
