"""The trust boundary: what a buggy or compromised service holding fintech_app cannot do.

Every bypass is tried as fintech_app (with the posting switch on, as a forger would) and must fail
with a permission error and change nothing; the posting entry points refuse other users' money;
every table is isolated per user (checked from the catalog, so new tables are covered); the audit
trail records who acted and cannot be written or read across applications.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fintech_support import ARGON2, app_url, make_account, make_user
from rls_support import assert_isolated, assert_rls_everywhere

from datalayer import Database, errors, fintech
from datalayer.fintech import Account, User

D = Decimal
POSTING = "SELECT set_config('fintech.posting', 'on', true)"
TABLES = (
    "accounts",
    "card_payments",
    "cards",
    "fees",
    "interest_accruals",
    "investment_trades",
    "investments",
    "p2p_transactions",
    "transactions",
    "transfers",
    "users",
)


@dataclass
class World:
    """Two users with a row in every fintech table, made through the service's role."""

    alice: User
    bob: User
    a1: Account
    a2: Account
    b1: Account
    transfer_id: uuid.UUID
    p2p_id: uuid.UUID  # alice -> bob
    private_p2p_id: uuid.UUID  # alice -> carol: none of bob's business


async def _customer(fdb: Database, peer: Account | None) -> tuple[User, Account, Account, Any]:
    user = await make_user(fdb)
    main = await make_account(fdb, user.id, balance=D("100"))
    brokerage = await make_account(fdb, user.id, account_type="investment")
    async with fdb.transaction(user_id=user.id) as conn:
        card = await fintech.create_card(
            conn, user_id=user.id, account_id=main.id, brand="visa", card_type="debit",
            last4="4242", cardholder_name="ADA LOVELACE", token="tok_secret", encryption_key="k",
            expiry_month=12, expiry_year=2030, spending_limit=None,
        )  # fmt: skip
        await fintech.create_card_payment(
            conn, user_id=user.id, account_id=main.id, card_id=card.id, amount=D("1"),
            merchant="Shop", idempotency_key="card",
        )  # fmt: skip
        await fintech.create_fee(
            conn, account_id=main.id, amount=D("1"), description="Fee", idempotency_key="fee"
        )
        await fintech.upsert_investment(
            conn, account_id=brokerage.id, symbol="ACME", asset_type="stock",
            quantity=D("1"), unit_cost=D("10"), current_price=D("10"),
        )  # fmt: skip
        moved = await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=main.id, to_account_id=brokerage.id,
            amount=D("10"), idempotency_key=f"t-{user.id}", fx_rate=None, description=None,
        )  # fmt: skip
        await fintech.create_investment_buy(
            conn, user_id=user.id, account_id=brokerage.id, symbol="ACME", asset_type="stock",
            quantity=D("1"), price=D("5"), idempotency_key="buy",
        )  # fmt: skip
        paid = None
        if peer is not None:
            paid = await fintech.create_p2p_payment(
                conn, sender_id=user.id, from_account_id=main.id, to_account_id=peer.id,
                amount=D("1"), idempotency_key=f"p-{user.id}", fx_rate=None, note=None,
            )  # fmt: skip
    return user, main, brokerage, (moved.id, paid.id if paid else None)


async def _world(fdb: Database) -> World:
    bob, b1, _b2, _ = await _customer(fdb, None)
    _carol, c1, _c2, _ = await _customer(fdb, None)
    alice, a1, a2, (transfer_id, p2p_id) = await _customer(fdb, b1)
    async with fdb.transaction(user_id=bob.id) as conn:  # bob pays alice too: p2p rows for both
        await fintech.create_p2p_payment(
            conn, sender_id=bob.id, from_account_id=b1.id, to_account_id=a1.id,
            amount=D("2"), idempotency_key="back", fx_rate=None, note="thanks",
        )  # fmt: skip
    async with fdb.transaction(user_id=alice.id) as conn:
        private = await fintech.create_p2p_payment(
            conn, sender_id=alice.id, from_account_id=a1.id, to_account_id=c1.id,
            amount=D("3"), idempotency_key="carol", fx_rate=None, note=None,
        )  # fmt: skip
    return World(alice, bob, a1, a2, b1, transfer_id, p2p_id, private.id)


