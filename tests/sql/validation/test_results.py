"""validation results, discrepancies and behavioral test results: happy paths, empty cases, and
every constraint violated once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from validation_support import ALICE, finish_session, make_discrepancy, make_result, make_session

from datalayer import Database, errors, validation


async def test_result_with_discrepancies(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await finish_session(conn, (await make_session(conn)).id, "completed")
        assert (
            await validation.get_validation_result_by_session(conn, session_id=session.id) is None
        )
        result = await make_result(
            conn, session.id, fidelity="0.8125", overall_status="approved_with_warnings"
        )
        assert result.fidelity_score == Decimal("0.8125")
        got = await validation.get_validation_result_by_session(conn, session_id=session.id)
        assert got == result
        assert await validation.list_discrepancies_by_result(conn, result_id=result.id) == []
        info = await make_discrepancy(conn, result.id, "info", component=None, confidence=None)
        critical = await make_discrepancy(conn, result.id, "critical", target_element="input#mail")
        warning = await make_discrepancy(conn, result.id, "warning")
        assert info.component is None and info.confidence is None
        assert critical.target_element == "input#mail"
        listed = await validation.list_discrepancies_by_result(conn, result_id=result.id)
        assert [d.id for d in listed] == [critical.id, warning.id, info.id]


async def test_behavioral_test_results(vdb: Database) -> None:
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
        assert (
            await validation.list_behavioral_test_results_by_session(conn, session_id=session.id)
            == []
        )
        second = await validation.create_behavioral_test_result(
            conn,
            session_id=session.id,
            scenario_name="checkout",
            status="failed",
            started_at=start + timedelta(seconds=5),
            finished_at=start + timedelta(seconds=7, milliseconds=250),
            details={"steps": ["add to cart", "pay"], "screenshot": None},
            error_message="total differs: 10.00 vs 10.01",
        )
        first = await validation.create_behavioral_test_result(
            conn,
            session_id=session.id,
            scenario_name="login",
            status="passed",
            started_at=start,
            finished_at=start + timedelta(milliseconds=1500),
            details={},
            error_message=None,
        )
        assert first.execution_time_ms == 1500 and second.execution_time_ms == 2250
        assert second.details == {"steps": ["add to cart", "pay"], "screenshot": None}
        runs = await validation.list_behavioral_test_results_by_session(conn, session_id=session.id)
        assert [r.id for r in runs] == [first.id, second.id]


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        (
            {"fidelity_score": Decimal("1.0001")},
            errors.CheckViolation,
            "validation_results_fidelity_score_check",
        ),
        (
            {"fidelity_score": Decimal("-0.1")},
            errors.CheckViolation,
            "validation_results_fidelity_score_check",
        ),
        (
            {"overall_status": "maybe"},
            errors.CheckViolation,
            "validation_results_overall_status_check",
        ),
        ({"summary": "  "}, errors.CheckViolation, "validation_results_summary_check"),
        ({"summary": "s" * 20001}, errors.CheckViolation, "validation_results_summary_check"),
        (
            {"fidelity_score": Decimal("NaN")},
            errors.CheckViolation,
            "validation_results_fidelity_score_check",
        ),
        (
            {"execution_time_ms": -1},
            errors.CheckViolation,
            "validation_results_execution_time_ms_check",
        ),
        ({"session_id": uuid4()}, errors.ForeignKeyViolation, "validation_results_session_id_fkey"),
    ],
)
async def test_result_constraints(
    vdb: Database,
    owner_db: Database,
    overrides: dict[str, Any],
    error: type[errors.IntegrityError],
    constraint: str,
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
    fields: dict[str, Any] = {
        "session_id": session.id,
        "overall_status": "approved",
        "fidelity_score": Decimal("0.5"),
        "summary": "ok",
        "execution_time_ms": 10,
    }
    fields.update(overrides)
    # a missing session: the owner's side (as validation_app, row-level security refuses first)
    target = owner_db if error is errors.ForeignKeyViolation else vdb
    with pytest.raises(error) as info:
        async with target.transaction(user_id=ALICE) as conn:
            await validation.create_validation_result(conn, **fields)
    assert info.value.constraint == constraint
    assert info.value.table == "validation_results"


async def test_one_result_per_session(vdb: Database) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
        await make_result(conn, session.id)
    with pytest.raises(errors.UniqueViolation) as info:
        async with vdb.transaction(user_id=ALICE) as conn:
            await make_result(conn, session.id)
    assert info.value.constraint == "validation_results_session_id_key"
    assert "already has a result" in info.value.message


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"severity": "major"}, errors.CheckViolation, "discrepancies_severity_check"),
        (
            {"discrepancy_type": "Missing Field"},
            errors.CheckViolation,
            "discrepancies_discrepancy_type_check",
        ),
        ({"description": ""}, errors.CheckViolation, "discrepancies_description_check"),
        ({"confidence": Decimal("2")}, errors.CheckViolation, "discrepancies_confidence_check"),
        ({"component": "c" * 501}, errors.CheckViolation, "discrepancies_component_length_check"),
        (
            {"source_element": "s" * 2001},
            errors.CheckViolation,
            "discrepancies_source_element_length_check",
        ),
        (
            {"target_element": "t" * 2001},
            errors.CheckViolation,
            "discrepancies_target_element_length_check",
        ),
        (
            {"recommendation": "r" * 10001},
            errors.CheckViolation,
            "discrepancies_recommendation_length_check",
        ),
        ({"result_id": uuid4()}, errors.ForeignKeyViolation, "discrepancies_result_id_fkey"),
    ],
)
async def test_discrepancy_constraints(
    vdb: Database,
    owner_db: Database,
    overrides: dict[str, Any],
    error: type[errors.IntegrityError],
    constraint: str,
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        result = await make_result(conn, (await make_session(conn)).id)
    target = owner_db if error is errors.ForeignKeyViolation else vdb
    with pytest.raises(error) as info:
        async with target.transaction(user_id=ALICE) as conn:
            await make_discrepancy(conn, overrides.pop("result_id", result.id), **overrides)
    assert info.value.constraint == constraint
    assert info.value.table == "discrepancies"


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"status": "flaky"}, errors.CheckViolation, "behavioral_test_results_status_check"),
        (
            {"scenario_name": ""},
            errors.CheckViolation,
            "behavioral_test_results_scenario_name_check",
        ),
        (
            {"finished_at": datetime(2026, 1, 1, tzinfo=UTC)},
            errors.CheckViolation,
            "behavioral_test_results_timing_check",
        ),
        ({"details": ["step"]}, errors.CheckViolation, "behavioral_test_results_details_check"),
        ({"status": "error"}, errors.CheckViolation, "behavioral_test_results_error_message_check"),
        (
            {"status": "error", "error_message": "e" * 10001},
            errors.CheckViolation,
            "behavioral_test_results_error_message_length_check",
        ),
        (
            {"session_id": uuid4()},
            errors.ForeignKeyViolation,
            "behavioral_test_results_session_id_fkey",
        ),
    ],
)
async def test_behavioral_test_constraints(
    vdb: Database,
    owner_db: Database,
    overrides: dict[str, Any],
    error: type[errors.IntegrityError],
    constraint: str,
) -> None:
    async with vdb.transaction(user_id=ALICE) as conn:
        session = await make_session(conn)
    fields: dict[str, Any] = {
        "session_id": session.id,
        "scenario_name": "login",
        "status": "passed",
        "started_at": datetime(2026, 2, 1, tzinfo=UTC),
        "finished_at": datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC),
        "details": {},
        "error_message": None,
    }
    fields.update(overrides)
    target = owner_db if error is errors.ForeignKeyViolation else vdb
    with pytest.raises(error) as info:
        async with target.transaction(user_id=ALICE) as conn:
            await validation.create_behavioral_test_result(conn, **fields)
    assert info.value.constraint == constraint
    assert info.value.table == "behavioral_test_results"
