"""``datalayer adopt --app logistics``: Senga's legacy tables (integer keys, JSON arrays of order
codes on routes and stops, JSON locations, float money, the seed's default accounts) converted
into the logistics schema, nothing lost.

New ids are md5('senga.<table>.' || old id)::uuid (documented in the conversion files), which the
checks below use to find each legacy row's new row.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import logistics_legacy as ll
import psycopg
import pytest
from legacy_support import LEGACY_SCHEMA, datalayer_check, one, table_digest
from psycopg import sql

from datalayer.adopt import adopt

APP = "logistics"


def new_id(table: str, column: str = "l.id") -> str:
    return f"md5('senga.{table}.' || {column})::uuid"


@dataclass
class Legacy:
    url: str
    expected: ll.Expected


@pytest.fixture
def legacy(
    empty_database_url: str, legacy_rows: int, timings: dict[str, float]
) -> Iterator[Legacy]:
    started = time.perf_counter()
    ll.create_schema(empty_database_url, LEGACY_SCHEMA)
    expected = ll.generate(empty_database_url, LEGACY_SCHEMA, legacy_rows)
    timings["generate"] = time.perf_counter() - started
    yield Legacy(empty_database_url, expected)


def _accounted(url: str) -> dict[str, tuple[int, int, int]]:
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ll.TABLES:
            ident = new_id(table)
            row = conn.execute(
                sql.SQL(
                    "SELECT (SELECT count(*) FROM {l}), "
                    "(SELECT count(*) FROM {l} AS l WHERE EXISTS "
                    "(SELECT FROM {n} AS n WHERE n.id = " + ident + ")), "
                    "(SELECT count(*) FROM {q})"
                ).format(
                    l=sql.Identifier(LEGACY_SCHEMA, table),
                    n=sql.Identifier(APP, table),
                    q=sql.Identifier(f"{APP}_quarantine", table),
                )
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), int(row[1]), int(row[2]))
    return out


def test_apply_converts_json_id_lists_into_relations_and_loses_nothing(
    legacy: Legacy, timings: dict[str, float]
) -> None:
    before = table_digest(legacy.url, LEGACY_SCHEMA, ll.TABLES)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    timings["apply"] = report.seconds
    assert report.accounted
    refused = {t.legacy: t.refused for t in report.tables}
    planted = legacy.expected.planted
    assert (
        refused["users"][
            "a default account with its published password (seed: admin/admin123, user/user123)"
        ]
        == planted["users: default account"]
    )
    assert (
        refused["routes"]["order_ids names an order that does not exist"]
        == (planted["routes: order_ids names a missing order"])
    )
    assert (
        refused["routes"]["order_ids is not a JSON list of order codes"]
        == (planted["routes: order_ids not an array"])
    )
    assert (
        refused["orders"][
            "pickup location is not a latitude and longitude in range (orders_pickup_latitude_check)"
        ]
        == planted["orders: malformed pickup location"]
    )
    assert (
        refused["decisions"]["executed but never committed (decisions_executed_check)"]
        == (planted["decisions: executed without commit"])
    )
    assert (
        refused["orders"][
            "destination city is not one of logistics.destination_cities "
            "(orders_destination_city_fkey)"
        ]
        == planted["orders: destination city outside the set"]
        > 0
    )

    counts = _accounted(legacy.url)
    for table, (rows, converted, quarantined) in counts.items():
        assert rows == legacy.expected.rows[table], table
        assert converted + quarantined == rows, table
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        for table in ll.TABLES:
            assert one(conn, f"SELECT count(*) FROM logistics.{table}") == counts[table][1]
        # relations by foreign key
        for child, column, parent, legacy_column in (
            ("orders", "customer_id", "customers", "customer_id"),
            ("orders", "assigned_route_id", "routes", "assigned_route_id"),
            ("routes", "vehicle_id", "vehicles", "vehicle_id"),
            ("routes", "decision_id", "decisions", "decision_id"),
            ("operational_outcomes", "route_id", "routes", "route_id"),
            ("operational_outcomes", "decision_id", "decisions", "decision_id"),
        ):
            broken = one(
                conn,
                f"SELECT count(*) FROM legacy.{child} AS l "
                f"JOIN logistics.{child} AS n ON n.id = {new_id(child)} "
                f"WHERE n.{column} IS DISTINCT FROM "
                f"CASE WHEN l.{legacy_column} IS NOT NULL THEN "
                f"{new_id(parent, 'l.' + legacy_column)} END",
            )
            assert broken == 0, (child, column)
        # a converted route's JSON list is exactly its converted orders' relation
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.routes AS l
            JOIN logistics.routes AS n ON n.id = md5('senga.routes.' || l.id)::uuid
            WHERE (SELECT array_agg(c ORDER BY c) FROM json_array_elements_text(l.order_ids) AS c
                   WHERE EXISTS (SELECT FROM logistics.orders AS o WHERE o.order_code = c))
               IS DISTINCT FROM
                  (SELECT array_agg(o.order_code ORDER BY o.order_code) FROM logistics.orders AS o
                   WHERE o.assigned_route_id = n.id)""",
            )
            == 0
        )
        # a converted legacy stop is one stop serving exactly the orders its JSON list names
        # (a pickup lists all of its route's orders), on the same route, in the same order
        assert one(
            conn,
            """
            SELECT count(*) FROM legacy.route_stops AS s
            CROSS JOIN LATERAL json_array_elements_text(s.order_ids) AS c
            WHERE EXISTS (SELECT FROM logistics.route_stops AS n
                          WHERE n.id = md5('senga.route_stops.' || s.id)::uuid)""",
        ) == one(conn, "SELECT count(*) FROM logistics.route_stop_orders")
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.route_stops AS s
            JOIN logistics.route_stops AS n ON n.id = md5('senga.route_stops.' || s.id)::uuid
            WHERE n.route_id <> md5('senga.routes.' || s.route_id)::uuid
               OR n.stop_type <> s.stop_type
               OR (SELECT array_agg(c ORDER BY c) FROM json_array_elements_text(s.order_ids) AS c)
                  IS DISTINCT FROM
                  (SELECT array_agg(o.order_code ORDER BY o.order_code)
                   FROM logistics.route_stop_orders AS so
                   JOIN logistics.orders AS o ON o.id = so.order_id
                   WHERE so.route_stop_id = n.id)""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM logistics.route_stops AS n
            JOIN logistics.route_stops AS m ON m.route_id = n.route_id AND m.id <> n.id
            JOIN legacy.route_stops AS s ON n.id = md5('senga.route_stops.' || s.id)::uuid
            JOIN legacy.route_stops AS t ON m.id = md5('senga.route_stops.' || t.id)::uuid
            WHERE (s.sequence_order, s.id) < (t.sequence_order, t.id)
              AND n.sequence_order >= m.sequence_order""",
            )
            == 0
        )
        # the pickups: one stop serving several orders
        assert (
            one(
                conn,
                "SELECT count(*) FROM (SELECT FROM logistics.route_stop_orders "
                "GROUP BY route_stop_id HAVING count(*) > 1) AS several",
            )
            > 0
        )
        # money and figures: converted values are the legacy floats exactly
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.orders AS l
            JOIN logistics.orders AS n ON n.id = md5('senga.orders.' || l.id)::uuid
            WHERE n.price_kes::float8 <> l.price_kes OR n.weight_tonnes::float8 <> l.weight_tonnes
               OR n.destination_city <> initcap(lower(l.destination_city::text))""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """
            SELECT (SELECT sum(price_kes::numeric) FROM legacy.orders)
                 = (SELECT sum(price_kes) FROM logistics.orders)
                 + (SELECT coalesce(sum((row_data->>'price_kes')::numeric), 0)
                    FROM logistics_quarantine.orders)""",
            )
            is True
        )
        # the default accounts are held back, hashes of the others kept
        assert {
            r[0]
            for r in conn.execute(
                "SELECT row_data->>'username' FROM logistics_quarantine.users "
                "WHERE reason LIKE 'a default account%'"
            ).fetchall()
        } == {"admin", "user"}
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.users AS l
            JOIN logistics.users AS n ON n.id = md5('senga.users.' || l.id)::uuid
            WHERE n.password_hash <> l.hashed_password""",
            )
            == 0
        )
        audit = one(conn, "SELECT count(*) FROM core.audit_log")
    # the operations check of the converted schema finds nothing (exit 0)
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
    assert table_digest(legacy.url, LEGACY_SCHEMA, ll.TABLES) == before

    again = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert again.changed == 0
    assert _accounted(legacy.url) == counts
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM core.audit_log") == audit


