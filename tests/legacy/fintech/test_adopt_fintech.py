"""``datalayer adopt --app fintech``: HoardRun's legacy tables converted into the fintech schema.

Proof of no loss, checked in SQL against the legacy tables (not taken from adopt's own report):
for each legacy table, rows converted + rows quarantined = legacy rows; the money reconciles
(every account's balance equals its ledger, every posting sums to zero, and the legacy balances
equal the converted balances plus the quarantined ones); every relation between converted legacy
rows is the same in the new schema; password hashes are kept and card tokens encrypted; the legacy
tables are untouched; a second apply writes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fintech_legacy as fl
import psycopg
import pytest
from legacy_support import (
    LEGACY_SCHEMA,
    accounted,
    broken_relations,
    datalayer_check,
    one,
    table_digest,
)
from psycopg import sql
from rls_support import app_url

from datalayer import migrate
from datalayer.adopt import AdoptError, adopt, drop_legacy
from datalayer.cli import main
from datalayer.db import Database
from datalayer.settings import Settings

KEY = "adoption-test-key"
APP = "fintech"
#: legacy table -> new table (same names in HoardRun)
TABLES = {t: t for t in fl.TABLES}


@dataclass
class Legacy:
    url: str
    expected: fl.Expected


@pytest.fixture
def legacy(
    empty_database_url: str, legacy_rows: int, timings: dict[str, float]
) -> Iterator[Legacy]:
    import time

    started = time.perf_counter()
    fl.create_schema(empty_database_url, LEGACY_SCHEMA)
    expected = fl.generate(empty_database_url, LEGACY_SCHEMA, legacy_rows)
    timings["generate"] = time.perf_counter() - started
    yield Legacy(empty_database_url, expected)


def _accounted(url: str) -> dict[str, tuple[int, int, int]]:
    return accounted(url, APP, TABLES)


def test_dry_run_reports_and_changes_nothing(legacy: Legacy) -> None:
    with pytest.raises(AdoptError, match="migrate --app fintech"):
        adopt(legacy.url, APP, LEGACY_SCHEMA)
    migrate.apply(legacy.url, apps=[APP], quiet=True)
    before = table_digest(legacy.url, LEGACY_SCHEMA, fl.TABLES)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA)  # no key needed to look
    assert not report.applied
    by_table = {t.legacy: t for t in report.tables}
    assert {k: t.legacy_rows for k, t in by_table.items()} == legacy.expected.rows
    for t in report.tables:
        assert t.converted_before == 0
        assert t.to_convert + t.refused_rows == t.legacy_rows
    # every planted defect is among the refusals, with the constraint it would break
    users = by_table["users"].refused
    assert (
        users["role outside customer, support, admin (users_role_check)"]
        == (legacy.expected.planted["users: invalid role"])
    )
    assert (
        users[
            "duplicate email: an older user has the same address in another case (users_email_key)"
        ]
        == legacy.expected.planted["users: duplicate email"]
    )
    assert (
        by_table["p2p_transactions"].refused[
            "a payment to oneself (p2p_transactions_parties_check)"
        ]
        == legacy.expected.planted["p2p_transactions: to oneself"]
    )
    assert (
        by_table["accounts"].refused[
            "negative balance beyond the credit limit (accounts_balance_check)"
        ]
        == legacy.expected.planted["accounts: negative balance"]
    )
    assert (
        by_table["transactions"].refused[
            "orphan: its account does not exist (transactions_account_id_fkey)"
        ]
        == legacy.expected.planted["transactions: orphan"]
    )
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM fintech.users") == 0
        assert one(conn, "SELECT to_regnamespace('fintech_quarantine')") is None
    assert table_digest(legacy.url, LEGACY_SCHEMA, fl.TABLES) == before


def test_apply_converts_or_quarantines_every_row_and_the_money_reconciles(
    legacy: Legacy, timings: dict[str, float]
) -> None:
    before = table_digest(legacy.url, LEGACY_SCHEMA, fl.TABLES)
    with pytest.raises(Exception, match="DATABASE_ENCRYPTION_KEY"):
        adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True)
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    timings["apply"] = report.seconds
    assert report.accounted

    counts = _accounted(legacy.url)
    for table, (rows, converted, quarantined) in counts.items():
        assert rows == legacy.expected.rows[table], table
        assert converted + quarantined == rows, table
        assert quarantined > 0, f"{table}: the generator plants refused rows in every table"
        assert converted > quarantined, table

    with psycopg.connect(legacy.url, autocommit=True) as conn:
        # Nothing in the new schema that is not a legacy row (ledger clearing legs aside).
        for table in ("users", "accounts", "transfers", "p2p_transactions", "cards", "investments"):
            assert one(conn, f"SELECT count(*) FROM fintech.{table}") == counts[table][1], table
        assert (
            one(conn, "SELECT count(*) FROM fintech.transactions WHERE account_id IS NOT NULL")
            == (counts["transactions"][1])
        )
        # The money: each balance equals its ledger; each posting balances; the last entry's
        # balance_after is the balance; legacy money = converted + quarantined.
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM fintech.accounts AS a
            WHERE a.balance <> (SELECT coalesce(sum(t.amount), 0) FROM fintech.transactions AS t
                                WHERE t.account_id = a.id)""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM (SELECT posting_id FROM fintech.transactions
                                  GROUP BY posting_id HAVING sum(amount) <> 0) AS p""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM fintech.accounts AS a
            WHERE a.balance <> coalesce((SELECT t.balance_after FROM fintech.transactions AS t
                                         WHERE t.account_id = a.id
                                         ORDER BY t.created_at DESC, t.id DESC LIMIT 1), 0)""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """
            SELECT (SELECT sum(balance) FROM legacy.accounts)
                 = (SELECT sum(balance) FROM fintech.accounts)
                 + (SELECT coalesce(sum((row_data->>'balance')::numeric), 0)
                    FROM fintech_quarantine.accounts)""",
            )
            is True
        )
        assert (
            one(
                conn,
                """
            SELECT (SELECT sum(amount) FROM legacy.transactions WHERE status = 'completed')
                 = (SELECT sum(amount) FROM fintech.transactions WHERE account_id IS NOT NULL)
                 + (SELECT coalesce(sum((row_data->>'amount')::numeric), 0)
                    FROM fintech_quarantine.transactions
                    WHERE row_data->>'status' = 'completed')""",
            )
            is True
        )
        # Every relation between converted legacy rows is there in the new schema.
        relations = {
            "accounts": ("l.user_id = n.user_id",),
            "transfers": (
                "l.user_id = n.user_id",
                "l.from_account_id = n.from_account_id",
                "l.to_account_id = n.to_account_id",
            ),
            "p2p_transactions": (
                "l.sender_id = n.sender_id",
                "l.recipient_id = n.recipient_id",
                "l.sender_account_id = n.from_account_id",
                "l.recipient_account_id = n.to_account_id",
            ),
            "transactions": (
                "l.account_id = n.account_id",
                "l.transfer_id IS NOT DISTINCT FROM n.transfer_id",
                "l.p2p_transaction_id IS NOT DISTINCT FROM n.p2p_transaction_id",
                "l.amount = n.amount",
            ),
            "cards": ("l.user_id = n.user_id", "l.account_id = n.account_id"),
            "investments": ("l.account_id = n.account_id",),
        }
        assert broken_relations(conn, APP, relations) == dict.fromkeys(relations, 0)
        # A converted child's legacy parent converted too (no relation lost to quarantine).
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM fintech.transactions AS t
            JOIN fintech_quarantine.accounts AS q ON q.legacy_key = t.account_id::text""",
            )
            == 0
        )
        # Hashes kept as they were; tokens encrypted with the key, never stored in clear.
        assert (
            one(
                conn,
                """
            SELECT count(*) FROM legacy.users AS l JOIN fintech.users AS n ON n.id = l.id
            WHERE n.password_hash <> l.password_hash""",
            )
            == 0
        )
        assert (
            one(
                conn,
                f"""
            SELECT count(*) FROM legacy.cards AS l JOIN fintech.cards AS n ON n.id = l.id
            WHERE public.pgp_sym_decrypt(n.token_encrypted, '{KEY}') <> l.card_token
               OR position(convert_to(l.card_token, 'UTF8') IN n.token_encrypted) > 0""",
            )
            == 0
        )
        # The quarantine keeps the row as it was and why.
        row = conn.execute(
            "SELECT row_data->>'role', reason FROM fintech_quarantine.users "
            "WHERE reason LIKE 'role outside%' LIMIT 1"
        ).fetchone()
        assert row == ("superuser", "role outside customer, support, admin (users_role_check)")
        audit = one(conn, "SELECT count(*) FROM core.audit_log")
    # the operations check of the converted schema finds nothing (exit 0)
    code, out = datalayer_check(legacy.url, APP)
    assert code == 0, out
    assert table_digest(legacy.url, LEGACY_SCHEMA, fl.TABLES) == before

    again = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    assert again.changed == 0
    assert again.accounted
    assert _accounted(legacy.url) == counts
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM core.audit_log") == audit


