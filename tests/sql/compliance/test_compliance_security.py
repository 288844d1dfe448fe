"""compliance's trust boundary, tried as the service's role: tenant isolation from the catalog,
row-level security everywhere, what compliance_app may not do, the definer functions, the worker
and readonly roles, the audit read policy, and bad input refused by the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest
from compliance_support import BCRYPT, KEY, app_url, make_framework
from rls_support import assert_isolated, assert_rls_everywhere, owned_tables

from datalayer import Database, compliance, errors

SHARED = {"compliance_frameworks"}
OWNED = {
    "users", "business_profiles", "assessment_sessions", "evidence_items", "chat_conversations",
    "generated_policies", "implementation_plans", "readiness_assessments",
    "integration_configurations", "report_schedules",
}  # fmt: skip


async def _load(cdb: Database, framework_id: UUID, n: int) -> dict[str, UUID]:
    """Sign up a user and give them one row in every owned table, through the queries, acting as
    them. Returns the ids by table."""
    async with cdb.transaction() as conn:
        user = await compliance.create_user(
            conn, email=f"tenant{n}@example.com", hashed_password=BCRYPT
        )
    ids: dict[str, UUID] = {"users": user.id}
    async with cdb.transaction(user_id=user.id) as conn:
        profile = await compliance.create_business_profile(
            conn, user_id=user.id, company_name=f"Tenant {n}", industry=None,
            employee_count=None, handles_personal_data=True, processes_payments=False,
            stores_health_data=False, provides_financial_services=False,
            operates_critical_infrastructure=False, has_international_operations=False,
            data_sensitivity="Low",
        )  # fmt: skip
        common = {"user_id": user.id, "business_profile_id": profile.id}
        ids["business_profiles"] = profile.id
        ids["assessment_sessions"] = (
            await compliance.create_assessment_session(
                conn, **common, framework_id=framework_id, session_name="Baseline"
            )
        ).id
        ids["evidence_items"] = (
            await compliance.create_evidence_item(
                conn,
                **common,
                framework_id=framework_id,
                evidence_name="Access policy",
                description=None,
                control_reference=None,
                priority="low",
                ai_metadata={},
            )
        ).id
        ids["chat_conversations"] = (
            await compliance.create_chat_conversation(conn, **common, title="Questions")
        ).id
        ids["generated_policies"] = (
            await compliance.create_policy_version(
                conn,
                **common,
                framework_id=framework_id,
                policy_name="Access",
                policy_type="access_control",
                content="Who may access what.",
            )
        ).id
        ids["implementation_plans"] = (
            await compliance.create_implementation_plan(
                conn,
                **common,
                framework_id=framework_id,
                title="Roll-out",
                phases=[],
                planned_start_date=date(2026, 1, 1),
                planned_end_date=date(2026, 6, 30),
            )
        ).id
        ids["readiness_assessments"] = (
            await compliance.create_readiness_assessment(
                conn,
                **common,
                framework_id=framework_id,
                overall_score=Decimal("50.00"),
                risk_level="medium",
                score_breakdown={},
            )
        ).id
        ids["integration_configurations"] = (
            await compliance.create_integration(
                conn,
                user_id=user.id,
                provider="aws",
                display_name="AWS",
                credentials={"token": f"secret-{n}"},
                encryption_key=KEY,
                settings={},
            )
        ).id
        ids["report_schedules"] = (
            await compliance.create_report_schedule(
                conn,
                **common,
                report_type="readiness",
                frequency="weekly",
                parameters={},
                recipients=["ciso@example.com"],
                next_run_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        ).id
    return ids


@pytest.fixture
async def tenants(cdb: Database, owner: Database) -> tuple[dict[str, UUID], dict[str, UUID]]:
    framework = await make_framework(owner)
    return await _load(cdb, framework.id, 1), await _load(cdb, framework.id, 2)


# --- tenant isolation -----------------------------------------------------------------------


async def test_user_b_cannot_touch_user_a_rows_in_any_owned_table(
    database_url: str, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, b = tenants
    assert {t.table for t in owned_tables(database_url, "compliance")} == OWNED
    checked = assert_isolated(
        database_url,
        app_url(database_url, "compliance"),
        "compliance",
        a["users"],
        b["users"],
    )
    assert {name.split(".")[1] for name in checked} == OWNED


def test_every_table_the_roles_read_has_forced_row_security(database_url: str) -> None:
    for role in ("compliance_app", "compliance_readonly", "compliance_worker"):
        assert_rls_everywhere(database_url, "compliance", role, SHARED)
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'compliance'::regnamespace"
            " AND relkind = 'r' AND NOT (relrowsecurity AND relforcerowsecurity)"
        ).fetchall()
    assert {r[0] for r in rows} == SHARED


async def test_by_id_functions_return_nothing_for_another_users_object(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, b = tenants
    async with cdb.transaction(user_id=b["users"]) as conn:
        # B names A's objects, even with A's user id: row-level security hides them
        assert await compliance.get_user_by_id(conn, user_id=a["users"]) is None
        assert (
            await compliance.get_business_profile_by_id(
                conn, business_profile_id=a["business_profiles"], user_id=a["users"]
            )
            is None
        )
        assert (
            await compliance.get_evidence_item_by_id(
                conn, evidence_item_id=a["evidence_items"], user_id=a["users"]
            )
            is None
        )
        assert (
            await compliance.get_integration_credentials(
                conn,
                integration_id=a["integration_configurations"],
                user_id=a["users"],
                encryption_key=KEY,
            )
            is None
        )
        assert await compliance.update_user_active(conn, user_id=a["users"], is_active=False) == 0
        assert (
            await compliance.delete_report_schedule(
                conn, report_schedule_id=a["report_schedules"], user_id=a["users"]
            )
            == 0
        )
        assert await compliance.list_business_profiles_by_user(conn, user_id=a["users"]) == []
    # no user: nothing at all (fail closed)
    async with cdb.transaction() as conn:
        assert await compliance.get_user_by_id(conn, user_id=a["users"]) is None
        assert await compliance.list_integrations_by_user(conn, user_id=a["users"]) == []
    # A still sees their own
    async with cdb.transaction(user_id=a["users"]) as conn:
        assert await compliance.get_user_by_id(conn, user_id=a["users"]) is not None


async def test_a_row_owned_by_another_user_cannot_be_written(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, b = tenants
    with pytest.raises(errors.PermissionDenied, match="row-level security"):
        async with cdb.transaction(user_id=b["users"]) as conn:
            await compliance.create_chat_conversation(
                conn, user_id=a["users"], business_profile_id=None, title="Planted"
            )
    with pytest.raises(errors.PermissionDenied, match="row-level security"):
        async with cdb.transaction() as conn:  # nobody
            await compliance.create_chat_conversation(
                conn, user_id=a["users"], business_profile_id=None, title="Planted"
            )


# --- what compliance_app may not do ----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE compliance.business_profiles",
        "TRUNCATE compliance.users CASCADE",
        "ALTER TABLE compliance.evidence_items DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE compliance.users ADD COLUMN note text",
        "DROP TABLE compliance.report_schedules",
        "CREATE TABLE compliance.scratch (id int)",
        "CREATE POLICY open ON compliance.users USING (true)",
        "INSERT INTO compliance.compliance_frameworks (code, name) VALUES ('planted', 'Planted')",
        "UPDATE compliance.compliance_frameworks SET is_active = false",
        "DELETE FROM compliance.compliance_frameworks",
        "SELECT hashed_password FROM compliance.users",
        "SELECT credentials_encrypted FROM compliance.integration_configurations",
        "INSERT INTO compliance.users (email, hashed_password) VALUES ('x@example.com', 'x')",
        "UPDATE compliance.users SET is_superuser = true",
        "UPDATE compliance.business_profiles SET user_id = user_id",
        "UPDATE compliance.report_schedules SET run_count = 0",
        "DELETE FROM compliance.assessment_sessions",
        "SELECT compliance.next_report_run_at(now(), 'daily', now())",
        "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values)"
        " VALUES ('compliance', 'users', 'INSERT', '{}')",
        "UPDATE core.audit_log SET actor = 'someone else'",
        "DELETE FROM core.audit_log",
    ],
)
async def test_the_app_role_is_refused(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]], statement: str
) -> None:
    a, _ = tenants
    with pytest.raises(errors.PermissionDenied):
        async with cdb.transaction(user_id=a["users"]) as conn:
            await conn.execute(statement)


async def test_the_app_role_owns_nothing_and_has_only_the_grants_its_queries_need(
    database_url: str,
) -> None:
    with psycopg.connect(database_url) as conn:
        owned = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'compliance'::regnamespace"
            " AND relowner <> 'datalayer_owner'::regrole"
        ).fetchone()
        assert owned == (0,)
        extra = conn.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee IN ('compliance_app', 'compliance_worker', 'compliance_readonly')"
            " AND privilege_type IN ('TRUNCATE', 'REFERENCES', 'TRIGGER')"
        ).fetchall()
        assert extra == []
        public = conn.execute(
            "SELECT p.proname FROM pg_proc AS p"
            " WHERE p.pronamespace = 'compliance'::regnamespace"
            " AND has_function_privilege('public', p.oid, 'EXECUTE')"
        ).fetchall()
        assert public == []
        writes = conn.execute(
            "SELECT table_name FROM information_schema.role_table_grants"
            " WHERE grantee = 'compliance_app' AND privilege_type = 'INSERT'"
            " AND table_name IN ('compliance_frameworks', 'users')"
        ).fetchall()
        assert writes == []


# --- definer functions -----------------------------------------------------------------------


def test_the_definer_functions_are_narrow(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT p.proname, p.prosecdef, p.proconfig, p.proowner::regrole::text,"
            " has_function_privilege('compliance_app', p.oid, 'EXECUTE'),"
            " has_function_privilege('compliance_readonly', p.oid, 'EXECUTE'),"
            " has_function_privilege('compliance_worker', p.oid, 'EXECUTE')"
            " FROM pg_proc AS p WHERE p.pronamespace = 'compliance'::regnamespace AND p.prosecdef"
            " ORDER BY 1"
        ).fetchall()
    assert [r[0] for r in rows] == [
        "create_user", "find_user_by_email", "find_user_password_hash",
        "get_integration_credentials",
    ]  # fmt: skip
    for name, _, config, owner, app, readonly, worker in rows:
        assert config == ["search_path=pg_catalog, pg_temp"], name
        assert owner == "datalayer_owner", name
        assert (app, readonly, worker) == (True, False, False), name


async def test_sign_up_and_sign_in_work_before_a_user_is_known(
    cdb: Database, database_url: str
) -> None:
    async with cdb.transaction() as conn:  # no user
        user = await compliance.create_user(conn, email="Grace@Example.com", hashed_password=BCRYPT)
        assert user.is_active and not user.is_superuser
    async with cdb.transaction() as conn:
        found = await compliance.get_user_by_email(conn, email="grace@example.COM")
        assert found == user
        assert not hasattr(found, "hashed_password")
        assert await compliance.get_user_by_email(conn, email="nobody@example.com") is None
        assert (
            await compliance.get_user_hashed_password_by_email(conn, email="GRACE@example.com")
            == BCRYPT
        )
        assert (
            await compliance.get_user_hashed_password_by_email(conn, email="nobody@example.com")
            is None
        )
    # the table's rules hold through the function
    with pytest.raises(errors.UniqueViolation) as unique:
        async with cdb.transaction() as conn:
            await compliance.create_user(conn, email="GRACE@example.com", hashed_password=BCRYPT)
    assert unique.value.constraint == "users_email_key"
    with pytest.raises(errors.CheckViolation) as check:
        async with cdb.transaction() as conn:
            await compliance.create_user(conn, email="grace2@example.com", hashed_password="pw")
    assert check.value.constraint == "users_hashed_password_check"
    # reporting and the worker may not call them
    for kind in ("readonly", "worker"):
        with (
            psycopg.connect(app_url(database_url, "compliance", kind)) as other,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            other.execute("SELECT * FROM compliance.find_user_by_email('grace@example.com')")


async def test_decrypted_credentials_only_for_the_transactions_user(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, b = tenants
    integration = a["integration_configurations"]
    async with cdb.transaction(user_id=a["users"]) as conn:
        assert await compliance.get_integration_credentials(
            conn, integration_id=integration, user_id=a["users"], encryption_key=KEY
        ) == {"token": "secret-1"}
        # the user_id argument must be the transaction's user
        assert (
            await compliance.get_integration_credentials(
                conn, integration_id=integration, user_id=b["users"], encryption_key=KEY
            )
            is None
        )
    async with cdb.transaction() as conn:  # nobody
        assert (
            await compliance.get_integration_credentials(
                conn, integration_id=integration, user_id=a["users"], encryption_key=KEY
            )
            is None
        )
    with pytest.raises(errors.DataLayerError) as wrong:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.get_integration_credentials(
                conn, integration_id=integration, user_id=a["users"], encryption_key="wrong key"
            )
    assert "wrong key" not in str(wrong.value)
    assert "secret-1" not in str(wrong.value)


# --- worker and readonly ----------------------------------------------------------------------


async def test_the_worker_claims_every_users_due_schedules_and_nothing_else(
    database_url: str,
    worker_db: Database,
    tenants: tuple[dict[str, UUID], dict[str, UUID]],
) -> None:
    a, b = tenants
    async with worker_db.transaction() as conn:
        claimed = await compliance.update_due_report_schedules(conn, max_rows=10)
    assert {c.id for c in claimed} == {a["report_schedules"], b["report_schedules"]}
    for statement in (
        "SELECT id FROM compliance.business_profiles",
        "SELECT id FROM compliance.users",
        "UPDATE compliance.report_schedules SET is_active = false",
        "UPDATE compliance.report_schedules SET recipients = '{x@example.com}'",
        "DELETE FROM compliance.report_schedules",
        "TRUNCATE compliance.report_schedules",
        "SELECT id FROM core.audit_log",
    ):
        with pytest.raises(errors.PermissionDenied):
            async with worker_db.transaction() as conn:
                await conn.execute(statement)


async def test_readonly_reads_every_user_and_writes_nothing(
    readonly_db: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, b = tenants
    async with readonly_db.transaction() as conn:
        users = await conn.fetch("SELECT id FROM compliance.users")
        assert {r["id"] for r in users} == {a["users"], b["users"]}
        assert await conn.fetchval("SELECT count(*) FROM compliance.evidence_items") == 2
        # the tenants' framework and the five shipped by migration 0030
        assert await conn.fetchval("SELECT count(*) FROM compliance.compliance_frameworks") == 6
    for statement in (
        "SELECT hashed_password FROM compliance.users",
        "SELECT credentials_encrypted FROM compliance.integration_configurations",
        "UPDATE compliance.business_profiles SET company_name = 'x'",
        "DELETE FROM compliance.chat_conversations",
    ):
        with pytest.raises((errors.PermissionDenied, errors.DataLayerError)) as info:
            async with readonly_db.transaction() as conn:
                await conn.execute(statement)
        # a read-only transaction or a missing privilege, never a change
        assert "permission denied" in str(info.value) or "read-only" in str(info.value)


# --- audit ------------------------------------------------------------------------------------


async def test_the_app_reads_only_its_users_compliance_audit_rows_and_users_are_audited_without_hashes(
    cdb: Database, owner: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, _ = tenants
    async with owner.transaction() as conn:
        await conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, new_values)"
            " VALUES ('elsewhere', 'things', 'INSERT', '{}')"
        )
        total = await conn.fetchval("SELECT count(*) FROM core.audit_log")
        compliance_rows = await conn.fetchval(
            "SELECT count(*) FROM core.audit_log WHERE schema_name = 'compliance'"
        )
        own_rows = await conn.fetchval(
            "SELECT count(*) FROM core.audit_log WHERE schema_name = 'compliance'"
            " AND coalesce(new_values, old_values) ->> (CASE WHEN table_name = 'users'"
            " THEN 'id' ELSE 'user_id' END) = $1",
            str(a["users"]),
        )
    assert total > compliance_rows > own_rows > 0
    async with cdb.transaction(user_id=a["users"]) as conn:
        schemas = await conn.fetch("SELECT DISTINCT schema_name FROM core.audit_log")
        assert [r["schema_name"] for r in schemas] == ["compliance"]
        # the service reads the rows about its acting user only, not the other tenant's
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == own_rows
        images = await conn.fetch(
            "SELECT new_values FROM core.audit_log WHERE table_name = 'users'"
            " AND operation = 'INSERT'"
        )
        assert len(images) == 1
        assert all("hashed_password" not in r["new_values"] for r in images)
        assert all("email" in r["new_values"] for r in images)
        await compliance.update_user_active(conn, user_id=a["users"], is_active=False)
        change = await conn.fetchrow(
            "SELECT changed_columns, app_role, old_values FROM core.audit_log"
            " WHERE table_name = 'users' AND operation = 'UPDATE'"
        )
        assert change is not None
        assert change["changed_columns"] == ["is_active", "updated_at"]
        assert change["app_role"] == "compliance_app"
        assert "hashed_password" not in change["old_values"]


# --- bad input refused ------------------------------------------------------------------------

LONG = "x" * 10_001


@pytest.mark.parametrize(
    ("table", "assignment", "constraint"),
    [
        ("users", "hashed_password = '$argon2id$v=19$m=1,t=1,p=1$' || repeat('a', 300) || '$b'",
         "users_hashed_password_length_check"),
        ("compliance_frameworks", f"description = '{LONG}'",
         "compliance_frameworks_description_length_check"),
        ("assessment_sessions", "questions_answered = jsonb_build_object('q', repeat('x', 1000000))",
         "assessment_sessions_questions_answered_length_check"),
        ("evidence_items", f"description = '{LONG}'", "evidence_items_description_length_check"),
        ("chat_conversations",
         "messages = jsonb_build_array(jsonb_build_object('role', 'user', 'content', repeat('x', 1000000)))",
         "chat_conversations_messages_length_check"),
        ("generated_policies", "content = repeat('x', 1000001)",
         "generated_policies_content_length_check"),
        ("implementation_plans",
         "phases = jsonb_build_array(jsonb_build_object('name', repeat('x', 1000000), 'tasks', '[]'::jsonb))",
         "implementation_plans_phases_length_check"),
        ("integration_configurations", "credentials_encrypted = decode(repeat('00', 16385), 'hex')",
         "integration_configurations_credentials_encrypted_length_check"),
        ("readiness_assessments", "score_breakdown = jsonb_build_object('x', repeat('x', 100000))",
         "readiness_assessments_score_breakdown_length_check"),
        ("report_schedules", "recipients = ARRAY[repeat('x', 250) || '@example.com']",
         "report_schedules_recipients_length_check"),
    ],
)  # fmt: skip
async def test_text_beyond_its_limit_is_refused(
    owner: Database,
    tenants: tuple[dict[str, UUID], dict[str, UUID]],
    table: str,
    assignment: str,
    constraint: str,
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.{table} SET {assignment}")
    assert info.value.constraint == constraint
    assert info.value.table == table


async def test_text_beyond_its_limit_is_refused_through_the_queries(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, _ = tenants
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.update_integration_sync(
                conn,
                integration_id=a["integration_configurations"],
                user_id=a["users"],
                last_sync_error="e" * 2001,
            )
    assert info.value.constraint == "integration_configurations_last_sync_error_length_check"
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.create_integration(
                conn, user_id=a["users"], provider="gcp", display_name="GCP",
                credentials={}, encryption_key=KEY, settings={"x": "y" * 10_000},
            )  # fmt: skip
    assert info.value.constraint == "integration_configurations_settings_length_check"
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.create_report_schedule(
                conn, user_id=a["users"], business_profile_id=a["business_profiles"],
                report_type="readiness", frequency="daily", parameters={"x": "y" * 10_000},
                recipients=["a@example.com"], next_run_at=datetime.now(UTC),
            )  # fmt: skip
    assert info.value.constraint == "report_schedules_parameters_length_check"
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.create_evidence_item(
                conn, user_id=a["users"], business_profile_id=a["business_profiles"],
                framework_id=(await conn.fetchval("SELECT id FROM compliance.compliance_frameworks")),
                evidence_name="Big", description=None, control_reference=None,
                priority="low", ai_metadata={"x": "y" * 100_000},
            )  # fmt: skip
    assert info.value.constraint == "evidence_items_ai_metadata_length_check"


@pytest.mark.parametrize(
    ("table", "column", "range_check"),
    [
        ("assessment_sessions", "progress_percentage", "assessment_sessions_progress_percentage_check"),
        ("readiness_assessments", "overall_score", "readiness_assessments_overall_score_check"),
    ],
)  # fmt: skip
async def test_nan_and_infinity_are_refused(
    owner: Database,
    tenants: tuple[dict[str, UUID], dict[str, UUID]],
    table: str,
    column: str,
    range_check: str,
) -> None:
    finite = f"{table}_{column}_finite_check"
    # NaN: the range check (checked first, by name) and the finite check both refuse it
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.{table} SET {column} = 'NaN'")
    assert info.value.constraint in (range_check, finite)
    # without the range check, the finite check alone still refuses NaN (rolled back)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"ALTER TABLE compliance.{table} DROP CONSTRAINT {range_check}")
            await conn.execute(f"UPDATE compliance.{table} SET {column} = 'NaN'")
    assert info.value.constraint == finite
    assert info.value.table == table
    # infinities do not even fit numeric(5,2)
    for value in ("Infinity", "-Infinity"):
        with pytest.raises(errors.DataError):
            async with owner.transaction() as conn:
                await conn.execute(f"UPDATE compliance.{table} SET {column} = '{value}'")


async def test_nan_progress_is_refused_through_the_query(
    cdb: Database, tenants: tuple[dict[str, UUID], dict[str, UUID]]
) -> None:
    a, _ = tenants
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction(user_id=a["users"]) as conn:
            await compliance.update_assessment_answers(
                conn,
                assessment_session_id=a["assessment_sessions"],
                user_id=a["users"],
                answers={},
                progress_percentage=Decimal("NaN"),
            )
    assert info.value.constraint in (
        "assessment_sessions_progress_percentage_check",
        "assessment_sessions_progress_percentage_finite_check",
    )


def test_every_text_jsonb_and_bytea_column_is_bounded(database_url: str) -> None:
    """Each such column has a CHECK of its own (a length bound, a pattern or an enumeration);
    the new length checks state their limit in the column's comment."""
    with psycopg.connect(database_url) as conn:
        unbounded = conn.execute(
            """
            SELECT c.relname || '.' || a.attname
            FROM pg_attribute AS a
            JOIN pg_class AS c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'compliance'::regnamespace AND c.relkind = 'r'
                AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                AND a.atttypid IN ('text'::regtype, 'text[]'::regtype, 'jsonb'::regtype,
                                   'bytea'::regtype)
                AND NOT EXISTS (
                    SELECT FROM pg_constraint AS k
                    WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated
                        AND k.conkey = ARRAY[a.attnum]
                        AND pg_get_constraintdef(k.oid) ~ '(length|<=|~|ANY|like_regex)'
                )
            ORDER BY 1
            """
        ).fetchall()
        commented = conn.execute(
            """
            SELECT k.conname, col_description(k.conrelid, k.conkey[1])
            FROM pg_constraint AS k
            WHERE k.connamespace = 'compliance'::regnamespace AND k.conname LIKE '%length_check'
            """
        ).fetchall()
    assert unbounded == []
    assert len(commented) == 14
    for name, comment in commented:
        assert comment and "at most" in comment.lower(), name


def test_every_numeric_column_has_a_finite_check(database_url: str) -> None:
    """compliance stores no money; its numeric columns are scores and percentages of scale 2,
    each with a finite check (so a new numeric column without one fails here)."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = c.oid
                           AND k.conname = c.relname || '_' || a.attname || '_finite_check')
            FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'compliance'::regnamespace AND c.relkind = 'r'
                AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'numeric'::regtype
            ORDER BY 1, 2
            """
        ).fetchall()
    assert rows == [
        ("assessment_sessions", "progress_percentage", "numeric(5,2)", True),
        ("readiness_assessments", "overall_score", "numeric(5,2)", True),
    ]
