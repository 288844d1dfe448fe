"""Sample data for logistics (``datalayer sample --app logistics``): users, customers, a fleet,
dispatch decisions, routes over time, orders assigned within each vehicle's capacity, their stops
and the outcomes of completed routes.

Each vehicle drives routes one after another (no two planned or running routes of a vehicle
overlap); routes before the epoch are completed (a few cancelled), the one around it is in
progress, later ones are planned. Orders take the state of their route; the rest are pending or
cancelled. One function per table: :data:`CITIES` is the one place naming destinations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from asyncpg import Range

from datalayer.admin.sample import EPOCH, Sample

TABLES = (
    "logistics.users",
    "logistics.customers",
    "logistics.vehicles",
    "logistics.decisions",
    "logistics.routes",
    "logistics.orders",
    "logistics.route_stops",
    "logistics.route_stop_orders",
    "logistics.operational_outcomes",
)

#: Destinations and their coordinates (the depot is in Nairobi's Industrial Area).
CITIES = {
    "Nairobi": (-1.2921, 36.8219), "Mombasa": (-4.0435, 39.6682), "Kisumu": (-0.0917, 34.7680),
    "Nakuru": (-0.3031, 36.0800), "Eldoret": (0.5143, 35.2698), "Thika": (-1.0333, 37.0693),
    "Machakos": (-1.5177, 37.2634), "Nyeri": (-0.4201, 36.9476), "Meru": (0.0463, 37.6559),
    "Malindi": (-3.2192, 40.1169), "Kitale": (1.0157, 35.0062), "Garissa": (-0.4532, 39.6461),
}  # fmt: skip
DEPOT = (-1.3032, 36.8510)
#: vehicle type, tonnes, m3, fuel KES/km, driver KES/h
FLEET = [("3T Van", 3, 12, 35, 300), ("5T Truck", 5, 20, 45, 350), ("10T Truck", 10, 40, 70, 400),
         ("20T Trailer", 20, 80, 110, 450)]  # fmt: skip
VEHICLES_PER_SCALE = 8
CUSTOMERS_PER_SCALE = 20
ROUTES_PER_VEHICLE = 6
MONEY = Decimal("0.01")


@dataclass
class Route:
    id: UUID
    code: str
    vehicle: tuple[object, ...]
    decision_id: UUID | None
    status: str
    start: datetime
    end: datetime
    orders: list[tuple[object, ...]] = field(default_factory=list)


def _d(value: float, places: str = "0.001") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def users(sample: Sample) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(5 * sample.scale):
        at = sample.moment(days=720)
        role = sample.pick({"user": 0.8, "manager": 0.15, "admin": 0.05})
        rows.append((
            sample.uuid(at), f"dispatcher{i:04d}", f"dispatcher{i:04d}@senga.example.com",
            sample.password_hash(), role, role == "admin" and sample.rng.random() < 0.5,
            sample.rng.random() > 0.05, sample.maybe(sample.moment(after=at), 0.2), at, at,
        ))  # fmt: skip
    return rows


def customers(sample: Sample) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(CUSTOMERS_PER_SCALE * sample.scale):
        at = sample.moment(days=720)
        city = sample.rng.choice(sorted(CITIES))
        rows.append((
            sample.uuid(at), f"CUST-{i:05d}", f"{city} Traders {i}",
            sample.maybe(f"orders{i}@customer.example.com", 0.2),
            sample.maybe("+2547" + sample.digits(8), 0.3), sample.maybe(f"Plot {i}, {city}", 0.25),
            {"max_wait_hours": sample.rng.choice([12, 24, 48])} if sample.rng.random() < 0.5 else {},
            {"preferred_vehicle": sample.rng.choice(FLEET)[0]} if sample.rng.random() < 0.3 else {},
            at, at,
        ))  # fmt: skip
    return rows


def vehicles(sample: Sample) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(VEHICLES_PER_SCALE * sample.scale):
        kind, tonnes, m3, fuel, driver = sample.pick(
            {f: w for f, w in zip(FLEET, (3, 4, 2, 1), strict=True)}
        )
        at = sample.moment(days=900)
        located = sample.rng.random() < 0.8
        rows.append((
            sample.uuid(at), f"KD{i:05d}", kind, Decimal(tonnes), Decimal(m3),
            DEPOT[0] + sample.rng.uniform(-0.5, 0.5) if located else None,
            DEPOT[1] + sample.rng.uniform(-0.5, 0.5) if located else None,
            sample.pick({"available": 0.8, "maintenance": 0.15, "out_of_service": 0.05}),
            sample.maybe(sample.later(EPOCH, hours=48), 0.7), Decimal(fuel), Decimal(driver),
            at, at,
        ))  # fmt: skip
    return rows


def decisions_and_routes(
    sample: Sample, fleet: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[Route]]:
    decisions: list[tuple[object, ...]] = []
    routes: list[Route] = []
    serial = 0
    for vehicle in fleet:
        start = EPOCH - timedelta(days=sample.rng.uniform(5, 60))
        for _ in range(ROUTES_PER_VEHICLE):
            serial += 1
            hours = sample.rng.uniform(4, 30)
            end = start + timedelta(hours=hours)
            if end < EPOCH:
                status = sample.pick({"completed": 0.92, "cancelled": 0.08})
            elif start <= EPOCH:
                status = "in_progress"
            else:
                status = "planned"
            decision_id = None
            if sample.rng.random() < 0.8:
                at = start - timedelta(hours=sample.rng.uniform(1, 24))
                decision_id = sample.uuid(at)
                committed = status != "planned" or sample.rng.random() < 0.5
                executed = committed and status in ("completed", "in_progress")
                decisions.append((
                    decision_id, f"DEC-{serial:06d}", "route_assignment",
                    sample.pick({"pfa": 0.3, "cfa": 0.2, "vfa": 0.2, "dla": 0.1, "hybrid": 0.2}),
                    {"pending_orders": sample.rng.randint(1, 40)},
                    sample.maybe(_d(sample.rng.uniform(5000, 90000), "0.01"), 0.1),
                    sample.maybe(_d(sample.rng.uniform(0.4, 0.99)), 0.2),
                    sample.maybe(sample.rng.randint(5, 4000), 0.1), committed,
                    at + timedelta(minutes=2) if committed else None, executed,
                    start if executed else None, at, at,
                ))  # fmt: skip
            routes.append(Route(sample.uuid(start), f"RT-{serial:06d}", vehicle, decision_id,
                                status, start, end))  # fmt: skip
            start = end + timedelta(hours=sample.rng.uniform(1, 48))
    return decisions, routes


def orders(
    sample: Sample, clients: list[tuple[object, ...]], routes: list[Route]
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    serial = 0
    state = {"completed": "delivered", "in_progress": "in_transit", "planned": "assigned"}

    def order(route: Route | None, status: str, window: datetime) -> tuple[object, ...]:
        nonlocal serial
        serial += 1
        city = sample.skewed(sorted(CITIES))
        lat, lon = CITIES[city]
        located = sample.rng.random() < 0.7
        weight = _d(sample.rng.uniform(0.2, 4.0))
        created = window - timedelta(hours=sample.rng.uniform(2, 72))
        return (
            sample.uuid(created), f"ORD-{serial:07d}", sample.skewed(clients)[0],
            DEPOT[0], DEPOT[1], sample.maybe("Godown 4, Industrial Area", 0.3), city,
            lat if located else None, lon if located else None,
            sample.maybe(f"{city} town centre", 0.4), weight,
            _d(float(weight) * sample.rng.uniform(2.5, 5.0)),
            Range(window, window + timedelta(hours=sample.rng.choice([4, 8, 10, 24]))),
            sample.pick({0: 0.7, 1: 0.15, 3: 0.1, 8: 0.05}),
            sample.rng.sample(["fragile", "refrigerated", "hazmat", "oversize"],
                              sample.count(0.3, high=2)),
            _d(float(weight) * sample.rng.uniform(8000, 15000), "0.01"), status,
            route.id if route else None, created, created,
        )  # fmt: skip

    for route in routes:
        if route.status == "cancelled":
            continue
        capacity_t, capacity_m3 = route.vehicle[3], route.vehicle[4]
        assert isinstance(capacity_t, Decimal) and isinstance(capacity_m3, Decimal)
        used_t = used_m3 = Decimal(0)
        for _ in range(sample.count(4.0, low=1, high=12)):
            row = order(route, state[route.status], route.start)
            weight, volume = row[10], row[11]
            assert isinstance(weight, Decimal) and isinstance(volume, Decimal)
            if used_t + weight > capacity_t or used_m3 + volume > capacity_m3:
                serial -= 1
                break
            if route.status == "completed" and sample.rng.random() < 0.05:
                row = (*row[:16], "failed", *row[17:])
            used_t, used_m3 = used_t + weight, used_m3 + volume
            route.orders.append(row)
            rows.append(row)
    for _ in range(15 * sample.scale):
        window = sample.later(EPOCH, hours=24 * 7)
        rows.append(order(None, sample.pick({"pending": 0.8, "cancelled": 0.2}), window))
    return rows


def routes_rows(sample: Sample, routes: list[Route]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for r in routes:
        distance = _d(sample.rng.uniform(20, 900), "0.01")
        minutes = int((r.end - r.start).total_seconds() // 60)
        fuel = r.vehicle[9]
        assert isinstance(fuel, Decimal)
        cost = (distance * fuel).quantize(MONEY)
        done = r.status == "completed"
        started = r.start if r.status in ("completed", "in_progress") else None
        rows.append((
            r.id, r.code, r.vehicle[0], r.decision_id, r.status, Range(r.start, r.end), distance,
            minutes, cost, _d(float(distance) * sample.rng.uniform(0.9, 1.2), "0.01") if done else None,
            int(minutes * sample.rng.uniform(0.85, 1.3)) if done else None,
            (cost * Decimal(str(round(sample.rng.uniform(0.9, 1.25), 3)))).quantize(MONEY) if done else None,
            started, r.end if done else None, r.start - timedelta(hours=1), r.start,
        ))  # fmt: skip
    return rows


def route_stops(
    sample: Sample, routes: list[Route]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The stops of each route (the depot, then one delivery stop per destination city, serving
    every order of the route bound there) and the stop-order links of ``route_stop_orders``."""
    rows: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    for r in routes:
        if not r.orders:
            continue
        at = r.start
        by_city: dict[str, list[UUID]] = {}
        for o in r.orders:
            city = o[6]
            assert isinstance(city, str) and isinstance(o[0], UUID)
            by_city.setdefault(city, []).append(o[0])
        stops: list[tuple[list[UUID], str, float, float, str | None]] = [
            ([], "depot", DEPOT[0], DEPOT[1], "Depot, Industrial Area")
        ]
        for city, order_ids in by_city.items():
            lat, lon = CITIES[city]
            stops.append((order_ids, "delivery", lat, lon, sample.maybe(f"{city} drop-off", 0.3)))
        for seq, (order_ids, kind, lat, lon, address) in enumerate(stops, start=1):
            arrive = at + timedelta(minutes=sample.rng.randint(20, 180)) if seq > 1 else at
            leave = arrive + timedelta(minutes=sample.rng.randint(5, 40))
            done = r.status == "completed"
            stop_id = sample.uuid(arrive)
            rows.append((
                stop_id, r.id, kind, seq, lat, lon, address, arrive, leave,
                arrive if done else None, leave if done else None, r.start, r.start,
            ))  # fmt: skip
            links.extend((stop_id, order_id, r.id, kind, r.start) for order_id in order_ids)
            at = leave
    return rows, links


