"""``datalayer check``: each check passes on clean data and finds a problem planted behind the
constraints' back (as the superuser, triggers disabled with ``session_replication_role``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from rls_support import app_url

from datalayer import Database, fintech
from datalayer.admin.checks import CheckError, app_checks
from datalayer.cli import main
from datalayer.partitions import maintain

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"


@dataclass(frozen=True)
class Funded:
    user_id: uuid.UUID
    source: fintech.Account
    target: fintech.Account
    transfer: fintech.Transfer


@pytest.fixture
async def funded(db: Database) -> Funded:
    """One customer, two USD accounts, a deposit of 100 and a transfer of 30 between them."""
    async with db.transaction() as conn:
        user = await fintech.create_user(
            conn, email="check@example.com", first_name="Ada", last_name="L", password_hash=BCRYPT
        )
    accounts = []
    async with db.transaction(user_id=user.id) as conn:
        for number in ("ACC0000000001", "ACC0000000002"):
            account = await fintech.create_account(
                conn,
                user_id=user.id,
                account_number=number,
                account_name="Main",
                account_type="checking",
                currency="USD",
                credit_limit=Decimal(0),
            )
            assert account is not None
            accounts.append(account)
        await fintech.create_deposit(conn, account_id=accounts[0].id, amount=Decimal(100))
        transfer = await fintech.create_transfer(
            conn,
            user_id=user.id,
            from_account_id=accounts[0].id,
            to_account_id=accounts[1].id,
            amount=Decimal(30),
            idempotency_key="k1",
        )
    return Funded(user.id, accounts[0], accounts[1], transfer)


def plant(url: str, *statements: str) -> None:
    """Run ``statements`` as the superuser with triggers (and so foreign keys) switched off."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            conn.execute(statement.encode())


