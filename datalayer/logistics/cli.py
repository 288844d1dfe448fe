"""``datalayer logistics ...``: the Senga SDE's ``manage_db.py seed|check``, rebuilt.

``init`` is ``datalayer migrate``; ``reset`` is ``datalayer rollback`` then ``migrate`` (outcomes
are append-only and committed decisions immutable, so the data cannot simply be deleted).

* ``seed`` loads demo data: an admin, the test user (``user``, role user), two customers, two
  vehicles and three pending orders. It never uses a fixed password: the admin's comes from
  ``LOGISTICS_ADMIN_PASSWORD``, the test user's from ``LOGISTICS_USER_PASSWORD``, else each is
  generated and printed once. The test user is added as the admin. Running it again adds only what is missing. It can run as the
  service's login (``logistics_app``): the admin is created as the first user, which needs no
  admin; once other users exist, a missing admin must be created by an admin (or the owner).
* ``check`` prints the health report's status and the row count of every logistics table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from datalayer.errors import ConfigurationError
from datalayer.queries import Connection
from datalayer.settings import Settings

__all__ = ["register", "seed"]

ADMIN_PASSWORD_VARIABLE = "LOGISTICS_ADMIN_PASSWORD"
USER_PASSWORD_VARIABLE = "LOGISTICS_USER_PASSWORD"
MIN_PASSWORD_LENGTH = 12

_CUSTOMERS = [
    ("CUST-ABC", "ABC Company", "orders@abc.example.com", "+254711000001", "Industrial Area, Nairobi"),
    ("CUST-XYZ", "XYZ Logistics", "dispatch@xyz.example.com", "+254711000002", "Changamwe, Mombasa"),
]  # fmt: skip

_VEHICLES = [
    # code, type, tonnes, m3, latitude, longitude, fuel KES/km, driver KES/h
    ("KDA-001T", "5T Truck", "5", "20", -1.3032, 36.8510, "45", "350"),
    ("KDB-002T", "10T Truck", "10", "40", -4.0435, 39.6682, "70", "400"),
]  # fmt: skip

_ORDERS = [
    # code, customer, destination, tonnes, m3, price KES
    ("ORD-DEMO-1", "CUST-ABC", "Nakuru", "1.5", "6", "18000"),
    ("ORD-DEMO-2", "CUST-ABC", "Eldoret", "3", "10", "32000"),
    ("ORD-DEMO-3", "CUST-XYZ", "Nairobi", "6", "22", "55000"),
]  # fmt: skip


def _admin_password(variable: str = ADMIN_PASSWORD_VARIABLE) -> tuple[str, bool]:
    """The password ``variable`` gives, else a generated one; and whether it was generated (and
    so must be shown)."""
    given = os.environ.get(variable)
    if given:
        if len(given) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(
                f"{variable} must have at least {MIN_PASSWORD_LENGTH} characters",
                variable=variable,
            )
        return given, False
    return secrets.token_urlsafe(18), True


async def seed(conn: Connection, *, now: datetime | None = None) -> list[str]:
    """Adds the demo data that is missing; returns what it did, one line each (the generated
    admin password among them, the only time it is shown)."""
    from datalayer import logistics

    done: list[str] = []
    username = os.environ.get("LOGISTICS_ADMIN_USERNAME", "admin")
    if await logistics.get_user_by_username(conn, username=username) is None:
        password, generated = _admin_password()
        await logistics.create_user_with_password(
            conn, username=username,
            email=os.environ.get("LOGISTICS_ADMIN_EMAIL", "admin@example.com"),
            password=password, role="admin", is_superuser=True,
        )  # fmt: skip
        if generated:
            done.append(f"created admin {username!r} with password {password} (shown once)")
        else:
            done.append(f"created admin {username!r} (password from {ADMIN_PASSWORD_VARIABLE})")
    test_user = os.environ.get("LOGISTICS_USER_USERNAME", "user")
    if await logistics.get_user_by_username(conn, username=test_user) is None:
        password, generated = _admin_password(USER_PASSWORD_VARIABLE)
        admin = await logistics.get_user_by_username(conn, username=username)
        if admin is not None:  # the seed adds the test user as the admin it found or created
            await conn.execute("SELECT set_config('datalayer.user_id', $1, true)", str(admin.id))
        await logistics.create_user_with_password(
            conn, username=test_user,
            email=os.environ.get("LOGISTICS_USER_EMAIL", "user@example.com"),
            password=password, role="user", is_superuser=False,
        )  # fmt: skip
        if generated:
            done.append(f"created user {test_user!r} with password {password} (shown once)")
        else:
            done.append(f"created user {test_user!r} (password from {USER_PASSWORD_VARIABLE})")
    customers = {}
    for code, name, email, phone, address in _CUSTOMERS:
        customer = await logistics.get_customer_by_code(conn, customer_code=code)
        if customer is None:
            customer = await logistics.create_customer(
                conn, customer_code=code, customer_name=name, email=email, phone=phone,
                address=address, constraints={"max_wait_hours": 24}, preferences={},
            )  # fmt: skip
            done.append(f"created customer {code}")
        customers[code] = customer.id
    for code, kind, tonnes, m3, lat, lon, fuel, driver in _VEHICLES:
        if await logistics.get_vehicle_by_code(conn, vehicle_code=code) is None:
            await logistics.create_vehicle(
                conn, vehicle_code=code, vehicle_type=kind,
                capacity_weight_tonnes=Decimal(tonnes), capacity_volume_m3=Decimal(m3),
                current_latitude=lat, current_longitude=lon, fuel_cost_per_km=Decimal(fuel),
                driver_cost_per_hour=Decimal(driver),
            )  # fmt: skip
            done.append(f"created vehicle {code}")
    start = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    start += timedelta(days=1)
    for code, customer_code, city, tonnes, m3, price in _ORDERS:
        if await logistics.get_order_by_code(conn, order_code=code) is None:
            await logistics.create_order(
                conn, order_code=code, customer_id=customers[customer_code],
                pickup_latitude=-1.3032, pickup_longitude=36.8510, pickup_address="Godown 4",
                destination_city=city, destination_latitude=None, destination_longitude=None,
                destination_address=None, weight_tonnes=Decimal(tonnes), volume_m3=Decimal(m3),
                window_start=start, window_end=start + timedelta(hours=10), priority=0,
                special_handling=[], price_kes=Decimal(price),
            )  # fmt: skip
            done.append(f"created order {code}")
    return done


def _connect_settings(args: argparse.Namespace) -> Settings:
    from datalayer.urls import resolve_url

    return Settings.load(url=resolve_url(args.database_url), pool_size=1, max_overflow=0)


def _cmd_seed(args: argparse.Namespace) -> int:
    from datalayer.db import Database

    async def run() -> int:
        db = await Database.connect(_connect_settings(args))
        async with db, db.transaction(actor="datalayer logistics seed") as conn:
            done = await seed(conn)
        for line in done or ["nothing to add: the demo data is there"]:
            print(line)
        return 0

    return asyncio.run(run())


def _cmd_check(args: argparse.Namespace) -> int:
    from datalayer import logistics
    from datalayer.db import Database

    async def run() -> int:
        async with await Database.connect(_connect_settings(args)) as db:
            health = await db.health()
            async with db.transaction(readonly=True) as conn:
                counts = await logistics.list_table_row_counts(conn)
        report = {
            "status": health.status,
            "database": health.model_dump(mode="json").get("database"),
            "tables": {c.table_name: c.row_count for c in counts},
        }
        print(json.dumps(report, indent=2))
        return 0 if health.status != "unhealthy" else 1

    return asyncio.run(run())


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``datalayer logistics seed|check``."""
    group = sub.add_parser("logistics", help="the logistics (Senga SDE) schema: demo data, check")
    commands = group.add_subparsers(dest="logistics_command", required=True)
    for name, func, text in [
        ("seed", _cmd_seed, f"load demo data (admin password from {ADMIN_PASSWORD_VARIABLE}, else generated and shown once)"),
        ("check", _cmd_check, "health status and row counts of the logistics tables"),
    ]:  # fmt: skip
        p = commands.add_parser(name, help=text)
        p.add_argument(
            "--database-url",
            default=None,
            help="where to connect (default: DATABASE_URL)",
        )
        p.set_defaults(func=func)