async def _interest_accrual(fdb: Database, worker: Database, user: User) -> None:
    """A row of fintech.interest_accruals (a back-office job's): a savings account's interest
    for a month long before it existed, which is zero."""
    savings = await make_account(fdb, user.id, account_type="savings")
    async with worker.transaction() as conn:
        await fintech.create_interest_accrual(
            conn, account_id=savings.id, period_start=datetime.date(2020, 1, 1),
            annual_rate=D("0.01"),
        )  # fmt: skip


async def _snapshot(owner: Database) -> dict[str, Any]:
    """Everything money-related, read behind the service's back."""
    async with owner.acquire() as conn:
        return {
            table: json.dumps(
                [
                    dict(r)
                    for r in await conn.fetch(
                        f"SELECT to_jsonb(t)::text AS row FROM fintech.{table} AS t ORDER BY t.id"
                    )
                ]
            )
            for table in TABLES
        } | {"audit": await conn.fetchval("SELECT count(*) FROM core.audit_log")}


BYPASSES = [
    "UPDATE fintech.accounts SET balance = balance + 1000000 WHERE id = $1",
    "UPDATE fintech.accounts SET credit_limit = 1000000 WHERE id = $1",
    "INSERT INTO fintech.accounts (user_id, account_number, account_name, account_type, currency,"
    " balance) SELECT user_id, 'ACC7777777777', 'Gift', 'checking', 'USD', 1000000"
    " FROM fintech.accounts WHERE id = $1",
    "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after)"
    " VALUES (core.uuid_v7(), $1, 5, 'USD', 'deposit', 105)",
    "UPDATE fintech.transactions SET amount = amount * 2 WHERE account_id = $1",
    "DELETE FROM fintech.transactions WHERE account_id = $1",
    "UPDATE fintech.transfers SET status = 'reversed', reversed_at = now() WHERE from_account_id = $1",
    "UPDATE fintech.transfers SET status = 'completed', completed_at = now() WHERE from_account_id = $1",
    "INSERT INTO fintech.transfers (user_id, from_account_id, to_account_id, amount, currency,"
    " credited_amount, credited_currency, status, idempotency_key, completed_at)"
    " SELECT user_id, id, id, 1, 'USD', 1, 'USD', 'completed', 'x', now() FROM fintech.accounts"
    " WHERE id = $1",
    "UPDATE fintech.p2p_transactions SET status = 'reversed', reversed_at = now()"
    " WHERE from_account_id = $1",
    "DELETE FROM fintech.transfers WHERE from_account_id = $1",
    "UPDATE fintech.users SET role = 'admin' WHERE id = (SELECT user_id FROM fintech.accounts"
    " WHERE id = $1)",
    "UPDATE fintech.cards SET token_encrypted = 'x' WHERE account_id = $1",
    "SELECT fintech._deposit($1, 1000000, 'gift')",
    "SELECT fintech._transfer(core.current_user_id(), $1, $1, 1, 'x', NULL, NULL)",
    "SELECT fintech._reverse_transfer(core.current_user_id(), $1)",
    "INSERT INTO fintech.card_payments (user_id, card_id, account_id, kind, amount, currency,"
    " merchant, idempotency_key, posting_id) SELECT user_id, id, account_id, 'refund', 1000000,"
    " 'USD', 'x', 'x', core.uuid_v7() FROM fintech.cards WHERE account_id = $1",
    "INSERT INTO fintech.investment_trades (account_id, symbol, side, quantity, price, amount,"
    " currency, cost_basis_change, realised_gain, idempotency_key, posting_id)"
    " SELECT $1, 'ACME', 'sell', 1, 1, 1, 'USD', 0, 1, 'x', core.uuid_v7()",
    "SELECT fintech.accrue_interest($1, '2020-01-01', 0.99)",
    "SELECT fintech._require_funds('f', a, 1) FROM fintech.accounts AS a WHERE a.id = $1",
]