def check(
    url: str, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, object]]:
    code = main(["check", "--database-url", url, "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def subjects(report: dict[str, object], check_name: str) -> list[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f["subject"] for f in findings if f["check"] == check_name]


def maintained(url: str) -> None:
    """What a deployment's `datalayer partitions maintain` does: the months of the rows written
    so far get their partitions, so no default partition holds rows."""
    maintain(url, ahead=0)


def test_clean_data_passes(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check(database_url, capsys)
    # before maintenance, the rows just written sit in the default partitions: reported
    assert code == 1
    assert {"core.audit_log_default", "fintech.transactions_default"} <= set(
        subjects(report, "ops.list_default_partitions_with_rows")
    )
    maintained(database_url)
    code, report = check(database_url, capsys)
    assert (code, report["ok"], report["findings"]) == (0, True, [])
    names = [c["name"] for c in report["checks"]]  # type: ignore[union-attr]
    assert names == [
        "foreign_keys",
        "unlinked_references",
        "expired_soft_deletes",
        "ops.list_not_valid_check_violations",
        "ops.list_default_partitions_with_rows",
        "fintech.list_accounts_off_ledger",
        "fintech.list_postings_unbalanced",
        "fintech.list_transfers_unbalanced",
        "logistics.list_routes_over_capacity",
    ]
    # the table form says the same, and --app limits the application checks
    assert main(["check", "--database-url", database_url, "--app", "logistics"]) == 0
    out = capsys.readouterr().out
    assert "6 checks, 0 failed, 0 finding(s)" in out


def test_balance_changed_behind_the_ledger(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(
        database_url,
        f"UPDATE fintech.accounts SET balance = balance + 1 WHERE id = '{funded.target.id}'",
    )
    code, report = check(database_url, capsys)
    assert code == 1
    assert subjects(report, "fintech.list_accounts_off_ledger") == ["ACC0000000002"]
    [finding] = [f for f in report["findings"] if f["subject"] == "ACC0000000002"]  # type: ignore[union-attr]
    assert "balance=31.0000" in finding["detail"] and "ledger_sum=30.0000" in finding["detail"]
    # the table names the account too, and the exit code is the same
    assert main(["check", "--database-url", database_url, "--app", "fintech"]) == 1
    assert "ACC0000000002" in capsys.readouterr().out


def test_unbalanced_posting_and_transfer(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    posting = uuid.uuid4()
    plant(
        database_url,
        "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind)"
        f" VALUES ('{posting}', NULL, 5, 'USD', 'fee')",
        "UPDATE fintech.transfers SET status = 'failed', failure_reason = 'planted',"
        f" completed_at = NULL WHERE id = '{funded.transfer.id}'",
    )
    code, report = check(database_url, capsys)
    assert code == 1
    assert subjects(report, "fintech.list_postings_unbalanced") == [str(posting)]
    assert subjects(report, "fintech.list_transfers_unbalanced") == [str(funded.transfer.id)]
    assert subjects(report, "fintech.list_accounts_off_ledger") == []


def test_rows_pointing_nowhere(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(database_url, f"DELETE FROM fintech.users WHERE id = '{funded.user_id}'")
    code, report = check(database_url, capsys, "--only", "foreign_keys")
    assert code == 1
    found = subjects(report, "foreign_keys")
    assert "fintech.accounts.accounts_user_id_fkey" in found
    assert "fintech.transfers.transfers_user_id_fkey" in found
    [detail] = [
        f["detail"]
        for f in report["findings"]  # type: ignore[union-attr]
        if f["subject"] == "fintech.accounts.accounts_user_id_fkey"
    ]
    assert detail.startswith("2 row(s) with (user_id) not in fintech.users(id)")


def test_rows_violating_a_not_valid_constraint(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "ALTER TABLE fintech.users ADD CONSTRAINT users_probe_check"
            " CHECK (first_name <> 'Ada') NOT VALID"
        )
        conn.execute(
            "COMMENT ON CONSTRAINT users_probe_check ON fintech.users IS 'Ada is not allowed'"
        )
    only = ("--only", "ops.list_not_valid_check_violations")
    code, report = check(database_url, capsys, *only)
    assert code == 1
    assert report["findings"] == [
        {
            "check": "ops.list_not_valid_check_violations",
            "subject": "fintech.users.users_probe_check",
            "detail": "violating_rows=1, message=Ada is not allowed",
        }
    ]
    # other schemas are not in scope with --app
    assert check(database_url, capsys, *only, "--app", "logistics")[0] == 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE fintech.users SET first_name = 'Grace'")
    assert check(database_url, capsys, *only)[0] == 0


def test_reference_without_foreign_key(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE fintech.notes (id int PRIMARY KEY, account_id uuid)")
        conn.execute("INSERT INTO fintech.notes VALUES (1, %s), (2, NULL)", (funded.source.id,))
    assert check(database_url, capsys, "--only", "unlinked_references")[0] == 0
    stray = uuid.uuid4()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO fintech.notes VALUES (3, %s)", (stray,))
    code, report = check(database_url, capsys, "--only", "unlinked_references")
    assert code == 1
    [finding] = report["findings"]  # type: ignore[misc]
    assert finding["subject"] == "fintech.notes.account_id"
    assert "1 row(s) name an id fintech.accounts does not have" in finding["detail"]
    assert str(stray) in finding["detail"]


def test_expired_soft_deletes(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE logistics.probe (id int PRIMARY KEY, deleted_at timestamptz)")
        conn.execute(
            "INSERT INTO logistics.probe VALUES (1, NULL), (2, now() - interval '1 day'),"
            " (3, now() - interval '40 days')"
        )
    code, report = check(database_url, capsys, "--only", "expired_soft_deletes")
    assert code == 1
    [finding] = report["findings"]  # type: ignore[misc]
    assert finding["subject"] == "logistics.probe"
    assert finding["detail"].startswith("1 row(s) soft-deleted more than 30 days ago")
    assert (
        check(database_url, capsys, "--only", "expired_soft_deletes", "--retention-days", "60")[0]
        == 0
    )


def test_runs_as_the_owner_and_refuses_a_role_that_sees_less(
    database_url: str, funded: Funded, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE check_owner_test_login LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        conn.execute("GRANT datalayer_owner TO check_owner_test_login")
    owner = database_url.replace("postgres@", "check_owner_test_login@", 1)
    plant(
        database_url,
        f"UPDATE fintech.accounts SET balance = balance - 1 WHERE id = '{funded.source.id}'",
    )
    code, report = check(owner, capsys)
    assert code == 1
    assert subjects(report, "fintech.list_accounts_off_ledger") == ["ACC0000000001"]

    # the application's login sees only what row-level security lets it: refused, not "clean"
    assert main(["check", "--database-url", app_url(database_url, "fintech")]) == 2
    err = capsys.readouterr().err
    assert "row-level security hides rows of" in err and "fintech.accounts" in err


def test_an_application_check_is_a_named_query(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "checks.sql").write_text(
        "-- name: list_users_without_accounts()\n"
        "-- Users who never opened an account.\n"
        "SELECT u.email, u.id FROM fintech.users AS u\n"
        "WHERE NOT EXISTS (SELECT FROM fintech.accounts AS a WHERE a.user_id = u.id);\n"
    )
    [found] = app_checks(["fintech"], sql_dirs={"fintech": tmp_path})
    assert (found.name, found.description) == (
        "fintech.list_users_without_accounts",
        "Users who never opened an account.",
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO fintech.users (email, first_name, last_name, password_hash)"
            " VALUES ('lonely@example.com', 'L', 'O', %s)",
            (BCRYPT,),
        )
        findings = found.run(conn, ["fintech"])  # type: ignore[arg-type]
    assert [f.subject for f in findings] == ["lonely@example.com"]
    assert findings[0].detail.startswith("id=")

    # a check may ask for the schemas in scope
    (tmp_path / "checks.sql").write_text(
        "-- name: list_tables_without_comment(schemas)\n-- Tables nobody described.\n"
        "SELECT c.oid::regclass::text AS table_name FROM pg_class AS c\n"
        "WHERE c.relnamespace::regnamespace::text = ANY(:schemas::text[]) AND c.relkind = 'r'\n"
        "    AND obj_description(c.oid, 'pg_class') IS NULL;\n"
    )
    [scoped] = app_checks(["fintech"], sql_dirs={"fintech": tmp_path})
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert scoped.run(conn, ["fintech"]) == []  # type: ignore[arg-type]
        conn.execute("CREATE TABLE fintech.undescribed (id int)")
        assert [f.subject for f in scoped.run(conn, ["fintech"])] == ["fintech.undescribed"]  # type: ignore[arg-type]
        assert scoped.run(conn, ["logistics"]) == []  # type: ignore[arg-type]

    (tmp_path / "checks.sql").write_text(
        "-- name: list_accounts_below(limit_value)\n-- Takes a parameter.\n"
        "SELECT id FROM fintech.accounts WHERE balance < :limit_value;\n"
    )
    with pytest.raises(
        CheckError, match=r"takes parameters \(:limit_value\); a check takes none but :schemas"
    ):
        app_checks(["fintech"], sql_dirs={"fintech": tmp_path})


def test_route_over_its_vehicles_capacity(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            """
            WITH c AS (
                INSERT INTO logistics.customers (customer_code, customer_name)
                VALUES ('C1', 'Duka') RETURNING id
            ), v AS (
                INSERT INTO logistics.vehicles
                    (vehicle_code, vehicle_type, capacity_weight_tonnes, capacity_volume_m3)
                VALUES ('KDA-1', 'truck', 10, 40) RETURNING id
            ), r AS (
                INSERT INTO logistics.routes (route_code, vehicle_id, period, total_distance_km,
                    estimated_duration_minutes, estimated_cost_kes, status)
                SELECT 'R1', v.id, tstzrange(now(), now() + interval '8 hours'), 120, 300, 9000,
                    'planned'
                FROM v RETURNING id
            )
            INSERT INTO logistics.orders (order_code, customer_id, pickup_latitude,
                pickup_longitude, destination_city, weight_tonnes, volume_m3, time_window,
                status, assigned_route_id)
            SELECT 'O' || g, c.id, -1.28, 36.82, 'Nakuru', 4, 10,
                tstzrange(now(), now() + interval '1 day'), 'assigned', r.id
            FROM c, r, generate_series(1, 2) AS g
            """
        )
    maintained(database_url)
    assert check(database_url, capsys, "--app", "logistics")[0] == 0
    # the vehicle shrinks behind the capacity trigger's back
    plant(database_url, "UPDATE logistics.vehicles SET capacity_weight_tonnes = 7")
    code, report = check(database_url, capsys, "--app", "logistics")
    assert code == 1
    assert subjects(report, "logistics.list_routes_over_capacity") == ["R1"]
    [finding] = report["findings"]  # type: ignore[misc]
    assert "weight_tonnes=8.000" in finding["detail"]
    assert "capacity_weight_tonnes=7.000" in finding["detail"]
