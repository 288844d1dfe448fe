"""Helpers for the logistics tests: customers, vehicles, orders, decisions and routes made
through the typed functions, and a haversine reference for distances."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from datalayer import logistics
from datalayer.queries import Connection

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"

#: earthdistance's sphere: earth() = 6378168 m.
EARTH_RADIUS_M = 6378168.0

#: A fixed Monday morning, so windows and periods are reproducible.
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

NAIROBI = (-1.2864, 36.8172)

_numbers = itertools.count(1)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on earthdistance's sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))) / 1000


async def make_user(conn: Connection, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "username": f"dispatcher{n}",
        "email": f"dispatcher{n}@example.com",
        "password_hash": BCRYPT,
        "role": "user",
        "is_superuser": False,
    }
    fields.update(overrides)
    return await logistics.create_user(conn, **fields)


async def make_customer(conn: Connection, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "customer_code": f"CUST-{n:04d}",
        "customer_name": f"Customer {n}",
        "email": f"orders{n}@example.com",
        "phone": "+254712345678",
        "address": "Industrial Area, Nairobi",
        "constraints": {"max_wait_hours": 24},
        "preferences": {},
    }
    fields.update(overrides)
    return await logistics.create_customer(conn, **fields)


async def make_vehicle(conn: Connection, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "vehicle_code": f"KBX-{n:04d}",
        "vehicle_type": "5T Truck",
        "capacity_weight_tonnes": Decimal("5"),
        "capacity_volume_m3": Decimal("20"),
        "current_latitude": NAIROBI[0],
        "current_longitude": NAIROBI[1],
        "fuel_cost_per_km": Decimal("45"),
        "driver_cost_per_hour": Decimal("350"),
    }
    fields.update(overrides)
    return await logistics.create_vehicle(conn, **fields)


async def make_order(conn: Connection, customer_id: Any, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "order_code": f"ORD-{n:05d}",
        "customer_id": customer_id,
        "pickup_latitude": NAIROBI[0],
        "pickup_longitude": NAIROBI[1],
        "pickup_address": None,
        "destination_city": "Nakuru",
        "destination_latitude": -0.3031,
        "destination_longitude": 36.0800,
        "destination_address": None,
        "weight_tonnes": Decimal("1"),
        "volume_m3": Decimal("4"),
        "window_start": T0,
        "window_end": T0 + hours(8),
        "priority": 0,
        "special_handling": [],
        "price_kes": Decimal("12000"),
    }
    fields.update(overrides)
    return await logistics.create_order(conn, **fields)


async def make_decision(conn: Connection, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "decision_code": f"DEC-{n:05d}",
        "decision_type": "daily_route_planning",
        "policy_used": "cfa",
        "state_snapshot": {"pending_orders": 3, "available_vehicles": 2},
        "total_cost_estimate": Decimal("9000"),
        "decision_confidence": Decimal("0.85"),
        "computation_time_ms": 120,
    }
    fields.update(overrides)
    return await logistics.create_decision(conn, **fields)


async def make_route(conn: Connection, vehicle_id: Any, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "route_code": f"RT-{n:05d}",
        "vehicle_id": vehicle_id,
        "decision_id": None,
        "period_start": T0,
        "period_end": T0 + hours(6),
        "total_distance_km": Decimal("160"),
        "estimated_duration_minutes": 240,
        "estimated_cost_kes": Decimal("8000"),
    }
    fields.update(overrides)
    return await logistics.create_route(conn, **fields)


async def make_one_of_each(conn: Connection) -> dict[str, Any]:
    """A row in every logistics table (the first user is an admin: no user exists yet); the
    rows by table name."""
    user = await make_user(conn, role="admin")
    customer = await make_customer(conn)
    vehicle = await make_vehicle(conn)
    decision = await make_decision(conn)
    route = await make_route(conn, vehicle.id, decision_id=decision.id)
    order = await make_order(conn, customer.id)
    await logistics.update_orders_route(conn, route_id=route.id, order_ids=[order.id])
    stop = await logistics.create_route_stop(
        conn, route_id=route.id, order_ids=[order.id], stop_type="pickup", sequence_order=1,
        latitude=NAIROBI[0], longitude=NAIROBI[1], address="Godown 4",
        estimated_arrival_at=T0, estimated_departure_at=T0 + hours(1),
    )  # fmt: skip
    outcome = await logistics.create_operational_outcome(
        conn, outcome_code=f"OUT-{next(_numbers):05d}", route_id=route.id,
        actual_cost=Decimal("8400"), actual_duration_minutes=250, actual_distance_km=Decimal("150.5"),
        total_revenue=Decimal("12000"), on_time_deliveries=1, late_deliveries=0,
        failed_deliveries=0, additional_metrics={},
    )  # fmt: skip
    return {
        "users": user, "customers": customer, "vehicles": vehicle, "decisions": decision,
        "routes": route, "orders": order, "route_stops": stop, "operational_outcomes": outcome,
    }  # fmt: skip
