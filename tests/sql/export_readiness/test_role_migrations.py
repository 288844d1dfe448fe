"""The role and row-level security migrations of export_readiness roll back exactly, privileges
included: schema/export_readiness.sql is dumped without privileges, so the grants, the policies on
core.audit_log and the row-level security switches are compared here, before and after."""

from __future__ import annotations

from typing import Any

import psycopg

from datalayer import migrate

S = "export_readiness"
BEFORE = "0010.export_readiness.create-user-metrics"

# NULL ACLs are compared as the defaults they stand for.
_STATE_SQL = """
SELECT 'schema ' || n.nspname, a.grantee::regrole::text, a.privilege_type, a.is_grantable
FROM pg_namespace AS n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS a
WHERE n.nspname IN ('core', %(s)s)
UNION ALL
SELECT 'relation ' || c.oid::regclass::text, a.grantee::regrole::text, a.privilege_type, a.is_grantable
FROM pg_class AS c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) AS a
WHERE c.relnamespace IN ('core'::regnamespace, %(s)s::regnamespace)
UNION ALL
SELECT 'column ' || c.oid::regclass::text || '.' || att.attname, a.grantee::regrole::text,
       a.privilege_type, a.is_grantable
FROM pg_class AS c
JOIN pg_attribute AS att ON att.attrelid = c.oid AND att.attnum > 0
CROSS JOIN aclexplode(att.attacl) AS a
WHERE c.relnamespace IN ('core'::regnamespace, %(s)s::regnamespace)
UNION ALL
SELECT 'function ' || p.oid::regprocedure::text, a.grantee::regrole::text, a.privilege_type,
       a.is_grantable
FROM pg_proc AS p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a
WHERE p.pronamespace IN ('core'::regnamespace, %(s)s::regnamespace)
UNION ALL
SELECT 'policy ' || schemaname || '.' || tablename || '.' || policyname, roles::text, cmd,
       coalesce(qual, '') || coalesce(with_check, '') <> ''
FROM pg_policies
WHERE schemaname IN ('core', %(s)s)
UNION ALL
SELECT 'rls ' || c.oid::regclass::text, c.relrowsecurity::text, c.relforcerowsecurity::text, true
FROM pg_class AS c
WHERE c.relnamespace IN ('core'::regnamespace, %(s)s::regnamespace) AND c.relkind = 'r'
"""


def _state(url: str) -> set[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {tuple(r) for r in conn.execute(_STATE_SQL, {"s": S}).fetchall()}


def test_rolling_back_the_role_migrations_restores_privileges_and_policies(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    migrate.apply(url, apps=[], quiet=True)  # all of core
    migrate.apply(url, apps=[S], target=BEFORE, quiet=True)
    before = _state(url)
    added = migrate.apply(url, apps=[S], quiet=True)
    assert added and added[0] == "0011.export_readiness.enable-row-level-security"
    after = _state(url)
    assert after != before  # the comparison below can fail
    assert ("schema core", "export_readiness_app", "USAGE", False) in after - before
    undone = migrate.rollback(url, apps=[S], target=BEFORE, quiet=True)
    assert undone == added[::-1]
    assert _state(url) == before
    assert migrate.apply(url, apps=[S], quiet=True) == added
    assert _state(url) == after
