"""``datalayer partitions maintain`` on the partitioned ledger and audit log: months created ahead;
past the retention, the audit log's months dumped (pg_restore reads the dump back), detached and
dropped while the ledger's are kept (core.partition_retention), a failed dump leaving the partition
attached; the default partition's stray rows reported by the command and by the fintech check
query."""

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
from datalayer.partitions import dump_command, maintain


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


def _old_audit(conn: psycopg.Connection[Any], at: str) -> None:
    conn.execute(
        "INSERT INTO core.audit_log (occurred_at, schema_name, table_name, operation, row_id, "
        "new_values) VALUES (%s::timestamptz, 'fintech', 'users', 'INSERT', 'x', '{}')",
        (at,),
    )


def _old_months(conn: psycopg.Connection[Any], account_id: object) -> None:
    """Ledger entries (the account's balance follows them) and audit rows in December 2025 and
    February 2026, with partitions for December to February."""
    for parent in ("fintech.transactions", "core.audit_log"):
        for month in ("2025-12-01", "2026-01-01", "2026-02-01"):
            conn.execute("SELECT core.create_month_partition(%s, %s)", (parent, month))
    for at in ("2025-12-20 12:00+00", "2026-02-03 12:00+00"):
        _old_entries(conn, account_id, at)
        _old_audit(conn, at)
    conn.execute("ALTER TABLE fintech.accounts DISABLE TRIGGER USER")
    conn.execute("UPDATE fintech.accounts SET balance = balance + 10 WHERE id = %s", (account_id,))
    conn.execute("ALTER TABLE fintech.accounts ENABLE TRIGGER USER")


def _children(conn: psycopg.Connection[Any], parent: str) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        (parent,),
    ).fetchall()
    return {str(r[0]) for r in rows}


async def test_retention_archives_the_audit_log_and_keeps_the_ledger(
    database_url: str, direct_database_url: str, fdb: Database, tmp_path: Path, capsys: Any
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    today = date(2026, 6, 10)
    with psycopg.connect(database_url, autocommit=True) as conn:
        _old_months(conn, account.id)
        ledger_before = conn.execute("SELECT * FROM fintech.transactions ORDER BY id").fetchall()
        listed = conn.execute(
            "SELECT schema_name, table_name, allowed FROM core.partition_retention ORDER BY 1, 2"
        ).fetchall()
    assert listed == [("core", "audit_log", True), ("fintech", "transactions", False)]

    report = maintain(
        database_url,
        schemas=["core", "fintech"],
        ahead=2,
        retention_months=4,
        archive_dir=tmp_path,
        today=today,
    )
    assert {
        "fintech.transactions_p2026_06",
        "fintech.transactions_p2026_08",
        "core.audit_log_p2026_08",
    } <= set(report.created)
    # Months that ended before 2026-02 (four months before June) go, from the audit log only.
    assert [name for name, _ in report.archived] == [
        "core.audit_log_p2025_12",
        "core.audit_log_p2026_01",
    ]
    [(kept, why)] = report.kept
    assert kept == "fintech.transactions"
    assert "2 month(s) past the retention" in why and "sum of the ledger" in why
    assert report.problems == []
    with psycopg.connect(database_url, autocommit=True) as conn:
        audit = _children(conn, "core.audit_log")
        assert "audit_log_p2025_12" not in audit and "audit_log_p2026_01" not in audit
        assert "audit_log_p2026_02" in audit
        assert conn.execute(
            "SELECT count(*) FROM core.audit_log WHERE occurred_at < '2026-02-01'"
        ).fetchone() == (0,)
        assert conn.execute("SELECT to_regclass('core.audit_log_p2025_12')").fetchone() == (None,)
        assert {"transactions_p2025_12", "transactions_p2026_01"} <= _partitions(conn)
        assert conn.execute("SELECT * FROM fintech.transactions ORDER BY id").fetchall() == (
            ledger_before
        )
    listing = _restore_list(tmp_path / "core.audit_log_p2025_12.dump")
    assert "TABLE DATA core audit_log_p2025_12" in listing
    assert not (tmp_path / "fintech.transactions_p2025_12.dump").exists()

    # Balances still equal their ledger sums: the data checks pass.
    capsys.readouterr()
    # (check connects like migrations: directly, never through a transaction pooler)
    code = main(["check", "--database-url", direct_database_url, "--app", "fintech"])
    out = capsys.readouterr().out
    assert code == 0, out

    # Run again on the same day: nothing left to archive; the ledger is still kept, and said so.
    again = maintain(
        database_url,
        schemas=["core", "fintech"],
        ahead=2,
        retention_months=4,
        archive_dir=tmp_path,
        today=today,
    )
    assert (again.created, again.archived, again.problems) == ([], [], [])
    assert [name for name, _ in again.kept] == ["fintech.transactions"]


async def test_a_failed_dump_leaves_the_partition_attached(
    database_url: str, fdb: Database, tmp_path: Path
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    with psycopg.connect(database_url, autocommit=True) as conn:
        _old_months(conn, account.id)
        rows_before = conn.execute(
            "SELECT count(*) FROM core.audit_log WHERE occurred_at < '2026-01-01'"
        ).fetchone()
    assert rows_before == (1,)
    # pg_dump cannot write its file: a directory stands where the dump goes.
    (tmp_path / "core.audit_log_p2025_12.dump").mkdir()

    report = maintain(
        database_url,
        schemas=["core"],
        ahead=0,
        retention_months=4,
        archive_dir=tmp_path,
        today=date(2026, 6, 10),
    )
    assert [name for name, _ in report.archived] == ["core.audit_log_p2026_01"]
    [problem] = report.problems
    assert problem.startswith("archiving core.audit_log_p2025_12: pg_dump failed")
    assert problem.endswith("the partition is kept attached")
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert "audit_log_p2025_12" in _children(conn, "core.audit_log")
        assert (
            conn.execute(
                "SELECT count(*) FROM core.audit_log WHERE occurred_at < '2026-01-01'"
            ).fetchone()
            == rows_before
        )


def test_the_dump_command_holds_no_password(tmp_path: Path) -> None:
    url = "postgresql://owner:s3cret-pw@db.example:6543/app?sslmode=require"
    argv, env = dump_command(url, "core", "audit_log_p2025_12", tmp_path / "x.dump", "00000003-1")
    assert not [arg for arg in argv if "s3cret-pw" in arg or "db.example" in arg]
    assert "--table=core.audit_log_p2025_12" in argv and "--snapshot=00000003-1" in argv
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"], env["PGPORT"]) == (
        "s3cret-pw",
        "owner",
        "db.example",
        "6543",
    )
    assert (env["PGDATABASE"], env["PGSSLMODE"]) == ("app", "require")


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
