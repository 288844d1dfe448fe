"""``datalayer gen --check``: exit 1 with a unified diff on stale, missing or orphaned files."""

from __future__ import annotations

import io
from pathlib import Path

import psycopg
import pytest
from gen_support import SCHEMA, copy_sql

from datalayer.gen.cli import main, run_gen


def check(url: str, sql: Path, out: Path, schemas: list[str] | None = None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_gen(
        url,
        [SCHEMA] if schemas is None else schemas,
        True,
        sql_root=sql,
        out_root=out,
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def tree(gen_db_url: str, tmp_path: Path) -> tuple[Path, Path]:
    sql = copy_sql(tmp_path)
    out = tmp_path / "out"
    assert run_gen(gen_db_url, [SCHEMA], False, sql_root=sql, out_root=out) == 0
    return sql, out


def test_clean_tree_passes(gen_db_url: str, tree: tuple[Path, Path]) -> None:
    code, diff, err = check(gen_db_url, *tree)
    assert (code, diff) == (0, "")
    assert "up to date" in err


def test_edited_query_fails(gen_db_url: str, tree: tuple[Path, Path]) -> None:
    sql, out = tree
    owners = sql / SCHEMA / "owners.sql"
    owners.write_text(owners.read_text().replace("SELECT email\n", "SELECT nickname AS email\n"))
    code, diff, err = check(gen_db_url, sql, out)
    assert code == 1
    assert f"stale: {out / SCHEMA / '_queries.py'}" in err
    assert diff.startswith(f"--- a/{out / SCHEMA / '_queries.py'}")
    changed = [ln for ln in diff.splitlines() if ln.startswith(("-    _QUERIES", "+    _QUERIES"))]
    assert len(changed) == 2 and all('"get_owner_email"' in ln for ln in changed)


def test_removed_query_fails(gen_db_url: str, tree: tuple[Path, Path]) -> None:
    sql, out = tree
    transfers = sql / SCHEMA / "transfers.sql"
    text = transfers.read_text()
    transfers.write_text(text[: text.index("-- name: delete_transfers_of")])
    code, diff, _ = check(gen_db_url, sql, out)
    assert code == 1
    assert "-async def delete_transfers_of(conn: Connection, *, account_id: UUID) -> int:" in diff
    assert '-    "delete_transfers_of",' in diff  # gone from __all__


def test_schema_change_fails(fixture_url: str, tmp_path: Path) -> None:
    sql = copy_sql(tmp_path)
    out = tmp_path / "out"
    assert run_gen(fixture_url, [SCHEMA], False, sql_root=sql, out_root=out) == 0
    with psycopg.connect(fixture_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE genfx.owners ALTER COLUMN nickname SET NOT NULL")
        conn.execute("ALTER TYPE genfx.account_status ADD VALUE 'archived'")
    code, diff, _ = check(fixture_url, sql, out)
    assert code == 1
    assert "-    nickname: str | None\n+    nickname: str\n" in diff
    assert '+    ARCHIVED = "archived"' in diff


def test_missing_and_hand_edited_files_fail(gen_db_url: str, tree: tuple[Path, Path]) -> None:
    sql, out = tree
    (out / SCHEMA / "__init__.py").unlink()
    module = out / SCHEMA / "_queries.py"
    module.write_text(
        module.read_text().replace("    nickname: str | None\n", "    nickname: str\n")
    )
    code, diff, err = check(gen_db_url, sql, out)
    assert code == 1
    assert f"missing: {out / SCHEMA / '__init__.py'} (the package's hand-written" in err
    assert f"stale: {module}" in err
    assert "-    nickname: str\n+    nickname: str | None\n" in diff
    assert "2 generated file(s) out of date" in err


def test_orphaned_files_fail_then_are_removed(gen_db_url: str, tree: tuple[Path, Path]) -> None:
    sql, out = tree
    (sql / SCHEMA / "owners.sql").unlink()
    (sql / SCHEMA / "accounts.sql").unlink()
    (sql / SCHEMA / "transfers.sql").unlink()
    (sql / SCHEMA).rmdir()
    (out / "handwritten").mkdir()
    (out / "handwritten" / "__init__.py").write_text("x = 1\n")  # not generated: left alone
    code, diff, err = check(gen_db_url, sql, out, schemas=[])
    assert code == 1
    assert f"orphaned: {out / SCHEMA / '_queries.py'}" in err
    assert "+++ /dev/null" in diff
    assert run_gen(gen_db_url, [], False, sql_root=sql, out_root=out) == 0
    assert not (out / SCHEMA / "_queries.py").exists()
    assert (out / SCHEMA / "__init__.py").exists()  # hand-written: never removed
    assert (out / "handwritten" / "__init__.py").exists()
    assert check(gen_db_url, sql, out, schemas=[])[0] == 0


def test_main_exit_codes(
    gen_db_url: str, tree: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sql, out = tree
    args = ["--database-url", gen_db_url, "--sql-dir", str(sql), "--out-dir", str(out), SCHEMA]
    assert main(["--check", *args]) == 0
    (sql / SCHEMA / "broken.sql").write_text("-- name: broken()^\nSELECT nope FROM genfx.owners;\n")
    assert main(["--check", *args]) == 1
    err = capsys.readouterr().err
    assert "genfx.broken" in err and 'column "nope" does not exist' in err
    assert f"{sql / SCHEMA / 'broken.sql'}:2:8: query genfx.broken" in err


def test_hand_written_files_are_never_overwritten(
    gen_db_url: str, tree: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sql, out = tree
    module = out / SCHEMA / "_queries.py"
    module.write_text("# hand-written\n")
    args = ["--database-url", gen_db_url, "--sql-dir", str(sql), "--out-dir", str(out), SCHEMA]
    assert main(args) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert module.read_text() == "# hand-written\n"


def test_bad_annotations_and_unnamed_columns_are_errors(
    gen_db_url: str, tree: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sql, out = tree
    (sql / SCHEMA / "bad.sql").write_text(
        "-- name: bad_one()^\n-- @nonnull nosuch\n-- @frobnicate x\nSELECT 1 AS one;\n\n"
        "-- name: bad_two()^\nSELECT 1 + 1;\n"
    )
    args = ["--database-url", gen_db_url, "--sql-dir", str(sql), "--out-dir", str(out), SCHEMA]
    assert main(["--check", *args]) == 1
    err = capsys.readouterr().err
    bad = sql / SCHEMA / "bad.sql"
    assert (
        f"{bad}:2:13: query genfx.bad_one: annotation names 'nosuch', which is not a result column"
        in err
    )
    assert f"{bad}:3:4: query genfx.bad_one: unknown annotation '@frobnicate x'" in err
    assert f"{bad}:6:1: query genfx.bad_two: result column 1 has no name; add AS <name>" in err
