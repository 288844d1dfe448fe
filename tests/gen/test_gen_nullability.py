"""The nullability analysis on statements beyond the fixture module: set operations, VALUES,
recursive and data-modifying CTEs, LATERAL, USING joins, and the parameter rules. The catalog
comes from the fixture database (describe), the syntax tree from pglast."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from datalayer.gen.describe import Catalog, describe
from datalayer.gen.nullability import analyze, function_names, relation_names
from datalayer.queries import Operation, Query


@pytest.fixture(scope="module")
def catalog(gen_db_url: str) -> Catalog:
    names = {("genfx", t) for t in ("owners", "accounts", "transfers", "account_totals")}
    probe = Query("genfx", "probe", Operation.SELECT, "SELECT 1 AS one", (), "", Path())
    return describe(gen_db_url, [probe], names, {"unnest", "generate_series", "upper"})[1]


def cols(sql: str, catalog: Catalog) -> dict[str, bool | None]:
    facts = analyze(sql, catalog, catalog.retset)
    assert facts.columns is not None, facts.problems
    return {c.name: c.nonnull for c in facts.columns}


def test_set_operations_and_values(catalog: Catalog) -> None:
    sql = """
        SELECT id, name FROM genfx.owners
        UNION ALL
        SELECT id, nickname FROM genfx.owners
    """
    assert cols(sql, catalog) == {"id": True, "name": False}
    values = "SELECT v.a, v.b FROM (VALUES (1, 'x'), (2, NULL)) AS v(a, b)"
    assert cols(values, catalog) == {"a": True, "b": False}


def test_recursive_and_modifying_ctes(catalog: Catalog) -> None:
    recursive = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
        SELECT i FROM n
    """
    assert cols(recursive, catalog) == {"i": True}
    modifying = """
        WITH moved AS (
            DELETE FROM genfx.transfers WHERE amount < 0 RETURNING id, memo
        )
        SELECT id, memo FROM moved
    """
    assert cols(modifying, catalog) == {"id": True, "memo": False}


def test_lateral_and_using(catalog: Catalog) -> None:
    lateral = """
        SELECT o.name, last.amount
        FROM genfx.owners AS o
        LEFT JOIN LATERAL (
            SELECT t.amount FROM genfx.transfers AS t
            JOIN genfx.accounts AS a ON a.id = t.account_id
            WHERE a.owner_id = o.id
            ORDER BY t.id DESC LIMIT 1
        ) AS last ON true
    """
    assert cols(lateral, catalog) == {"name": True, "amount": False}
    using = """
        SELECT id, t.amount FROM genfx.accounts AS a
        JOIN genfx.transfers AS t ON t.account_id = a.id
    """
    assert cols(using, catalog) == {"id": True, "amount": True}


def test_expression_rules(catalog: Catalog) -> None:
    sql = """
        SELECT
            o.nickname IS NULL AS no_nick,
            o.name || '!' AS shout,
            o.nickname || '!' AS nick_shout,
            CASE WHEN o.nickname IS NULL THEN 'none' ELSE o.name END AS label,
            CASE WHEN true THEN o.name END AS no_else,
            greatest(o.nickname, o.name) AS most,
            o.name IN ('a', 'b') AS listed,
            nullif(o.name, '') AS maybe,
            count(*) OVER () AS total,
            (o.id, o.name) IS NOT DISTINCT FROM (o.id, o.nickname) AS same
        FROM genfx.owners AS o
    """
    assert cols(sql, catalog) == {
        "no_nick": True,
        "shout": True,
        "nick_shout": False,
        "label": True,
        "no_else": False,
        "most": True,
        "listed": False,
        "maybe": False,
        "total": True,
        "same": True,
    }


def test_undecided_is_none_with_a_reason(catalog: Catalog) -> None:
    facts = analyze("SELECT x.y FROM genfx.nowhere AS x", catalog)
    assert facts.columns is not None and facts.columns[0].nonnull is None
    assert "unknown relation nowhere" in facts.columns[0].why


