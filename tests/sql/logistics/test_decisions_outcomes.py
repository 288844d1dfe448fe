"""logistics decisions (immutable once committed, the audit query) and operational outcomes
(generated prediction errors, append-only, learning feedback per policy)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
from logistics_support import hours, make_decision, make_route, make_vehicle

from datalayer import Database, errors, logistics

D = Decimal


async def test_decision_lifecycle(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert await logistics.get_decision_by_id(conn, decision_id=uuid4()) is None
        draft = await make_decision(conn, total_cost_estimate=None, decision_confidence=None)
        assert not draft.committed and draft.committed_at is None and not draft.executed
        assert await logistics.update_decision_executed(conn, decision_id=draft.id) is None
        assert await logistics.delete_decision(conn, decision_id=draft.id) == 1
        assert await logistics.delete_decision(conn, decision_id=draft.id) == 0
        decision = await make_decision(conn)
        committed = await logistics.update_decision_committed(conn, decision_id=decision.id)
        assert committed is not None and committed.committed and committed.committed_at
        assert await logistics.update_decision_committed(conn, decision_id=decision.id) is None
        executed = await logistics.update_decision_executed(conn, decision_id=decision.id)
        assert executed is not None and executed.executed and executed.executed_at
        assert await logistics.update_decision_executed(conn, decision_id=decision.id) is None
        assert await logistics.get_decision_by_id(conn, decision_id=decision.id) == executed


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE logistics.decisions SET decision_confidence = 0.99 WHERE id = $1", "decisions_immutable_check"),
        ("UPDATE logistics.decisions SET state_snapshot = '{}' WHERE id = $1", "decisions_immutable_check"),
        ("UPDATE logistics.decisions SET committed = false, committed_at = NULL WHERE id = $1", "decisions_immutable_check"),
        ("DELETE FROM logistics.decisions WHERE id = $1", "decisions_immutable_check"),
    ],
)  # fmt: skip
async def test_a_committed_decision_is_immutable(
    ldb: Database, owner: Database, statement: str, constraint: str
) -> None:
    async with ldb.transaction() as conn:
        decision = await make_decision(conn)
        await logistics.update_decision_committed(conn, decision_id=decision.id)
    # the service may not even name the columns a decision's content lives in; the owner, who
    # may, is refused by the trigger
    writer = owner if "confidence" in statement or "snapshot" in statement else ldb
    if writer is owner:
        with pytest.raises(errors.PermissionDenied):
            async with ldb.transaction() as conn:
                await conn.execute(statement, decision.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with writer.transaction() as conn:
            await conn.execute(statement, decision.id)
    assert info.value.constraint == constraint
    assert (info.value.schema, info.value.table) == ("logistics", "decisions")
    assert decision.decision_code in str(info.value)


async def test_an_executed_decision_stays_executed(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        decision = await make_decision(conn)
        await logistics.update_decision_committed(conn, decision_id=decision.id)
        await logistics.update_decision_executed(conn, decision_id=decision.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await conn.execute(
                "UPDATE logistics.decisions SET executed_at = now() + interval '1 hour' WHERE id = $1",
                decision.id,
            )
    assert info.value.constraint == "decisions_immutable_check"


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"decision_code": " x"}, "decisions_decision_code_check"),
        ({"decision_type": "Route Planning"}, "decisions_decision_type_check"),
        ({"policy_used": "greedy"}, "decisions_policy_used_check"),
        ({"state_snapshot": ["orders"]}, "decisions_state_snapshot_check"),
        ({"total_cost_estimate": D("-1")}, "decisions_total_cost_estimate_check"),
        ({"decision_confidence": D("1.001")}, "decisions_decision_confidence_check"),
        ({"computation_time_ms": -1}, "decisions_computation_time_ms_check"),
    ],
)
async def test_decision_checks(ldb: Database, overrides: dict[str, Any], constraint: str) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_decision(conn, **overrides)
    assert info.value.constraint == constraint


async def test_decision_state_checks_and_unique_code(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        decision = await make_decision(conn, decision_code="DEC-ONE")
    for statement, constraint in [
        ("UPDATE logistics.decisions SET committed = true WHERE id = $1", "decisions_committed_at_check"),
        ("UPDATE logistics.decisions SET executed = true, executed_at = now() WHERE id = $1", "decisions_executed_check"),
        ("UPDATE logistics.decisions SET committed = true, committed_at = now(), executed = true WHERE id = $1", "decisions_executed_at_check"),
    ]:  # fmt: skip
        with pytest.raises(errors.CheckViolation) as info:
            async with ldb.transaction() as conn:
                await conn.execute(statement, decision.id)
        assert info.value.constraint == constraint
    with pytest.raises(errors.UniqueViolation) as dup:
        async with ldb.transaction() as conn:
            await make_decision(conn, decision_code="DEC-ONE")
    assert dup.value.constraint == "decisions_decision_code_key"


async def test_decision_audit(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert (
            await logistics.list_decision_audit(
                conn, policy_used=None, before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )
        van = await make_vehicle(conn)
        first = await make_decision(conn, policy_used="vfa")
    async with ldb.transaction() as conn:
        second = await make_decision(conn, policy_used="cfa", state_snapshot={"orders": ["A"]})
        await make_route(conn, van.id, decision_id=second.id)
        await logistics.update_decision_committed(conn, decision_id=second.id)
    async with ldb.transaction() as conn:
        rows = await logistics.list_decision_audit(
            conn, policy_used=None, before_created_at=None, before_id=None, max_rows=10
        )
        assert [r.id for r in rows] == [second.id, first.id]
        top = rows[0]
        assert (top.policy_used, top.state_snapshot, top.routes_created, top.orders_routed) == (
            "cfa", {"orders": ["A"]}, 1, 0,
        )  # fmt: skip
        assert top.committed and top.decision_confidence == D("0.850")
        page = await logistics.list_decision_audit(
            conn, policy_used=None, before_created_at=top.created_at, before_id=top.id, max_rows=10
        )
        assert [r.id for r in page] == [first.id]
        only = await logistics.list_decision_audit(
            conn, policy_used="vfa", before_created_at=None, before_id=None, max_rows=10
        )
        assert [r.id for r in only] == [first.id]
        assert (
            await logistics.list_decision_audit(
                conn, policy_used="dla", before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )


async def _outcome(conn: Any, route: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "outcome_code": f"OUT-{uuid4().hex[:8]}", "route_id": route.id,
        "actual_cost": D("8400"), "actual_duration_minutes": 250,
        "actual_distance_km": D("150.5"), "total_revenue": D("12000"),
        "on_time_deliveries": 3, "late_deliveries": 1, "failed_deliveries": 0,
        "additional_metrics": {"fuel_litres": 41.5},
    }  # fmt: skip
    fields.update(overrides)
    return await logistics.create_operational_outcome(conn, **fields)


async def test_outcome_prediction_errors_and_profit_are_generated(
    ldb: Database, owner: Database
) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
        decision = await make_decision(conn)
        route = await make_route(conn, van.id, decision_id=decision.id)
        assert await logistics.list_outcomes_by_route(conn, route_id=route.id) == []
        assert await _outcome(conn, SimpleNamespace(id=uuid4())) is None
        outcome = await _outcome(conn, route)
        assert outcome is not None and outcome.decision_id == decision.id
        # estimates copied from the route: 8000 KES, 240 min, 160 km
        assert (outcome.cost_prediction_error, outcome.duration_prediction_error) == (
            D("400.0000"), 10,
        )  # fmt: skip
        assert outcome.distance_prediction_error == D("-9.50")
        assert outcome.net_profit == D("3600.0000")
        assert await logistics.list_outcomes_by_route(conn, route_id=route.id) == [outcome]
    # the service may not change or remove an outcome at all; the owner is refused by the trigger
    for statement in (
        "UPDATE logistics.operational_outcomes SET actual_cost = 1 WHERE id = $1",
        "DELETE FROM logistics.operational_outcomes WHERE id = $1",
    ):
        with pytest.raises(errors.PermissionDenied):
            async with ldb.transaction() as conn:
                await conn.execute(statement, outcome.id)
        with pytest.raises(errors.RestrictViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(statement, outcome.id)
        assert info.value.constraint == "operational_outcomes_append_only"
    with pytest.raises(errors.ForeignKeyViolation) as route_fk:
        async with owner.transaction() as conn:
            await conn.execute("DELETE FROM logistics.routes WHERE id = $1", route.id)
    assert route_fk.value.constraint == "operational_outcomes_route_id_fkey"


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"outcome_code": "a b"}, "operational_outcomes_outcome_code_check"),
        ({"actual_cost": D("-1")}, "operational_outcomes_actuals_check"),
        ({"total_revenue": D("-0.01")}, "operational_outcomes_total_revenue_check"),
        ({"late_deliveries": -1}, "operational_outcomes_deliveries_check"),
        ({"additional_metrics": [1]}, "operational_outcomes_additional_metrics_check"),
    ],
)
async def test_outcome_checks(ldb: Database, overrides: dict[str, Any], constraint: str) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
        route = await make_route(conn, van.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await _outcome(conn, route, **overrides)
    assert info.value.constraint == constraint


async def test_outcome_keys(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
        mine, other = await make_decision(conn), await make_decision(conn)
        route = await make_route(conn, van.id, decision_id=mine.id)
        await _outcome(conn, route, outcome_code="OUT-1")
    with pytest.raises(errors.UniqueViolation) as dup:
        async with ldb.transaction() as conn:
            await _outcome(conn, route, outcome_code="OUT-1")
    assert dup.value.constraint == "operational_outcomes_outcome_code_key"
    insert = (
        "INSERT INTO logistics.operational_outcomes (outcome_code, route_id, decision_id, "
        "estimated_cost, estimated_duration_minutes, estimated_distance_km, actual_cost, "
        "actual_duration_minutes, actual_distance_km) VALUES ($1, $2, $3, {est}, 1, 1, 1, 1, 1)"
    )
    cases = [
        (("OUT-2", route.id, other.id), "0", errors.ForeignKeyViolation, "operational_outcomes_decision_id_fkey"),
        (("OUT-3", uuid4(), None), "0", errors.ForeignKeyViolation, "operational_outcomes_route_id_fkey"),
        (("OUT-4", route.id, mine.id), "-1", errors.CheckViolation, "operational_outcomes_estimates_check"),
    ]  # fmt: skip
    for args, est, error, constraint in cases:
        # the service records outcomes only through logistics.record_outcome (estimates and
        # decision from the route); the keys and checks stop the owner's direct inserts
        with pytest.raises(errors.PermissionDenied):
            async with ldb.transaction() as conn:
                await conn.execute(insert.format(est=est), *args)
        with pytest.raises(error) as info:
            async with owner.transaction() as conn:
                await conn.execute(insert.format(est=est), *args)
        assert info.value.constraint == constraint


async def test_learning_feedback_per_policy(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        now: datetime = await conn.fetchval("SELECT now()")
        window = {"recorded_from": now - hours(1), "recorded_until": now + hours(1)}
        assert await logistics.list_learning_feedback(conn, **window) == []
        van = await make_vehicle(conn)
        slot = 0

        async def route_for(policy: str | None) -> Any:
            nonlocal slot
            slot += 1
            decision = await make_decision(conn, policy_used=policy) if policy else None
            return await make_route(
                conn, van.id, decision_id=decision.id if decision else None,
                period_start=now + hours(10 * slot), period_end=now + hours(10 * slot + 6),
            )  # fmt: skip

        # cfa: cost errors +400 and -200; vfa: a single outcome; a hand-made route is left out
        await _outcome(conn, await route_for("cfa"), actual_cost=D("8400"))
        await _outcome(
            conn, await route_for("cfa"), actual_cost=D("7800"), actual_duration_minutes=230,
            actual_distance_km=D("160"), on_time_deliveries=1, late_deliveries=0,
        )  # fmt: skip
        await _outcome(
            conn,
            await route_for("vfa"),
            failed_deliveries=4,
            on_time_deliveries=0,
            late_deliveries=0,
        )
        await _outcome(conn, await route_for(None))
        rows = await logistics.list_learning_feedback(conn, **window)
        later = await logistics.list_learning_feedback(
            conn, recorded_from=now + hours(1), recorded_until=now + hours(2)
        )
    assert later == []
    assert [(r.policy_used, r.outcome_count) for r in rows] == [("cfa", 2), ("vfa", 1)]
    cfa, vfa = rows
    assert (cfa.mean_cost_error, cfa.mean_abs_cost_error) == (D("100.0000"), D("300.0000"))
    assert cfa.cost_error_stddev == D("424.2641")  # stddev_samp(400, -200)
    assert (cfa.mean_duration_error, cfa.mean_abs_duration_error) == (D("0.00"), D("10.00"))
    assert (cfa.mean_distance_error, cfa.mean_abs_distance_error) == (D("-4.75"), D("4.75"))
    assert cfa.mean_net_profit == D("3900.0000")  # (3600 + 4200) / 2
    assert cfa.on_time_rate == D("0.8000")  # 4 of 5 deliveries
    assert vfa.cost_error_stddev is None and vfa.on_time_rate == D("0")
