"""Least privilege for the logistics roles, checked in the catalog and by trying: exactly the
grants the query functions need, no TRUNCATE or DDL, no PUBLIC access, the definer functions
pinned and granted to the service only, row-level security on logistics.users (the one table a
user owns), and the audit trail readable only through logistics.audit_log."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import psycopg
import pytest
from logistics_support import make_one_of_each, make_user
from rls_support import assert_isolated, assert_rls_everywhere, owned_tables

from datalayer import Database, errors, logistics

#: Operational tables: the whole staff works on them, no user owns a row (no owner column).
SHARED = {
    "customers", "vehicles", "decisions", "routes", "orders", "route_stops", "operational_outcomes",
    "route_stop_orders", "destination_cities",
}  # fmt: skip

USER_COLUMNS = {
    "id", "username", "email", "role", "is_active", "is_superuser", "last_login_at",
    "created_at", "updated_at",
}  # fmt: skip

#: logistics_app: table-level privileges, then the columns it may INSERT and UPDATE.
APP_TABLE = {
    "users": set(),
    "customers": {"SELECT"},
    "vehicles": {"SELECT"},
    "decisions": {"SELECT", "DELETE"},
    "routes": {"SELECT"},
    "orders": {"SELECT"},
    "route_stops": {"SELECT"},
    "route_stop_orders": {"SELECT", "DELETE"},
    "destination_cities": {"SELECT"},
    "operational_outcomes": {"SELECT"},
    "audit_log": {"SELECT"},
}
APP_COLUMNS: dict[str, dict[str, set[str]]] = {
    "users": {"SELECT": USER_COLUMNS, "UPDATE": {"last_login_at"}},
    "customers": {
        "INSERT": {"customer_code", "customer_name", "email", "phone", "address", "constraints", "preferences"},
        "UPDATE": {"constraints", "preferences"},
    },
    "vehicles": {
        "INSERT": {"vehicle_code", "vehicle_type", "capacity_weight_tonnes", "capacity_volume_m3", "current_latitude", "current_longitude", "fuel_cost_per_km", "driver_cost_per_hour"},
        "UPDATE": {"current_latitude", "current_longitude", "status", "available_at"},
    },
    "decisions": {
        "INSERT": {"decision_code", "decision_type", "policy_used", "state_snapshot", "total_cost_estimate", "decision_confidence", "computation_time_ms"},
        "UPDATE": {"committed", "committed_at", "executed", "executed_at"},
    },
    "routes": {
        "INSERT": {"route_code", "vehicle_id", "decision_id", "period", "total_distance_km", "estimated_duration_minutes", "estimated_cost_kes"},
        "UPDATE": {"status", "started_at", "completed_at", "actual_distance_km", "actual_duration_minutes", "actual_cost_kes"},
    },
    "orders": {
        "INSERT": {"order_code", "customer_id", "pickup_latitude", "pickup_longitude", "pickup_address", "destination_city", "destination_latitude", "destination_longitude", "destination_address", "weight_tonnes", "volume_m3", "time_window", "priority", "special_handling", "price_kes"},
        "UPDATE": {"status", "assigned_route_id"},
    },
    "route_stops": {
        "INSERT": {"route_id", "stop_type", "sequence_order", "latitude", "longitude", "address", "estimated_arrival_at", "estimated_departure_at"},
        "UPDATE": {"actual_arrival_at", "actual_departure_at"},
    },
    "route_stop_orders": {"INSERT": {"route_stop_id", "order_id", "route_id", "stop_type"}},
}  # fmt: skip
READONLY_TABLE = {t: ({"SELECT"} if t != "users" else set()) for t in APP_TABLE}
READONLY_COLUMNS: dict[str, dict[str, set[str]]] = {"users": {"SELECT": USER_COLUMNS}}

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")

#: The definer functions and who may call them (nobody may call _require_user_admin).
DEFINERS = {
    "check_password(text,text)",
    "create_user(text,text,text,text,boolean)",
    "find_user_by_username(text)",
    "get_password_hash(text)",
    "list_users(text,integer)",
    "record_outcome(text,uuid,numeric,integer,numeric,numeric,integer,integer,integer,jsonb)",
    "set_user_active(uuid,boolean)",
}


def _privileges(url: str, role: str) -> tuple[dict[str, set[str]], set[tuple[str, str, str]]]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT c.relname, p.priv FROM pg_class c CROSS JOIN unnest(%s::text[]) AS p(priv)"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind IN ('r', 'v')"
            " AND has_table_privilege(%s, c.oid, p.priv)",
            (list(TABLE_PRIVILEGES), role),
        ).fetchall()
        columns = conn.execute(
            "SELECT c.relname, a.attname, p.priv FROM pg_class c"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            " CROSS JOIN unnest(%s::text[]) AS p(priv)"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind IN ('r', 'v')"
            " AND has_column_privilege(%s, c.oid, a.attnum, p.priv)",
            (list(COLUMN_PRIVILEGES), role),
        ).fetchall()
        all_columns = conn.execute(
            "SELECT c.relname, a.attname FROM pg_class c"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind IN ('r', 'v')"
        ).fetchall()
    table_level: dict[str, set[str]] = {str(t): set() for t, _ in all_columns}
    for t, priv in tables:
        table_level[str(t)].add(str(priv))
    return table_level, {(str(t), str(c), str(p)) for t, c, p in columns}


def _expected_columns(
    url: str, table_level: dict[str, set[str]], column_level: dict[str, dict[str, set[str]]]
) -> set[tuple[str, str, str]]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT c.relname, a.attname FROM pg_class c"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relkind IN ('r', 'v')"
        ).fetchall()
    expected = set()
    for t, c in rows:
        for priv in COLUMN_PRIVILEGES:
            if priv in table_level.get(str(t), set()) or str(c) in column_level.get(str(t), {}).get(
                priv, set()
            ):
                expected.add((str(t), str(c), priv))
    return expected


@pytest.mark.parametrize(
    ("kind", "table_level", "column_level"),
    [("app", APP_TABLE, APP_COLUMNS), ("readonly", READONLY_TABLE, READONLY_COLUMNS)],
)
def test_each_role_has_exactly_its_grants(
    database_url: str,
    kind: str,
    table_level: dict[str, set[str]],
    column_level: dict[str, dict[str, set[str]]],
) -> None:
    role = f"logistics_{kind}"
    tables, columns = _privileges(database_url, role)
    assert tables == table_level
    assert columns == _expected_columns(database_url, table_level, column_level)


def test_nothing_in_logistics_is_granted_to_public(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        public = conn.execute(
            "SELECT 'schema' FROM pg_namespace WHERE nspname = 'logistics'"
            " AND has_schema_privilege('public', oid, 'USAGE')"
            " UNION ALL SELECT p.oid::regprocedure::text FROM pg_proc p"
            " WHERE p.pronamespace = 'logistics'::regnamespace"
            " AND EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a"
            "             WHERE a.grantee = 0)"
            " UNION ALL SELECT c.relname FROM pg_class c"
            " WHERE c.relnamespace = 'logistics'::regnamespace AND c.relacl IS NOT NULL"
            " AND EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = 0)"
        ).fetchall()
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
            " WHERE relnamespace = 'logistics'::regnamespace"
            " UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc"
            " WHERE pronamespace = 'logistics'::regnamespace"
        ).fetchall()
    assert public == []
    assert owners == [("datalayer_owner",)]


def test_definer_functions_are_pinned_and_granted_to_the_service_only(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT replace(p.oid::regprocedure::text, 'logistics.', ''), p.proconfig,"
            " pg_get_userbyid(p.proowner),"
            " ARRAY(SELECT pg_get_userbyid(a.grantee) FROM aclexplode(p.proacl) a"
            "       WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner ORDER BY 1)"
            " FROM pg_proc p WHERE p.pronamespace = 'logistics'::regnamespace AND p.prosecdef"
        ).fetchall()
        helper = conn.execute(
            "SELECT has_function_privilege('logistics_app', "
            "'logistics._require_user_admin(boolean)', 'EXECUTE')"
        ).fetchone()
    assert {r[0] for r in rows} == DEFINERS
    for name, config, owner, callers in rows:
        assert config == ["search_path=pg_catalog, pg_temp"], name
        assert owner == "datalayer_owner", name
        assert callers == ["logistics_app"], name
    assert helper == (False,)


async def test_the_service_cannot_truncate_alter_or_write_what_it_must_not(
    ldb: Database, app_dsn: str
) -> None:
    async with ldb.transaction() as conn:
        rows = await make_one_of_each(conn)
    user = rows["users"]
    refused = [
        *(f"TRUNCATE logistics.{t}" for t in sorted(APP_TABLE.keys() - {"audit_log"})),
        "ALTER TABLE logistics.orders ADD COLUMN note text",
        "ALTER TABLE logistics.decisions DISABLE TRIGGER _050_protect_committed",
        "ALTER TABLE logistics.users DISABLE ROW LEVEL SECURITY",
        "DROP TABLE logistics.route_stops",
        "CREATE TABLE logistics.mine (id int)",
        "CREATE FUNCTION logistics.mine() RETURNS int LANGUAGE sql RETURN 1",
        "DROP POLICY users_app_own ON logistics.users",
        "SELECT password_hash FROM logistics.users",
        "SELECT logistics._require_user_admin(true)",
        "INSERT INTO logistics.users (username, email, password_hash) VALUES ('x1x', 'x@example.com', 'x')",
        f"UPDATE logistics.users SET role = 'admin' WHERE id = '{user.id}'",
        f"DELETE FROM logistics.users WHERE id = '{user.id}'",
        "DELETE FROM logistics.orders",
        "DELETE FROM logistics.routes",
        "DELETE FROM logistics.customers",
        "UPDATE logistics.orders SET price_kes = 0",
        "UPDATE logistics.vehicles SET capacity_weight_tonnes = 100",
        "UPDATE logistics.customers SET customer_name = 'renamed'",
        "UPDATE logistics.decisions SET state_snapshot = '{}'",
        "UPDATE logistics.routes SET estimated_cost_kes = 0",
        "INSERT INTO logistics.orders (id, order_code, customer_id, pickup_latitude, pickup_longitude,"
        " destination_city, weight_tonnes, volume_m3, time_window, status)"
        f" VALUES (gen_random_uuid(), 'ORD-X', '{rows['customers'].id}', 0, 0, 'Nakuru', 1, 1,"
        " tstzrange(now(), now() + interval '1 hour'), 'delivered')",
        "SELECT count(*) FROM core.audit_log",
        "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values)"
        " VALUES ('logistics', 'orders', 'INSERT', '{}')",
        "UPDATE core.audit_log SET actor = 'someone else'",
        "DELETE FROM core.audit_log",
        "INSERT INTO logistics.audit_log (table_name, operation, new_values) VALUES ('orders', 'INSERT', '{}')",
        "DELETE FROM logistics.audit_log",
        "SET ROLE datalayer_owner",
    ]
    with psycopg.connect(app_dsn, autocommit=True) as conn:
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
                pytest.fail(statement)
        # without a grant option, GRANT only warns; nothing is granted
        conn.execute("GRANT SELECT ON logistics.orders TO PUBLIC")
        granted = conn.execute(
            "SELECT has_table_privilege('public', 'logistics.orders', 'SELECT')"
        ).fetchone()
        assert granted == (False,)
        # the session setting the service controls changes nothing of the above
        conn.execute("SELECT set_config('datalayer.user_id', %s, false)", (str(user.id),))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"UPDATE logistics.users SET role = 'user' WHERE id = '{user.id}'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT password_hash FROM logistics.users")
    with psycopg.connect(app_dsn, autocommit=True) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM logistics.orders), (SELECT count(*) FROM logistics.routes),"
            " (SELECT count(*) FROM logistics.route_stops), (SELECT count(*) FROM logistics.customers)"
        ).fetchone()
    assert counts == (1, 1, 1, 1)


def test_row_level_security_where_a_user_owns_rows(database_url: str) -> None:
    assert [t.table for t in owned_tables(database_url, "logistics")] == ["users"]
    assert not (SHARED & {t.table for t in owned_tables(database_url, "logistics")})
    for role in ("logistics_app", "logistics_readonly"):
        assert_rls_everywhere(database_url, "logistics", role, SHARED)
    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'logistics'::regnamespace"
            " AND relkind = 'r' ORDER BY 1"
        ).fetchall()
        policies = conn.execute(
            "SELECT policyname, roles::text[], cmd FROM pg_policies"
            " WHERE schemaname = 'logistics' ORDER BY 1"
        ).fetchall()
    assert {t for (t,) in tables} == SHARED | {"users"}
    assert policies == [
        ("users_app_own", ["logistics_app"], "ALL"),
        ("users_owner_all", ["datalayer_owner"], "ALL"),
        ("users_readonly_all", ["logistics_readonly"], "SELECT"),
    ]


async def test_users_are_isolated_from_each_other(
    ldb: Database, database_url: str, app_dsn: str
) -> None:
    async with ldb.transaction() as conn:
        a = await make_user(conn, role="admin")
    async with ldb.transaction(user_id=a.id) as conn:
        b = await make_user(conn)
    checked = assert_isolated(database_url, app_dsn, "logistics", a.id, b.id)
    assert checked == ["logistics.users"]
    # and the other way round, through the typed functions
    async with ldb.transaction(user_id=b.id) as conn:
        assert await logistics.get_user_by_id(conn, user_id=a.id) is None
        assert await logistics.update_user_last_login(conn, user_id=a.id) == 0
        me = await logistics.get_user_by_id(conn, user_id=b.id)
    assert me is not None and me.id == b.id


def test_the_readonly_role_reads_everything_but_password_hashes(
    database_url: str, readonly_dsn: str, app_dsn: str
) -> None:
    with psycopg.connect(app_dsn, autocommit=True) as conn:
        conn.execute(
            "SELECT logistics.create_user('boss', 'boss@example.com', %s, 'admin', false)",
            ("$2b$12$" + "a" * 53,),
        )
    with psycopg.connect(readonly_dsn, autocommit=True) as conn:
        for table in sorted(SHARED | {"audit_log"}):
            conn.execute(f"SELECT count(*) FROM logistics.{table}")
        assert conn.execute("SELECT username FROM logistics.users").fetchall() == [("boss",)]
        audited = conn.execute("SELECT count(*) FROM logistics.audit_log").fetchone()
        assert audited == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT password_hash FROM logistics.users")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM logistics.find_user_by_username('boss')")
        for statement in (  # read-write transactions too: its grants refuse
            "INSERT INTO logistics.customers (customer_code, customer_name) VALUES ('C', 'C')",
            "UPDATE logistics.vehicles SET status = 'available'",
            "DELETE FROM logistics.decisions",
            "TRUNCATE logistics.orders",
        ):
            with conn.transaction():
                conn.execute("SET TRANSACTION READ WRITE")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)


async def test_the_audit_trail_shows_only_logistics_rows(
    ldb: Database, owner: Database, app_dsn: str
) -> None:
    async with owner.transaction() as conn:
        await conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values)"
            " VALUES ('fintech', 'users', 'INSERT', '{\"email\": \"someone@example.com\"}')"
        )
    async with ldb.transaction(actor="dispatcher:9") as conn:
        customer = await logistics.create_customer(
            conn, customer_code="AUD-1", customer_name="Audited", email=None, phone=None,
            address=None, constraints={}, preferences={},
        )  # fmt: skip
        decision = await logistics.create_decision(
            conn, decision_code="AUD-D", decision_type="order_arrival", policy_used="pfa",
            state_snapshot={}, total_cost_estimate=None, decision_confidence=None,
            computation_time_ms=None,
        )  # fmt: skip
        seen = await conn.fetch(
            "SELECT table_name, operation, row_id, actor, app_role FROM logistics.audit_log"
        )
    assert customer.id  # customers are not audited; decisions are
    assert [tuple(r) for r in seen] == [
        ("decisions", "INSERT", str(decision.id), "dispatcher:9", "logistics_app")
    ]
    async with owner.transaction() as conn:
        total = await conn.fetchval("SELECT count(*) FROM core.audit_log")
    assert total == 2
    with pytest.raises(errors.PermissionDenied):
        async with ldb.transaction() as conn:
            await conn.fetch("SELECT 1 FROM core.audit_log")


async def test_sign_in_functions_refuse_unknown_inactive_and_wrong(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        admin = await logistics.create_user_with_password(
            conn, username="ops", email="ops@example.com", password="long-Passphrase-1",
            role="admin", is_superuser=False,
        )  # fmt: skip
    async with ldb.transaction(user_id=admin.id) as conn:
        clerk = await logistics.create_user_with_password(
            conn, username="clerk", email="clerk@example.com", password="long-Passphrase-2",
            role="user", is_superuser=False,
        )  # fmt: skip
    cases: list[tuple[str, str, bool]] = [
        ("clerk", "long-Passphrase-2", True),
        ("CLERK", "long-Passphrase-2", True),
        ("clerk", "long-Passphrase-1", False),
        ("ghost", "long-Passphrase-2", False),
    ]
    async with ldb.transaction() as conn:
        for username, password, ok in cases:
            assert (
                await logistics.exists_user_password(conn, username=username, password=password)
                is ok
            )
        assert await logistics.get_user_password_hash_by_username(conn, username="ghost") is None
        found: Any = await logistics.get_user_by_username(conn, username="Clerk")
        assert found is not None and found.id == clerk.id and not hasattr(found, "password_hash")
    async with ldb.transaction(user_id=admin.id) as conn:
        assert await logistics.update_user_active(conn, user_id=clerk.id, is_active=False) == 1
    async with ldb.transaction() as conn:
        assert not await logistics.exists_user_password(
            conn, username="clerk", password="long-Passphrase-2"
        )
        assert await logistics.get_user_password_hash_by_username(conn, username="clerk") is None
        # an inactive user is still found by name (to say "account disabled"), never signed in
        assert await logistics.get_user_by_username(conn, username="clerk") is not None
    assert uuid4() != clerk.id
