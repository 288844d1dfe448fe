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
