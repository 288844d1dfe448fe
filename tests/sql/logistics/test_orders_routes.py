"""logistics orders, routes and stops: time windows, assignment (status and capacity), the
vehicle overlap exclusion, stop sequences, route plans and estimated vs actual."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from logistics_support import (
    T0,
    hours,
    make_customer,
    make_decision,
    make_order,
    make_route,
    make_vehicle,
)

from datalayer import Database, errors, logistics

D = Decimal


async def _fleet(ldb: Database, **vehicle: Any) -> tuple[Any, Any, Any]:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
        van = await make_vehicle(conn, **vehicle)
        route = await make_route(conn, van.id)
    return customer, van, route


async def test_order_crud_and_pending_by_city_and_window(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
        empty = await logistics.list_pending_orders(
            conn, destination_city="Nakuru", window_start=T0, window_end=T0 + hours(24),
            after_window_start=None, after_id=None, max_rows=10,
        )  # fmt: skip
        assert empty == []
        early = await make_order(
            conn, customer.id, window_start=T0, window_end=T0 + hours(4),
            special_handling=["fragile", "refrigerated"], priority=3,
        )  # fmt: skip
        late = await make_order(
            conn, customer.id, window_start=T0 + hours(10), window_end=T0 + hours(12)
        )
        await make_order(conn, customer.id, destination_city="Mombasa")
        await make_order(conn, customer.id, window_start=T0 + hours(30), window_end=T0 + hours(31))
        assert early.status == "pending" and early.assigned_route_id is None
        assert (early.window_start, early.window_end) == (T0, T0 + hours(4))
        assert early.special_handling == ["fragile", "refrigerated"]
        assert await logistics.get_order_by_id(conn, order_id=early.id) == early
        assert await logistics.get_order_by_id(conn, order_id=uuid4()) is None
        assert await logistics.get_order_by_code(conn, order_code=early.order_code) == early
        assert await logistics.get_order_by_code(conn, order_code="ORD-NONE") is None

        async def page(after: Any = None, rows: int = 10) -> list[Any]:
            return await logistics.list_pending_orders(
                conn, destination_city="Nakuru", window_start=T0 + hours(2),
                window_end=T0 + hours(24), after_window_start=after.window_start if after else None,
                after_id=after.id if after else None, max_rows=rows,
            )  # fmt: skip

        assert [o.id for o in await page()] == [early.id, late.id]
        first = await page(rows=1)
        assert [o.id for o in first] == [early.id]
        assert [o.id for o in await page(first[0])] == [late.id]
        cancelled = await logistics.update_order_status(conn, order_id=late.id, status="cancelled")
        assert cancelled is not None and cancelled.status == "cancelled"
        assert [o.id for o in await page()] == [early.id]
        assert await logistics.update_order_status(conn, order_id=uuid4(), status="failed") is None


def _window(start: float, end: float) -> dict[str, datetime]:
    return {"window_start": T0 + hours(start), "window_end": T0 + hours(end)}


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"order_code": "bad code"}, "orders_order_code_check", "order_code"),
        ({"pickup_latitude": -91.0}, "orders_pickup_latitude_check", "pickup_latitude"),
        ({"pickup_longitude": 181.0}, "orders_pickup_longitude_check", "pickup_longitude"),
        ({"destination_city": ""}, "orders_destination_city_check", "destination_city"),
        ({"destination_latitude": 95.0}, "orders_destination_latitude_check", "destination_latitude"),
        ({"destination_longitude": -200.0}, "orders_destination_longitude_check", "destination_longitude"),
        ({"destination_latitude": None}, "orders_destination_location_check", None),
        ({"weight_tonnes": D("0")}, "orders_weight_tonnes_check", "weight_tonnes"),
        ({"volume_m3": D("-2")}, "orders_volume_m3_check", "volume_m3"),
        (_window(2, 2), "orders_time_window_check", "time_window"),
        ({"priority": 11}, "orders_priority_check", "priority"),
        ({"special_handling": ["fragile", None]}, "orders_special_handling_check", "special_handling"),
        ({"price_kes": D("-1")}, "orders_price_kes_check", "price_kes"),
    ],
)  # fmt: skip
async def test_order_checks(
    ldb: Database, overrides: dict[str, Any], constraint: str, column: str | None
) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_order(conn, customer.id, **overrides)
    assert info.value.constraint == constraint
    if column is not None:
        assert info.value.columns == (column,)
    assert (info.value.schema, info.value.table) == ("logistics", "orders")


async def test_a_window_ending_before_it_starts_is_refused(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
    with pytest.raises(errors.DataError, match="lower bound"):
        async with ldb.transaction() as conn:
            await make_order(conn, customer.id, **_window(5, 1))


async def test_order_keys_status_and_route_rules(ldb: Database, owner: Database) -> None:
    customer, _, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        order = await make_order(conn, customer.id, order_code="ORD-DUP")
    with pytest.raises(errors.UniqueViolation) as dup:
        async with ldb.transaction() as conn:
            await make_order(conn, customer.id, order_code="ORD-DUP")
    assert dup.value.constraint == "orders_order_code_key"
    with pytest.raises(errors.ForeignKeyViolation) as fk:
        async with ldb.transaction() as conn:
            await make_order(conn, uuid4())
    assert fk.value.constraint == "orders_customer_id_fkey"
    with pytest.raises(errors.CheckViolation) as status:
        async with ldb.transaction() as conn:
            await logistics.update_order_status(conn, order_id=order.id, status="lost")
    assert status.value.constraint == "orders_status_check"
    with pytest.raises(errors.CheckViolation) as unrouted:
        async with ldb.transaction() as conn:
            await logistics.update_order_status(conn, order_id=order.id, status="in_transit")
    assert unrouted.value.constraint == "orders_assigned_route_id_check"
    with pytest.raises(errors.ForeignKeyViolation) as no_route:
        async with ldb.transaction() as conn:
            await conn.execute(
                "UPDATE logistics.orders SET assigned_route_id = $1, status = 'assigned' WHERE id = $2",
                uuid4(),
                order.id,
            )
    assert no_route.value.constraint == "orders_assigned_route_id_fkey"
    # the service deletes no customer or route; the foreign keys stop the owner too
    with pytest.raises(errors.PermissionDenied):
        async with ldb.transaction() as conn:
            await conn.execute("DELETE FROM logistics.customers WHERE id = $1", customer.id)
    with pytest.raises(errors.ForeignKeyViolation) as customer_fk:
        async with owner.transaction() as conn:
            await conn.execute("DELETE FROM logistics.customers WHERE id = $1", customer.id)
    assert customer_fk.value.constraint == "orders_customer_id_fkey"
    async with ldb.transaction() as conn:
        await logistics.update_orders_route(conn, route_id=route.id, order_ids=[order.id])
    with pytest.raises(errors.ForeignKeyViolation) as route_fk:
        async with owner.transaction() as conn:
            await conn.execute("DELETE FROM logistics.routes WHERE id = $1", route.id)
    assert route_fk.value.constraint == "orders_assigned_route_id_fkey"


async def test_assign_orders_to_a_route(ldb: Database) -> None:
    customer, _, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        orders = [await make_order(conn, customer.id) for _ in range(3)]
        assert await logistics.update_orders_route(conn, route_id=route.id, order_ids=[]) == []
    async with ldb.transaction(actor="dispatcher:1") as conn:
        assigned = await logistics.update_orders_route(
            conn, route_id=route.id, order_ids=[o.id for o in orders[:2]]
        )
    assert sorted(o.id for o in assigned) == sorted(o.id for o in orders[:2])
    assert all(o.status == "assigned" and o.assigned_route_id == route.id for o in assigned)
    async with ldb.transaction() as conn:
        audited = await conn.fetchval(
            "SELECT count(*) FROM logistics.audit_log WHERE table_name = 'orders' "
            "AND operation = 'UPDATE' AND actor = 'dispatcher:1'"
        )
        assert audited == 2
        back = await logistics.update_order_unassigned(conn, order_id=orders[0].id)
        assert back is not None and back.status == "pending" and back.assigned_route_id is None
        assert await logistics.update_order_unassigned(conn, order_id=orders[0].id) is None


async def test_assignment_refusals_change_nothing(ldb: Database) -> None:
    customer, van, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        a, b = [await make_order(conn, customer.id) for _ in range(2)]
        await logistics.update_orders_route(conn, route_id=route.id, order_ids=[a.id])
        other = await make_route(conn, van.id, period_start=T0 + hours(7), period_end=T0 + hours(9))
    with pytest.raises(errors.OrderNotPending) as taken:
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=other.id, order_ids=[b.id, a.id])
    assert taken.value.sqlstate == "DL401" and a.order_code in str(taken.value)
    assert taken.value.column == "status"
    with pytest.raises(errors.NotFound):
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=other.id, order_ids=[b.id, uuid4()])
    with pytest.raises(errors.NotFound):
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=uuid4(), order_ids=[b.id])
    async with ldb.transaction() as conn:
        started = await logistics.update_route_started(conn, route_id=other.id)
        assert started is not None and started.status == "in_progress"
    with pytest.raises(errors.RouteNotPlanned) as closed:
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=other.id, order_ids=[b.id])
    assert closed.value.sqlstate == "DL402" and "in_progress" in str(closed.value)
    async with ldb.transaction() as conn:
        still = await logistics.get_order_by_id(conn, order_id=b.id)
    assert still is not None and still.status == "pending" and still.assigned_route_id is None


async def test_over_capacity_assignment_is_refused(ldb: Database, owner: Database) -> None:
    customer, van, route = await _fleet(
        ldb, capacity_weight_tonnes=D("5"), capacity_volume_m3=D("20")
    )
    async with ldb.transaction() as conn:
        heavy = [
            await make_order(conn, customer.id, weight_tonnes=D("2"), volume_m3=D("1"))
            for _ in range(3)
        ]
        bulky = await make_order(conn, customer.id, weight_tonnes=D("0.5"), volume_m3=D("19.5"))
        await logistics.update_orders_route(
            conn, route_id=route.id, order_ids=[o.id for o in heavy[:2]]
        )
    with pytest.raises(errors.CheckViolation) as weight:
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=route.id, order_ids=[heavy[2].id])
    assert weight.value.constraint == "routes_capacity_check"
    assert (weight.value.schema, weight.value.table) == ("logistics", "routes")
    assert "6.000 t" in str(weight.value) and van.vehicle_code in str(weight.value)
    with pytest.raises(errors.CheckViolation) as volume:
        async with ldb.transaction() as conn:
            await logistics.update_orders_route(conn, route_id=route.id, order_ids=[bulky.id])
    assert volume.value.constraint == "routes_capacity_check"
    async with ldb.transaction() as conn:
        # a load that fits exactly is accepted
        fits = await make_order(conn, customer.id, weight_tonnes=D("1"), volume_m3=D("18"))
        assert (
            len(await logistics.update_orders_route(conn, route_id=route.id, order_ids=[fits.id]))
            == 1
        )
    for statement, args in [
        # an order on the route grows
        ("UPDATE logistics.orders SET weight_tonnes = 3 WHERE id = $1", (heavy[0].id,)),
        # the vehicle shrinks
        ("UPDATE logistics.vehicles SET capacity_volume_m3 = 19 WHERE id = $1", (van.id,)),
    ]:
        # the service cannot change loads or capacities once set; the owner can, within capacity
        with pytest.raises(errors.PermissionDenied):
            async with ldb.transaction() as conn:
                await conn.execute(statement, *args)
        with pytest.raises(errors.CheckViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(statement, *args)
        assert info.value.constraint == "routes_capacity_check"
    async with ldb.transaction() as conn:
        small = await make_vehicle(conn, capacity_weight_tonnes=D("1"))
    with pytest.raises(errors.CheckViolation) as swap:
        async with owner.transaction() as conn:
            # the route moves to a smaller vehicle
            await conn.execute(
                "UPDATE logistics.routes SET vehicle_id = $1 WHERE id = $2", small.id, route.id
            )
    assert swap.value.constraint == "routes_capacity_check"


async def test_overlapping_routes_of_one_vehicle_are_refused(ldb: Database) -> None:
    _, van, route = await _fleet(ldb)  # T0 .. T0 + 6 h
    with pytest.raises(errors.ExclusionViolation) as info:
        async with ldb.transaction() as conn:
            await make_route(conn, van.id, period_start=T0 + hours(5), period_end=T0 + hours(9))
    assert info.value.constraint == "routes_vehicle_id_period_excl"
    assert "already has a planned or in-progress route" in str(info.value)
    async with ldb.transaction() as conn:
        # back to back is fine ([) ranges), and so is another vehicle, or after a cancellation
        await make_route(conn, van.id, period_start=T0 + hours(6), period_end=T0 + hours(9))
        other = await make_vehicle(conn)
        await make_route(conn, other.id, period_start=T0, period_end=T0 + hours(6))
        cancelled = await logistics.update_route_cancelled(conn, route_id=route.id)
        assert cancelled is not None and cancelled.status == "cancelled"
        assert await logistics.update_route_cancelled(conn, route_id=route.id) is None
        again = await make_route(conn, van.id, period_start=T0 + hours(1), period_end=T0 + hours(2))
        assert again.status == "planned"


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"route_code": "!"}, "routes_route_code_check"),
        ({"period_start": T0, "period_end": T0}, "routes_period_check"),
        ({"total_distance_km": D("-1")}, "routes_estimates_check"),
        ({"estimated_cost_kes": D("-1")}, "routes_estimates_check"),
    ],
)
async def test_route_checks(ldb: Database, overrides: dict[str, Any], constraint: str) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_route(conn, van.id, **overrides)
    assert info.value.constraint == constraint


async def test_route_keys_and_state_checks(ldb: Database, owner: Database) -> None:
    _, van, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        await logistics.update_route_started(conn, route_id=route.id)
    cases = [
        ("UPDATE logistics.routes SET status = 'paused' WHERE id = $1", "routes_status_check", errors.CheckViolation),
        ("UPDATE logistics.routes SET actual_cost_kes = -1 WHERE id = $1", "routes_actuals_check", errors.CheckViolation),
        ("UPDATE logistics.routes SET started_at = NULL WHERE id = $1", "routes_started_at_check", errors.CheckViolation),
        ("UPDATE logistics.routes SET completed_at = now() WHERE id = $1", "routes_completed_at_check", errors.CheckViolation),
        ("UPDATE logistics.routes SET status = 'completed', completed_at = now() WHERE id = $1", "routes_completed_actuals_check", errors.CheckViolation),
        ("UPDATE logistics.routes SET decision_id = gen_random_uuid() WHERE id = $1", "routes_decision_id_fkey", errors.ForeignKeyViolation),
        ("UPDATE logistics.routes SET vehicle_id = gen_random_uuid() WHERE id = $1", "routes_vehicle_id_fkey", errors.ForeignKeyViolation),
    ]  # fmt: skip
    for statement, constraint, error in cases:
        # a route keeps its vehicle and decision for the service; the owner meets the keys
        writer = owner if "_id = gen_random_uuid()" in statement else ldb
        with pytest.raises(error) as info:
            async with writer.transaction() as conn:
                await conn.execute(statement, route.id)
        assert info.value.constraint == constraint, statement
    with pytest.raises(errors.UniqueViolation) as dup:
        async with ldb.transaction() as conn:
            await make_route(
                conn, van.id, route_code=route.route_code,
                period_start=T0 + hours(10), period_end=T0 + hours(11),
            )  # fmt: skip
    assert dup.value.constraint == "routes_route_code_key"
    with pytest.raises(errors.ForeignKeyViolation) as vehicle_fk:
        async with owner.transaction() as conn:
            await conn.execute("DELETE FROM logistics.vehicles WHERE id = $1", van.id)
    assert vehicle_fk.value.constraint == "routes_vehicle_id_fkey"


async def test_route_lifecycle_plan_and_performance(ldb: Database) -> None:
    customer, van, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        assert await logistics.get_route_by_id(conn, route_id=uuid4()) is None
        assert await logistics.list_route_plan(conn, route_id=route.id) == []
        assert await logistics.update_route_completed(
            conn, route_id=route.id, actual_distance_km=D("1"), actual_duration_minutes=1,
            actual_cost_kes=D("1"),
        ) is None  # fmt: skip
        a = await make_order(conn, customer.id, pickup_address="Godown 4")
        b = await make_order(conn, customer.id)
        await logistics.update_orders_route(conn, route_id=route.id, order_ids=[a.id, b.id])
        stops = [
            await logistics.create_route_stop(
                conn,
                route_id=route.id,
                order_ids=[order_id] if order_id else [],
                stop_type=kind,
                sequence_order=seq,
                latitude=-1.2864,
                longitude=36.8172,
                address=None,
                estimated_arrival_at=T0 + hours(seq),
                estimated_departure_at=T0 + hours(seq + 0.25),
            )
            for seq, kind, order_id in [
                (3, "delivery", a.id),
                (1, "pickup", a.id),
                (2, "pickup", b.id),
                (4, "delivery", b.id),
                (5, "depot", None),
            ]
        ]
        plan = await logistics.list_route_plan(conn, route_id=route.id)
        assert [(p.sequence_order, p.stop_type, p.order_code) for p in plan] == [
            (1, "pickup", a.order_code), (2, "pickup", b.order_code),
            (3, "delivery", a.order_code), (4, "delivery", b.order_code), (5, "depot", None),
        ]  # fmt: skip
        assert plan[0].customer_name == customer.customer_name and plan[0].window_start == T0
        assert plan[4].weight_tonnes is None and plan[4].customer_name is None
        arrived = await logistics.update_route_stop_actuals(
            conn, stop_id=stops[1].id, actual_arrival_at=T0 + hours(1), actual_departure_at=None
        )
        assert arrived is not None and arrived.actual_arrival_at == T0 + hours(1)
        assert (
            await logistics.update_route_stop_actuals(
                conn, stop_id=uuid4(), actual_arrival_at=T0, actual_departure_at=None
            )
            is None
        )
        started = await logistics.update_route_started(conn, route_id=route.id)
        assert started is not None and started.started_at is not None
        assert await logistics.update_route_started(conn, route_id=route.id) is None
        done = await logistics.update_route_completed(
            conn, route_id=route.id, actual_distance_km=D("171.5"), actual_duration_minutes=275,
            actual_cost_kes=D("8650"),
        )  # fmt: skip
        assert done is not None and done.status == "completed" and done.completed_at is not None
        assert await logistics.get_route_by_id(conn, route_id=route.id) == done
        since = done.completed_at - hours(1)
        assert (
            await logistics.list_route_performance(
                conn, completed_from=since - hours(5), completed_until=since
            )
            == []
        )
        [perf] = await logistics.list_route_performance(
            conn, completed_from=since, completed_until=since + hours(2)
        )
    assert (perf.route_code, perf.vehicle_code, perf.order_count) == (
        route.route_code, van.vehicle_code, 2,
    )  # fmt: skip
    assert (perf.distance_error_km, perf.duration_error_minutes, perf.cost_error_kes) == (
        D("11.50"), 35, D("650.0000"),
    )  # fmt: skip


async def test_stop_rules(ldb: Database, owner: Database) -> None:
    customer, van, route = await _fleet(ldb)
    async with ldb.transaction() as conn:
        on_route = await make_order(conn, customer.id)
        elsewhere = await make_order(conn, customer.id)
        await logistics.update_orders_route(conn, route_id=route.id, order_ids=[on_route.id])
        await logistics.create_route_stop(
            conn, route_id=route.id, order_ids=[on_route.id], stop_type="pickup", sequence_order=1,
            latitude=0.0, longitude=36.0, address=None, estimated_arrival_at=None,
            estimated_departure_at=None,
        )  # fmt: skip

    async def stop(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "route_id": route.id, "order_ids": [on_route.id], "stop_type": "delivery",
            "sequence_order": 2, "latitude": 0.0, "longitude": 36.0, "address": None,
            "estimated_arrival_at": None, "estimated_departure_at": None,
        }  # fmt: skip
        fields.update(overrides)
        async with ldb.transaction() as conn:
            return await logistics.create_route_stop(conn, **fields)

    cases: list[tuple[dict[str, Any], type[errors.IntegrityError], str]] = [
        ({"sequence_order": 1}, errors.UniqueViolation, "route_stops_route_id_sequence_order_key"),
        ({"order_ids": [elsewhere.id]}, errors.ForeignKeyViolation, "route_stop_orders_order_id_fkey"),
        ({"order_ids": [on_route.id, on_route.id]}, errors.UniqueViolation, "route_stop_orders_pkey"),
        ({"route_id": uuid4(), "order_ids": [], "stop_type": "depot"}, errors.ForeignKeyViolation, "route_stops_route_id_fkey"),
        ({"stop_type": "fuel"}, errors.CheckViolation, "route_stops_stop_type_check"),
        ({"stop_type": "depot"}, errors.CheckViolation, "route_stop_orders_stop_type_check"),
        ({"order_ids": []}, errors.CheckViolation, "route_stops_orders_check"),
        ({"sequence_order": 0}, errors.CheckViolation, "route_stops_sequence_order_check"),
        ({"latitude": 90.01}, errors.CheckViolation, "route_stops_latitude_check"),
        ({"longitude": 180.01}, errors.CheckViolation, "route_stops_longitude_check"),
        ({"estimated_arrival_at": T0 + hours(2), "estimated_departure_at": T0 + hours(1)}, errors.CheckViolation, "route_stops_estimated_times_check"),
    ]  # fmt: skip
    for overrides, error, constraint in cases:
        with pytest.raises(error) as info:
            await stop(**overrides)
        assert info.value.constraint == constraint, overrides
    saved = await stop()
    with pytest.raises(errors.CheckViolation) as actual:
        async with ldb.transaction() as conn:
            await logistics.update_route_stop_actuals(
                conn, stop_id=saved.id, actual_arrival_at=T0 + hours(3),
                actual_departure_at=T0 + hours(2),
            )  # fmt: skip
    assert actual.value.constraint == "route_stops_actual_times_check"
    # an order cannot leave a route while it has stops there
    with pytest.raises(errors.ForeignKeyViolation) as leaving:
        async with ldb.transaction() as conn:
            await logistics.update_order_unassigned(conn, order_id=on_route.id)
    assert leaving.value.constraint == "route_stop_orders_order_id_fkey"
    # stops go with their route
    async with ldb.transaction() as conn:
        spare = await make_route(
            conn, van.id, period_start=T0 + hours(20), period_end=T0 + hours(21)
        )
        await logistics.create_route_stop(
            conn, route_id=spare.id, order_ids=[], stop_type="depot", sequence_order=1,
            latitude=0.0, longitude=36.0, address="Depot", estimated_arrival_at=None,
            estimated_departure_at=None,
        )  # fmt: skip
    async with owner.transaction() as conn:  # the service deletes no route
        await conn.execute("DELETE FROM logistics.routes WHERE id = $1", spare.id)
        left = await conn.fetchval(
            "SELECT count(*) FROM logistics.route_stops WHERE route_id = $1", spare.id
        )
    assert left == 0


async def test_routes_link_to_their_decision(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
        decision = await make_decision(conn)
        route = await make_route(conn, van.id, decision_id=decision.id)
        assert route.decision_id == decision.id
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with ldb.transaction() as conn:
            await logistics.delete_decision(conn, decision_id=decision.id)
    assert info.value.constraint == "routes_decision_id_fkey"


async def test_concurrent_assignments_cannot_overload_a_route(ldb: Database) -> None:
    customer, _, route = await _fleet(ldb, capacity_weight_tonnes=D("3"))
    async with ldb.transaction() as conn:
        a = await make_order(conn, customer.id, weight_tonnes=D("2"))
        b = await make_order(conn, customer.id, weight_tonnes=D("2"))
    entered = asyncio.Event()

    async def assign(order: Any, hold: bool) -> str:
        try:
            async with ldb.transaction() as conn:
                await logistics.update_orders_route(conn, route_id=route.id, order_ids=[order.id])
                if hold:  # keep the route locked until the other transaction is waiting
                    entered.set()
                    await asyncio.sleep(0.3)
            return "ok"
        except errors.CheckViolation as exc:
            return exc.constraint or "?"

    async def second() -> str:
        await entered.wait()
        return await assign(b, False)

    results = await asyncio.gather(assign(a, True), second())
    assert results == ["ok", "routes_capacity_check"]
    async with ldb.transaction() as conn:
        on_route = await conn.fetchval(
            "SELECT sum(weight_tonnes) FROM logistics.orders WHERE assigned_route_id = $1", route.id
        )
    assert on_route == D("2")