def test_a_fixed_order_list_converts_its_route_orders_and_stops(legacy: Legacy) -> None:
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT legacy_key::int FROM logistics_quarantine.routes "
            "WHERE reason = 'order_ids names an order that does not exist' "
            "ORDER BY legacy_key::int LIMIT 1"
        ).fetchone()
        assert row is not None
        route = int(row[0])
        # the fix: the list names exactly the orders assigned to the route
        conn.execute(
            "UPDATE legacy.routes SET order_ids = (SELECT json_agg(o.order_id ORDER BY o.id) "
            "FROM legacy.orders AS o WHERE o.assigned_route_id = %s) WHERE id = %s",
            (route, route),
        )
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert report.accounted and report.changed > 0
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert (
            one(
                conn,
                f"SELECT count(*) FROM logistics.routes WHERE id = {new_id('routes', str(route))}",
            )
            == 1
        )
        assigned = one(
            conn, f"SELECT count(*) FROM legacy.orders WHERE assigned_route_id = {route}"
        )
        converted = one(
            conn,
            "SELECT count(*) FROM logistics.orders "
            f"WHERE assigned_route_id = {new_id('routes', str(route))}",
        )
        held = one(
            conn,
            "SELECT count(*) FROM logistics_quarantine.orders "
            f"WHERE (row_data->>'assigned_route_id')::int = {route}",
        )
        assert converted + held == assigned


