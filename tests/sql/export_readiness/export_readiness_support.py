"""Helpers for the export_readiness tests: users, reports and their children made through the
typed functions (as export_readiness_app, acting for the user: see :func:`act_as`), and row counts
of every table of the schema (a check, run on the owner's side)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from datalayer import export_readiness as er
from datalayer.queries import Connection

KEY = "correct horse battery staple"
BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
PHONE = "+919876543210"

TABLES = (
    "users",
    "reports",
    "certification_progress",
    "generated_documents",
    "action_plan_progress",
    "chat_sessions",
    "chat_messages",
    "finance_analysis",
    "logistics_analysis",
    "user_metrics",
)

REPORT_DATA: dict[str, Any] = {
    "certifications": [{"id": "fda-food-facility", "name": "FDA Food Facility Registration"}],
    "restricted_substances": [],
    "risks": [{"severity": "medium", "title": "Labelling"}],
}

_numbers = itertools.count(1)


async def act_as(conn: Connection, user_id: Any) -> None:
    """Act for ``user_id`` for the rest of this transaction (what ``transaction(user_id=)`` sets at
    BEGIN), or for nobody with ``None``."""
    await conn.execute(
        "SELECT set_config('datalayer.user_id', $1, true)", "" if user_id is None else str(user_id)
    )


async def make_user(conn: Connection, email: str | None = None, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "email": email or f"exporter{n}@example.in",
        "password_hash": BCRYPT,
        "company_name": "Spice Route Exports",
        "business_type": "Manufacturing",
        "company_size": "Small",
        "iec_code": "AB12345678",
        "phone": PHONE,
        "profile": {"state": "Kerala", "products": ["turmeric"]},
        "encryption_key": KEY,
    }
    fields.update(overrides)
    return await er.create_user(conn, **fields)


async def make_report(
    conn: Connection,
    user_id: Any,
    *,
    destination_country: str = "US",
    hs_code: str | None = "09103030",
    risk_score: int = 35,
    report_data: dict[str, Any] | None = None,
) -> Any:
    """A report of ``user_id`` (the acting user); completed with hs_code and risk_score unless
    hs_code is None (then pending)."""
    report = await er.create_report(
        conn, user_id=user_id, product_name="Organic turmeric powder",
        product_description="Ground turmeric, 500 g pouches", ingredients="turmeric",
        product_image_url=None, destination_country=destination_country, monthly_volume=2000,
    )  # fmt: skip
    assert report is not None
    if hs_code is None:
        return report
    done = await er.update_report_completed(
        conn, report_id=report.id, hs_code=hs_code, hs_code_confidence=Decimal("0.92"),
        risk_score=risk_score, report_data=report_data or REPORT_DATA,
        estimated_cost=Decimal("85000"), estimated_timeline_days=45,
    )  # fmt: skip
    assert done is not None
    return done


async def make_everything(conn: Connection, user: Any, report: Any) -> None:
    """One row in every child table of the report (two chat messages); acting as ``user``."""
    await er.create_certification_progress(
        conn, user_id=user.id, report_id=report.id, certification_id="fda-food-facility",
        certification_name="FDA Food Facility Registration", estimated_cost=Decimal("15000"),
    )  # fmt: skip
    await er.create_generated_document(
        conn, user_id=user.id, report_id=report.id, document_type="commercial_invoice",
        content={"buyer": "Acme Foods Inc."}, encryption_key=KEY,
    )  # fmt: skip
    await er.create_action_plan_tasks(
        conn, user_id=user.id, report_id=report.id,
        tasks=[{"day_number": 1, "task_id": "apply-iec", "task_title": "Apply for IEC"}],
    )  # fmt: skip
    session = await er.create_chat_session(
        conn, user_id=user.id, report_id=report.id, context_data={}
    )
    for role, sources in (("user", []), ("assistant", [{"source": "fda-guide"}])):
        await er.create_chat_message(
            conn, session_id=session.id, user_id=user.id, role=role, content="Do I need FDA?",
            sources=sources, encryption_key=KEY,
        )  # fmt: skip
    await er.create_finance_analysis(
        conn, report_id=report.id, user_id=user.id, working_capital_data={"total": 150000},
        rodtep_benefit_data={"rate": 1.2}, gst_refund_data={"route": "LUT"},
        cash_flow_timeline=[], total_working_capital=Decimal("150000"),
    )  # fmt: skip
    await er.create_logistics_analysis(
        conn, report_id=report.id, user_id=user.id, recommended_mode="LCL",
        lcl_fcl_comparison={"lcl": {"cost": 40000}}, rms_probability=Decimal("12.5"),
        freight_estimate={"sea": 40000},
    )  # fmt: skip


async def count_rows(conn: Connection) -> dict[str, int]:
    """Rows in every table of the schema (pass an owner's connection to count every user's)."""
    counts: dict[str, int] = {}
    for table in TABLES:
        counts[table] = await conn.fetchval(f"SELECT count(*) FROM export_readiness.{table}")
    return counts
