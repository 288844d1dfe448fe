"""Senga's read paths (orders by customer and by route, routes by vehicle, a route's destination
cities; time filters and keyset pages), the closed set of destination cities, and stops that
serve several orders (route_stop_orders)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from logistics_support import (
    T0,
    hours,
    make_customer,
    make_order,
    make_route,
    make_vehicle,
)

from datalayer import Database, errors, logistics

NO_PAGE: dict[str, Any] = {"before_created_at": None, "before_id": None}


async def test_orders_by_customer_newest_first_in_pages(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
        other = await make_customer(conn)
        orders = [await make_order(conn, customer.id) for _ in range(4)]
        await make_order(conn, other.id)
    # created_at is the transaction's time: spread them out (the service may not write it)
    async with owner.transaction() as conn:
        for i, order in enumerate(orders):
            await conn.execute(
                "UPDATE logistics.orders SET created_at = $2 WHERE id = $1", order.id, T0 + hours(i)
            )
    async with ldb.transaction() as conn:
        found = await logistics.list_orders_by_customer(
            conn, customer_id=customer.id, created_from=None, created_to=None, **NO_PAGE,
            max_rows=10,
        )  # fmt: skip
        assert [o.id for o in found] == [o.id for o in reversed(orders)]
        first = await logistics.list_orders_by_customer(
            conn, customer_id=customer.id, created_from=None, created_to=None, **NO_PAGE,
            max_rows=3,
        )  # fmt: skip
        rest = await logistics.list_orders_by_customer(
            conn, customer_id=customer.id, created_from=None, created_to=None,
            before_created_at=first[-1].created_at, before_id=first[-1].id, max_rows=3,
        )  # fmt: skip
        assert [o.id for o in first + rest] == [o.id for o in found]
        window = await logistics.list_orders_by_customer(
            conn, customer_id=customer.id, created_from=T0 + hours(1), created_to=T0 + hours(3),
            **NO_PAGE, max_rows=10,
        )  # fmt: skip
        assert [o.id for o in window] == [orders[2].id, orders[1].id]
        nobody = await logistics.list_orders_by_customer(
            conn, customer_id=uuid4(), created_from=None, created_to=None, **NO_PAGE, max_rows=10
        )
        assert nobody == []


async def test_orders_by_route_and_destination_cities(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
        van = await make_vehicle(conn, capacity_weight_tonnes=50, capacity_volume_m3=200)
        route = await make_route(conn, van.id)
        empty_route = await make_route(
            conn, van.id, period_start=T0 + hours(40), period_end=T0 + hours(41)
        )
        late = await make_order(
            conn, customer.id, window_start=T0 + hours(6), window_end=T0 + hours(9),
            destination_city="Eldoret",
        )  # fmt: skip
        early = await make_order(
            conn, customer.id, window_start=T0 - hours(1), window_end=T0 + hours(2)
        )
        middle = await make_order(
            conn, customer.id, window_start=T0 + hours(3), window_end=T0 + hours(5),
            destination_city="Eldoret",
        )  # fmt: skip
        dropped = await make_order(conn, customer.id, destination_city="Kisumu")
        await make_order(conn, customer.id)  # on no route
        await logistics.update_orders_route(
            conn, route_id=route.id, order_ids=[late.id, early.id, middle.id, dropped.id]
        )
        await logistics.update_order_status(conn, order_id=dropped.id, status="cancelled")

        async def by_route(**kw: Any) -> list[Any]:
            fields: dict[str, Any] = {
                "route_id": route.id, "window_from": None, "window_to": None,
                "after_window_start": None, "after_id": None, "max_rows": 10,
            }  # fmt: skip
            fields.update(kw)
            return [o.id for o in await logistics.list_orders_by_route(conn, **fields)]

        assert await by_route() == [early.id, dropped.id, middle.id, late.id]
        # windows overlapping [4h, 7h): dropped (0-8h), middle (3-5h) and late (6-9h)
        assert await by_route(window_from=T0 + hours(4), window_to=T0 + hours(7)) == [
            dropped.id,
            middle.id,
            late.id,
        ]
        assert await by_route(window_from=T0 + hours(9)) == []
        page = await logistics.list_orders_by_route(
            conn, route_id=route.id, window_from=None, window_to=None, after_window_start=None,
            after_id=None, max_rows=2,
        )  # fmt: skip
        assert await by_route(after_window_start=page[-1].window_start, after_id=page[-1].id) == [
            middle.id,
            late.id,
        ]
        assert await by_route(route_id=empty_route.id) == []

        cities = await logistics.list_route_destination_cities(conn, route_id=route.id)
        # the cancelled order's Kisumu is not a destination of the route
        assert [(c.destination_city, c.order_count, c.weight_tonnes) for c in cities] == [
            ("Eldoret", 2, 2),
            ("Nakuru", 1, 1),
        ]
        assert await logistics.list_route_destination_cities(conn, route_id=empty_route.id) == []


async def test_routes_by_vehicle_in_time_order(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        van = await make_vehicle(conn)
        other = await make_vehicle(conn)
        routes = [
            await make_route(conn, van.id, period_start=T0 + hours(10 * i), period_end=T0 + hours(10 * i + 4))
            for i in range(4)
        ]  # fmt: skip
        await make_route(conn, other.id)

        async def by_vehicle(**kw: Any) -> list[Any]:
            fields: dict[str, Any] = {
                "vehicle_id": van.id, "period_from": None, "period_to": None,
                "after_period_start": None, "after_id": None, "max_rows": 10,
            }  # fmt: skip
            fields.update(kw)
            return [r.id for r in await logistics.list_routes_by_vehicle(conn, **fields)]

        assert await by_vehicle() == [r.id for r in routes]
        # periods overlapping [12h, 21h): [10h, 14h) and [20h, 24h)
        assert await by_vehicle(period_from=T0 + hours(12), period_to=T0 + hours(21)) == [
            routes[1].id,
            routes[2].id,
        ]
        # [4h, 10h) touches neither [0h, 4h) nor [10h, 14h)
        assert await by_vehicle(period_from=T0 + hours(4), period_to=T0 + hours(10)) == []
        first = await logistics.list_routes_by_vehicle(
            conn, vehicle_id=van.id, period_from=None, period_to=None, after_period_start=None,
            after_id=None, max_rows=3,
        )  # fmt: skip
        assert await by_vehicle(
            after_period_start=first[-1].period_start, after_id=first[-1].id
        ) == [routes[3].id]
        assert await by_vehicle(vehicle_id=uuid4()) == []


async def test_destination_city_is_a_closed_set(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        cities = [c.name for c in await logistics.list_destination_cities(conn)]
        assert {"Nairobi", "Nakuru", "Eldoret", "Mombasa"} <= set(cities)
        assert cities == sorted(cities)
        customer = await make_customer(conn)
    for city in ("Atlantis", "nakuru", " Nakuru"):
        with pytest.raises(errors.ForeignKeyViolation) as info:
            async with ldb.transaction() as conn:
                await make_order(conn, customer.id, destination_city=city)
        assert info.value.constraint == "orders_destination_city_fkey"
        assert info.value.columns == ("destination_city",)
        assert "one of logistics.destination_cities" in str(info.value)
        assert city.strip() not in str(info.value).replace("logistics", "")
    # the service may not change the set
    with pytest.raises(errors.PermissionDenied):
        async with ldb.transaction() as conn:
            await conn.execute(
                "INSERT INTO logistics.destination_cities (name) VALUES ('Atlantis')"
            )
    # the owner adds a city, and renames one: its orders follow; a city with orders stays
    async with owner.transaction() as conn:
        await conn.execute("INSERT INTO logistics.destination_cities (name) VALUES ('Atlantis')")
    async with ldb.transaction() as conn:
        order = await make_order(conn, customer.id, destination_city="Atlantis")
    async with owner.transaction() as conn:
        await conn.execute(
            "UPDATE logistics.destination_cities SET name = 'Atlantis City' WHERE name = 'Atlantis'"
        )
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(
                "DELETE FROM logistics.destination_cities WHERE name = 'Atlantis City'"
            )
    assert info.value.constraint == "orders_destination_city_fkey"
    with pytest.raises(errors.CheckViolation) as blank:
        async with owner.transaction() as conn:
            await conn.execute("INSERT INTO logistics.destination_cities (name) VALUES (' Voi ')")
    assert blank.value.constraint == "destination_cities_name_check"
    async with ldb.transaction() as conn:
        renamed = await logistics.get_order_by_id(conn, order_id=order.id)
    assert renamed is not None and renamed.destination_city == "Atlantis City"


async def _stop(conn: Any, route: Any, order_ids: list[Any], seq: int, kind: str = "pickup") -> Any:
    return await logistics.create_route_stop(
        conn, route_id=route.id, order_ids=order_ids, stop_type=kind, sequence_order=seq,
        latitude=-1.29, longitude=36.82, address=None, estimated_arrival_at=None,
        estimated_departure_at=None,
    )  # fmt: skip


async def test_a_stop_serves_several_orders(ldb: Database, owner: Database) -> None:
    async with ldb.transaction() as conn:
        customer = await make_customer(conn)
        van = await make_vehicle(conn, capacity_weight_tonnes=50, capacity_volume_m3=200)
        route = await make_route(conn, van.id)
        other_route = await make_route(
            conn, van.id, period_start=T0 + hours(40), period_end=T0 + hours(41)
        )
        a, b, c = [await make_order(conn, customer.id) for _ in range(3)]
        elsewhere = await make_order(conn, customer.id)
        await logistics.update_orders_route(conn, route_id=route.id, order_ids=[a.id, b.id, c.id])
        await logistics.update_orders_route(conn, route_id=other_route.id, order_ids=[elsewhere.id])
        pickup = await _stop(conn, route, [b.id, a.id], 1)
        assert pickup is not None and sorted(pickup.order_ids, key=str) == sorted(
            [a.id, b.id], key=str
        )
        delivery = await _stop(conn, route, [a.id, b.id, c.id], 2, "delivery")
        depot = await _stop(conn, route, [], 3, "depot")
        assert depot is not None and depot.order_ids == []
        link = await logistics.create_route_stop_order(conn, stop_id=pickup.id, order_id=c.id)
        assert link is not None and (link.route_id, link.stop_type) == (route.id, "pickup")
        assert await logistics.create_route_stop_order(conn, stop_id=uuid4(), order_id=c.id) is None
        plan = await logistics.list_route_plan(conn, route_id=route.id)
        assert [(p.sequence_order, p.order_code) for p in plan] == [
            (1, a.order_code), (1, b.order_code), (1, c.order_code),
            (2, a.order_code), (2, b.order_code), (2, c.order_code),
            (3, None),
        ]  # fmt: skip
        arrived = await logistics.update_route_stop_actuals(
            conn, stop_id=delivery.id, actual_arrival_at=T0, actual_departure_at=None
        )
        assert arrived is not None and len(arrived.order_ids) == 3
        assert await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=c.id) == 1
        assert await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=c.id) == 0

    cases: list[tuple[Any, type[errors.DataLayerError], str]] = [
        # an order on another route
        (lambda conn: logistics.create_route_stop_order(conn, stop_id=pickup.id, order_id=elsewhere.id),
         errors.ForeignKeyViolation, "route_stop_orders_order_id_fkey"),
        # twice the same order
        (lambda conn: logistics.create_route_stop_order(conn, stop_id=pickup.id, order_id=a.id),
         errors.UniqueViolation, "route_stop_orders_pkey"),
        # an order at a depot stop
        (lambda conn: logistics.create_route_stop_order(conn, stop_id=depot.id, order_id=a.id),
         errors.CheckViolation, "route_stop_orders_stop_type_check"),
    ]  # fmt: skip
    for call, error, constraint in cases:
        with pytest.raises(error) as info:
            async with ldb.transaction() as conn:
                await call(conn)
        assert getattr(info.value, "constraint", None) == constraint
    # removing a stop's orders one by one: the last one is refused at commit
    with pytest.raises(errors.CheckViolation) as last:
        async with ldb.transaction() as conn:
            await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=a.id)
            await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=b.id)
    assert last.value.constraint == "route_stops_orders_check"
    assert last.value.table == "route_stops"
    # ... but a stop may swap its order within one transaction (checked at commit)
    async with ldb.transaction() as conn:
        await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=a.id)
        await logistics.delete_route_stop_order(conn, stop_id=pickup.id, order_id=b.id)
        await logistics.create_route_stop_order(conn, stop_id=pickup.id, order_id=c.id)
    # a stop that serves orders cannot become a depot (the link's type follows and is refused)
    with pytest.raises(errors.CheckViolation) as depot_change:
        async with owner.transaction() as conn:
            await conn.execute(
                "UPDATE logistics.route_stops SET stop_type = 'depot' WHERE id = $1", delivery.id
            )
    assert depot_change.value.constraint == "route_stop_orders_stop_type_check"
    # an order leaves its route only once no stop serves it
    with pytest.raises(errors.ForeignKeyViolation) as leaving:
        async with ldb.transaction() as conn:
            await logistics.update_order_unassigned(conn, order_id=c.id)
    assert leaving.value.constraint == "route_stop_orders_order_id_fkey"
    # the links go with their route
    async with owner.transaction() as conn:
        await conn.execute("DELETE FROM logistics.route_stops WHERE route_id = $1", route.id)
        left = await conn.fetchval(
            "SELECT count(*) FROM logistics.route_stop_orders WHERE route_id = $1", route.id
        )
    assert left == 0