async def test_the_service_reads_adopted_rows_through_its_role(
    legacy: Legacy, template_db: str
) -> None:
    """As the service's login (a member of fintech_app; the harness creates it with the template),
    a user sees the adopted account with its balance, and no other user's."""
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT a.user_id, a.id, a.balance FROM fintech.accounts AS a "
            "WHERE a.balance > 0 ORDER BY a.id LIMIT 1"
        ).fetchone()
        assert row is not None
        user_id, account_id, balance = row
    db = await Database.connect(Settings.load(url=app_url(legacy.url, APP), pool_size=1))
    try:
        async with db.transaction(user_id=user_id) as conn:
            seen = await conn.fetchrow(
                "SELECT balance FROM fintech.accounts WHERE id = $1", account_id
            )
            others = await conn.fetchval(
                "SELECT count(*) FROM fintech.accounts WHERE user_id <> $1", user_id
            )
    finally:
        await db.close()
    assert seen is not None and seen["balance"] == balance
    assert others == 0


def test_a_fixed_legacy_row_is_converted_by_the_next_apply(legacy: Legacy) -> None:
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT legacy_key FROM fintech_quarantine.users WHERE reason LIKE 'role outside%' "
            "ORDER BY legacy_key LIMIT 1"
        ).fetchone()
        assert row is not None
        user_id = uuid.UUID(str(row[0]))
        # the fix is made where the data came from: the legacy row
        conn.execute("UPDATE legacy.users SET role = 'customer' WHERE id = %s", (user_id,))
        accounts = one(conn, f"SELECT count(*) FROM legacy.accounts WHERE user_id = '{user_id}'")
    report = adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    assert report.accounted
    assert report.changed > 0
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, f"SELECT count(*) FROM fintech.users WHERE id = '{user_id}'") == 1
        assert (
            one(
                conn,
                f"SELECT count(*) FROM fintech_quarantine.users WHERE legacy_key = '{user_id}'",
            )
            == 0
        )
        converted = one(conn, f"SELECT count(*) FROM fintech.accounts WHERE user_id = '{user_id}'")
        held = one(
            conn,
            f"""
            SELECT count(*) FROM fintech_quarantine.accounts
            WHERE row_data->>'user_id' = '{user_id}'""",
        )
        assert converted + held == accounts
    for _table, (rows, converted_rows, quarantined) in _accounted(legacy.url).items():
        assert converted_rows + quarantined == rows


