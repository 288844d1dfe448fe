"""``datalayer partitions maintain`` on the partitioned ledger: months created ahead, months past the
retention detached, dumped (pg_restore reads the dump back) and dropped, the default partition's
stray rows reported by the command and by the fintech check query."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fintech_support import make_account, make_user

from datalayer import Database, fintech
from datalayer.cli import main
from datalayer.devdb import find_bindir
from datalayer.partitions import maintain


def _partitions(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'fintech.transactions'::regclass"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _old_entries(conn: psycopg.Connection[Any], account_id: object, at: str) -> None:
    conn.execute("ALTER TABLE fintech.transactions DISABLE TRIGGER USER")
    conn.execute(
        "WITH p AS (SELECT gen_random_uuid() AS posting) "
        "INSERT INTO fintech.transactions "
        "(posting_id, account_id, amount, currency, kind, balance_after, created_at) "
        "SELECT posting, %s, 5, 'USD', 'deposit', 5, %s::timestamptz FROM p "
        "UNION ALL SELECT posting, NULL, -5, 'USD', 'deposit', NULL, %s::timestamptz FROM p",
        (account_id, at, at),
    )
    conn.execute("ALTER TABLE fintech.transactions ENABLE TRIGGER USER")


def _restore_list(dump: Path) -> str:
    return subprocess.run(
        [str(find_bindir() / "pg_restore"), "--list", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


async def test_maintain_creates_ahead_and_archives_past_the_retention(
    database_url: str, fdb: Database, tmp_path: Path
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    today = date(2026, 6, 10)
    with psycopg.connect(database_url, autocommit=True) as conn:
        for month in ("2025-12-01", "2026-01-01", "2026-02-01"):
            conn.execute("SELECT core.create_month_partition('fintech.transactions', %s)", (month,))
        _old_entries(conn, account.id, "2025-12-20 12:00+00")
        _old_entries(conn, account.id, "2026-02-03 12:00+00")

    report = maintain(
        database_url,
        schemas=["fintech"],
        ahead=2,
        retention_months=4,
        archive_dir=tmp_path,
        today=today,
    )
    assert report.created == [
        "fintech.transactions_p2026_06",
        "fintech.transactions_p2026_07",
        "fintech.transactions_p2026_08",
    ]
    # Months that ended before 2026-02 (four months before June) go: December and January.
    assert [name for name, _ in report.archived] == [
        "fintech.transactions_p2025_12",
        "fintech.transactions_p2026_01",
    ]
    assert report.problems == []
    with psycopg.connect(database_url, autocommit=True) as conn:
        names = _partitions(conn)
        assert "transactions_p2025_12" not in names and "transactions_p2026_01" not in names
        assert {"transactions_p2026_02", "transactions_p2026_08"} <= names
        remaining = conn.execute(
            "SELECT min(created_at) >= '2026-02-01'::timestamptz FROM fintech.transactions"
        ).fetchone()
        assert remaining == (True,)
        assert conn.execute("SELECT to_regclass('fintech.transactions_p2025_12')").fetchone() == (
            None,
        )
    listing = _restore_list(tmp_path / "fintech.transactions_p2025_12.dump")
    assert "TABLE DATA fintech transactions_p2025_12" in listing

    # Run again on the same day: nothing left to do.
    again = maintain(
        database_url,
        schemas=["fintech"],
        ahead=2,
        retention_months=4,
        archive_dir=tmp_path,
        today=today,
    )
    assert (again.created, again.archived, again.problems) == ([], [], [])


async def test_rows_in_the_default_partition_are_reported(
    database_url: str, fdb: Database, worker: Database, capsys: Any
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    with psycopg.connect(database_url, autocommit=True) as conn:
        _old_entries(conn, account.id, "2024-03-05 08:00+00")  # no partition for March 2024
        assert conn.execute("SELECT count(*) FROM fintech.transactions_default").fetchone() == (2,)
    async with worker.transaction(readonly=True) as conn:
        found = await fintech.list_ledger_entries_outside_partitions(conn)
    assert [(f.month, f.entries) for f in found] == [("2024-03", 2)]

    code = main(
        [
            "partitions",
            "maintain",
            "--database-url",
            database_url,
            "--app",
            "fintech",
            "--keep-default",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "holds 2 row(s) outside every monthly partition" in out
    assert "created core.audit_log_p" in out  # the months ahead; this one waits for its rows

    # Without --keep-default the rows move into a partition of their month, and nothing is lost.
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("SELECT * FROM fintech.transactions ORDER BY id").fetchall()
    code = main(["partitions", "maintain", "--database-url", database_url, "--app", "fintech"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "moved 2 row(s) from the default partition fintech.transactions_default" in out
    # --app fintech covers core too: the audit rows of the sign-up moved out of its default.
    assert "from the default partition core.audit_log_default" in out
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert conn.execute("SELECT * FROM fintech.transactions ORDER BY id").fetchall() == before
        assert conn.execute("SELECT count(*) FROM fintech.transactions_default").fetchone() == (0,)
        where = conn.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM fintech.transactions"
            " WHERE created_at < '2024-04-01'"
        ).fetchall()
        assert where == [("fintech.transactions_p2024_03",)]
        # The new default partition keeps the TRUNCATE guard.
        with pytest.raises(psycopg.errors.RestrictViolation):
            conn.execute("TRUNCATE fintech.transactions_default")
    async with worker.transaction(readonly=True) as conn:
        assert await fintech.list_ledger_entries_outside_partitions(conn) == []
