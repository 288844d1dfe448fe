"""Nothing is dropped silently: every query-file mistake is an error naming ``file:line:column``,
the query and the ``:param``, and ``datalayer gen`` exits 1. Colons that are not parameters (inside
dollar-quoted bodies, string literals, comments, array slices) stay SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from datalayer.gen.cli import main
from datalayer.queries import QueryLoadError, load


def write(tmp_path: Path, text: str, name: str = "q.sql") -> Path:
    folder = tmp_path / "sql" / "errfx"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def gen(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(
        [
            "--check",
            "--database-url",
            url,
            "--sql-dir",
            str(tmp_path / "sql"),
            "--out-dir",
            str(tmp_path / "out"),
            "errfx",
        ]
    )
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a statement before any name
        (
            "SELECT 1 AS one;\n-- name: two()$\nSELECT 2 AS two;\n",
            ":1:1: a statement without a name",
        ),
        # a second statement inside a named query
        (
            "-- name: one()$\nSELECT 1 AS one;\n\n  SELECT 2 AS two;\n",
            ":4:3: a statement without a name after query one",
        ),
        # -- name without its colon: the query would merge into the previous one
        (
            "-- name: one()$\nSELECT 1 AS one;\n-- name two()$\nSELECT 2 AS two;\n",
            ":3:4: '-- name' without its colon",
        ),
        # a parameter the declaration does not list
        (
            "-- name: one()$\nSELECT\n    :x::int AS one;\n",
            ":3:5: query one: parameter :x is not declared",
        ),
        ("-- name: one(x, y)$\nSELECT :x::int AS one;\n", ":1:1: query one: declared parameter(s)"),
        ("-- name: one$\nSELECT 1 AS one;\n", ":1:1: query one: missing its parameter list"),
    ],
)
def test_loader_errors_name_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(QueryLoadError) as info:
        load("errfx", tmp_path / "sql")
    assert f"{path}{expected}" in str(info.value)


def test_colons_that_are_not_parameters(tmp_path: Path) -> None:
    write(
        tmp_path,
        "-- name: colons(p)^\n"
        "-- the one parameter is :p\n"
        "SELECT $$a:b$$ AS dollar, $fn$ x:y -- :z\n$fn$ AS tagged,\n"
        "    'c:d' AS quoted, E'it\\'s:e' AS escaped, \"odd:name\" AS ident,\n"
        "    (ARRAY[1, 2, 3])[1:2] AS sliced, (ARRAY[1, 2, 3])[2:3][1:1] AS twice,\n"
        "    :p::text AS p /* q:r */ -- s:t\n;\n",
    )
    query = load("errfx", tmp_path / "sql")["colons"]
    assert query.params == ("p",)
    assert "$$a:b$$" in query.sql and "$fn$ x:y -- :z\n$fn$" in query.sql
    assert "'c:d'" in query.sql and "E'it\\'s:e'" in query.sql and '"odd:name"' in query.sql
    assert "[1:2]" in query.sql and "[2:3][1:1]" in query.sql
    assert "$1::text AS p /* q:r */ -- s:t" in query.sql
    assert query.param_at == {"p": (7, 5)}


async def test_colon_free_sql_runs_unchanged(tmp_path: Path, database_url: str) -> None:
    import asyncpg

    write(
        tmp_path,
        "-- name: colons(p)^\nSELECT $$a:b$$ AS d, 'c:d' AS q, (ARRAY[1, 2, 3])[1:2] AS s,"
        " :p::text AS p;\n",
    )
    query = load("errfx", tmp_path / "sql")["colons"]
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(query.sql, "v")
    finally:
        await conn.close()
    assert row is not None and tuple(row) == ("a:b", "c:d", [1, 2], "v")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unknown annotation
        (
            "-- name: one()$\n-- @nonull one\nSELECT 1 AS one;\n",
            ":2:4: query errfx.one: unknown annotation '@nonull one'",
        ),
        # a parameter used with two incompatible types
        (
            "-- name: one(x)^\nSELECT :x::int AS a,\n       :x::text AS b;\n",
            ":3:8: query errfx.one: parameter :x is used as integer and text",
        ),
        # a parameter whose type would come from the literal in coalesce()
        (
            "-- name: total(p)^\nSELECT amount FROM genfx.transfers\nWHERE amount > coalesce(:p, 0);\n",
            ":3:25: query errfx.total: parameter :p takes its type from an integer literal",
        ),
        # a hinted parameter type that is not the parameter's
        (
            "-- name: one(x)$\n-- @param x: int | None\nSELECT :x::text AS one;\n",
            ":2:4: query errfx.one: @param x: int is not the parameter's type (str)",
        ),
        # the server's error position, mapped back to the file
        (
            "-- name: one()^\n-- doc\nSELECT 1 AS a,\n    nope AS b;\n",
            ':4:5: query errfx.one: column "nope" does not exist',
        ),
        (
            "-- name: one()^\nSELECT 1, 2 AS b;\n",
            ":1:1: query errfx.one: result column 1 has no name",
        ),
    ],
)
def test_gen_errors_exit_1_with_file_line_and_column(
    gen_db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    expected: str,
) -> None:
    path = write(tmp_path, text)
    code, err = gen(gen_db_url, tmp_path, capsys)
    assert code == 1, err
    assert f"{path}{expected}" in err, err
    assert str(path) in err


def test_loader_errors_exit_1(
    gen_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "SELECT 1 AS orphan;\n")
    code, err = gen(gen_db_url, tmp_path, capsys)
    assert code == 1
    assert f"{path}:1:1: a statement without a name" in err
