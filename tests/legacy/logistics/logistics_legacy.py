"""Senga as its old stack made it: the SQLAlchemy models of seed 003 (integer keys plus unique
business codes, locations as JSON objects, SQLAlchemy enums stored by member name, JSON arrays of
order codes on routes and stops where the new schema has relations, float money), created with
``metadata.create_all`` plus an ``alembic_version`` row, and the seed's default users
(admin/admin123, user/user123). The generator plants rows the new schema refuses: JSON arrays
naming orders that do not exist, a route's list disagreeing with its orders, malformed locations,
routes over their vehicle's capacity or overlapping another of the vehicle's routes, prices with
more than four decimals, a decision executed but never committed, orders to a city the deployment
added to its enum but the new schema's reference set does not hold (Marsabit). Each route's first
stop picks up all its orders at the depot (one stop, several orders), then one delivery per order.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from psycopg import sql
from psycopg.types.json import Json
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    create_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ALEMBIC_REVISION = "3b2d9c1e4f70"


class Base(DeclarativeBase):
    pass


class City(enum.Enum):
    NAIROBI = "Nairobi"
    MOMBASA = "Mombasa"
    KISUMU = "Kisumu"
    NAKURU = "Nakuru"
    ELDORET = "Eldoret"
    # a city the deployment added to its enum that is not in the new schema's reference set
    MARSABIT = "Marsabit"


class OrderStatus(enum.Enum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class VehicleStatus(enum.Enum):
    AVAILABLE = "available"
    IN_TRANSIT = "in_transit"
    MAINTENANCE = "maintenance"
    OUT_OF_SERVICE = "out_of_service"


class RouteStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="user")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    last_login: Mapped[datetime | None] = mapped_column(DateTime)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(50), unique=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(500))
    constraints: Mapped[object | None] = mapped_column(JSON)
    preferences: Mapped[object | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Vehicle(Base):
    __tablename__ = "vehicles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[str] = mapped_column(String(50), unique=True)
    vehicle_type: Mapped[str] = mapped_column(String(50))
    capacity_weight_tonnes: Mapped[float] = mapped_column(Float)
    capacity_volume_m3: Mapped[float] = mapped_column(Float)
    current_location: Mapped[object | None] = mapped_column(JSON)
    status: Mapped[VehicleStatus] = mapped_column(Enum(VehicleStatus, name="vehiclestatus"))
    available_at: Mapped[datetime | None] = mapped_column(DateTime)
    fuel_cost_per_km: Mapped[float] = mapped_column(Float, default=0)
    driver_cost_per_hour: Mapped[float] = mapped_column(Float, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(50), unique=True)
    decision_type: Mapped[str] = mapped_column(String(50))
    policy_used: Mapped[str] = mapped_column(String(20))
    state_snapshot: Mapped[object | None] = mapped_column(JSON)
    routes_created: Mapped[object | None] = mapped_column(JSON)  # route codes
    orders_routed: Mapped[object | None] = mapped_column(JSON)  # order codes
    total_cost_estimate: Mapped[float | None] = mapped_column(Float)
    decision_confidence: Mapped[float | None] = mapped_column(Float)
    computation_time_ms: Mapped[int | None] = mapped_column(Integer)
    committed: Mapped[bool] = mapped_column(Boolean, default=False)
    executed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Route(Base):
    __tablename__ = "routes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[str] = mapped_column(String(50), unique=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    order_ids: Mapped[object | None] = mapped_column(JSON)  # order codes
    destination_cities: Mapped[object | None] = mapped_column(JSON)
    total_distance_km: Mapped[float] = mapped_column(Float)
    estimated_duration_minutes: Mapped[int] = mapped_column(Integer)
    estimated_cost_kes: Mapped[float] = mapped_column(Float)
    status: Mapped[RouteStatus] = mapped_column(Enum(RouteStatus, name="routestatus"))
    start_time: Mapped[datetime | None] = mapped_column(DateTime)
    end_time: Mapped[datetime | None] = mapped_column(DateTime)
    actual_distance_km: Mapped[float | None] = mapped_column(Float)
    actual_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    actual_cost_kes: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(String(50), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    pickup_location: Mapped[object] = mapped_column(JSON)
    destination_city: Mapped[City] = mapped_column(Enum(City, name="destinationcity"))
    destination_location: Mapped[object | None] = mapped_column(JSON)
    weight_tonnes: Mapped[float] = mapped_column(Float)
    volume_m3: Mapped[float] = mapped_column(Float)
    time_window_start: Mapped[datetime | None] = mapped_column(DateTime)
    time_window_end: Mapped[datetime | None] = mapped_column(DateTime)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    special_handling: Mapped[object | None] = mapped_column(JSON)
    price_kes: Mapped[float] = mapped_column(Float, default=0)
    status: Mapped[OrderStatus] = mapped_column(Enum(OrderStatus, name="orderstatus"))
    assigned_route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class RouteStop(Base):
    __tablename__ = "route_stops"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stop_id: Mapped[str] = mapped_column(String(50), unique=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    order_ids: Mapped[object | None] = mapped_column(JSON)  # order codes
    location: Mapped[object] = mapped_column(JSON)
    stop_type: Mapped[str] = mapped_column(String(20))
    sequence_order: Mapped[int] = mapped_column(Integer)
    estimated_arrival: Mapped[datetime | None] = mapped_column(DateTime)
    actual_arrival: Mapped[datetime | None] = mapped_column(DateTime)


class OperationalOutcome(Base):
    __tablename__ = "operational_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome_id: Mapped[str] = mapped_column(String(50), unique=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    estimated_cost: Mapped[float] = mapped_column(Float)
    estimated_duration: Mapped[int] = mapped_column(Integer)
    estimated_distance: Mapped[float] = mapped_column(Float)
    actual_cost: Mapped[float] = mapped_column(Float)
    actual_duration: Mapped[int] = mapped_column(Integer)
    actual_distance: Mapped[float] = mapped_column(Float)
    cost_prediction_error: Mapped[float] = mapped_column(Float)
    total_revenue: Mapped[float] = mapped_column(Float, default=0)
    net_profit: Mapped[float] = mapped_column(Float)
    on_time_deliveries: Mapped[int] = mapped_column(Integer, default=0)
    late_deliveries: Mapped[int] = mapped_column(Integer, default=0)
    failed_deliveries: Mapped[int] = mapped_column(Integer, default=0)
    additional_metrics: Mapped[object | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


TABLES = (
    "users",
    "customers",
    "vehicles",
    "decisions",
    "routes",
    "orders",
    "route_stops",
    "operational_outcomes",
)


def create_schema(url: str, schema: str) -> None:
    """What the old stack made: ``create_all`` in ``schema`` and Alembic's version row."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": f"-c search_path={schema}"},
    )
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {t} (version_num varchar(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); "
                "INSERT INTO {t} VALUES ('" + ALEMBIC_REVISION + "')"
            ).format(t=sql.Identifier(schema, "alembic_version"))
        )


