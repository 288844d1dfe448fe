"""Bad input refused by the database: NaN and infinity in every numeric column, and a bound on
every text column (stated in its COMMENT). Typed calls as the service for one case of each kind
per table, then a sweep over the catalog so a column added later is covered too."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from logistics_support import (
    T0,
    hours,
    make_customer,
    make_decision,
    make_one_of_each,
    make_order,
    make_route,
    make_user,
    make_vehicle,
)
from psycopg import sql

from datalayer import Database, errors, logistics

NAN, INF = Decimal("NaN"), Decimal("Infinity")
PADDED = " " * 1_000_000 + "Name" + " " * 10  # passed the old trimmed-length checks


async def _made(ldb: Database, table: str, overrides: dict[str, Any]) -> Any:
    async with ldb.transaction() as conn:
        if table == "users":
            return await make_user(conn, **overrides)
        if table == "customers":
            return await make_customer(conn, **overrides)
        if table == "vehicles":
            return await make_vehicle(conn, **overrides)
        if table == "decisions":
            return await make_decision(conn, **overrides)
        if table == "routes":
            van = await make_vehicle(conn)
            return await make_route(conn, van.id, **overrides)
        if table == "orders":
            customer = await make_customer(conn)
            return await make_order(conn, customer.id, **overrides)
        raise AssertionError(table)


@pytest.mark.parametrize(
    ("table", "overrides", "constraint", "column"),
    [
        ("users", {"password_hash": "$argon2id$v=19$m=65536,t=3,p=4$" + "A" * 300 + "$" + "B" * 43}, "users_password_hash_length_check", "password_hash"),
        ("customers", {"customer_name": PADDED}, "customers_customer_name_length_check", "customer_name"),
        ("customers", {"address": "x" * 501}, "customers_address_length_check", "address"),
        ("customers", {"constraints": {"note": "x" * 16_400}}, "customers_constraints_length_check", "constraints"),
        ("vehicles", {"vehicle_type": PADDED}, "vehicles_vehicle_type_length_check", "vehicle_type"),
        ("vehicles", {"capacity_weight_tonnes": NAN}, "vehicles_capacity_weight_tonnes_finite_check", "capacity_weight_tonnes"),
        ("vehicles", {"driver_cost_per_hour": NAN}, "vehicles_driver_cost_per_hour_finite_check", "driver_cost_per_hour"),
        ("decisions", {"total_cost_estimate": NAN}, "decisions_total_cost_estimate_finite_check", "total_cost_estimate"),
        ("decisions", {"state_snapshot": {"fleet": "x" * 1_048_576}}, "decisions_state_snapshot_length_check", "state_snapshot"),
        ("routes", {"estimated_cost_kes": NAN}, "routes_estimated_cost_kes_finite_check", "estimated_cost_kes"),
        ("routes", {"total_distance_km": NAN}, "routes_total_distance_km_finite_check", "total_distance_km"),
        ("orders", {"weight_tonnes": NAN}, "orders_weight_tonnes_finite_check", "weight_tonnes"),
        ("orders", {"price_kes": NAN}, "orders_price_kes_finite_check", "price_kes"),
        ("orders", {"destination_city": PADDED}, "orders_destination_city_length_check", "destination_city"),
        ("orders", {"pickup_address": "x" * 501}, "orders_pickup_address_length_check", "pickup_address"),
        ("orders", {"special_handling": ["fragile", "x" * 51]}, "orders_special_handling_length_check", "special_handling"),
    ],
)  # fmt: skip
async def test_bad_input_is_refused_by_name(
    ldb: Database, table: str, overrides: dict[str, Any], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        await _made(ldb, table, overrides)
    assert info.value.constraint == constraint
    assert (info.value.schema, info.value.table) == ("logistics", table)
    assert info.value.columns == (column,)


async def test_the_limits_themselves_are_accepted(ldb: Database, owner: Database) -> None:
    async with owner.transaction() as conn:  # a city of 100 characters joins the closed set
        await conn.execute("INSERT INTO logistics.destination_cities (name) VALUES ($1)", "C" * 100)
    async with ldb.transaction() as conn:
        customer = await make_customer(conn, customer_name="N" * 200, address="a" * 500)
        order = await make_order(
            conn, customer.id, special_handling=["x" * 50] * 20, destination_city="C" * 100
        )
    assert len(customer.customer_name) == 200 and order.special_handling == ["x" * 50] * 20


async def test_bad_input_of_the_later_steps(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        rows = await make_one_of_each(conn)
        route = await make_route(
            conn, rows["vehicles"].id, period_start=T0 + hours(30), period_end=T0 + hours(31)
        )
        await logistics.update_route_started(conn, route_id=route.id)
    cases: list[tuple[Any, str]] = [
        (
            lambda conn: logistics.update_route_completed(
                conn,
                route_id=route.id,
                actual_distance_km=Decimal(1),
                actual_duration_minutes=1,
                actual_cost_kes=NAN,
            ),
            "routes_actual_cost_kes_finite_check",
        ),
        (
            lambda conn: logistics.create_route_stop(
                conn,
                route_id=route.id,
                order_ids=[],
                stop_type="depot",
                sequence_order=1,
                latitude=0.0,
                longitude=0.0,
                address="x" * 501,
                estimated_arrival_at=None,
                estimated_departure_at=None,
            ),
            "route_stops_address_length_check",
        ),
        (
            lambda conn: logistics.create_route_stop(
                conn,
                route_id=route.id,
                order_ids=[],
                stop_type="depot",
                sequence_order=1,
                latitude=float("nan"),
                longitude=0.0,
                address=None,
                estimated_arrival_at=None,
                estimated_departure_at=None,
            ),
            "route_stops_latitude_check",
        ),
        (
            lambda conn: logistics.create_operational_outcome(
                conn,
                outcome_code="OUT-NAN",
                route_id=route.id,
                actual_cost=NAN,
                actual_duration_minutes=1,
                actual_distance_km=Decimal(1),
                total_revenue=Decimal(0),
                on_time_deliveries=0,
                late_deliveries=0,
                failed_deliveries=0,
                additional_metrics={},
            ),
            "operational_outcomes_actual_cost_finite_check",
        ),
        (
            lambda conn: logistics.create_operational_outcome(
                conn,
                outcome_code="OUT-BIG",
                route_id=route.id,
                actual_cost=Decimal(1),
                actual_duration_minutes=1,
                actual_distance_km=Decimal(1),
                total_revenue=Decimal(0),
                on_time_deliveries=0,
                late_deliveries=0,
                failed_deliveries=0,
                additional_metrics={"trace": "x" * 65_536},
            ),
            "operational_outcomes_additional_metrics_length_check",
        ),
    ]
    for call, constraint in cases:
        with pytest.raises(errors.CheckViolation) as info:
            async with ldb.transaction() as conn:
                await call(conn)
        assert info.value.constraint == constraint


async def test_infinity_in_a_money_column_is_refused(ldb: Database) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        await _made(ldb, "vehicles", {"fuel_cost_per_km": INF})
    assert info.value.constraint == "vehicles_fuel_cost_per_km_finite_check"
    with pytest.raises(errors.CheckViolation) as info:
        await _made(ldb, "orders", {"price_kes": INF})
    assert info.value.constraint == "orders_price_kes_finite_check"
    async with ldb.transaction() as conn:
        route = (await make_one_of_each(conn))["routes"]
    # operational_outcomes keeps numeric(19, 4): no infinite value at all (22003, before any check)
    with pytest.raises(errors.DataError):
        async with ldb.transaction() as conn:
            await _record(conn, route.id, actual_cost=INF)


async def _record(conn: Any, route_id: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "outcome_code": f"OUT-{uuid.uuid4().hex[:12]}", "route_id": route_id,
        "actual_cost": Decimal("8400"), "actual_duration_minutes": 250,
        "actual_distance_km": Decimal("150.5"), "total_revenue": Decimal("12000"),
        "on_time_deliveries": 1, "late_deliveries": 0, "failed_deliveries": 0,
        "additional_metrics": {},
    }  # fmt: skip
    fields.update(overrides)
    return await logistics.create_operational_outcome(conn, **fields)


FIVE_DECIMALS = Decimal("1.00001")


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("vehicles", "fuel_cost_per_km"),
        ("vehicles", "driver_cost_per_hour"),
        ("decisions", "total_cost_estimate"),
        ("routes", "estimated_cost_kes"),
        ("orders", "price_kes"),
    ],
)
async def test_money_with_more_than_4_decimals_is_refused_not_rounded(
    ldb: Database, table: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        await _made(ldb, table, {column: FIVE_DECIMALS})
    assert info.value.constraint == f"{table}_{column}_scale_check"
    assert info.value.columns == (column,)
    with pytest.raises(errors.CheckViolation):  # beyond numeric(19, 4)'s range too
        await _made(ldb, table, {column: Decimal("1e15")})
    row = await _made(ldb, table, {column: Decimal("1234.5678")})
    assert getattr(row, column) == Decimal("1234.5678")


async def test_money_of_completed_routes_and_outcomes_is_refused_not_rounded(
    ldb: Database,
) -> None:
    async with ldb.transaction() as conn:
        route = (await make_one_of_each(conn))["routes"]
        await logistics.update_route_started(conn, route_id=route.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await logistics.update_route_completed(
                conn, route_id=route.id, actual_distance_km=Decimal(1),
                actual_duration_minutes=1, actual_cost_kes=FIVE_DECIMALS,
            )  # fmt: skip
    assert info.value.constraint == "routes_actual_cost_kes_scale_check"
    for column in ("actual_cost", "total_revenue"):
        with pytest.raises(errors.CheckViolation) as info:
            async with ldb.transaction() as conn:
                await _record(conn, route.id, **{column: FIVE_DECIMALS})
        assert info.value.constraint == f"operational_outcomes_{column}_scale_check"
        assert (info.value.schema, info.value.table) == ("logistics", "operational_outcomes")
    async with ldb.transaction() as conn:
        kept = await _record(conn, route.id, actual_cost=Decimal("8400.1234"))
        assert await _record(conn, uuid.uuid4()) is None  # no such route
    assert kept is not None and kept.actual_cost == Decimal("8400.1234")
    assert kept.estimated_cost == route.estimated_cost_kes  # copied from the route


# --- the sweep: every column of every table, from the catalog --------------------------------


def _columns(conn: psycopg.Connection[Any], kinds: tuple[str, ...]) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind = 'r'"
        " AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
        " AND format_type(a.atttypid, NULL) = ANY(%s) ORDER BY 1, 2",
        (list(kinds),),
    ).fetchall()
    return [(str(t), str(c), str(k)) for t, c, k in rows]


def _copy_with(
    conn: psycopg.Connection[Any], table: str, column: str, value: Any
) -> psycopg.Error | None:
    """Insert a copy of a row of ``table`` with ``column`` set to ``value``; the error, if any."""
    ident = sql.SQL("logistics.{}").format(sql.Identifier(table))
    [(row,)] = conn.execute(
        sql.SQL("SELECT to_jsonb(x) FROM {} AS x LIMIT 1").format(ident)
    ).fetchall()
    cols = [
        str(r[0])
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            (f"logistics.{table}",),
        ).fetchall()
    ]
    row = dict(row) | {"id": str(uuid.uuid4()), column: value}
    statement = sql.SQL(
        "INSERT INTO {t} ({c}) SELECT {c} FROM jsonb_populate_record(NULL::{t}, %s::jsonb)"
    ).format(t=ident, c=sql.SQL(", ").join(map(sql.Identifier, cols)))
    try:
        with conn.transaction():
            conn.execute(statement, (json.dumps(row),))
    except psycopg.Error as exc:
        return exc
    return None


def _constraint_columns(conn: psycopg.Connection[Any], table: str, name: str) -> set[str]:
    rows = conn.execute(
        "SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid"
        " AND a.attnum = ANY(k.conkey) WHERE k.conrelid = %s::regclass AND k.conname = %s",
        (f"logistics.{table}", name),
    ).fetchall()
    return {str(r[0]) for r in rows}


async def test_every_numeric_column_refuses_nan_and_infinity(
    ldb: Database, database_url: str
) -> None:
    async with ldb.transaction() as conn:
        await make_one_of_each(conn)
    with psycopg.connect(database_url, autocommit=True) as conn:
        columns = _columns(conn, ("numeric", "double precision", "real"))
        assert len(columns) == 26  # 17 with a finite check, 9 refused by their range checks
        for table, column, _ in columns:
            for value in ("NaN", "Infinity", "-Infinity"):
                exc = _copy_with(conn, table, column, value)
                where = f"{table}.{column} = {value}"
                assert exc is not None, f"{where} was accepted"
                if isinstance(exc, psycopg.errors.NumericValueOutOfRange):
                    assert value != "NaN", where  # typmod: no infinite value in numeric(p, s)
                    continue
                assert isinstance(exc, psycopg.errors.CheckViolation), (where, exc)
                name = exc.diag.constraint_name or ""
                assert column in _constraint_columns(conn, table, name), (where, name)


async def test_every_text_column_is_bounded_and_says_so(ldb: Database, database_url: str) -> None:
    async with ldb.transaction() as conn:
        await make_one_of_each(conn)
    huge = "x" * 1_048_577
    with psycopg.connect(database_url, autocommit=True) as conn:
        columns = _columns(conn, ("text", "text[]", "jsonb"))
        assert len(columns) == 32  # with destination_cities.name and route_stop_orders.stop_type
        for table, column, kind in columns:
            value: Any = {"text": huge, "text[]": [huge], "jsonb": {"k": huge}}[kind]
            exc = _copy_with(conn, table, column, value)
            assert isinstance(exc, psycopg.errors.CheckViolation), (table, column, exc)
            assert column in _constraint_columns(conn, table, exc.diag.constraint_name or "")
        uncommented = conn.execute(
            "SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind = 'r' AND a.attnum > 0"
            " AND NOT a.attisdropped AND format_type(a.atttypid, NULL) IN ('text', 'text[]', 'jsonb')"
            " AND col_description(c.oid, a.attnum) IS NULL"
        ).fetchall()
        assert uncommented == []
        not_valid = conn.execute(
            "SELECT conname FROM pg_constraint WHERE connamespace = 'logistics'::regnamespace"
            " AND NOT convalidated"
        ).fetchall()
        assert not_valid == []