def test_a_city_added_to_the_set_converts_its_orders_on_the_next_apply(legacy: Legacy) -> None:
    """Orders to a city outside logistics.destination_cities wait in the quarantine; once the
    operator adds the city (as the owner), the next apply converts them and their stops."""
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    reason = (
        "destination city is not one of logistics.destination_cities (orders_destination_city_fkey)"
    )
    planted = legacy.expected.planted["orders: destination city outside the set"]
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        held = one(
            conn,
            f"SELECT count(*) FROM logistics_quarantine.orders WHERE reason = '{reason}'",
        )
        assert held == planted
        assert (
            one(conn, "SELECT count(*) FROM logistics.orders WHERE destination_city = 'Marsabit'")
            == 0
        )
        conn.execute("INSERT INTO logistics.destination_cities (name) VALUES ('Marsabit')")
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    assert report.accounted and report.changed > 0
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert (
            one(conn, f"SELECT count(*) FROM logistics_quarantine.orders WHERE reason = '{reason}'")
            == 0
        )
        # every Marsabit order converted, unless held for another reason (its customer)
        assert (
            one(conn, "SELECT count(*) FROM logistics.orders WHERE destination_city = 'Marsabit'")
            + one(
                conn,
                "SELECT count(*) FROM logistics_quarantine.orders "
                "WHERE row_data->>'destination_city' = 'MARSABIT'",
            )
            == planted
        )
        assert (
            one(
                conn,
                "SELECT count(*) FROM logistics.route_stop_orders AS so "
                "JOIN logistics.orders AS o ON o.id = so.order_id "
                "WHERE o.destination_city = 'Marsabit'",
            )
            > 0
        )
    assert adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True).changed == 0
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