@pytest.mark.parametrize("sql", BYPASSES)
async def test_no_bypass_of_the_posting_functions(fdb: Database, owner: Database, sql: str) -> None:
    world = await _world(fdb)
    before = await _snapshot(owner)
    with pytest.raises(errors.PermissionDenied):
        async with fdb.transaction(user_id=world.alice.id) as conn:
            await conn.execute(POSTING)  # the forger's switch: grants nothing
            await conn.execute(sql, world.a1.id)
    assert await _snapshot(owner) == before


@pytest.mark.parametrize(
    "sql",
    [f"TRUNCATE fintech.{t}" for t in TABLES]
    + [
        "TRUNCATE core.audit_log",
        "ALTER TABLE fintech.accounts DROP CONSTRAINT accounts_balance_check",
        "ALTER TABLE fintech.transactions DISABLE TRIGGER USER",
        "ALTER TABLE fintech.accounts NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY accounts_app_own ON fintech.accounts",
        "CREATE TABLE fintech.shadow (id int)",
        "CREATE FUNCTION fintech.mine() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE OR REPLACE FUNCTION fintech._require_user(p_user_id uuid) RETURNS void"
        " LANGUAGE sql AS 'SELECT'",
        "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, db_user, app_role)"
        " VALUES ('fintech', 'accounts', 'UPDATE', 'x', 'postgres', 'superuser')",
        "UPDATE core.audit_log SET actor = 'someone else'",
        "DELETE FROM core.audit_log",
        "SELECT count(*) FROM core.audit_log",
        "UPDATE fintech.audit_log SET actor = 'someone else'",
        "DELETE FROM fintech.audit_log",
    ],
)
async def test_no_ddl_truncate_or_direct_audit_access(
    fdb: Database, owner: Database, sql: str
) -> None:
    world = await _world(fdb)
    before = await _snapshot(owner)
    with pytest.raises(errors.PermissionDenied):
        async with fdb.transaction(user_id=world.alice.id) as conn:
            await conn.execute(POSTING)
            await conn.execute(sql)
    assert await _snapshot(owner) == before
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT to_regclass('fintech.shadow')") is None


async def test_entry_points_refuse_other_users_money(fdb: Database, owner: Database) -> None:
    world = await _world(fdb)
    alice, bob = world.alice, world.bob
    before = await _snapshot(owner)
    attempts: list[tuple[uuid.UUID | None, Any, dict[str, Any]]] = [
        # bob, naming himself, moving alice's money
        (bob.id, fintech.create_deposit, {"account_id": world.a1.id, "amount": D("1"), "description": None}),
        (bob.id, fintech.create_withdrawal, {"account_id": world.a1.id, "amount": D("1"), "description": None}),
        (bob.id, fintech.create_transfer, {"user_id": bob.id, "from_account_id": world.a1.id,
            "to_account_id": world.a2.id, "amount": D("1"), "idempotency_key": "x1", "fx_rate": None,
            "description": None}),
        (bob.id, fintech.create_p2p_payment, {"sender_id": bob.id, "from_account_id": world.a1.id,
            "to_account_id": world.b1.id, "amount": D("1"), "idempotency_key": "x2", "fx_rate": None,
            "note": None}),
        (bob.id, fintech.create_transfer_reversal, {"user_id": bob.id, "transfer_id": world.transfer_id}),
        # bob claiming to be alice
        (bob.id, fintech.create_transfer, {"user_id": alice.id, "from_account_id": world.a1.id,
            "to_account_id": world.a2.id, "amount": D("1"), "idempotency_key": "x3", "fx_rate": None,
            "description": None}),
        (bob.id, fintech.create_p2p_payment, {"sender_id": alice.id, "from_account_id": world.a1.id,
            "to_account_id": world.b1.id, "amount": D("1"), "idempotency_key": "x4", "fx_rate": None,
            "note": None}),
        (bob.id, fintech.create_transfer_reversal, {"user_id": alice.id, "transfer_id": world.transfer_id}),
        # nobody at all
        (None, fintech.create_deposit, {"account_id": world.a1.id, "amount": D("1"), "description": None}),
        (None, fintech.create_transfer, {"user_id": alice.id, "from_account_id": world.a1.id,
            "to_account_id": world.a2.id, "amount": D("1"), "idempotency_key": "x5", "fx_rate": None,
            "description": None}),
    ]  # fmt: skip
    for acting, fn, kwargs in attempts:
        with pytest.raises(errors.NotFound):
            async with fdb.transaction(user_id=acting) as conn:
                await fn(conn, **kwargs)
    assert await _snapshot(owner) == before


