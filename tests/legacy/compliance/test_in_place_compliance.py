"""ruleIQ in place: the reversible history in adopt/compliance/in_place renames the truncated
columns and adds the missing CHECK and foreign keys (NOT VALID, then validated) on the tables
where the old application keeps them (schema public), tested up and down with the legacy data."""

from __future__ import annotations

from pathlib import Path

import compliance_legacy as cl
import psycopg
import pytest
from legacy_support import one, table_digest

from datalayer import apps, migrate
from datalayer.migrate import MigrationError

HISTORY = apps.registered()["compliance"].adopt / "in_place"
RENAMED = {
    "business_profiles": {
        "handles_persona": "handles_personal_data",
        "processes_payme": "processes_payments",
        "stores_health_d": "stores_health_data",
        "provides_financ": "provides_financial_services",
        "operates_critic": "operates_critical_infrastructure",
        "has_internation": "has_international_operations",
    },
    "assessment_sessions": {
        "business_profil": "business_profile_id",
        "questions_answe": "questions_answered",
    },
    "generated_policies": {"business_profil": "business_profile_id"},
}
CONSTRAINTS = {
    "evidence_items_status_check",
    "evidence_items_approval_check",
    "business_profiles_employee_count_check",
    "business_profiles_data_sensitivity_check",
    "assessment_sessions_business_profile_id_fkey",
    "generated_policies_business_profile_id_fkey",
}


def _columns(conn: psycopg.Connection[tuple[object, ...]], table: str) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s",
        (table,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def _constraints(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, bool]:
    rows = conn.execute(
        "SELECT conname, convalidated FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace AND conname = ANY(%s)",
        (sorted(CONSTRAINTS),),
    ).fetchall()
    return {str(r[0]): bool(r[1]) for r in rows}


def test_the_history_is_found_through_the_registry() -> None:
    assert isinstance(HISTORY, Path) and HISTORY.is_dir()
    assert len(list(HISTORY.glob("*.rollback.sql"))) == len(list(HISTORY.glob("*.sql"))) // 2


def test_up_and_down_with_the_legacy_data(empty_database_url: str, legacy_rows: int) -> None:
    url = empty_database_url
    cl.create_schema(url, "public")
    cl.generate(url, "public", min(legacy_rows, 5000), defects=False)
    before = table_digest(url, "public", cl.TABLES)  # values only: names do not enter it

    applied = migrate.apply(url, migrations=HISTORY, quiet=True)
    assert len(applied) == 5
    with psycopg.connect(url, autocommit=True) as conn:
        for table, names in RENAMED.items():
            columns = _columns(conn, table)
            assert set(names.values()) <= columns and not set(names) & columns, table
        assert _constraints(conn) == dict.fromkeys(CONSTRAINTS, True)
        assert one(conn, "SELECT to_regclass('public.assessment_sessions_business_profile_id_idx')")
        # the constraints now refuse what the old schema let in, by name
        with pytest.raises(psycopg.errors.CheckViolation, match="employee_count_check"):
            conn.execute("UPDATE public.business_profiles SET employee_count = 0 WHERE true")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="business_profile_id_fkey"):
            conn.execute(
                "UPDATE public.assessment_sessions SET business_profile_id = gen_random_uuid() "
                "WHERE true"
            )
        message = one(
            conn,
            "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
            "WHERE conname = 'business_profiles_employee_count_check'",
        )
        assert message == "employee_count must be greater than zero"
    assert table_digest(url, "public", cl.TABLES) == before

    rolled = migrate.rollback(url, migrations=HISTORY, target="0", quiet=True)
    assert len(rolled) == 5
    with psycopg.connect(url, autocommit=True) as conn:
        for table, names in RENAMED.items():
            columns = _columns(conn, table)
            assert set(names) <= columns and not set(names.values()) & columns, table
        assert _constraints(conn) == {}
        assert (
            one(conn, "SELECT to_regclass('public.assessment_sessions_business_profile_id_idx')")
            is None
        )
    assert table_digest(url, "public", cl.TABLES) == before

    assert len(migrate.apply(url, migrations=HISTORY, quiet=True)) == 5
    assert table_digest(url, "public", cl.TABLES) == before


def test_rows_that_break_a_new_constraint_stop_the_validation_only(
    empty_database_url: str,
) -> None:
    """With the old data's defects, steps 1-4 apply (new writes are checked at once) and step 5
    stops naming the constraint; once the rows are fixed, migrating again finishes."""
    url = empty_database_url
    cl.create_schema(url, "public")
    cl.generate(url, "public", 2000, defects=True)
    with pytest.raises(MigrationError, match=r"0005\.compliance_in_place"):
        migrate.apply(url, migrations=HISTORY, quiet=True)
    status = migrate.status(url, migrations=HISTORY)
    assert [m for m, _ in status.applied][-1].startswith("0004.")
    with psycopg.connect(url, autocommit=True) as conn:
        assert _constraints(conn) == dict.fromkeys(CONSTRAINTS, False)
        with pytest.raises(psycopg.errors.CheckViolation, match="data_sensitivity_check"):
            conn.execute(
                "UPDATE public.business_profiles SET data_sensitivity = 'medium' WHERE true"
            )
        # the fixes an operator makes (here: by the rules the adopt dry run reports)
        conn.execute(
            "UPDATE public.business_profiles SET employee_count = NULL WHERE employee_count <= 0"
        )
        conn.execute(
            "UPDATE public.business_profiles SET data_sensitivity = initcap(data_sensitivity) "
            "WHERE data_sensitivity NOT IN ('Low', 'Medium', 'High', 'Critical')"
        )
        conn.execute(
            "UPDATE public.evidence_items SET status = 'collected' "
            "WHERE status NOT IN ('not_started', 'in_progress', 'collected', 'approved', 'rejected') "
            "OR (status = 'approved' AND (approved_at IS NULL OR approved_by IS NULL))"
        )
        for table in ("assessment_sessions", "generated_policies"):
            conn.execute(
                f"DELETE FROM public.{table} AS t WHERE NOT EXISTS "
                "(SELECT FROM public.business_profiles AS p WHERE p.id = t.business_profile_id)"
            )
    assert len(migrate.apply(url, migrations=HISTORY, quiet=True)) == 1
    with psycopg.connect(url, autocommit=True) as conn:
        assert _constraints(conn) == dict.fromkeys(CONSTRAINTS, True)