def test_cardinality(catalog: Catalog) -> None:
    def single(sql: str) -> bool:
        return analyze(sql, catalog, catalog.retset).single_row

    assert single("SELECT now() AS t")
    assert single("SELECT count(*) AS n FROM genfx.owners WHERE name = $1")
    assert not single("SELECT count(*) AS n FROM genfx.owners GROUP BY name")
    assert not single("SELECT unnest($1::int[]) AS n")  # a set-returning function
    assert not single("SELECT 1 AS one WHERE $1::bool")
    insert = "INSERT INTO genfx.owners (name) VALUES ($1) {} RETURNING id"
    assert single(insert.format(""))
    assert not single(insert.format("ON CONFLICT DO NOTHING"))
    assert not single("INSERT INTO genfx.owners (name) SELECT name FROM genfx.owners RETURNING id")
    # FROM one function that is not set-returning: exactly one row (the SQL-function pattern)
    assert single("SELECT u FROM upper($1::text) AS u")
    assert not single("SELECT n FROM generate_series(1, $1::int) AS n")
    assert not single("SELECT n FROM unnest($1::int[]) AS n")
    assert not single("SELECT u FROM upper($1::text) AS u WHERE u <> ''")
    assert not single("SELECT u, n FROM upper($1::text) WITH ORDINALITY AS x(u, n)")


def test_parameter_rules(catalog: Catalog) -> None:
    def nullable(sql: str) -> set[int]:
        return analyze(sql, catalog).nullable_params

    assert nullable("INSERT INTO genfx.owners (name, nickname) VALUES ($1, $2)") == {2}
    assert nullable("INSERT INTO genfx.owners VALUES (DEFAULT, $1, $2, $3)") == {2, 3}
    assert nullable("UPDATE genfx.owners SET nickname = $1, name = $2 WHERE id = $3") == {1}
    assert nullable("SELECT 1 AS x WHERE $1::text IS NULL OR $2::int IS NOT NULL") == {1, 2}
    assert nullable("SELECT coalesce($1::int, $2::int) AS x") == {1, 2}
    assert nullable("SELECT id FROM genfx.owners WHERE nickname IS DISTINCT FROM $1") == {1}
    upsert = """
        INSERT INTO genfx.owners (id, name) VALUES ($1, $2)
        ON CONFLICT (id) DO UPDATE SET nickname = $3
    """
    assert nullable(upsert) == {3}


def test_names_collected_for_the_catalog() -> None:
    sql = "WITH c AS (SELECT 1) SELECT upper(o.name) FROM genfx.owners o, c, unnest($1::int[]) u"
    assert relation_names(sql) == {("genfx", "owners"), (None, "c")}
    assert function_names(sql) == {"upper", "unnest"}


def test_recursive_cte_reaches_a_fixed_point(catalog: Catalog) -> None:
    # b copies a from the previous level; a is nullable from the second level on, so b is too
    # (the seed alone says both are non-null).
    sql = """
        WITH RECURSIVE w (id, a, b) AS (
            SELECT id, name, name FROM genfx.owners
            UNION ALL
            SELECT w.id, o.nickname, w.a FROM w JOIN genfx.owners AS o ON o.id = w.id
        )
        SELECT id, a, b FROM w
    """
    assert cols(sql, catalog) == {"id": True, "a": False, "b": False}


def test_row_comparisons_count_every_element(catalog: Catalog) -> None:
    sql = """
        SELECT (o.id, o.nickname) = (o.id, 'x') AS with_null,
               (o.id, o.name) < (o.id, 'x') AS without_null
        FROM genfx.owners AS o
    """
    assert cols(sql, catalog) == {"with_null": False, "without_null": True}


def test_function_columns_bind_by_name(catalog: Catalog) -> None:
    # `name` is the function's column, not owners.name (NOT NULL) one scope out.
    sql = """
        SELECT x.name, x.pos
        FROM genfx.owners AS o
        CROSS JOIN LATERAL (
            SELECT name, 1 AS pos FROM unnest(ARRAY[o.nickname]) AS name
        ) AS x
    """
    assert cols(sql, catalog) == {"name": False, "pos": True}
    unknown = analyze(
        "SELECT (SELECT a FROM jsonb_to_record('{}') AS r (a int)) AS a FROM genfx.owners",
        catalog,
    )
    assert unknown.columns is not None and unknown.columns[0].nonnull is False
    ordinality = "SELECT t.v, t.n FROM unnest(ARRAY[1]) WITH ORDINALITY AS t (v, n)"
    assert cols(ordinality, catalog) == {"v": False, "n": True}