async def test_the_worker_deposits_into_any_account(
    fdb: Database, worker: Database, owner: Database
) -> None:
    world = await _world(fdb)
    async with worker.transaction(actor="payroll") as conn:  # no user: a back-office job
        entry = await fintech.create_deposit(
            conn, account_id=world.a1.id, amount=D("250"), description="salary"
        )
        assert entry.account_id == world.a1.id and entry.amount == D("250")
        assert await fintech.list_balance_mismatches(conn) == []
    with pytest.raises(errors.PermissionDenied):  # but it moves no money between customers
        async with worker.transaction(user_id=world.alice.id) as conn:
            await fintech.create_transfer(
                conn, user_id=world.alice.id, from_account_id=world.a1.id,
                to_account_id=world.a2.id, amount=D("1"), idempotency_key="w", fx_rate=None,
                description=None,
            )  # fmt: skip
    with pytest.raises(errors.PermissionDenied):  # nor writes balances itself
        async with worker.transaction() as conn:
            await conn.execute(POSTING)
            await conn.execute("UPDATE fintech.accounts SET balance = 0 WHERE id = $1", world.a1.id)
    async with owner.acquire() as conn:
        balance = await conn.fetchval(
            "SELECT balance FROM fintech.accounts WHERE id = $1", world.a1.id
        )
    # seeded 100, transfer 10, card payment 1, fee 1, p2p 1 out, 2 in, 3 out; the deposit 250
    assert balance == D("100") - D("10") - D("1") - D("1") - D("1") + D("2") - D("3") + D("250")


async def test_readonly_reads_everything_and_writes_nothing(
    fdb: Database, database_url: str, owner: Database, worker: Database
) -> None:
    world = await _world(fdb)
    await _interest_accrual(fdb, worker, world.alice)
    readonly = await Database.connect(url=app_url(database_url, "readonly"))
    try:
        await readonly.refresh_catalog()
        async with readonly.transaction() as conn:  # no user: reports see every row
            for table in TABLES:
                assert await conn.fetchval(f"SELECT count(*) FROM fintech.{table}") > 0, table
            assert await fintech.list_balance_mismatches(conn) == []
        before = await _snapshot(owner)
        for sql in (
            "UPDATE fintech.users SET first_name = 'X'",
            "DELETE FROM fintech.cards",
            f"SELECT fintech.deposit('{world.a1.id}', 1, NULL)",
            "SELECT fintech.sign_up('r@example.com', 'R', 'O', NULL, '" + ARGON2 + "')",
        ):
            with pytest.raises(errors.PermissionDenied):
                async with readonly.transaction() as conn:
                    await conn.execute(sql)
        assert await _snapshot(owner) == before
    finally:
        await readonly.close()


async def test_no_role_reads_a_password_hash(
    fdb: Database, worker: Database, database_url: str
) -> None:
    world = await _world(fdb)
    readonly = await Database.connect(url=app_url(database_url, "readonly"))
    try:
        for role, user_id in ((fdb, world.alice.id), (worker, None), (readonly, None)):
            with pytest.raises(errors.PermissionDenied):  # not even the user's own
                async with role.transaction(user_id=user_id) as conn:
                    await conn.fetch("SELECT password_hash FROM fintech.users")
        for role in (worker, readonly):  # the card tokens are the service's alone
            with pytest.raises(errors.PermissionDenied):
                async with role.transaction() as conn:
                    await conn.fetch("SELECT token_encrypted FROM fintech.cards")
            async with role.transaction() as conn:  # the rest of both tables stays readable
                assert await conn.fetchval("SELECT count(email) FROM fintech.users") == 3
                assert await conn.fetchval("SELECT count(last4) FROM fintech.cards") == 3
    finally:
        await readonly.close()
    async with fdb.transaction(user_id=world.alice.id) as conn:
        assert await conn.fetchval("SELECT count(token_encrypted) FROM fintech.cards") == 1


