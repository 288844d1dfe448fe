"""``datalayer docs``: the committed data dictionary (docs/schema/) is what the migrations
produce, and ``--check`` notices a difference."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from datalayer.admin._common import schemas_in_scope
from datalayer.admin.dictionary import render_schemas
from datalayer.cli import main
from datalayer.paths import project_root

COMMITTED = project_root() / "docs" / "schema"


def test_committed_pages_match_a_migrated_database(database_url: str) -> None:
    pages = render_schemas(database_url, schemas_in_scope(None))
    assert sorted(pages) == sorted(p.name for p in COMMITTED.glob("*.md"))
    for name, text in pages.items():
        assert (COMMITTED / name).read_text() == text, (
            f"docs/schema/{name} is out of date: run `make docs` (datalayer docs)"
        )


def test_a_page_says_what_a_reviewer_needs(database_url: str) -> None:
    page = render_schemas(database_url, ["fintech"])["fintech.md"]
    accounts = page[page.index("\n## accounts\n") : page.index("\n## audit_log\n")]
    # a column with its type, nullability, default and comment
    assert "| `balance` | numeric(19,4) | NOT NULL | `0` | Current balance;" in accounts
    # a constraint with its human message
    assert (
        "| `accounts_balance_check` | check | `CHECK ((balance >= (- credit_limit)))` |" in accounts
    )
    assert "balance cannot go below the credit limit" in accounts
    # row-level security, its policies, the triggers and the queries that touch the table
    assert "Row-level security: enabled, forced." in accounts
    assert "| `accounts_app_own` | ALL | permissive | fintech_app |" in accounts
    assert "`core.tg__audit()`" in accounts
    assert "- `get_account_by_id` (accounts.sql)" in accounts
    assert "- `list_accounts_off_ledger` (checks.sql)" in accounts
    # functions with their security and the queries calling them
    functions = page[page.index("\n## Functions\n") :]
    assert "| `transfer(p_user_id uuid," in functions
    assert "`create_transfer` (transfers.sql)" in functions


def test_check_fails_on_a_changed_comment(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schema"
    shutil.copytree(COMMITTED, out)
    args = ["docs", "--database-url", database_url, "--app", "fintech", "--check", "-o", str(out)]
    assert main(args) == 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("COMMENT ON COLUMN fintech.cards.last4 IS 'The last four digits, changed'")
    capsys.readouterr()
    assert main(args) == 1
    captured = capsys.readouterr()
    assert f"out of date: {out / 'fintech.md'}" in captured.err
    assert "+| `last4` |" in captured.out and "The last four digits, changed" in captured.out
    # writing brings the page up to date; the others are left alone
    assert main([*args[:-3], "-o", str(out)]) == 0
    assert main(args) == 0
    assert (out / "core.md").read_text() == (COMMITTED / "core.md").read_text()
