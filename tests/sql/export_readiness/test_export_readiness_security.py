"""Least privilege and tenant isolation in export_readiness, checked as the roles themselves.

export_readiness_app (the service) reads and writes only the acting user's rows (row-level
security keyed on datalayer.user_id; nothing without it), holds exactly the privileges its query
functions use, and signs users up and looks up sign-ins only through the two definer functions.
export_readiness_readonly reads every row for reporting and writes nothing. Both read core.audit_log
under their own policy and cannot write it.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from export_readiness_support import (
    BCRYPT,
    KEY,
    TABLES,
    act_as,
    make_everything,
    make_report,
    make_user,
)
from psycopg import sql
from rls_support import assert_isolated, assert_rls_everywhere, owned_tables

from datalayer import Database, errors
from datalayer import export_readiness as er

S = "export_readiness"
APP = "export_readiness_app"
READONLY = "export_readiness_readonly"
OWNER = "datalayer_owner"

#: Tables without an owner column: each reaches its owner through its parent.
THROUGH_PARENT = {
    "chat_messages": ("chat_sessions", "session_id"),
    "finance_analysis": ("reports", "report_id"),
    "logistics_analysis": ("reports", "report_id"),
}


async def _user_with_everything(edb: Database, email: str | None = None) -> Any:
    """A user with a completed report, a row in every table under it, and metrics."""
    async with edb.transaction() as conn:
        user = await make_user(conn, email)
        await act_as(conn, user.id)
        report = await make_report(conn, user.id)
        await make_everything(conn, user, report)
        await er.upsert_user_metrics(
            conn, user_id=user.id, reports_generated=1, certifications_completed=0,
            documents_generated=1, action_tasks_completed=0, cost_savings=Decimal(0),
            time_saved_hours=Decimal(0),
        )  # fmt: skip
    return user


def _act_as(conn: psycopg.Connection[Any], user: uuid.UUID | None) -> None:
    conn.execute("SELECT set_config('datalayer.user_id', %s, true)", (str(user) if user else "",))


# -- tenant isolation -----------------------------------------------------------------------------


async def test_tenant_isolation_from_the_catalog(
    edb: Database, database_url: str, app_database_url: str
) -> None:
    a = await _user_with_everything(edb)
    b = await _user_with_everything(edb)
    checked = assert_isolated(database_url, app_database_url, S, a.id, b.id)
    assert sorted(checked) == sorted(f"{S}.{t}" for t in TABLES if t not in THROUGH_PARENT)
    # the same rows are there for their owner (the policies hide other users', not everything)
    with psycopg.connect(app_database_url) as conn, conn.transaction():
        _act_as(conn, a.id)
        for table in TABLES:
            seen = conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(S), sql.Identifier(table)
                )
            ).fetchone()
            assert seen is not None and seen[0] > 0, f"{table}: user A sees none of their rows"


def test_every_table_is_owned_or_reached_through_its_parent(database_url: str) -> None:
    """So a table added later is covered by one of the isolation tests or fails here."""
    owned = {t.table for t in owned_tables(database_url, S)}
    assert not owned & set(THROUGH_PARENT)
    assert owned | set(THROUGH_PARENT) == set(TABLES)
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r'",
            (S,),
        ).fetchall()
    assert {r[0] for r in rows} == set(TABLES)


async def test_child_tables_are_isolated_through_their_parent(
    edb: Database, database_url: str, app_database_url: str
) -> None:
    a = await _user_with_everything(edb)
    b = await _user_with_everything(edb)
    with (
        psycopg.connect(database_url, autocommit=True) as owner,
        psycopg.connect(app_database_url) as app,
    ):
        for child, (parent, fk) in THROUGH_PARENT.items():
            ident = sql.SQL("{}.{}").format(sql.Identifier(S), sql.Identifier(child))
            rows = owner.execute(
                sql.SQL(
                    "SELECT c.id::text, to_jsonb(c) FROM {} AS c JOIN {}.{} AS p ON p.id = c.{} "
                    "WHERE p.user_id = %s"
                ).format(ident, sql.Identifier(S), sql.Identifier(parent), sql.Identifier(fk)),
                (a.id,),
            ).fetchall()
            assert rows, child
            ids = [r[0] for r in rows]
            with app.transaction():
                _act_as(app, a.id)
                mine = app.execute(
                    sql.SQL("SELECT count(*) FROM {} WHERE id::text = ANY(%s)").format(ident),
                    (ids,),
                ).fetchone()
                assert mine == (len(ids),), child
            with app.transaction():
                _act_as(app, b.id)
                seen = app.execute(
                    sql.SQL("SELECT count(*) FROM {} WHERE id::text = ANY(%s)").format(ident),
                    (ids,),
                ).fetchone()
                assert seen == (0,), f"{child}: user B reads user A's rows"
            with app.transaction():
                _act_as(app, None)
                total = app.execute(sql.SQL("SELECT count(*) FROM {}").format(ident)).fetchone()
                assert total == (0,), f"{child}: rows visible with no datalayer.user_id"
            for statement in (
                sql.SQL("UPDATE {} SET {} = {} WHERE id::text = ANY(%s)").format(
                    ident, sql.Identifier(fk), sql.Identifier(fk)
                ),
                sql.SQL("DELETE FROM {} WHERE id::text = ANY(%s)").format(ident),
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), app.transaction():
                    _act_as(app, b.id)
                    app.execute(statement, (ids,))
            # B adds a row under A's parent: refused by the policy's WITH CHECK
            row = dict(rows[0][1])
            row["id"] = str(uuid.uuid4())
            columns = [c for c in row if c not in ("id", "created_at", "updated_at")]
            insert = sql.SQL(
                "INSERT INTO {t} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{t}, %s::jsonb)"
            ).format(t=ident, cols=sql.SQL(", ").join(map(sql.Identifier, columns)))
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as info, app.transaction():
                _act_as(app, b.id)
                app.execute(insert, (json.dumps(row),))
            assert "row-level security" in str(info.value), child
            with app.transaction():  # the same insert is fine for A (the refusal is B's alone)
                _act_as(app, a.id)
                app.execute(insert, (json.dumps(row),))
            still = owner.execute(sql.SQL("SELECT count(*) FROM {}").format(ident)).fetchone()
            assert still is not None and still[0] == 2 * len(rows) + 1, child


_IN_ANOTHER_USERS_NAME = {
    "reports": "INSERT INTO {s}.reports (user_id, product_name, destination_country, business_type, "
    "company_size) VALUES ('{a}', 'Tea', 'US', 'Merchant', 'Micro')",
    "certification_progress": "INSERT INTO {s}.certification_progress (user_id, report_id, "
    "certification_id, certification_name) VALUES ('{a}', '{r}', 'bis', 'BIS')",
    "generated_documents": "INSERT INTO {s}.generated_documents (user_id, report_id, document_type, "
    "content_encrypted, content_key_id) VALUES ('{a}', '{r}', 'packing_list', '\\x01', '1')",
    "action_plan_progress": "INSERT INTO {s}.action_plan_progress (user_id, report_id, day_number, "
    "task_id, task_title) VALUES ('{a}', '{r}', 2, 'zed', 'ZED')",
    "chat_sessions": "INSERT INTO {s}.chat_sessions (user_id) VALUES ('{a}')",
    "user_metrics": "INSERT INTO {s}.user_metrics (user_id) VALUES ('{a}')",
}


@pytest.mark.parametrize("table", sorted(_IN_ANOTHER_USERS_NAME))
async def test_rows_in_another_users_name_are_refused_by_the_policy(
    edb: Database, app_database_url: str, table: str
) -> None:
    """With only the granted columns, so that the policy's WITH CHECK (not a missing privilege) is
    what refuses; the same statement acting as A succeeds (except for A's second metrics row)."""
    a = await _user_with_everything(edb)
    b = await _user_with_everything(edb)
    async with edb.transaction(user_id=a.id) as conn:
        [report] = await er.list_reports_by_user(
            conn, user_id=a.id, before_created_at=None, before_id=None, max_rows=1
        )
    statement = _IN_ANOTHER_USERS_NAME[table].format(s=S, a=a.id, r=report.id)
    with psycopg.connect(app_database_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as info, conn.transaction():
            _act_as(conn, b.id)
            conn.execute(statement)
        assert "row-level security" in str(info.value)
        if table != "user_metrics":
            with conn.transaction():
                _act_as(conn, a.id)
                conn.execute(statement)


def test_row_level_security_is_enabled_and_forced_on_every_table(database_url: str) -> None:
    # no shared reference tables in export_readiness: every table belongs to a user
    assert_rls_everywhere(database_url, S, APP, shared=set())
    assert_rls_everywhere(database_url, S, READONLY, shared=set())
    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relnamespace = %s::regnamespace AND relkind = 'r'",
            (S,),
        ).fetchall()
        policies = conn.execute(
            "SELECT tablename, policyname, roles::text[], cmd FROM pg_policies WHERE schemaname = %s",
            (S,),
        ).fetchall()
        restrictive = conn.execute(
            "SELECT policyname FROM pg_policies WHERE schemaname = %s AND permissive = 'RESTRICTIVE'",
            (S,),
        ).fetchall()
    assert sorted(r[0] for r in restrictive) == sorted(f"{t}_live" for t in TABLES)
    assert len(tables) == len(TABLES) and all(enabled and forced for _, enabled, forced in tables)
    expected = set()
    for table in TABLES:
        expected |= {
            (table, f"{table}_owner_all", (OWNER,), "ALL"),
            (table, f"{table}_app_own", (APP,), "ALL"),
            (table, f"{table}_readonly_all", (READONLY,), "SELECT"),
            (table, f"{table}_live", (APP, READONLY), "ALL"),  # restrictive: deleted rows hidden
        }
    assert {(t, p, tuple(r), c) for t, p, r, c in policies} == expected


# -- privileges -----------------------------------------------------------------------------------

_ALL_USER_COLUMNS = (
    "id email company_name business_type company_size iec_code phone_encrypted profile is_active "
    "last_login_at created_at updated_at deleted_at phone_key_id"
)

#: What each role may do: table-level privileges, and column-level ones as (privilege, columns).
EXPECTED: dict[str, dict[str, set[str]]] = {
    APP: {
        "users": {
            *(f"SELECT({c})" for c in _ALL_USER_COLUMNS.split()),
            *(
                f"UPDATE({c})"
                for c in [
                    "company_name",
                    "business_type",
                    "company_size",
                    "iec_code",
                    "phone_encrypted",
                    "phone_key_id",
                    "profile",
                    "last_login_at",
                ]
            ),
        },
        "reports": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in [
                    "user_id",
                    "product_name",
                    "product_description",
                    "ingredients",
                    "product_image_url",
                    "destination_country",
                    "business_type",
                    "company_size",
                    "monthly_volume",
                ]
            ),
            *(
                f"UPDATE({c})"
                for c in [
                    "status",
                    "hs_code",
                    "hs_code_confidence",
                    "risk_score",
                    "report_data",
                    "estimated_cost",
                    "estimated_timeline_days",
                    "failure_reason",
                ]
            ),
        },
        "certification_progress": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in [
                    "user_id",
                    "report_id",
                    "certification_id",
                    "certification_name",
                    "estimated_cost",
                ]
            ),
            *(
                f"UPDATE({c})"
                for c in ["status", "notes", "documents_completed", "started_at", "completed_at"]
            ),
        },
        "generated_documents": {
            "SELECT",
            "DELETE",
            *(
                f"INSERT({c})"
                for c in [
                    "user_id",
                    "report_id",
                    "document_type",
                    "content_encrypted",
                    "content_key_id",
                ]
            ),
            *(f"UPDATE({c})" for c in ["validation_status", "validation_results", "validated_at"]),
        },
        "action_plan_progress": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in [
                    "user_id",
                    "report_id",
                    "day_number",
                    "task_id",
                    "task_title",
                    "task_description",
                    "category",
                ]
            ),
            "UPDATE(completed)",
            "UPDATE(completed_at)",
        },
        "chat_sessions": {
            "SELECT",
            "DELETE",
            "INSERT(user_id)",
            "INSERT(report_id)",
            "INSERT(context_data)",
            "UPDATE(context_data)",
            "UPDATE(updated_at)",
        },
        "chat_messages": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in ["session_id", "role", "content_encrypted", "content_key_id", "sources"]
            ),
        },
        "finance_analysis": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in [
                    "report_id",
                    "working_capital_data",
                    "rodtep_benefit_data",
                    "gst_refund_data",
                    "cash_flow_timeline",
                    "total_working_capital",
                ]
            ),
        },
        "logistics_analysis": {
            "SELECT",
            *(
                f"INSERT({c})"
                for c in [
                    "report_id",
                    "recommended_mode",
                    "lcl_fcl_comparison",
                    "rms_probability",
                    "freight_estimate",
                ]
            ),
        },
        "user_metrics": {
            "SELECT",
            *(
                f"{p}({c})"
                for p in ("INSERT", "UPDATE")
                for c in [
                    "reports_generated",
                    "certifications_completed",
                    "documents_generated",
                    "action_tasks_completed",
                    "cost_savings",
                    "time_saved_hours",
                ]
            ),
            "INSERT(user_id)",
            "UPDATE(last_activity_at)",
        },
    },
    READONLY: {
        "users": {f"SELECT({c})" for c in _ALL_USER_COLUMNS.split()},
        **{t: {"SELECT"} for t in TABLES if t != "users"},
    },
}