#: the seed's default accounts (admin/admin123, user/user123), hashed with bcrypt as passlib did
ADMIN_HASH = "$2a$10$4y0OzrcRMSvHlh.uzaIyTu8vVhi9/pJYyRYeNQ4p2gtTkpL3Qn9le"
USER_HASH = "$2a$10$1UYFesd1/IIzGnZghFBLkuqxBKQ4AEwdsjunw99885Xtvmn4CTnxi"
BCRYPT = "$2b$12$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
CITIES = [c.name for c in City if c is not City.MARSABIT]
#: every this-many routes go to a city outside logistics.destination_cities
OUTSIDE_EVERY = 97
CITY_AT = {
    "NAIROBI": (-1.2864, 36.8172),
    "MOMBASA": (-4.0435, 39.6682),
    "KISUMU": (-0.0917, 34.768),
    "NAKURU": (-0.3031, 36.08),
    "ELDORET": (0.5143, 35.2698),
    "MARSABIT": (2.3284, 37.9899),
}


@dataclass
class Expected:
    rows: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)


def _copy(
    conn: psycopg.Connection[tuple[object, ...]],
    schema: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor().copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


def _loc(city: str, rng: random.Random) -> dict[str, object]:
    lat, lng = CITY_AT[city]
    return {
        "latitude": round(lat + rng.uniform(-0.05, 0.05), 5),
        "longitude": round(lng + rng.uniform(-0.05, 0.05), 5),
        "address": f"Plot {rng.randint(1, 999)}, {city.title()}",
    }


def generate(url: str, schema: str, orders: int, *, seed: int = 3) -> Expected:
    """Fill the legacy tables around ``orders`` orders (the largest table), with COPY."""
    rng = random.Random(seed)
    planted: dict[str, int] = {}

    def plant(what: str) -> None:
        planted[what] = planted.get(what, 0) + 1

    base = datetime(2025, 1, 6, 6, 0)
    users = [
        (1, "admin", "admin@senga.example", ADMIN_HASH, "admin", True, True, base, base, None),
        (2, "user", "user@senga.example", USER_HASH, "user", True, False, base, base, None),
    ]
    plant("users: default account")
    plant("users: default account")
    for i in range(3, max(orders // 200, 10) + 3):
        role = ["user", "manager", "admin"][i % 3]
        users.append(
            (
                i,
                f"dispatcher{i}",
                f"dispatcher{i}@senga.example",
                BCRYPT,
                role,
                True,
                False,
                base,
                base,
                None,
            )
        )
    users.append(
        (
            len(users) + 1,
            "Dispatcher3",
            "other@senga.example",
            BCRYPT,
            "user",
            True,
            False,
            base + timedelta(days=1),
            base,
            None,
        )
    )
    plant("users: duplicate username")

    n_customers = max(orders // 20, 10)
    customers = []
    for i in range(1, n_customers + 1):
        phone: str | None = f"+2547{i:08d}"
        constraints: object = {"max_wait_hours": 24}
        if i % 97 == 5:
            constraints = "24h"  # a JSON string where an object belongs
            plant("customers: constraints not an object")
        elif i % 97 == 9:
            phone = "0712 345 678"
            plant("customers: phone format")
        customers.append(
            (
                i,
                f"CUST-{i:05d}",
                f"Customer {i} Ltd",
                f"c{i}@example.co.ke",
                phone,
                f"Box {i}, Nairobi",
                Json(constraints),
                Json({"channel": "sms"}),
                base,
                base,
            )
        )

    n_vehicles = max(orders // 25, 10)
    vehicles = []
    for i in range(1, n_vehicles + 1):
        vehicles.append(
            (
                i,
                f"KBX-{i:04d}",
                "10T Truck" if i % 2 else "5T Truck",
                10.0 if i % 2 else 5.0,
                40.0 if i % 2 else 20.0,
                Json(_loc("NAIROBI", rng)),
                "AVAILABLE",
                None,
                85.5,
                450.0,
                base,
                base,
            )
        )

    decisions = []
    routes = []
    order_rows: list[list[object]] = []
    stops = []
    outcomes = []
    day = 0
    next_order = 1
    next_stop = 1
    route_id = 0
    # every vehicle drives one route a day, each route carries a few orders
    while next_order <= orders:
        for v in vehicles:
            if next_order > orders:
                break
            route_id += 1
            vid, capacity = int(str(v[0])), float(str(v[3]))
            start = base + timedelta(days=day, hours=rng.randint(0, 3))
            end = start + timedelta(hours=8)
            status = "COMPLETED" if day < 20 else "PLANNED"
            decision_pk = route_id
            decision_code = f"DEC-{route_id:07d}"
            decisions.append(
                [
                    decision_pk,
                    decision_code,
                    "route_planning",
                    "cfa",
                    Json({"fleet": len(vehicles)}),
                    None,
                    None,
                    12000.0,
                    0.82,
                    140,
                    True,
                    status == "COMPLETED",
                    start - timedelta(hours=1),
                ]
            )
            codes = []
            load = 0.0
            city = rng.choice(CITIES)
            if route_id % OUTSIDE_EVERY == 41:
                city = City.MARSABIT.name
            for _ in range(rng.randint(2, 4)):
                if next_order > orders:
                    break
                weight = round(rng.uniform(0.2, capacity / 4), 3)
                code = f"ORD-{next_order:07d}"
                codes.append(code)
                load += weight
                order_rows.append(
                    [
                        next_order,
                        code,
                        rng.randint(1, n_customers),
                        Json(_loc("NAIROBI", rng)),
                        city,
                        Json(_loc(city, rng)),
                        weight,
                        round(weight * 3, 3),
                        start,
                        end,
                        rng.randint(0, 5),
                        Json(["fragile"] if rng.random() < 0.1 else []),
                        round(rng.uniform(1000, 90000), 2),
                        "DELIVERED" if status == "COMPLETED" else "ASSIGNED",
                        route_id,
                        start,
                        start,
                    ]
                )
                next_order += 1
            route_code = f"RT-{route_id:07d}"
            decisions[-1][5] = Json([route_code])
            decisions[-1][6] = Json(codes)
            routes.append(
                [
                    route_id,
                    route_code,
                    vid,
                    Json(codes),
                    Json([city.title()]),
                    312.5,
                    480,
                    9500.0,
                    status,
                    start,
                    end,
                    320.0 if status == "COMPLETED" else None,
                    500 if status == "COMPLETED" else None,
                    9800.0 if status == "COMPLETED" else None,
                    start if status == "COMPLETED" else None,
                    end if status == "COMPLETED" else None,
                    decision_pk,
                    start,
                    start,
                ]
            )
            if codes:
                # one pickup at the depot for all the route's orders (a stop serving several)
                stops.append(
                    [
                        next_stop,
                        f"STP-{next_stop:08d}",
                        route_id,
                        Json(codes),
                        Json(_loc("NAIROBI", rng)),
                        "pickup",
                        1,
                        start,
                        None,
                    ]
                )
                next_stop += 1
            for seq, code in enumerate(codes, start=2):
                stops.append(
                    [
                        next_stop,
                        f"STP-{next_stop:08d}",
                        route_id,
                        Json([code]),
                        Json(_loc(city, rng)),
                        "delivery",
                        seq,
                        start + timedelta(hours=seq),
                        None,
                    ]
                )
                next_stop += 1
            if status == "COMPLETED":
                outcomes.append(
                    [
                        route_id,
                        f"OUT-{route_id:07d}",
                        route_id,
                        decision_pk,
                        9500.0,
                        480,
                        312.5,
                        9800.0,
                        500,
                        320.0,
                        300.0,
                        15000.0,
                        5200.0,
                        len(codes),
                        0,
                        0,
                        Json({"fuel_litres": 61.5}),
                        end,
                    ]
                )
        day += 1

    # Rows the new schema refuses.
    for k in range(7, len(routes), 53):
        route = routes[k]
        if k % 2:
            route[3] = Json([*route[3].obj, "ORD-9999999"])  # type: ignore[attr-defined]
            plant("routes: order_ids names a missing order")
        else:
            route[3] = Json("ORD-0000001,ORD-0000002")  # a string, not an array
            plant("routes: order_ids not an array")
    for o in order_rows:
        if o[4] == City.MARSABIT.name:
            plant("orders: destination city outside the set")
    for k in range(11, len(order_rows), 59):
        o = order_rows[k]
        if o[4] == City.MARSABIT.name:
            continue  # refused for its city already
        if k % 3 == 0:
            o[3] = Json({"lat": 91.2})  # neither latitude nor a latitude in range
            plant("orders: malformed pickup location")
        elif k % 3 == 1:
            o[12] = 1234.56789
            plant("orders: price with more than four decimals")
        else:
            o[9] = o[8]  # an empty time window
            plant("orders: empty time window")
    for k in range(13, len(stops), 61):
        stops[k][3] = Json(["ORD-0000000"])
        plant("route_stops: names a missing order")
    for k in range(17, len(decisions), 67):
        decisions[k][10] = False  # executed, never committed
        decisions[k][11] = True
        plant("decisions: executed without commit")

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _copy(
            conn,
            schema,
            "users",
            [
                "id",
                "username",
                "email",
                "hashed_password",
                "role",
                "is_active",
                "is_superuser",
                "created_at",
                "updated_at",
                "last_login",
            ],
            users,
        )
        _copy(
            conn,
            schema,
            "customers",
            [
                "id",
                "customer_id",
                "customer_name",
                "email",
                "phone",
                "address",
                "constraints",
                "preferences",
                "created_at",
                "updated_at",
            ],
            customers,
        )
        _copy(
            conn,
            schema,
            "vehicles",
            [
                "id",
                "vehicle_id",
                "vehicle_type",
                "capacity_weight_tonnes",
                "capacity_volume_m3",
                "current_location",
                "status",
                "available_at",
                "fuel_cost_per_km",
                "driver_cost_per_hour",
                "created_at",
                "updated_at",
            ],
            vehicles,
        )
        _copy(
            conn,
            schema,
            "decisions",
            [
                "id",
                "decision_id",
                "decision_type",
                "policy_used",
                "state_snapshot",
                "routes_created",
                "orders_routed",
                "total_cost_estimate",
                "decision_confidence",
                "computation_time_ms",
                "committed",
                "executed",
                "created_at",
            ],
            decisions,
        )
        _copy(
            conn,
            schema,
            "routes",
            [
                "id",
                "route_id",
                "vehicle_id",
                "order_ids",
                "destination_cities",
                "total_distance_km",
                "estimated_duration_minutes",
                "estimated_cost_kes",
                "status",
                "start_time",
                "end_time",
                "actual_distance_km",
                "actual_duration_minutes",
                "actual_cost_kes",
                "started_at",
                "completed_at",
                "decision_id",
                "created_at",
                "updated_at",
            ],
            routes,
        )
        _copy(
            conn,
            schema,
            "orders",
            [
                "id",
                "order_id",
                "customer_id",
                "pickup_location",
                "destination_city",
                "destination_location",
                "weight_tonnes",
                "volume_m3",
                "time_window_start",
                "time_window_end",
                "priority",
                "special_handling",
                "price_kes",
                "status",
                "assigned_route_id",
                "created_at",
                "updated_at",
            ],
            order_rows,
        )
        _copy(
            conn,
            schema,
            "route_stops",
            [
                "id",
                "stop_id",
                "route_id",
                "order_ids",
                "location",
                "stop_type",
                "sequence_order",
                "estimated_arrival",
                "actual_arrival",
            ],
            stops,
        )
        _copy(
            conn,
            schema,
            "operational_outcomes",
            [
                "id",
                "outcome_id",
                "route_id",
                "decision_id",
                "estimated_cost",
                "estimated_duration",
                "estimated_distance",
                "actual_cost",
                "actual_duration",
                "actual_distance",
                "cost_prediction_error",
                "total_revenue",
                "net_profit",
                "on_time_deliveries",
                "late_deliveries",
                "failed_deliveries",
                "additional_metrics",
                "created_at",
            ],
            outcomes,
        )
    rows = {
        "users": len(users),
        "customers": len(customers),
        "vehicles": len(vehicles),
        "decisions": len(decisions),
        "routes": len(routes),
        "orders": len(order_rows),
        "route_stops": len(stops),
        "operational_outcomes": len(outcomes),
    }
    return Expected(rows=rows, planted=planted)