async def test_sign_up_and_sign_in_work_before_a_user_is_known(
    fdb: Database, owner: Database
) -> None:
    async with fdb.transaction() as conn:
        assert await conn.fetchval("SELECT core.current_user_id()") is None
        user = await fintech.create_user(
            conn, email="New@Example.com", first_name="N", last_name="U", phone_number=None,
            password_hash=ARGON2,
        )  # fmt: skip
        assert user.role == "customer"
        found = await fintech.get_user_by_email(conn, email="new@example.com")
        assert found == user
        assert await fintech.get_user_password_hash_by_email(conn, email="NEW@example.com") == (
            ARGON2
        )
        assert await fintech.get_user_by_email(conn, email="none@example.com") is None
        assert await fintech.get_user_password_hash_by_email(conn, email="none@example.com") is None
        assert await conn.fetchval("SELECT count(*) FROM fintech.users") == 0  # still RLS
    # the definer functions are narrow: pinned search_path, owned by datalayer_owner, no PUBLIC
    async with owner.acquire() as conn:
        rows = await conn.fetch(
            "SELECT p.proname, pg_get_userbyid(p.proowner) AS owner, p.proconfig,"
            " has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec"
            " FROM pg_proc p WHERE p.pronamespace = 'fintech'::regnamespace AND p.prosecdef"
        )
    assert {r["proname"] for r in rows} >= {
        "deposit", "withdraw", "transfer", "send_p2p", "reverse_transfer", "sign_up",
        "find_user_by_email", "password_hash_for_login",
    }  # fmt: skip
    for r in rows:
        assert r["owner"] == "datalayer_owner", r["proname"]
        assert r["proconfig"] == ["search_path=pg_catalog, pg_temp"], r["proname"]
        assert not r["public_exec"], r["proname"]
    with pytest.raises(errors.QueryError):  # sign-up takes no role: there is no such function
        async with fdb.transaction() as conn:
            await conn.execute(
                "SELECT fintech.sign_up('x@example.com', 'X', 'Y', NULL, $1, 'admin')", ARGON2
            )


async def test_every_owned_table_is_isolated(
    fdb: Database, owner: Database, database_url: str
) -> None:
    world = await _world(fdb)
    checked = await asyncio.to_thread(
        assert_isolated, database_url, app_url(database_url), "fintech", world.alice.id,
        world.bob.id,
    )  # fmt: skip
    assert sorted(checked) == [
        "fintech.accounts", "fintech.card_payments", "fintech.cards", "fintech.transfers",
        "fintech.users",
    ]  # fmt: skip
    await asyncio.to_thread(assert_rls_everywhere, database_url, "fintech", "fintech_app", set())
    # the tables owned through an account or as a party: bob sees none of alice's rows
    async with owner.acquire() as conn:
        alices = {
            table: [
                r["id"]
                for r in await conn.fetch(
                    f"SELECT id FROM fintech.{table} WHERE account_id = ANY($1::uuid[])",
                    [world.a1.id, world.a2.id],
                )
            ]
            for table in ("transactions", "investments", "fees", "investment_trades")
        }
    alices["p2p_transactions"] = [world.private_p2p_id]
    assert all(alices.values())
    async with fdb.transaction(user_id=world.bob.id) as conn:
        for table, ids in alices.items():
            visible = await conn.fetchval(
                f"SELECT count(*) FROM fintech.{table} WHERE id = ANY($1::uuid[])", ids
            )
            assert visible == 0, table
        changed = await conn.execute(
            "UPDATE fintech.investments SET quantity = 0 WHERE id = ANY($1::uuid[])",
            alices["investments"],
        )
        assert changed == "UPDATE 0"
        # alice's payment to bob: he sees it, as its recipient
        assert (
            await fintech.get_p2p_payment_by_id(
                conn, p2p_transaction_id=world.p2p_id, user_id=world.bob.id
            )
            is not None
        )
        assert (
            await fintech.get_p2p_payment_by_id(
                conn, p2p_transaction_id=world.private_p2p_id, user_id=world.bob.id
            )
            is None
        )


