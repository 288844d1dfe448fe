"""Loading sql/ with aiosql and executing the parsed SQL directly on asyncpg."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from datalayer import Database, errors
from datalayer.paths import sql_dir
from datalayer.queries import Operation, QueryLoadError, load, load_all, to_model, to_models

QUERIES = """
-- name: create_item(name, qty)^
-- Adds an item; returns it.
INSERT INTO public.items (name, qty)
VALUES (:name, :qty)
RETURNING id, name, qty;

-- name: get_item_by_id(id)^
SELECT id, name, qty
FROM public.items
WHERE id = :id;

-- name: list_items_by_min_qty(min_qty)
SELECT id, name, qty
FROM public.items
WHERE qty >= :min_qty
ORDER BY id;

-- name: count_items()$
SELECT count(*)
FROM public.items;

-- name: update_items_qty(qty, name)!
UPDATE public.items
SET qty = :qty
WHERE name = :name;

-- name: add_items(name, qty)*!
INSERT INTO public.items (name, qty)
VALUES (:name, :qty);

-- name: sum_twice(b, a)$
SELECT :a::int + :a::int + :b::int;
"""


class Item(BaseModel):
    id: int
    name: str
    qty: int


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "items.sql").write_text(QUERIES)
    return tmp_path


@pytest.fixture
async def items_db(db: Database) -> Database:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE public.items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "name text NOT NULL UNIQUE, qty int NOT NULL CHECK (qty >= 0))"
        )
    return db


def test_load_reads_names_operations_and_parameter_order(shop: Path) -> None:
    q = load("shop", shop)
    assert sorted(q) == sorted(
        [
            "create_item",
            "get_item_by_id",
            "list_items_by_min_qty",
            "count_items",
            "update_items_qty",
            "add_items",
            "sum_twice",
        ]
    )
    assert q.create_item.operation is Operation.SELECT_ONE
    assert q.list_items_by_min_qty.operation is Operation.SELECT
    assert q.count_items.operation is Operation.SELECT_VALUE
    assert q.update_items_qty.operation is Operation.EXECUTE
    assert q.add_items.operation is Operation.EXECUTE_MANY
    assert q.create_item.doc == "Adds an item; returns it."
    # $n order, not declaration order: a is $1, b is $2
    assert q.sum_twice.params == ("a", "b")
    assert "$1::int + $1::int + $2::int" in q.sum_twice.sql
    assert q.create_item.path == shop / "shop" / "items.sql"
    assert len(q.create_item.sha256) == 64


async def test_round_trip_through_every_operation(items_db: Database, shop: Path) -> None:
    q = load("shop", shop)
    async with items_db.transaction() as conn:
        created = to_model(Item, await q.create_item.fetchrow(conn, name="bolt", qty=3))
        assert created is not None and created.name == "bolt" and created.qty == 3
        await q.add_items.execute_many(
            conn, [{"name": "nut", "qty": 5}, {"name": "gear", "qty": 0}]
        )
        assert await q.count_items.fetchval(conn) == 3
        assert await q.update_items_qty.execute(conn, qty=9, name="nut") == 1
        assert await q.update_items_qty.execute(conn, qty=9, name="nothing") == 0
        got = to_model(Item, await q.get_item_by_id.fetchrow(conn, id=created.id))
        assert got == created
        assert to_model(Item, await q.get_item_by_id.fetchrow(conn, id=-1)) is None
        listed = to_models(Item, await q.list_items_by_min_qty.fetch(conn, min_qty=3))
        assert [i.name for i in listed] == ["bolt", "nut"]
        assert to_models(Item, await q.list_items_by_min_qty.fetch(conn, min_qty=100)) == []
        streamed = [
            r["name"] async for r in q.list_items_by_min_qty.cursor(conn, min_qty=0, prefetch=1)
        ]
        assert streamed == ["bolt", "nut", "gear"]
        assert await q.sum_twice.fetchval(conn, a=1, b=10) == 12


async def test_bad_parameters_fail_before_any_sql_is_sent(items_db: Database, shop: Path) -> None:
    q = load("shop", shop)
    async with items_db.acquire() as conn:
        await conn.close()  # any SQL sent now would fail with ConnectionLost/QueryError
        for call, message in [
            (lambda: q.create_item.fetchrow(conn, name="x"), "missing qty"),
            (lambda: q.create_item.fetchrow(conn, name="x", qty=1, colour="red"), "unknown colour"),
            (lambda: q.create_item.fetchrow(conn, nmae="x", qty=1), "missing name; unknown nmae"),
            (lambda: q.count_items.fetchval(conn, limit=3), "unknown limit"),
            (lambda: q.add_items.execute_many(conn, [{"name": "a"}]), "missing qty"),
        ]:
            with pytest.raises(errors.QueryParameterError, match=message) as info:
                await call()
            assert "shop." in str(info.value)
            assert isinstance(info.value, TypeError)  # also a TypeError, like a bad call


async def test_query_errors_are_mapped(items_db: Database, shop: Path) -> None:
    q = load("shop", shop)
    async with items_db.transaction() as conn:
        await q.create_item.fetchrow(conn, name="bolt", qty=1)
    async with items_db.acquire() as conn:
        with pytest.raises(errors.UniqueViolation) as info:
            await q.create_item.fetchrow(conn, name="bolt", qty=1)
        assert info.value.table == "items" and info.value.columns == ("name",)
        with pytest.raises(errors.CheckViolation):
            await q.add_items.execute_many(
                conn, [{"name": "ok", "qty": 1}, {"name": "neg", "qty": -1}]
            )
        assert await q.count_items.fetchval(conn) == 1  # executemany is atomic: nothing written
        with pytest.raises(errors.DataError):
            await q.create_item.fetchrow(conn, name="x", qty="three")


def test_duplicate_names_in_one_schema_are_refused(shop: Path) -> None:
    (shop / "shop" / "more.sql").write_text("-- name: count_items()$\nSELECT 1;\n")
    with pytest.raises(QueryLoadError, match="count_items is defined twice"):
        load("shop", shop)


def test_parse_errors_name_the_file(shop: Path) -> None:
    (shop / "shop" / "broken.sql").write_text("-- name: no_params^\nSELECT 1;\n")
    with pytest.raises(QueryLoadError, match=r"broken\.sql"):
        load("shop", shop)


def test_unknown_schema_folder(tmp_path: Path) -> None:
    with pytest.raises(QueryLoadError):
        load("nope", tmp_path)


async def test_every_shipped_query_prepares_against_the_migrated_database(db: Database) -> None:
    """sqlc-vet style: every query in sql/ parses, binds and type-checks on the real schema."""
    schemas = load_all()
    assert "ops" in schemas
    total = 0
    async with db.acquire() as conn:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public")
        for schema, queries in schemas.items():
            assert queries.schema == schema
            for query in queries.values():
                stmt = await conn.prepare(query.sql)
                assert len(stmt.get_parameters()) == len(query.params), query.qualified_name
                if query.operation in (
                    Operation.SELECT,
                    Operation.SELECT_ONE,
                    Operation.SELECT_VALUE,
                ):
                    assert stmt.get_attributes(), f"{query.qualified_name} returns no columns"
                total += 1
    assert total == sum(len(q) for q in schemas.values()) > 0


def test_query_names_follow_the_style() -> None:
    verbs = ("get_", "list_", "count_", "exists_", "create_", "update_", "delete_", "upsert_")
    for schema, queries in load_all().items():
        for name, query in queries.items():
            assert name.startswith(verbs), f"{schema}.{name}: name must start with a verb"
            assert query.doc, f"{schema}.{name}: every query says what it returns"
    assert (sql_dir() / "ops").is_dir()


def _session_state(sql: str) -> list[str]:
    """What in ``sql`` would outlive the statement on its connection (parsed with pglast)."""
    from pglast import ast, parse_sql
    from pglast.enums.parsenodes import CURSOR_OPT_HOLD
    from pglast.visitors import Visitor

    found: list[str] = []

    class Finder(Visitor):  # type: ignore[misc]
        def visit(self, ancestors: object, node: object) -> None:
            if isinstance(node, ast.VariableSetStmt) and not node.is_local:
                found.append(f"session-level SET {node.name}")
            elif isinstance(node, ast.ListenStmt):
                found.append("LISTEN")
            elif isinstance(node, ast.TransactionStmt):
                found.append("transaction control")
            elif isinstance(node, ast.DeclareCursorStmt) and node.options & CURSOR_OPT_HOLD:
                found.append("a cursor WITH HOLD")
            elif isinstance(node, ast.CreateStmt | ast.CreateTableAsStmt):
                found.append("DDL")
            elif isinstance(node, ast.FuncCall):
                name = node.funcname[-1].sval
                if name in ("pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock"):
                    found.append(f"a session advisory lock ({name})")
                if name == "set_config" and len(node.args or ()) == 3:
                    local = node.args[2]
                    if not (
                        isinstance(local, ast.A_Const) and getattr(local.val, "boolval", False)
                    ):
                        found.append("set_config(..., false)")

    for stmt in parse_sql(sql):
        Finder()(stmt)
    return found


def test_queries_leave_no_session_state() -> None:
    """Database.call() returns connections to the pool without a reset: the SQL must not need one."""
    for schema, queries in load_all().items():
        for name, query in queries.items():
            assert _session_state(query.sql) == [], f"{schema}.{name}"
    assert _session_state("SET work_mem = '1GB'") == ["session-level SET work_mem"]
    assert _session_state("SET LOCAL work_mem = '1GB'") == []
    assert _session_state("UPDATE t SET status = 'x'") == []
    assert _session_state("SELECT set_config('a.b', 'c', false)") == ["set_config(..., false)"]
    assert _session_state("SELECT set_config('a.b', 'c', true)") == []
    assert _session_state("SELECT pg_advisory_xact_lock(1)") == []
    assert _session_state("SELECT pg_advisory_lock(1)") == [
        "a session advisory lock (pg_advisory_lock)"
    ]
    assert _session_state("LISTEN jobs") == ["LISTEN"]
    assert _session_state("DECLARE c CURSOR WITH HOLD FOR SELECT 1") == ["a cursor WITH HOLD"]
    assert _session_state("DECLARE c CURSOR FOR SELECT 1") == []


def test_parameters_marked_sensitive_or_named_like_secrets_are_masked_in_logs() -> None:
    from datalayer.paths import sql_dir
    from datalayer.queries import load

    queries = load("export_readiness", sql_dir())
    create_user = queries.create_user
    assert {"phone", "password_hash", "encryption_key"} <= create_user.sensitive
    assert "email" not in create_user.sensitive and "company_name" not in create_user.sensitive
    assert "content" in queries.create_chat_message.sensitive
    # every value a query encrypts is masked, in every application
    import re

    checked = 0
    for app in ("fintech", "export_readiness", "compliance", "validation", "logistics"):
        for q in load(app, sql_dir()).values():
            for n in re.findall(r"(?:pgp_sym_encrypt|export_readiness\.encrypt)\(\$(\d+)", q.sql):
                assert q.params[int(n) - 1] in q.sensitive, (q.qualified_name, n)
                checked += 1
    assert checked >= 6