_PRIVILEGES_SQL = """
SELECT c.relname, a.privilege_type, NULL::text
FROM pg_class AS c, aclexplode(c.relacl) AS a
WHERE c.relnamespace = %(schema)s::regnamespace AND a.grantee = %(role)s::regrole
UNION ALL
SELECT c.relname, a.privilege_type, att.attname::text
FROM pg_class AS c
JOIN pg_attribute AS att ON att.attrelid = c.oid AND att.attnum > 0
CROSS JOIN aclexplode(att.attacl) AS a
WHERE c.relnamespace = %(schema)s::regnamespace AND a.grantee = %(role)s::regrole
"""


@pytest.mark.parametrize("role", [APP, READONLY])
def test_privileges_are_exactly_what_the_queries_use(database_url: str, role: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(_PRIVILEGES_SQL, {"schema": S, "role": role}).fetchall()
    granted: dict[str, set[str]] = {}
    for table, privilege, column in rows:
        granted.setdefault(table, set()).add(
            privilege if column is None else f"{privilege}({column})"
        )
    assert granted == EXPECTED[role]


def test_public_has_nothing_and_no_app_role_owns_anything(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        public = conn.execute(
            """
            SELECT 'schema', n.nspname FROM pg_namespace AS n, aclexplode(coalesce(n.nspacl,
                acldefault('n', n.nspowner))) AS a WHERE n.oid = %(s)s::regnamespace AND a.grantee = 0
            UNION ALL
            SELECT 'relation', c.relname FROM pg_class AS c, aclexplode(coalesce(c.relacl,
                acldefault('r', c.relowner))) AS a WHERE c.relnamespace = %(s)s::regnamespace AND a.grantee = 0
            UNION ALL
            SELECT 'function', p.proname FROM pg_proc AS p, aclexplode(coalesce(p.proacl,
                acldefault('f', p.proowner))) AS a WHERE p.pronamespace = %(s)s::regnamespace AND a.grantee = 0
            """,
            {"s": S},
        ).fetchall()
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = %(s)s::regnamespace"
            " UNION SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = %(s)s::regnamespace"
            " UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE oid = %(s)s::regnamespace",
            {"s": S},
        ).fetchall()
        memberships = conn.execute(
            "SELECT r.rolname, pg_has_role(r.oid, %s, 'MEMBER'), r.rolcanlogin FROM pg_roles AS r "
            "WHERE r.rolname IN (%s, %s)",
            (OWNER, APP, READONLY),
        ).fetchall()
    assert public == []
    assert {r[0] for r in owners} == {OWNER}
    with psycopg.connect(database_url, autocommit=True) as conn:
        core = conn.execute(
            "SELECT has_schema_privilege(%(r)s, 'core', 'USAGE'),"
            " has_schema_privilege(%(r)s, 'core', 'CREATE'),"
            " has_function_privilege(%(r)s, 'core.uuid_v7()', 'EXECUTE'),"
            " has_function_privilege(%(r)s, 'core.current_user_id()', 'EXECUTE'),"
            " has_table_privilege(%(r)s, 'core.audit_log', 'SELECT'),"
            " has_table_privilege(%(r)s, 'core.audit_log', 'INSERT, UPDATE, DELETE, TRUNCATE'),"
            " has_schema_privilege(%(r)s, %(s)s, 'CREATE')",
            {"r": APP, "s": S},
        ).fetchone()
    assert core == (True, False, True, True, True, False, False)
    assert sorted(memberships) == [(APP, False, False), (READONLY, False, False)]


_REFUSED = [
    *(f"TRUNCATE {S}.{t}" for t in TABLES),
    f"ALTER TABLE {S}.reports ADD COLUMN note text",
    f"ALTER TABLE {S}.reports DISABLE ROW LEVEL SECURITY",
    f"ALTER TABLE {S}.reports NO FORCE ROW LEVEL SECURITY",
    f"DROP POLICY reports_app_own ON {S}.reports",
    f"CREATE POLICY reports_open ON {S}.reports USING (true)",
    f"DROP TABLE {S}.chat_messages",
    f"CREATE TABLE {S}.scratch (id int)",
    f"CREATE INDEX reports_note_idx ON {S}.reports (product_name)",
    f"CREATE FUNCTION {S}.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "SET ROLE datalayer_owner",
    # users: no sign-up but through the definer function, no password hashes, no takeover
    f"INSERT INTO {S}.users (email, password_hash, company_name, business_type, company_size) "
    f"VALUES ('x@example.in', '{BCRYPT}', 'X', 'Merchant', 'Micro')",
    f"SELECT password_hash FROM {S}.users",
    f"SELECT * FROM {S}.users",
    f"UPDATE {S}.users SET password_hash = '{BCRYPT}'",
    f"UPDATE {S}.users SET email = 'taken@example.in'",
    f"UPDATE {S}.users SET is_active = false",
    # who owns a row never changes
    f"UPDATE {S}.reports SET user_id = user_id",
    f"UPDATE {S}.certification_progress SET report_id = report_id",
    f"UPDATE {S}.chat_sessions SET user_id = user_id",
    f"UPDATE {S}.user_metrics SET user_id = user_id",
    # what the queries never delete or change
    f"DELETE FROM {S}.certification_progress",
    f"DELETE FROM {S}.action_plan_progress",
    f"DELETE FROM {S}.chat_messages",
    f"UPDATE {S}.chat_messages SET role = role",
    f"UPDATE {S}.finance_analysis SET total_working_capital = 0",
    f"DELETE FROM {S}.finance_analysis",
    f"UPDATE {S}.logistics_analysis SET rms_probability = 0",
    f"DELETE FROM {S}.logistics_analysis",
    f"DELETE FROM {S}.user_metrics",
    f"UPDATE {S}.reports SET created_at = now()",
    # the audit trail is written by its definer trigger only
    "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values) "
    "VALUES ('export_readiness', 'users', 'INSERT', '{}')",
    "UPDATE core.audit_log SET actor = 'someone else'",
    "DELETE FROM core.audit_log",
    "TRUNCATE core.audit_log",
]


async def test_the_app_role_cannot_truncate_alter_or_write_what_it_must_not(
    edb: Database, owner_db: Database, app_database_url: str
) -> None:
    """Each statement refused for lack of a privilege while acting as the owner of every row: the
    grants, not row-level security, stop it; and nothing changed."""
    user = await _user_with_everything(edb)
    counts = "SELECT " + ", ".join(f"(SELECT count(*) FROM {S}.{t})" for t in TABLES)
    async with owner_db.transaction() as conn:
        before = await conn.fetchrow(counts)
        audit_before = await conn.fetchval("SELECT count(*) FROM core.audit_log")
    allowed = []
    with psycopg.connect(app_database_url) as conn:
        for statement in _REFUSED:
            try:
                with conn.transaction():
                    _act_as(conn, user.id)
                    conn.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                continue
            allowed.append(statement)
    assert allowed == []
    async with owner_db.transaction() as conn:
        assert await conn.fetchrow(counts) == before
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == audit_before
        assert await conn.fetchval(f"SELECT count(*) FROM {S}.users WHERE NOT is_active") == 0


async def test_the_app_role_cannot_switch_row_level_security_off(
    edb: Database, app_database_url: str
) -> None:
    await _user_with_everything(edb)
    with psycopg.connect(app_database_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as info, conn.transaction():
            conn.execute("SET LOCAL row_security = off")
            conn.execute(f"SELECT count(*) FROM {S}.reports")
        assert "row-level security" in str(info.value)


# -- definer functions ----------------------------------------------------------------------------


#: Every function of the schema: SECURITY DEFINER or not, and who may EXECUTE it besides the owner.
FUNCTIONS: dict[str, tuple[bool, tuple[str, ...]]] = {
    f"{S}.current_key_id(text)": (False, (APP,)),
    f"{S}.decrypt(bytea,text,text)": (False, (APP,)),
    f"{S}.deletion_retention()": (False, (APP, READONLY)),
    f"{S}.encrypt(text,text)": (False, (APP,)),
    f"{S}.encryption_key_usage()": (True, (APP,)),
    f"{S}.keyring(text)": (False, (APP,)),
    f"{S}.login_by_email(text)": (True, (APP,)),
    f"{S}.purge_deleted(timestamp with time zone)": (False, ()),
    f"{S}.reencrypt_batch(text,text,uuid,integer)": (True, (APP,)),
    f"{S}.restore_report(uuid,uuid)": (True, (APP,)),
    f"{S}.restore_user(uuid)": (True, (APP,)),
    f"{S}.sign_up(text,text,text,text,text,text,bytea,text,jsonb)": (True, (APP,)),
    f"{S}.soft_delete_report(uuid,uuid)": (True, (APP,)),
    f"{S}.soft_delete_user(uuid)": (True, (APP,)),
    f"{S}.tg__users_cascade_deleted()": (True, ()),
}


def test_definer_functions_are_narrow(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            """
            SELECT p.oid::regprocedure::text, p.prosecdef, pg_get_userbyid(p.proowner), p.proconfig,
                   ARRAY(SELECT a.grantee::regrole::text FROM aclexplode(p.proacl) AS a
                         WHERE a.privilege_type = 'EXECUTE' ORDER BY 1)
            FROM pg_proc AS p WHERE p.pronamespace = %s::regnamespace ORDER BY 1
            """,
            (S,),
        ).fetchall()
    assert [r[0] for r in rows] == sorted(FUNCTIONS)
    for name, definer, owner, config, executors in rows:
        assert (definer, owner) == (FUNCTIONS[name][0], OWNER), name
        assert config == ["search_path=pg_catalog, pg_temp"], name
        assert sorted(executors) == sorted([OWNER, *FUNCTIONS[name][1]]), name


async def test_sign_up_needs_no_acting_user_and_is_audited(
    edb: Database, owner_db: Database, harness: Any
) -> None:
    async with edb.transaction(actor="signup-form") as conn:
        user = await make_user(conn, "Meera@Example.in")
    assert user.email == "Meera@Example.in" and user.is_active and user.last_login_at is None
    async with owner_db.transaction() as conn:
        audit = await conn.fetchrow(
            "SELECT operation, new_values, actor, db_user, app_role FROM core.audit_log "
            "WHERE schema_name = $1 AND table_name = 'users' AND row_id = $2",
            S,
            str(user.id),
        )
    assert audit is not None and audit["operation"] == "INSERT"
    assert audit["actor"] == "signup-form"
    assert audit["db_user"] == harness.app_login(S) and audit["app_role"] == APP
    assert "password_hash" not in audit["new_values"]
    assert "phone_encrypted" not in audit["new_values"]


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"email": "taken@example.in"}, errors.UniqueViolation, "users_email_key"),
        ({"email": "TAKEN@example.in"}, errors.UniqueViolation, "users_email_key"),
        ({"password_hash": "hunter2"}, errors.CheckViolation, "users_password_hash_check"),
        ({"profile": {"aadhaar": "1234"}}, errors.CheckViolation, "users_profile_check"),
        ({"company_name": "x" * 201}, errors.CheckViolation, "users_company_name_check"),
    ],
)
async def test_sign_up_refuses_what_the_table_refuses(
    edb: Database, overrides: dict[str, Any], error: type[errors.IntegrityError], constraint: str
) -> None:
    async with edb.transaction() as conn:
        await make_user(conn, "taken@example.in")
    fields = {"email": "new@example.in", **overrides}
    with pytest.raises(error) as info:
        async with edb.transaction() as conn:
            await make_user(conn, **fields)
    assert info.value.constraint == constraint