async def test_no_user_no_rows(fdb: Database, owner: Database, worker: Database) -> None:
    world = await _world(fdb)
    await _interest_accrual(fdb, worker, world.alice)
    async with owner.acquire() as conn:
        tables = [
            r["relname"]
            for r in await conn.fetch(
                "SELECT relname FROM pg_class WHERE relnamespace = 'fintech'::regnamespace"
                " AND relkind IN ('r', 'p') AND NOT relispartition ORDER BY relname"
            )
        ]
        for table in tables:
            assert await conn.fetchval(f"SELECT count(*) FROM fintech.{table}") > 0, table
    assert sorted(tables) == sorted(TABLES)
    async with fdb.transaction() as conn:
        for table in tables:
            assert await conn.fetchval(f"SELECT count(*) FROM fintech.{table}") == 0, table
        assert await conn.fetchval("SELECT count(*) FROM fintech.audit_log") == 0  # the trail too
    async with fdb.acquire() as conn:  # outside any transaction, too
        for table in tables:
            assert await conn.fetchval(f"SELECT count(*) FROM fintech.{table}") == 0, table


async def test_the_audit_trail_records_who_acted(
    fdb: Database, owner: Database, database_url: str
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    async with fdb.transaction(user_id=user.id, actor=f"user:{user.id}") as conn:
        await fintech.update_account_name(
            conn, account_id=account.id, user_id=user.id, account_name="Renamed"
        )
        await fintech.update_user_password_hash(conn, user_id=user.id, password_hash=ARGON2)
        await fintech.create_deposit(conn, account_id=account.id, amount=D("3"), description=None)
    async with owner.acquire() as conn:
        rows = await conn.fetch(
            "SELECT table_name, operation, actor, db_user, app_role, old_values, new_values,"
            " changed_columns FROM core.audit_log WHERE schema_name = 'fintech' ORDER BY id"
        )
        # another application's audit row, which fintech's roles must not read
        await conn.execute(
            "INSERT INTO core.audit_log (schema_name, table_name, operation, row_id, new_values,"
            " db_user, app_role) VALUES ('compliance', 'users', 'INSERT', 'x', '{}', 'postgres',"
            " 'superuser')"
        )
    login = app_url(database_url).split("//")[1].split("@")[0]
    assert rows and all(r["db_user"] == login and r["app_role"] == "fintech_app" for r in rows)
    users = [r for r in rows if r["table_name"] == "users"]
    assert [r["operation"] for r in users] == ["INSERT", "UPDATE"]
    for r in users:
        for image in (r["old_values"], r["new_values"]):
            assert image is None or "password_hash" not in image
    assert users[0]["actor"] is None  # sign-up: nobody acted yet
    # the hash changed, but the image leaves it out: only updated_at is recorded as changed
    assert users[1]["actor"] == f"user:{user.id}" and users[1]["changed_columns"] == ["updated_at"]
    renamed = [r for r in rows if r["table_name"] == "accounts" and r["operation"] == "UPDATE"]
    assert renamed and all(r["actor"] == f"user:{user.id}" for r in renamed)
    async with fdb.transaction(user_id=user.id) as conn:  # fintech's part of the trail, whole
        seen = await conn.fetch("SELECT id, db_user, app_role FROM fintech.audit_log ORDER BY id")
        assert len(seen) == len(rows) and all(r["app_role"] == "fintech_app" for r in seen)
    with pytest.raises(errors.PermissionDenied):  # and nothing of the trail itself
        async with fdb.transaction(user_id=user.id) as conn:
            await conn.fetch("SELECT schema_name FROM core.audit_log")
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM core.audit_log") == len(rows) + 1
