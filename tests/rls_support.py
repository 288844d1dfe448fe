"""Tenant isolation checked from the catalog, as an application role; and the test logins of the
application roles (importable from every test folder, unlike conftest modules).

:func:`owned_tables` lists every table of a schema with a user-owner column (``user_id`` or
``owner_id``; the ``users`` table by its ``id``): tables added later are covered without anyone
remembering to. :func:`assert_isolated` then proves, connected as the app role with
``datalayer.user_id`` set to user B, that B can neither read, update nor delete A's rows by id,
that inserting a copy of A's row (owned by A) fails, and that with no user set no row is visible.
The caller loads at least one row per owned table for each user (as the owner); a table without a
row for A fails the check, so a new table cannot slip through untested.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

OWNER_COLUMNS = ("user_id", "owner_id")


def app_login(app: str, kind: str = "app") -> str:
    """The test login that is a member of ``<app>_<kind>`` (and of nothing else); the harness
    (tests/conftest.py) creates one for every group role once the template is migrated."""
    return f"{app}_{kind}_test_login"


def app_url(database_url: str, app: str, kind: str = "app") -> str:
    """``database_url`` with the login of ``<app>_<kind>`` instead of the superuser."""
    parts = urlsplit(database_url)
    netloc = f"{app_login(app, kind)}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class OwnedTable:
    schema: str
    table: str
    owner_column: str

    @property
    def ident(self) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(self.table))


def owned_tables(url: str, schema: str) -> list[OwnedTable]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            """
            SELECT c.relname,
                   CASE WHEN c.relname = 'users' THEN 'id'
                        ELSE (SELECT a.attname FROM pg_attribute a
                              WHERE a.attrelid = c.oid AND a.attname = ANY(%s) AND NOT a.attisdropped
                              ORDER BY array_position(%s, a.attname::text) LIMIT 1) END
            FROM pg_class c
            WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition
            ORDER BY 1
            """,
            (list(OWNER_COLUMNS), list(OWNER_COLUMNS), schema),
        ).fetchall()
    return [OwnedTable(schema, str(r[0]), str(r[1])) for r in rows if r[1] is not None]


def _insertable_columns(conn: psycopg.Connection[Any], table: OwnedTable) -> list[str]:
    rows = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
        " AND NOT attisdropped AND attgenerated = '' AND attidentity <> 'a' ORDER BY attnum",
        (f"{table.schema}.{table.table}",),
    ).fetchall()
    return [str(r[0]) for r in rows]


def _as(conn: psycopg.Connection[Any], user: uuid.UUID | None) -> None:
    conn.execute("SELECT set_config('datalayer.user_id', %s, true)", (str(user) if user else "",))


def assert_isolated(
    owner_url: str, app_url: str, schema: str, a: uuid.UUID, b: uuid.UUID
) -> list[str]:
    """Check every owned table of ``schema``; return the tables checked."""
    tables = owned_tables(owner_url, schema)
    assert tables, f"no table with a user-owner column in {schema}"
    checked: list[str] = []
    with psycopg.connect(owner_url, autocommit=True) as owner, psycopg.connect(app_url) as app:
        for t in tables:
            rows = owner.execute(
                sql.SQL("SELECT id::text, to_jsonb(x) FROM {} AS x WHERE {} = %s").format(
                    t.ident, sql.Identifier(t.owner_column)
                ),
                (a,),
            ).fetchall()
            assert rows, f"{t.schema}.{t.table}: no row of user A to test with (load one)"
            ids = [r[0] for r in rows]
            name = f"{t.schema}.{t.table}"

            # B reads nothing of A's by id, and nobody reads anything without a user
            with app.transaction():
                _as(app, b)
                seen = app.execute(
                    sql.SQL("SELECT count(*) FROM {} WHERE id::text = ANY(%s)").format(t.ident),
                    (ids,),
                ).fetchone()
                assert seen == (0,), f"{name}: user B reads user A's rows"
            with app.transaction():
                _as(app, None)
                total = app.execute(sql.SQL("SELECT count(*) FROM {}").format(t.ident)).fetchone()
                assert total == (0,), f"{name}: rows visible with no datalayer.user_id"

            # B changes nothing of A's: no row matches, or the role may not write at all
            for statement in (
                sql.SQL("UPDATE {} SET {} = {} WHERE id::text = ANY(%s)").format(
                    t.ident, sql.Identifier(t.owner_column), sql.Identifier(t.owner_column)
                ),
                sql.SQL("DELETE FROM {} WHERE id::text = ANY(%s)").format(t.ident),
            ):
                try:
                    with app.transaction():
                        _as(app, b)
                        cur = app.execute(statement, (ids,))
                        assert cur.rowcount == 0, f"{name}: user B changed user A's rows"
                except psycopg.errors.InsufficientPrivilege:
                    pass

            # B cannot write a row owned by A
            columns = _insertable_columns(owner, t)
            row = dict(rows[0][1])
            if "id" in row:
                row["id"] = str(uuid.uuid4())
            insert = sql.SQL(
                "INSERT INTO {table} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{table}, %s::jsonb)"
            ).format(table=t.ident, cols=sql.SQL(", ").join(map(sql.Identifier, columns)))
            refused = False
            try:
                with app.transaction():
                    _as(app, b)
                    app.execute(insert, (json.dumps(row),))
            except psycopg.errors.InsufficientPrivilege:
                refused = True  # RLS WITH CHECK (42501) or no INSERT privilege
            assert refused, f"{name}: user B inserted a row owned by user A"
            still = owner.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(
                    t.ident, sql.Identifier(t.owner_column)
                ),
                (a,),
            ).fetchone()
            assert still == (len(rows),), f"{name}: user A's rows changed"
            checked.append(name)
    return checked


def assert_rls_everywhere(owner_url: str, schema: str, app_role: str, shared: set[str]) -> None:
    """Every table ``app_role`` may read has row-level security enabled and forced, except the
    ``shared`` reference tables named by the caller."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
            " WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p')"
            " AND has_table_privilege(%s, c.oid, 'SELECT')",
            (schema, app_role),
        ).fetchall()
    for name, enabled, forced in rows:
        if name in shared:
            continue
        assert enabled and forced, f"{schema}.{name}: readable by {app_role} without forced RLS"