async def test_sign_in_lookup(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn, "Arjun@Example.in")
        other = await make_user(conn, "kavya@example.in")
    async with edb.transaction() as conn:
        login = await er.get_user_login_by_email(conn, email="arjun@example.IN")
        assert login == er.UserLogin(user_id=user.id, password_hash=BCRYPT)
        theirs = await er.get_user_login_by_email(conn, email="kavya@example.in")
        assert theirs is not None and theirs.user_id == other.id
        assert await er.get_user_login_by_email(conn, email="arjun@example") is None
        assert await er.get_user_login_by_email(conn, email="") is None
    async with owner_db.transaction() as conn:
        await conn.execute(
            "UPDATE export_readiness.users SET is_active = false WHERE id = $1", user.id
        )
    async with edb.transaction() as conn:
        assert await er.get_user_login_by_email(conn, email="arjun@example.in") is None


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM export_readiness.login_by_email('a@example.in')",
        "SELECT * FROM export_readiness.sign_up('a@example.in', 'h', 'A', 'Merchant', 'Micro', NULL, NULL, NULL, '{}')",
        "SELECT export_readiness.soft_delete_user(gen_random_uuid())",
        "SELECT export_readiness.restore_user(gen_random_uuid())",
        "SELECT * FROM export_readiness.reencrypt_batch('users', 'k', NULL, 10)",
        "SELECT * FROM export_readiness.encryption_key_usage()",
        "SELECT * FROM export_readiness.purge_deleted()",
        "SELECT export_readiness.decrypt('\\x01', '1', 'k')",
    ],
)
def test_the_definer_functions_are_not_for_other_roles(
    readonly_database_url: str, statement: str
) -> None:
    """The reporting role may use the schema but not these functions (nor may PUBLIC: see
    test_definer_functions_are_narrow)."""
    with (
        psycopg.connect(readonly_database_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
        conn.transaction(),
    ):
        conn.execute(statement)


# -- the reporting role ---------------------------------------------------------------------------


async def test_readonly_reads_every_user_and_writes_nothing(
    edb: Database, readonly_database_url: str
) -> None:
    a = await _user_with_everything(edb)
    b = await _user_with_everything(edb)
    with psycopg.connect(readonly_database_url) as conn:
        with conn.transaction():
            for table in TABLES:
                owners = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}.{}").format(
                        sql.Identifier(S), sql.Identifier(table)
                    )
                ).fetchone()
                assert owners is not None and owners[0] >= 2, table
            users = conn.execute(f"SELECT id FROM {S}.users ORDER BY id").fetchall()
            assert sorted(r[0] for r in users) == sorted([a.id, b.id])
        for statement in (
            f"SELECT password_hash FROM {S}.users",
            f"UPDATE {S}.reports SET status = 'failed', failure_reason = 'x'",
            f"DELETE FROM {S}.chat_sessions",
            f"INSERT INTO {S}.user_metrics (user_id) VALUES ('{a.id}')",
            f"TRUNCATE {S}.reports",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute("SET TRANSACTION READ WRITE")
                conn.execute(statement)


# -- the audit trail ------------------------------------------------------------------------------


async def test_audit_rows_are_readable_per_role_and_never_writable(
    edb: Database, owner_db: Database, readonly_db: Database
) -> None:
    a = await _user_with_everything(edb)
    b = await _user_with_everything(edb)
    async with owner_db.transaction() as conn:  # a row of another application
        await conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, new_values) "
            "VALUES ('fintech', 'users', 'INSERT', $1, '{}')",
            str(a.id),
        )
        everything = await conn.fetch(
            "SELECT schema_name, table_name, row_id, coalesce(new_values, old_values) AS image "
            "FROM core.audit_log"
        )
    ours = [r for r in everything if r["schema_name"] == S]
    assert {r["table_name"] for r in ours} == {"users", "generated_documents"}

    def about(row: Any) -> str:
        image = row["image"] if isinstance(row["image"], dict) else json.loads(row["image"])
        return str(image["id"] if row["table_name"] == "users" else image["user_id"])

    sql_all = "SELECT schema_name, table_name, row_id, coalesce(new_values, old_values) AS image FROM core.audit_log"
    async with edb.transaction(user_id=a.id) as conn:
        seen = await conn.fetch(sql_all)
    assert seen and {r["schema_name"] for r in seen} == {S}
    assert {about(r) for r in seen} == {str(a.id)}
    assert len(seen) == sum(1 for r in ours if about(r) == str(a.id))
    async with edb.transaction() as conn:
        assert await conn.fetch(sql_all) == []
    async with readonly_db.transaction() as conn:
        seen = await conn.fetch(sql_all)
    assert len(seen) == len(ours) and {r["schema_name"] for r in seen} == {S}
    assert {about(r) for r in seen} == {str(a.id), str(b.id)}
    for statement in (
        "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values) "
        "VALUES ('export_readiness', 'users', 'INSERT', '{}')",
        "UPDATE core.audit_log SET actor = 'forged'",
        "DELETE FROM core.audit_log",
    ):
        with pytest.raises(errors.PermissionDenied):
            async with edb.transaction(user_id=a.id) as conn:
                await conn.execute(statement)
    async with owner_db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == len(everything)
        assert (
            await conn.fetchval("SELECT count(*) FROM core.audit_log WHERE actor = 'forged'") == 0
        )


async def test_phone_and_documents_stay_encrypted_for_reporting(
    edb: Database, readonly_db: Database
) -> None:
    """Reporting reads the rows but not the sensitive text: it holds no key."""
    await _user_with_everything(edb)
    async with readonly_db.transaction() as conn:
        stored = await conn.fetchval(f"SELECT content_encrypted FROM {S}.generated_documents")
        phone = await conn.fetchval(f"SELECT phone_encrypted FROM {S}.users")
    assert b"Acme" not in stored and b"9876543210" not in phone
    with pytest.raises(errors.QueryError, match=r"[Ww]rong key"):
        async with readonly_db.transaction() as conn:
            await conn.fetchval(
                f"SELECT public.pgp_sym_decrypt(content_encrypted, 'not-{KEY}') "
                f"FROM {S}.generated_documents"
            )
