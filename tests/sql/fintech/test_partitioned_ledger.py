"""The ledger partitioned by month (0040): rows preserved through the migration and its rollback,
partitions pruned by a created_at range, and keys, immutability, row-level security and the
definer functions returning ledger rows as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pytest
from fintech_support import make_account, make_user

from datalayer import Database, errors, fintech, migrate

MIGRATION = "0040.fintech.partition-ledger"
#: the migrations after it, newest first: rolled back (and applied again) with it
LATER = ["0051.fintech.keep-ledger-partitions", "0050.fintech.scope-audit-log-to-acting-user"]
MONTHS = ("2025-11-15 10:00:00+00", "2026-01-31 23:59:59+00", "2026-02-01 00:00:00+00")


def _rows(conn: psycopg.Connection[Any]) -> list[tuple[object, ...]]:
    return conn.execute("SELECT * FROM fintech.transactions ORDER BY id").fetchall()


def _old_postings(conn: psycopg.Connection[Any], account_id: object) -> None:
    """Balanced postings in past months, written behind the posting guards (setup only)."""
    conn.execute("ALTER TABLE fintech.transactions DISABLE TRIGGER USER")
    for at in MONTHS:
        conn.execute(
            "WITH p AS (SELECT gen_random_uuid() AS posting) "
            "INSERT INTO fintech.transactions "
            "(posting_id, account_id, amount, currency, kind, balance_after, created_at) "
            "SELECT posting, %s, 5, 'USD', 'deposit', 5, %s::timestamptz FROM p "
            "UNION ALL SELECT posting, NULL, -5, 'USD', 'deposit', NULL, %s::timestamptz FROM p",
            (account_id, at, at),
        )
    conn.execute("ALTER TABLE fintech.transactions ENABLE TRIGGER USER")


def _privileges(conn: psycopg.Connection[Any]) -> tuple[object, ...]:
    """The ledger's grants, and each function returning a ledger row: grants, owner, definer."""
    table = conn.execute(
        "SELECT relacl::text, relowner::regrole::text, relrowsecurity, relforcerowsecurity"
        " FROM pg_class WHERE oid = 'fintech.transactions'::regclass"
    ).fetchone()
    functions = conn.execute(
        "SELECT oid::regprocedure::text, proacl::text, proowner::regrole::text, prosecdef,"
        " proconfig::text, obj_description(oid, 'pg_proc') FROM pg_proc"
        " WHERE prorettype = 'fintech.transactions'::regtype ORDER BY 1"
    ).fetchall()
    policies = conn.execute(
        "SELECT policyname, roles::text, cmd, qual, with_check FROM pg_policies"
        " WHERE schemaname = 'fintech' AND tablename = 'transactions' ORDER BY 1"
    ).fetchall()
    return (table, functions, policies)


def _partitions(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'fintech.transactions'::regclass ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _kind(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute(
        "SELECT relkind FROM pg_class WHERE oid = 'fintech.transactions'::regclass"
    ).fetchone()
    assert row is not None
    return str(row[0])


async def test_the_ledger_keeps_its_rows_through_partitioning_and_back(
    direct_database_url: str, fdb: Database
) -> None:
    database_url = direct_database_url  # migrations refuse a pooler
    user = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=Decimal("25"))
    assert migrate.rollback(database_url, apps=["fintech"], count=1 + len(LATER), quiet=True) == [
        *LATER,
        MIGRATION,
    ]
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert _kind(conn) == "r"
        _old_postings(conn, account.id)
        before = _rows(conn)
        privileges = _privileges(conn)
    assert len(privileges[1]) >= 6 and len(privileges[2]) == 4
    assert len(before) == 2 + 2 * len(MONTHS)

    migrate.apply(database_url, apps=["fintech"], quiet=True)
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert _kind(conn) == "p"
        assert _rows(conn) == before
        assert _privileges(conn) == privileges
        now = conn.execute("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')").fetchone()
        assert now is not None
        assert _partitions(conn) == sorted(
            {
                "transactions_default",
                "transactions_p2025_11",
                "transactions_p2026_01",
                "transactions_p2026_02",
                f"transactions_p{now[0]}",
            }
        )
        # Month bounds are UTC: the last second of January is in January.
        row = conn.execute(
            "SELECT tableoid::regclass::text FROM fintech.transactions "
            "WHERE created_at = '2026-01-31 23:59:59+00' LIMIT 1"
        ).fetchone()
        assert row == ("fintech.transactions_p2026_01",)
        count = conn.execute("SELECT count(*) FROM fintech.transactions_default").fetchone()
        assert count == (0,)
        with pytest.raises(psycopg.errors.RestrictViolation):
            conn.execute("TRUNCATE fintech.transactions_p2025_11")  # made by the conversion
        pkey = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'fintech.transactions'::regclass AND conname = 'transactions_pkey'"
        ).fetchone()
        assert pkey == ("PRIMARY KEY (id, created_at)",)

    assert migrate.rollback(database_url, apps=["fintech"], count=1 + len(LATER), quiet=True) == [
        *LATER,
        MIGRATION,
    ]
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert _kind(conn) == "r"
        assert _rows(conn) == before
        assert _privileges(conn) == privileges
        assert conn.execute("SELECT to_regclass('fintech.transactions_default')").fetchone() == (
            None,
        )
    migrate.apply(database_url, apps=["fintech"], quiet=True)


