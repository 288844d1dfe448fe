"""A legacy database elsewhere: copy its tables into a staging schema of the target first.

``adopt --from postgresql://…`` reads the legacy tables the application's conversion files name
(and ``alembic_version``) from that database's ``public`` schema, and copies them with COPY into
``<app>_legacy`` in the target database, replacing an earlier copy; the conversion then reads that
schema. The source database is only read. Enum columns arrive as text (the conversion files compare
text anyway).
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

from ..migrate.state import Target
from .files import Conversion

__all__ = ["copy_legacy", "staging_schema"]


def staging_schema(app: str) -> str:
    return f"{app}_legacy"


def _columns(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, table: str
) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT a.attname, CASE WHEN t.typtype = 'e' THEN 'text' "
        "ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END "
        "FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid "
        "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        (f'"{schema}"."{table}"',),
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def copy_legacy(
    source_url: str,
    target_url: str,
    app: str,
    conversions: Sequence[Conversion],
    *,
    source_schema: str = "public",
) -> str:
    """Copy the legacy tables into the target's staging schema; its name."""
    staging = staging_schema(app)
    tables = [c.legacy for c in conversions] + ["alembic_version"]
    with (
        Target.parse(source_url).connect() as src,
        Target.parse(target_url).connect() as dst,
        dst.transaction(),
    ):
        dst.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(staging)))
        dst.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(staging)))
        for table in tables:
            columns = _columns(src, source_schema, table)
            if not columns:
                continue  # reported as missing by the conversion
            dst.execute(
                sql.SQL("CREATE TABLE {} ({})").format(
                    sql.Identifier(staging, table),
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(t)) for n, t in columns
                    ),
                )
            )
            names = sql.SQL(", ").join(sql.Identifier(n) for n, _ in columns)
            out = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT").format(
                names, sql.Identifier(source_schema, table)
            )
            into = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(staging, table), names)
            with src.cursor().copy(out) as reader, dst.cursor().copy(into) as writer:
                for chunk in reader:
                    writer.write(chunk)
    return staging
