"""core.audit_log partitioned by month (core 0021) under every installed application: its rows, and
the views, policies and grants other histories attached, are the same after the migration and after
its rollback; audit rows still arrive, and the log stays append-only."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fintech_support import make_account, make_user

from datalayer import Database, migrate

MIGRATION = "0021.core.partition-audit-log"
# Later migrations that name the partitioned log: rolled back first.
RETENTION = "0026.core.create-partition-retention"
LEDGER_RETENTION = "0051.fintech.keep-ledger-partitions"


def _state(conn: psycopg.Connection[Any]) -> dict[str, object]:
    def rows(query: str) -> list[tuple[object, ...]]:
        return conn.execute(query).fetchall()

    return {
        "rows": rows("SELECT * FROM core.audit_log ORDER BY id"),
        "table": rows(
            "SELECT relacl::text, relowner::regrole::text, relrowsecurity, relforcerowsecurity"
            " FROM pg_class WHERE oid = 'core.audit_log'::regclass"
        ),
        "policies": rows(
            "SELECT p.policyname, p.permissive, p.roles::text, p.cmd, p.qual, p.with_check,"
            " obj_description(o.oid, 'pg_policy') FROM pg_policies AS p"
            " JOIN pg_policy AS o ON o.polname = p.policyname"
            " AND o.polrelid = 'core.audit_log'::regclass"
            " WHERE p.schemaname = 'core' AND p.tablename = 'audit_log' ORDER BY 1"
        ),
        "views": rows(
            "SELECT c.oid::regclass::text, pg_get_viewdef(c.oid), c.reloptions::text,"
            " c.relacl::text, c.relowner::regrole::text, obj_description(c.oid, 'pg_class')"
            " FROM pg_class AS c WHERE c.relkind = 'v' AND c.relname = 'audit_log' ORDER BY 1"
        ),
        "through_views": rows(
            "SELECT 'fintech', count(*) FROM fintech.audit_log"
            " UNION ALL SELECT 'logistics', count(*) FROM logistics.audit_log"
        ),
    }


def _kind(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute(
        "SELECT relkind FROM pg_class WHERE oid = 'core.audit_log'::regclass"
    ).fetchone()
    assert row is not None
    return str(row[0])


async def test_the_audit_log_keeps_rows_views_policies_and_grants_through_partitioning(
    direct_database_url: str, fdb: Database
) -> None:
    url = direct_database_url  # migrations refuse a pooler
    user = await make_user(fdb)
    await make_account(fdb, user.id)
    assert migrate.rollback(url, apps=["fintech"], count=1, quiet=True) == [LEDGER_RETENTION]
    assert migrate.rollback(url, apps=["core"], count=2, quiet=True) == [RETENTION, MIGRATION]
    with psycopg.connect(url, autocommit=True) as conn:
        assert _kind(conn) == "r"
        conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, new_values,"
            " occurred_at) VALUES ('fintech', 'accounts', 'INSERT', 'old', '{}', '2025-09-30 23:00+00')"
        )
        before = _state(conn)
    assert len(before["policies"]) >= 4  # type: ignore[arg-type]  # core's and the apps'
    assert len(before["views"]) == 2  # type: ignore[arg-type]  # fintech's and logistics'
    assert len(before["rows"]) >= 3  # type: ignore[arg-type]

    migrate.apply(url, quiet=True)
    with psycopg.connect(url, autocommit=True) as conn:
        assert _kind(conn) == "p"
        assert _state(conn) == before
        where = conn.execute(
            "SELECT tableoid::regclass::text FROM core.audit_log WHERE row_id = 'old'"
        ).fetchone()
        assert where == ("core.audit_log_p2025_09",)
        for statement in (
            "UPDATE core.audit_log SET actor = 'x'",
            "DELETE FROM core.audit_log",
            "TRUNCATE core.audit_log",
            "TRUNCATE core.audit_log_p2025_09",
        ):
            with pytest.raises(psycopg.errors.RestrictViolation) as refused:
                conn.execute(statement)
            assert refused.value.diag.constraint_name == "audit_log_append_only"
        # The audit trigger still writes through the partitioned table.
        count = conn.execute("SELECT count(*) FROM core.audit_log").fetchone()
    await make_account(fdb, user.id)
    with psycopg.connect(url, autocommit=True) as conn:
        after = conn.execute("SELECT count(*) FROM core.audit_log").fetchone()
        assert count is not None and after is not None and after[0] > count[0]
        before = _state(conn)

    assert migrate.rollback(url, apps=["fintech"], count=1, quiet=True) == [LEDGER_RETENTION]
    assert migrate.rollback(url, apps=["core"], count=2, quiet=True) == [RETENTION, MIGRATION]
    with psycopg.connect(url, autocommit=True) as conn:
        assert _kind(conn) == "r"
        assert _state(conn) == before
    migrate.apply(url, quiet=True)