def test_a_month_range_reads_one_partition(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT core.create_month_partition('fintech.transactions', '2026-03-01')")
        conn.execute("SELECT core.create_month_partition('fintech.transactions', '2026-04-01')")
        plan = "\n".join(
            str(r[0])
            for r in conn.execute(
                "EXPLAIN SELECT * FROM fintech.transactions "
                "WHERE created_at >= '2026-03-01 00:00+00' AND created_at < '2026-04-01 00:00+00'"
            ).fetchall()
        )
        assert "transactions_p2026_03" in plan
        assert "transactions_p2026_04" not in plan and "transactions_default" not in plan
        # A statement page of one account in one month: the same, through the statement index.
        plan = "\n".join(
            str(r[0])
            for r in conn.execute(
                "EXPLAIN SELECT * FROM fintech.transactions WHERE account_id = gen_random_uuid() "
                "AND created_at < '2026-04-01 00:00+00' AND created_at >= '2026-03-15 00:00+00'"
            ).fetchall()
        )
        assert "transactions_p2026_03" in plan and "transactions_p2026_04" not in plan


async def test_keys_immutability_and_row_security_survive_partitioning(
    database_url: str, fdb: Database
) -> None:
    alice = await make_user(fdb)
    bob = await make_user(fdb)
    a = await make_account(fdb, alice.id, balance=Decimal("10"))
    await make_account(fdb, bob.id, balance=Decimal("7"))
    # The definer functions returning a ledger row were created again and still work for the app.
    async with fdb.transaction(user_id=alice.id) as conn:
        entry = await fintech.create_deposit(conn, account_id=a.id, amount=Decimal("1"))
        assert entry.account_id == a.id
        # Row-level security through the parent: alice sees her entries only.
        seen = await conn.fetchval(
            "SELECT count(DISTINCT account_id) FROM fintech.transactions WHERE account_id IS NOT NULL"
        )
        assert seen == 1
    with pytest.raises(errors.DataLayerError):  # the app may not write the ledger itself
        async with fdb.transaction(user_id=alice.id) as conn:
            await conn.execute(
                "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind,"
                " balance_after) VALUES (gen_random_uuid(), $1, 1, 'USD', 'deposit', 1)",
                a.id,
            )
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in (
            "UPDATE fintech.transactions SET description = 'x'",
            "DELETE FROM fintech.transactions",
            "TRUNCATE fintech.transactions",
            "TRUNCATE fintech.transactions_default",
        ):
            with pytest.raises(psycopg.errors.RestrictViolation):
                conn.execute(statement)
        month = conn.execute(
            "SELECT core.create_month_partition('fintech.transactions', '2025-06-01')::text"
        ).fetchone()
        assert month == ("fintech.transactions_p2025_06",)
        with pytest.raises(psycopg.errors.RestrictViolation):
            conn.execute(f"TRUNCATE {month[0]}")
        # The key (id, created_at) still refuses a second entry with the same id.
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            conn.execute("ALTER TABLE fintech.transactions DISABLE TRIGGER USER")
            conn.execute(
                "INSERT INTO fintech.transactions SELECT * FROM fintech.transactions LIMIT 1"
            )
        # The deposit above went to the default partition (no partition of this month yet): the
        # month's partition is refused until those rows are moved.
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            conn.execute("SELECT core.create_month_partition('fintech.transactions', now()::date)")
        # Partitions carry no grants of their own: the app cannot reach around the parent.
        grants = conn.execute(
            "SELECT count(*) FROM pg_class AS c JOIN pg_inherits AS i ON i.inhrelid = c.oid "
            "WHERE i.inhparent = 'fintech.transactions'::regclass AND c.relacl IS NOT NULL "
            "AND EXISTS (SELECT FROM aclexplode(c.relacl) AS a WHERE a.grantee <> c.relowner)"
        ).fetchone()
        assert grants == (0,)