def outcomes(sample: Sample, routes: list[Route], rows_of_routes: list[tuple[object, ...]]
             ) -> list[tuple[object, ...]]:  # fmt: skip
    rows: list[tuple[object, ...]] = []
    for r, row in zip(routes, rows_of_routes, strict=True):
        if r.status != "completed" or sample.rng.random() < 0.1:
            continue
        delivered = [o for o in r.orders if o[16] == "delivered"]
        late = sum(1 for _ in delivered if sample.rng.random() < 0.15)
        revenue = Decimal(0)
        for o in delivered:
            assert isinstance(o[15], Decimal)
            revenue += o[15]
        rows.append((
            sample.uuid(r.end), f"OUT-{r.code}", r.id, r.decision_id, row[8], row[7], row[6],
            row[11], row[10], row[9], revenue.quantize(MONEY), len(delivered) - late, late,
            len(r.orders) - len(delivered), {"fuel_litres": round(sample.rng.uniform(20, 400), 1)},
            r.end + timedelta(hours=1),
        ))  # fmt: skip
    return rows


def plan(scale: int) -> dict[str, int]:
    routes = VEHICLES_PER_SCALE * ROUTES_PER_VEHICLE * scale
    return {
        "logistics.users": 5 * scale,
        "logistics.customers": CUSTOMERS_PER_SCALE * scale,
        "logistics.vehicles": VEHICLES_PER_SCALE * scale,
        "logistics.decisions": routes * 8 // 10,
        "logistics.routes": routes,
        "logistics.orders": routes * 4 + 15 * scale,
        "logistics.route_stops": routes * 4,
        "logistics.route_stop_orders": routes * 4,
        "logistics.operational_outcomes": routes * 3 // 4,
    }


