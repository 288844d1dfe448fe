"""Helpers for the adoption tests (importable from every application's folder)."""

from __future__ import annotations

import psycopg
from psycopg import sql

LEGACY_SCHEMA = "legacy"


def table_digest(url: str, schema: str, tables: tuple[str, ...]) -> dict[str, str]:
    """md5 of each table's rows in key order: equal digests mean untouched tables."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            row = conn.execute(
                sql.SQL(
                    "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {} AS t"
                ).format(sql.Identifier(schema, table))
            ).fetchone()
            out[table] = str(row[0] if row else None)
    return out


def one(conn: psycopg.Connection[tuple[object, ...]], query: str) -> object:
    """The first column of the first row."""
    row = conn.execute(query.encode()).fetchone()
    assert row is not None
    return row[0]


def accounted(
    url: str, app: str, tables: dict[str, str], match: dict[str, str] | None = None
) -> dict[str, tuple[int, int, int]]:
    """Per legacy table (mapped to its new table, rows matched by id, or by ``match[table]``, a
    condition over ``l`` and ``n``): legacy rows, converted rows and quarantined rows, counted in
    SQL (not taken from adopt's report)."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for legacy, new in tables.items():
            q = sql.SQL(
                "SELECT (SELECT count(*) FROM {l}), "
                "(SELECT count(*) FROM {l} AS l WHERE EXISTS "
                "(SELECT FROM {n} AS n WHERE {m})), "
                "(SELECT count(*) FROM {q})"
            ).format(
                m=sql.SQL((match or {}).get(legacy, "n.id = l.id")),  # type: ignore[arg-type]
                l=sql.Identifier(LEGACY_SCHEMA, legacy),
                n=sql.Identifier(app, new),
                q=sql.Identifier(f"{app}_quarantine", legacy),
            )
            row = conn.execute(q).fetchone()
            assert row is not None
            out[legacy] = (int(row[0]), int(row[1]), int(row[2]))
    return out


def broken_relations(
    conn: psycopg.Connection[tuple[object, ...]], app: str, relations: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """Per legacy table: converted rows (joined to their new row by id) where a legacy relation,
    written over ``l`` (legacy) and ``n`` (new), does not hold in the new schema."""
    out = {}
    for table, conditions in relations.items():
        legacy, _, new = table.partition(":")
        out[table] = int(
            str(
                one(
                    conn,
                    f"SELECT count(*) FROM {LEGACY_SCHEMA}.{legacy} AS l "
                    f"JOIN {app}.{new or legacy} AS n ON n.id = l.id "
                    f"WHERE NOT ({' AND '.join(conditions)})",
                )
            )
        )
    return out


def datalayer_check(url: str, app: str, *args: str) -> tuple[int, str]:
    """``datalayer check --app APP [args]`` on ``url`` (through the CLI's main): exit code and
    output."""
    import io
    from contextlib import redirect_stdout

    from datalayer.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--database-url", url, "--app", app, *args])
    return code, out.getvalue()