def test_drop_legacy_only_after_every_row_is_accounted_for(legacy: Legacy) -> None:
    migrate.apply(legacy.url, apps=[APP], quiet=True)
    with pytest.raises(AdoptError, match="not fully converted or quarantined"):
        drop_legacy(legacy.url, APP, LEGACY_SCHEMA)
    adopt(legacy.url, APP, LEGACY_SCHEMA, apply=True, encryption_key=KEY)
    dropped = drop_legacy(legacy.url, APP, LEGACY_SCHEMA)
    assert set(dropped) == set(fl.TABLES)
    with psycopg.connect(legacy.url, autocommit=True) as conn:
        assert one(conn, "SELECT to_regnamespace('legacy')") is None
        assert one(conn, "SELECT count(*) FROM fintech_quarantine.users") > 0
        assert one(conn, "SELECT count(*) FROM fintech.users") > 0


def test_cli_adopts_from_another_database(
    legacy: Legacy,
    empty_database_url: str,
    pg_server: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--from URL``: the legacy database is only read; its tables are copied into
    fintech_legacy of the target first. The legacy fixture lives in ``public`` there, as the old
    application had it."""
    source = legacy.url
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("ALTER SCHEMA legacy RENAME TO public")
    target = _another_database(source)
    try:
        monkeypatch.setenv("DATABASE_ENCRYPTION_KEY", KEY)
        migrate.apply(target, apps=[APP], quiet=True)
        assert main(["adopt", "--app", APP, "--from", source, "--database-url", target]) == 0
        out = capsys.readouterr().out
        assert "dry run" in out and "users" in out
        code = main(["adopt", "--app", APP, "--from", source, "--database-url", target, "--apply"])
        assert code == 0
        assert "every legacy row is converted or quarantined" in capsys.readouterr().out
        with psycopg.connect(target, autocommit=True) as conn:
            assert one(conn, "SELECT count(*) FROM fintech.users") > 0
            assert (
                one(conn, "SELECT count(*) FROM fintech_legacy.users")
                == (legacy.expected.rows["users"])
            )
        assert (
            main(["adopt", "--app", APP, "--from", source, "--database-url", target, "--json"]) == 0
        )
        report = json.loads(capsys.readouterr().out)
        assert report["applied"] is False and report["rows_written"] == 0
        assert {t["legacy"]: t["to_convert"] for t in report["tables"]} == dict.fromkeys(
            fl.TABLES, 0
        )
        code = main(["adopt", "--app", APP, "--from", "nowhere", "--database-url", target])
        assert code == 2
        assert "no legacy table" in capsys.readouterr().err
    finally:
        _drop(source, target)


def _another_database(url: str) -> str:
    name = f"adopt_target_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.rsplit("/", 1)[0] + "/" + name


def _drop(source: str, target: str) -> None:
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                sql.Identifier(target.rsplit("/", 1)[1])
            )
        )


def test_runbook_backup_apply_check_restore(
    legacy: Legacy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runbook with the real commands: migrate, ``datalayer backup --app fintech -o FILE``,
    apply, ``datalayer check --app fintech`` (exit 0); going back is ``datalayer restore --clean
    FILE`` (the new schema as it was before the apply; the legacy tables were only read), and
    applying again converts the same rows."""
    monkeypatch.setenv("DATABASE_ENCRYPTION_KEY", KEY)
    url = legacy.url
    before = table_digest(url, LEGACY_SCHEMA, fl.TABLES)
    assert main(["migrate", "--app", APP, "--database-url", url]) == 0
    dump = tmp_path / "fintech-before-adopt.dump"
    assert main(["backup", "--app", APP, "-o", str(dump), "--database-url", url]) == 0
    adopt_cmd = ["adopt", "--app", APP, "--from", LEGACY_SCHEMA, "--database-url", url]
    assert main([*adopt_cmd, "--apply"]) == 0
    code, out = datalayer_check(url, APP)
    assert code == 0, out
    counts = accounted(url, APP, TABLES)
    with psycopg.connect(url, autocommit=True) as conn:
        assert one(conn, "SELECT count(*) FROM fintech.users") > 0
    assert main(["restore", str(dump), "--clean", "--database-url", url]) == 0
    with psycopg.connect(url, autocommit=True) as conn:
        for table in fl.TABLES:
            assert one(conn, f"SELECT count(*) FROM fintech.{table}") == 0, table
    assert table_digest(url, LEGACY_SCHEMA, fl.TABLES) == before
    assert main([*adopt_cmd, "--apply"]) == 0
    assert accounted(url, APP, TABLES) == counts
    assert datalayer_check(url, APP)[0] == 0
