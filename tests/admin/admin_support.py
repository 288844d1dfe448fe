"""Per-table fingerprints of a database, to compare a restored copy with its source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql


def fingerprints(
    url: str, schemas: list[str], ignore: Mapping[str, Sequence[str]] | None = None
) -> dict[str, tuple[int, str]]:
    """``schema.table`` → (row count, md5 of its rows in a stable order) for every table of
    ``schemas``; core's audit trail counts only the rows about ``schemas``; plus every sequence's
    state and the applied migrations. ``ignore`` leaves columns out (``schema.table`` → names)."""
    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')"
            " AND NOT c.relispartition"  # a partitioned table's rows count once, at its parent
            " ORDER BY 1, 2",
            (schemas,),
        ).fetchall()
        for schema, table in tables:
            where: sql.Composable = sql.SQL("")
            if (schema, table) == ("core", "audit_log"):
                where = sql.SQL(" WHERE t.schema_name = ANY({})").format(sql.Literal(schemas))
            value: sql.Composable = sql.SQL("t::text")
            left_out = (ignore or {}).get(f"{schema}.{table}")
            if left_out:
                value = sql.SQL("(to_jsonb(t) - {}::text[])::text").format(
                    sql.Literal(list(left_out))
                )
            row = conn.execute(
                sql.SQL(
                    "SELECT count(*), coalesce(md5(string_agg({v}, '|' ORDER BY {v})), '')"
                    " FROM {}.{} t"
                ).format(sql.Identifier(schema), sql.Identifier(table), v=value)
                + where
            ).fetchone()
            assert row is not None
            out[f"{schema}.{table}"] = (int(row[0]), str(row[1]))
        for name, last in conn.execute(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = ANY(%s)",
            (schemas,),
        ).fetchall():
            out[f"sequence {name}"] = (0, str(last))
        applied = conn.execute("SELECT migration_id FROM _yoyo_migration ORDER BY 1").fetchall()
        ids = [str(r[0]) for r in applied if str(r[0]).split(".")[1] in schemas]
        out["migrations"] = (len(ids), ",".join(ids))
    return out


def scalar(url: str, query: str, *params: Any) -> Any:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(query.encode(), params).fetchone()
        return row[0] if row else None