def test_star_over_using_and_natural_joins(catalog: Catalog) -> None:
    using = """
        SELECT * FROM genfx.owners AS o (owner_id)
        RIGHT JOIN genfx.accounts AS a (account_id, owner_id) USING (owner_id)
    """
    facts = analyze(using, catalog)
    assert facts.columns is not None
    names = [c.name for c in facts.columns]
    assert names[:3] == ["owner_id", "name", "email"]  # the join column first, once
    assert names.count("owner_id") == 1 and names[-1] == "closed_at"
    values = {c.name: c.nonnull for c in facts.columns}
    assert values["owner_id"] is True  # RIGHT JOIN: the right side's column
    assert values["name"] is False  # the left side is null-extended
    assert values["account_id"] is True
    full = """
        SELECT * FROM (SELECT id FROM genfx.owners) AS a
        FULL JOIN (SELECT owner_id AS id, status FROM genfx.accounts) AS b USING (id)
    """
    assert cols(full, catalog) == {"id": True, "status": False}  # coalesce(a.id, b.id)


def test_builtins_only_when_not_shadowed(catalog: Catalog) -> None:
    sql = "SELECT now() AS plain, now(1) AS one_arg, upper(o.name) AS up FROM genfx.owners AS o"
    assert cols(sql, catalog) == {"plain": True, "one_arg": True, "up": True}
    shadowed = replace(catalog, user_functions={"now": ((1, 1),), "upper": ((1, 1),)})
    assert cols(sql, shadowed) == {"plain": True, "one_arg": False, "up": False}
    other = "SELECT genfx.now() AS a, current_schema AS s, current_user AS u"
    assert cols(other, catalog) == {"a": False, "s": False, "u": True}


def test_not_null_domains_and_arrays(catalog: Catalog) -> None:
    sql = "SELECT a.limit_amount, a.tags, a.tags[1] AS first, a.tags[1:2] AS two FROM genfx.accounts a"
    assert cols(sql, catalog) == {"limit_amount": False, "tags": True, "first": False, "two": True}


def test_triggers_make_insert_returning_optional(catalog: Catalog) -> None:
    sql = "INSERT INTO genfx.owners (name) VALUES ($1) RETURNING id"
    assert analyze(sql, catalog).single_row
    owners = catalog.relation("genfx", "owners")
    assert owners is not None
    dropping = replace(catalog, row_droppers=frozenset({owners.oid}))
    assert not analyze(sql, dropping).single_row


def test_hinted_parameters_are_null_where_used(catalog: Catalog) -> None:
    facts = analyze(
        "SELECT $1::text AS echo, upper($1::text) AS up", catalog, frozenset(), frozenset({1})
    )
    assert facts.columns is not None
    assert [c.nonnull for c in facts.columns] == [False, False]


def test_returning_reads_the_new_row(catalog: Catalog) -> None:
    update = "UPDATE genfx.owners SET nickname = coalesce(nickname, name) WHERE id = $1 RETURNING nickname, email"
    assert cols(update, catalog) == {"nickname": True, "email": False}
    insert = "INSERT INTO genfx.owners (name, nickname) VALUES ($1, 'n') RETURNING nickname, email"
    assert cols(insert, catalog) == {"nickname": True, "email": False}
    owners = catalog.relation("genfx", "owners")
    assert owners is not None
    # a BEFORE row trigger may rewrite the new row: only the table's NOT NULL counts then
    rewritten = replace(catalog, row_rewriters=frozenset({owners.oid}))
    assert cols(update, rewritten) == {"nickname": False, "email": False}


def test_views_are_analysed_through_their_definition(catalog: Catalog) -> None:
    sql = "SELECT v.account_id, v.total, v.n FROM genfx.account_totals AS v"
    assert cols(sql, catalog) == {"account_id": True, "total": False, "n": True}
    outer = (
        "SELECT v.account_id FROM genfx.owners AS o LEFT JOIN genfx.account_totals AS v ON false"
    )
    assert cols(outer, catalog) == {"account_id": False}
    without = replace(catalog, views={})  # a view whose definition is unknown: nullable
    assert cols(sql, without) == {"account_id": False, "total": False, "n": False}
