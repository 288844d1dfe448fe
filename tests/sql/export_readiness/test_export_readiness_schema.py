"""Catalog checks on export_readiness: indexed foreign keys, updated_at triggers, comments."""

from __future__ import annotations

from export_readiness_support import TABLES

from datalayer import Database, ops

S = "export_readiness"


async def test_every_foreign_key_has_an_index_on_its_columns(edb: Database) -> None:
    async with edb.transaction() as conn:
        unindexed = await conn.fetch(
            """
            SELECT c.conname
            FROM pg_constraint AS c
            JOIN pg_namespace AS n ON n.oid = c.connamespace
            WHERE n.nspname = $1
                AND c.contype = 'f'
                AND NOT EXISTS (
                    SELECT 1
                    FROM pg_index AS i
                    WHERE i.indrelid = c.conrelid
                        AND (i.indkey::int2[])[0 : cardinality(c.conkey) - 1] @> c.conkey
                        AND (i.indkey::int2[])[0 : cardinality(c.conkey) - 1] <@ c.conkey
                )
            """,
            S,
        )
        fks = await conn.fetchval(
            "SELECT count(*) FROM pg_constraint AS c JOIN pg_namespace AS n "
            "ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype = 'f'",
            S,
        )
    assert fks == 10
    assert [r["conname"] for r in unindexed] == []


async def test_updated_at_is_kept_by_the_shared_trigger(edb: Database) -> None:
    async with edb.transaction() as conn:
        with_column = {
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = $1 AND column_name = 'updated_at'",
                S,
            )
        }
        with_trigger = {
            r["relname"]
            for r in await conn.fetch(
                "SELECT c.relname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
                "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                "WHERE n.nspname = $1 AND t.tgname = '_100_set_updated_at' "
                "AND t.tgfoid = 'core.tg__set_updated_at()'::regprocedure",
                S,
            )
        }
    assert with_column == set(TABLES) - {"chat_messages"}
    assert with_trigger == with_column


async def test_every_table_and_encrypted_column_is_commented(edb: Database) -> None:
    async with edb.transaction() as conn:
        rows = await conn.fetch(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind = 'r'",
            S,
        )
        encrypted = await conn.fetch(
            "SELECT table_name, col_description(format('%I.%I', table_schema, table_name)::regclass, "
            "ordinal_position) AS comment FROM information_schema.columns "
            "WHERE table_schema = $1 AND data_type = 'bytea'",
            S,
        )
    assert sorted(r["relname"] for r in rows) == sorted(TABLES)
    assert all(r["comment"] for r in rows)
    assert sorted(r["table_name"] for r in encrypted) == [
        "chat_messages", "generated_documents", "users"
    ]  # fmt: skip
    assert all(r["comment"].startswith("Sensitive (Requirement 17.2") for r in encrypted)


async def test_seed_monitoring_queries_cover_the_schema(edb: Database) -> None:
    """The seed's monitoring (connections, slow queries, table sizes) is served by datalayer.ops,
    which, unlike the seed's table-size query (schema public only), sees export_readiness."""
    async with edb.transaction() as conn:
        sizes = await ops.list_table_sizes(conn)
        connections = await ops.count_connections(conn)
    assert {s.table_name for s in sizes if s.schema_name == S} == set(TABLES)
    assert connections is not None and connections >= 1