async def load(sample: Sample) -> None:
    fleet = vehicles(sample)
    clients = customers(sample)
    decisions, routes = decisions_and_routes(sample, fleet)
    route_rows = routes_rows(sample, routes)
    order_rows = orders(sample, clients, routes)
    await sample.copy(
        "logistics.users",
        ["id", "username", "email", "password_hash", "role", "is_superuser", "is_active",
         "last_login_at", "created_at", "updated_at"],
        users(sample),
    )  # fmt: skip
    await sample.copy(
        "logistics.customers",
        ["id", "customer_code", "customer_name", "email", "phone", "address", "constraints",
         "preferences", "created_at", "updated_at"],
        clients,
    )  # fmt: skip
    await sample.copy(
        "logistics.vehicles",
        ["id", "vehicle_code", "vehicle_type", "capacity_weight_tonnes", "capacity_volume_m3",
         "current_latitude", "current_longitude", "status", "available_at", "fuel_cost_per_km",
         "driver_cost_per_hour", "created_at", "updated_at"],
        fleet,
    )  # fmt: skip
    await sample.copy(
        "logistics.decisions",
        ["id", "decision_code", "decision_type", "policy_used", "state_snapshot",
         "total_cost_estimate", "decision_confidence", "computation_time_ms", "committed",
         "committed_at", "executed", "executed_at", "created_at", "updated_at"],
        decisions,
    )  # fmt: skip
    await sample.copy(
        "logistics.routes",
        ["id", "route_code", "vehicle_id", "decision_id", "status", "period",
         "total_distance_km", "estimated_duration_minutes", "estimated_cost_kes",
         "actual_distance_km", "actual_duration_minutes", "actual_cost_kes", "started_at",
         "completed_at", "created_at", "updated_at"],
        route_rows,
    )  # fmt: skip
    await sample.copy(
        "logistics.orders",
        ["id", "order_code", "customer_id", "pickup_latitude", "pickup_longitude",
         "pickup_address", "destination_city", "destination_latitude", "destination_longitude",
         "destination_address", "weight_tonnes", "volume_m3", "time_window", "priority",
         "special_handling", "price_kes", "status", "assigned_route_id", "created_at",
         "updated_at"],
        order_rows,
    )  # fmt: skip
    stop_rows, stop_links = route_stops(sample, routes)
    await sample.copy(
        "logistics.route_stops",
        ["id", "route_id", "stop_type", "sequence_order", "latitude", "longitude", "address",
         "estimated_arrival_at", "estimated_departure_at", "actual_arrival_at",
         "actual_departure_at", "created_at", "updated_at"],
        stop_rows,
    )  # fmt: skip
    await sample.copy(
        "logistics.route_stop_orders",
        ["route_stop_id", "order_id", "route_id", "stop_type", "created_at"],
        stop_links,
    )  # fmt: skip
    await sample.copy(
        "logistics.operational_outcomes",
        ["id", "outcome_code", "route_id", "decision_id", "estimated_cost",
         "estimated_duration_minutes", "estimated_distance_km", "actual_cost",
         "actual_duration_minutes", "actual_distance_km", "total_revenue",
         "on_time_deliveries", "late_deliveries", "failed_deliveries", "additional_metrics",
         "created_at"],
        outcomes(sample, routes, route_rows),
    )  # fmt: skip
