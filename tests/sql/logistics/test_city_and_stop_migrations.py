"""The data side of the migrations that closed the destination-city set (0018) and moved a stop's
order into route_stop_orders (0024): existing rows are converted on the way up, and the way back
restores route_stops.order_id, refusing while a stop serves more than one order."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from datalayer import migrate
from datalayer.migrate import MigrationError

BEFORE = "0017.logistics.validate-money-scale-checks"
BEFORE_STOP_ORDERS = "0023.logistics.add-route-stops-id-route-id-stop-type-key"

SETUP = """
INSERT INTO logistics.customers (id, customer_code, customer_name)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'CUST-1', 'Customer');
INSERT INTO logistics.vehicles (id, vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3)
VALUES ('00000000-0000-0000-0000-0000000000f1', 'KBX-1', 'truck', 50, 200);
INSERT INTO logistics.routes (id, route_code, vehicle_id, period, total_distance_km,
    estimated_duration_minutes, estimated_cost_kes)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'RT-1', '00000000-0000-0000-0000-0000000000f1',
    tstzrange('2026-01-01', '2026-01-02'), 10, 60, 100);
INSERT INTO logistics.orders (id, order_code, customer_id, pickup_latitude, pickup_longitude,
    destination_city, weight_tonnes, volume_m3, time_window, status, assigned_route_id)
SELECT ('00000000-0000-0000-0000-00000000000' || n)::uuid, 'ORD-' || n,
    '00000000-0000-0000-0000-0000000000c1', 0, 36, city, 1, 1,
    tstzrange('2026-01-01', '2026-01-02'), 'assigned', '00000000-0000-0000-0000-0000000000a1'
FROM (VALUES (1, '  nakuru'), (2, 'MOMBASA'), (3, 'Atlantis '), (4, 'Nairobi'), (5, 'atlantis'))
    AS v(n, city);
INSERT INTO logistics.route_stops (route_id, order_id, stop_type, sequence_order, latitude, longitude)
VALUES
    ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', 'pickup', 1, 0, 36),
    ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000002', 'delivery', 2, 0, 36),
    ('00000000-0000-0000-0000-0000000000a1', NULL, 'depot', 3, 0, 36);
"""


def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(query).fetchall()]


def test_existing_cities_and_stops_are_converted_and_restored(empty_database_url: str) -> None:
    url = empty_database_url
    migrate.apply(url, apps=["logistics"], target=BEFORE, quiet=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
    migrate.apply(url, apps=["logistics"], quiet=True)

    # the set's spelling where the city is known; an unknown city joins the set, trimmed, once
    assert _rows(url, "SELECT order_code, destination_city FROM logistics.orders ORDER BY 1") == [
        ("ORD-1", "Nakuru"), ("ORD-2", "Mombasa"), ("ORD-3", "Atlantis"), ("ORD-4", "Nairobi"),
        ("ORD-5", "Atlantis"),
    ]  # fmt: skip
    assert _rows(
        url, "SELECT count(*) FROM logistics.destination_cities WHERE name ILIKE 'atlantis'"
    ) == [(1,)]
    assert _rows(url, "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_destination_city_fkey'") == [(True,)]  # fmt: skip
    # each stop's order is now a row of route_stop_orders; the column is gone
    assert _rows(
        url,
        "SELECT s.sequence_order, so.order_id::text, so.stop_type FROM logistics.route_stop_orders so"
        " JOIN logistics.route_stops s ON s.id = so.route_stop_id ORDER BY 1",
    ) == [
        (1, "00000000-0000-0000-0000-000000000001", "pickup"),
        (2, "00000000-0000-0000-0000-000000000002", "delivery"),
    ]
    assert _rows(
        url,
        "SELECT count(*) FROM information_schema.columns"
        " WHERE table_schema = 'logistics' AND table_name = 'route_stops' AND column_name = 'order_id'",
    ) == [(0,)]

    # a stop serving two orders cannot be rolled back into one order_id
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO logistics.route_stop_orders (route_stop_id, order_id, route_id, stop_type)"
            " SELECT id, '00000000-0000-0000-0000-000000000003', route_id, stop_type"
            " FROM logistics.route_stops WHERE sequence_order = 1"
        )
    with pytest.raises(MigrationError, match="some stops serve more than one order"):
        migrate.rollback(url, apps=["logistics"], target=BEFORE_STOP_ORDERS, quiet=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "DELETE FROM logistics.route_stop_orders"
            " WHERE order_id = '00000000-0000-0000-0000-000000000003'"
        )
    migrate.rollback(url, apps=["logistics"], target=BEFORE, quiet=True)
    assert _rows(
        url, "SELECT sequence_order, order_id::text FROM logistics.route_stops ORDER BY 1"
    ) == [
        (1, "00000000-0000-0000-0000-000000000001"),
        (2, "00000000-0000-0000-0000-000000000002"),
        (3, None),
    ]
    # destination_city is free text again (as normalised), and the set is gone
    assert _rows(url, "SELECT to_regclass('logistics.destination_cities')::text") == [(None,)]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE logistics.orders SET destination_city = 'Anywhere' WHERE order_code = 'ORD-4'"
        )
    # and the way up again converts the new free text
    migrate.apply(url, apps=["logistics"], quiet=True)
    assert _rows(
        url, "SELECT destination_city FROM logistics.orders WHERE order_code = 'ORD-4'"
    ) == [("Anywhere",)]
    migrate.verify(url, apps=["logistics"])
