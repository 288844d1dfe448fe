"""logistics vehicles: constraints, nearest available vehicles against a haversine reference,
and fleet utilisation."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from logistics_support import (
    NAIROBI,
    T0,
    haversine_km,
    hours,
    make_customer,
    make_order,
    make_route,
    make_vehicle,
)

from datalayer import Database, errors, logistics

D = Decimal


async def test_vehicle_crud(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        vehicle = await make_vehicle(conn, current_latitude=None, current_longitude=None)
        assert vehicle.status == "available" and vehicle.current_latitude is None
        assert await logistics.get_vehicle_by_id(conn, vehicle_id=vehicle.id) == vehicle
        assert (
            await logistics.get_vehicle_by_code(conn, vehicle_code=vehicle.vehicle_code) == vehicle
        )
        assert await logistics.get_vehicle_by_code(conn, vehicle_code="NOPE") is None
        moved = await logistics.update_vehicle_location(
            conn, vehicle_id=vehicle.id, latitude=-4.0435, longitude=39.6682
        )
        assert moved is not None and (moved.current_latitude, moved.current_longitude) == (
            -4.0435, 39.6682,
        )  # fmt: skip
        busy = await logistics.update_vehicle_status(
            conn, vehicle_id=vehicle.id, status="maintenance", available_at=T0
        )
        assert busy is not None and busy.status == "maintenance" and busy.available_at == T0
        other = await make_vehicle(conn)
    async with owner.transaction() as conn:  # the service deletes no vehicle
        await conn.execute("DELETE FROM logistics.vehicles WHERE id = $1", other.id)
    async with ldb.transaction() as conn:
        assert await logistics.get_vehicle_by_id(conn, vehicle_id=other.id) is None
        assert (
            await logistics.update_vehicle_location(
                conn, vehicle_id=other.id, latitude=0.0, longitude=0.0
            )
            is None
        )
        assert (
            await logistics.update_vehicle_status(
                conn, vehicle_id=other.id, status="available", available_at=None
            )
            is None
        )


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"vehicle_code": ""}, "vehicles_vehicle_code_check", "vehicle_code"),
        ({"vehicle_type": " "}, "vehicles_vehicle_type_check", "vehicle_type"),
        ({"capacity_weight_tonnes": D("0")}, "vehicles_capacity_weight_tonnes_check", "capacity_weight_tonnes"),
        ({"capacity_volume_m3": D("-1")}, "vehicles_capacity_volume_m3_check", "capacity_volume_m3"),
        ({"current_latitude": 90.5}, "vehicles_current_latitude_check", "current_latitude"),
        ({"current_longitude": -180.1}, "vehicles_current_longitude_check", "current_longitude"),
        ({"current_longitude": None}, "vehicles_current_location_check", None),
        ({"fuel_cost_per_km": D("-0.01")}, "vehicles_fuel_cost_per_km_check", "fuel_cost_per_km"),
        ({"driver_cost_per_hour": D("-1")}, "vehicles_driver_cost_per_hour_check", "driver_cost_per_hour"),
    ],
)  # fmt: skip
async def test_vehicle_checks(
    ldb: Database, overrides: dict[str, Any], constraint: str, column: str | None
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_vehicle(conn, **overrides)
    assert info.value.constraint == constraint
    if column is not None:
        assert info.value.columns == (column,)
    assert info.value.table == "vehicles"


async def test_vehicle_status_set_and_unique_code(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        vehicle = await make_vehicle(conn, vehicle_code="KBZ-001")
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await logistics.update_vehicle_status(
                conn, vehicle_id=vehicle.id, status="parked", available_at=None
            )
    assert info.value.constraint == "vehicles_status_check"
    with pytest.raises(errors.UniqueViolation) as dup:
        async with ldb.transaction() as conn:
            await make_vehicle(conn, vehicle_code="KBZ-001")
    assert dup.value.constraint == "vehicles_vehicle_code_key"


async def test_nearest_available_vehicles_match_haversine(ldb: Database) -> None:
    rng = random.Random(20260302)
    fleet: dict[Any, tuple[float, float]] = {}
    async with ldb.transaction() as conn:
        for i in range(120):
            lat, lon = rng.uniform(-4.5, 4.5), rng.uniform(33.5, 41.5)
            v = await make_vehicle(
                conn, current_latitude=lat, current_longitude=lon,
                capacity_weight_tonnes=D(rng.choice(["3", "5", "10"])),
            )  # fmt: skip
            if i % 10 == 0:  # some are not available, or not yet, or have no position
                await logistics.update_vehicle_status(
                    conn, vehicle_id=v.id, status="maintenance", available_at=None
                )
            elif i % 10 == 1:
                await logistics.update_vehicle_status(
                    conn, vehicle_id=v.id, status="available", available_at=T0 + hours(48)
                )
            else:
                fleet[v.id] = (lat, lon)
        await make_vehicle(conn, current_latitude=None, current_longitude=None)
        big = {
            vid for vid, in await conn.fetch(
                "SELECT id FROM logistics.vehicles WHERE capacity_weight_tonnes >= 5"
            )
        }  # fmt: skip
        for _ in range(25):
            lat, lon = rng.uniform(-5, 5), rng.uniform(33, 42)
            got = await logistics.list_nearest_available_vehicles(
                conn, latitude=lat, longitude=lon, available_by=T0 + hours(24),
                min_weight_tonnes=D("5"), min_volume_m3=D("0"), max_rows=5,
            )  # fmt: skip
            reference = sorted(
                (haversine_km(lat, lon, *pos), vid) for vid, pos in fleet.items() if vid in big
            )[:5]
            assert [g.id for g in got] == [vid for _, vid in reference]
            for g, (km, _) in zip(got, reference, strict=True):
                assert g.distance_km == pytest.approx(km, rel=1e-9, abs=1e-6)
                assert g.capacity_weight_tonnes >= 5
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in await conn.fetch(
                "EXPLAIN SELECT id FROM logistics.vehicles WHERE status = 'available' "
                "ORDER BY logistics.earth_point(current_latitude, current_longitude) "
                "OPERATOR(public.<->) logistics.earth_point(0, 37) LIMIT 3"
            )
        )
        assert "vehicles_available_location_idx" in plan


async def test_nearest_available_vehicles_empty(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert (
            await logistics.list_nearest_available_vehicles(
                conn,
                latitude=NAIROBI[0],
                longitude=NAIROBI[1],
                available_by=T0,
                min_weight_tonnes=D("0"),
                min_volume_m3=D("0"),
                max_rows=3,
            )
            == []
        )
        await make_vehicle(conn, capacity_weight_tonnes=D("3"))
        assert (
            await logistics.list_nearest_available_vehicles(
                conn,
                latitude=NAIROBI[0],
                longitude=NAIROBI[1],
                available_by=T0,
                min_weight_tonnes=D("3.001"),
                min_volume_m3=D("0"),
                max_rows=3,
            )
            == []
        )


async def test_vehicle_utilisation(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert (
            await logistics.list_vehicle_utilisation(
                conn, period_start=T0, period_end=T0 + hours(24)
            )
            == []
        )
        customer = await make_customer(conn)
        busy = await make_vehicle(conn, vehicle_code="BUSY", capacity_weight_tonnes=D("4"))
        await make_vehicle(conn, vehicle_code="IDLE")
        # two routes of 6 h and 4 h in a 20 h period; the cancelled one does not count
        first = await make_route(conn, busy.id, period_start=T0, period_end=T0 + hours(6))
        await make_route(conn, busy.id, period_start=T0 + hours(16), period_end=T0 + hours(20))
        cancelled = await make_route(
            conn, busy.id, period_start=T0 + hours(8), period_end=T0 + hours(10)
        )
        await logistics.update_route_cancelled(conn, route_id=cancelled.id)
        orders = [
            await make_order(conn, customer.id, weight_tonnes=D("1.5"), volume_m3=D("5"))
            for _ in range(2)
        ]
        await logistics.update_orders_route(
            conn, route_id=first.id, order_ids=[o.id for o in orders]
        )
        rows = await logistics.list_vehicle_utilisation(
            conn, period_start=T0, period_end=T0 + hours(20)
        )
    assert [r.vehicle_code for r in rows] == ["BUSY", "IDLE"]
    b, i = rows
    assert (b.route_count, b.busy_minutes) == (2, 600)
    assert b.time_utilisation == D("0.5000")
    assert b.weight_utilisation == D("0.3750")  # (3/4 + 0/4) / 2
    assert b.volume_utilisation == D("0.2500")  # (10/20 + 0) / 2
    async with ldb.transaction() as conn:
        empty_period = await logistics.list_vehicle_utilisation(
            conn, period_start=T0, period_end=T0
        )
    assert [(r.route_count, r.time_utilisation) for r in empty_period] == [(0, 0), (0, 0)]
    assert (i.route_count, i.busy_minutes, i.time_utilisation, i.weight_utilisation) == (
        0, 0, D("0"), D("0"),
    )  # fmt: skip
