"""Deposits, withdrawals, transfers and P2P payments: the ledger, its rules and idempotency.

Money moves as the service moves it: fintech_app acting for the user whose account is debited.
Balances are read behind the service's back (``owner``), the books reconciled by ``worker``; the
ledger's own constraints are exercised from the owner's side, since fintech_app cannot write it."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest
from fintech_support import make_account, make_user

from datalayer import Database, errors, fintech
from datalayer.fintech import Account, User

D = Decimal


HUNDRED = D("100")
POSTING = "SELECT set_config('fintech.posting', 'on', true)"


async def _two_accounts(
    fdb: Database, *, second_currency: str = "USD", balance: Decimal = HUNDRED
) -> tuple[User, Account, Account]:
    user = await make_user(fdb)
    a = await make_account(fdb, user.id, balance=balance)
    b = await make_account(fdb, user.id, currency=second_currency, account_type="savings")
    return user, a, b


async def _balance(owner: Database, account: Account) -> Decimal:
    async with owner.acquire() as conn:
        value = await conn.fetchval(
            "SELECT balance FROM fintech.accounts WHERE id = $1", account.id
        )
    assert isinstance(value, Decimal)
    return value


async def _assert_books_balance(worker: Database) -> None:
    async with worker.transaction() as conn:
        assert await fintech.list_balance_mismatches(conn) == []
        assert await fintech.list_unbalanced_postings(conn) == []
        for total in await fintech.list_currency_totals(conn):
            assert total.customer_total + total.clearing_total == 0


async def test_transfer_moves_money_and_writes_the_ledger(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, a, b = await _two_accounts(fdb)
    async with fdb.transaction(user_id=user.id, actor=f"user:{user.id}") as conn:
        t = await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("30.5"), idempotency_key="k1", fx_rate=None, description="rent",
        )  # fmt: skip
    assert t is not None and t.status == "completed" and t.completed_at is not None
    assert (t.amount, t.credited_amount, t.currency) == (D("30.5"), D("30.5"), "USD")
    assert await _balance(owner, a) == D("69.5") and await _balance(owner, b) == D("30.5")
    async with fdb.transaction(user_id=user.id) as conn:
        statement = await fintech.list_account_statement(
            conn, account_id=b.id, before_created_at=None, before_id=None, max_rows=10
        )
        assert [(e.kind, e.amount, e.balance_after, e.transfer_id) for e in statement] == [
            ("transfer", D("30.5"), D("30.5"), t.id)
        ]
        audited = await conn.fetch(
            "SELECT table_name, operation, actor FROM fintech.audit_log "
            "WHERE table_name IN ('transfers', 'accounts') AND actor IS NOT NULL"
        )
    assert {(r["table_name"], r["operation"]) for r in audited} == {
        ("transfers", "INSERT"),
        ("accounts", "UPDATE"),
    }
    await _assert_books_balance(worker)


async def test_cross_currency_transfer_needs_a_rate(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, usd, eur = await _two_accounts(fdb, second_currency="EUR")
    with pytest.raises(errors.CurrencyMismatch) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_transfer(
                conn, user_id=user.id, from_account_id=usd.id, to_account_id=eur.id,
                amount=D("10"), idempotency_key="fx0", fx_rate=None, description=None,
            )  # fmt: skip
    assert info.value.sqlstate == "DL003" and "fx_rate" in str(info.value)
    async with fdb.transaction(user_id=user.id) as conn:
        t = await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=usd.id, to_account_id=eur.id,
            amount=D("10"), idempotency_key="fx1", fx_rate=D("0.9123"), description=None,
        )  # fmt: skip
        assert t is not None and t.credited_amount == D("9.1230") and t.credited_currency == "EUR"
    async with owner.acquire() as conn:  # the clearing legs have no account: the owner's view
        entries = await conn.fetch(
            "SELECT account_id, amount, currency FROM fintech.transactions WHERE transfer_id = $1",
            t.id,
        )
    assert len(entries) == 4  # two account legs and two clearing legs
    assert await _balance(owner, eur) == D("9.1230")
    other, a, b = await _two_accounts(fdb)
    with pytest.raises(errors.CurrencyMismatch):
        async with fdb.transaction(user_id=other.id) as conn:
            await fintech.create_transfer(
                conn, user_id=other.id, from_account_id=a.id, to_account_id=b.id,
                amount=D("1"), idempotency_key="fx2", fx_rate=D("1.1"), description=None,
            )  # fmt: skip
    await _assert_books_balance(worker)


async def test_insufficient_funds_frozen_closed_and_foreign_accounts(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, a, b = await _two_accounts(fdb, balance=D("5"))
    stranger = await make_user(fdb)

    async def attempt(
        amount: str, key: str, *, acting: User = user, user_id: object = user.id
    ) -> None:
        async with fdb.transaction(user_id=acting.id) as conn:
            await fintech.create_transfer(
                conn, user_id=user_id, from_account_id=a.id, to_account_id=b.id,
                amount=D(amount), idempotency_key=key, fx_rate=None, description=None,
            )  # fmt: skip

    with pytest.raises(errors.InsufficientFunds) as funds:
        await attempt("5.0001", "f1")
    assert funds.value.sqlstate == "DL001" and funds.value.column == "balance"
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.update_account_frozen(conn, account_id=b.id, frozen=True)
    with pytest.raises(errors.AccountNotActive, match="frozen"):
        await attempt("1", "f2")
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.update_account_frozen(conn, account_id=b.id, frozen=False)
        await fintech.update_account_closed(conn, account_id=b.id, user_id=user.id)
    with pytest.raises(errors.AccountNotActive, match="closed"):
        await attempt("1", "f3")
    with pytest.raises(errors.NotFound):  # the stranger, as itself, from the user's account
        await attempt("1", "f4", acting=stranger, user_id=stranger.id)
    with pytest.raises(errors.NotFound):  # the stranger, claiming to be the user
        await attempt("1", "f5", acting=stranger, user_id=user.id)
    with pytest.raises(errors.NotFound):  # the user, naming the stranger
        await attempt("1", "f6", user_id=stranger.id)
    c = await make_account(fdb, user.id)
    with pytest.raises(errors.CheckViolation) as amount:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_transfer(
                conn, user_id=user.id, from_account_id=a.id, to_account_id=c.id,
                amount=D("-1"), idempotency_key="f7", fx_rate=None, description=None,
            )  # fmt: skip
    assert amount.value.constraint == "transfers_amount_check"
    assert await _balance(owner, a) == D("5")  # nothing moved by any failure
    await _assert_books_balance(worker)


async def test_a_retry_with_the_same_key_moves_money_once(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, a, b = await _two_accounts(fdb)

    async def send(amount: str = "7") -> fintech.Transfer:
        async with fdb.transaction(user_id=user.id) as conn:
            return await fintech.create_transfer(
                conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
                amount=D(amount), idempotency_key="same", fx_rate=None, description=None,
            )  # fmt: skip

    first = await send()
    again = await send()
    assert again == first
    # ten racing retries of a new request: one movement
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_deposit(conn, account_id=a.id, amount=D("1000"), description=None)

    async def racing(i: int) -> fintech.Transfer:
        async with fdb.transaction(user_id=user.id) as conn:
            return await fintech.create_transfer(
                conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
                amount=D("11"), idempotency_key="race", fx_rate=None, description=None,
            )  # fmt: skip

    results = await asyncio.gather(*(racing(i) for i in range(10)))
    assert len({r.id for r in results}) == 1
    assert await _balance(owner, b) == D("18")
    with pytest.raises(errors.IdempotencyConflict) as info:
        await send("8")
    assert info.value.sqlstate == "DL004"
    await _assert_books_balance(worker)


async def test_transfer_status_machine(fdb: Database, owner: Database, worker: Database) -> None:
    user, a, b = await _two_accounts(fdb)
    async with fdb.transaction(user_id=user.id) as conn:
        t = await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("40"), idempotency_key="rev", fx_rate=None, description=None,
        )  # fmt: skip
        assert t is not None
        reversed_ = await fintech.create_transfer_reversal(conn, user_id=user.id, transfer_id=t.id)
        assert reversed_ is not None and reversed_.status == "reversed"
        assert reversed_.reversed_at is not None
    assert await _balance(owner, a) == D("100") and await _balance(owner, b) == D("0")
    with pytest.raises(errors.CheckViolation) as twice:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_transfer_reversal(conn, user_id=user.id, transfer_id=t.id)
    assert twice.value.constraint == "transfers_status_transition_check"
    assert "reversed -> reversed" in str(twice.value) or "illegal" in str(twice.value)
    # the rules hold for the owner too (the definer functions run as it)
    for sql, constraint in [
        (
            "UPDATE fintech.transfers SET status = 'completed', reversed_at = NULL",
            "transfers_status_transition_check",
        ),
        ("UPDATE fintech.transfers SET amount = 1", "transfers_immutable_check"),
    ]:
        with pytest.raises(errors.CheckViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(sql)
        assert info.value.constraint == constraint
    with pytest.raises(errors.CheckViolation) as started:
        async with owner.transaction() as conn:
            await conn.execute(
                "INSERT INTO fintech.transfers (user_id, from_account_id, to_account_id, amount,"
                " currency, credited_amount, credited_currency, status, idempotency_key, completed_at,"
                " reversed_at) VALUES ($1, $2, $3, 1, 'USD', 1, 'USD', 'reversed', 'x', now(), now())",
                user.id,
                a.id,
                b.id,
            )
    assert started.value.constraint == "transfers_status_transition_check"
    await _assert_books_balance(worker)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ("$2, $2, 1, 'USD', NULL, 1, 'USD', 'pending', NULL", "transfers_accounts_check"),
        ("$2, $3, 1, 'USD', NULL, 2, 'USD', 'pending', NULL", "transfers_fx_rate_check"),
        ("$2, $3, 1, 'USD', 1.5, 1.5, 'USD', 'pending', NULL", "transfers_fx_rate_check"),
        ("$2, $3, 1, 'USD', NULL, 1, 'USD', 'failed', NULL", "transfers_failure_reason_check"),
        ("$2, $3, 1, 'usd', NULL, 1, 'usd', 'pending', NULL", "transfers_currency_check"),
        ("$2, $3, 1, 'USD', NULL, 1, 'USD', 'lost', NULL", "transfers_status_check"),
    ],
)
async def test_transfer_checks(
    fdb: Database, owner: Database, values: str, constraint: str
) -> None:
    user, a, b = await _two_accounts(fdb)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(
                "INSERT INTO fintech.transfers (user_id, from_account_id, to_account_id, amount,"
                " currency, fx_rate, credited_amount, credited_currency, status, failure_reason,"
                f" idempotency_key) VALUES ($1, {values}, 'key')",
                *[user.id, a.id, b.id][: 3 if "$3" in values else 2],
            )
    assert info.value.constraint == constraint


async def test_transfer_foreign_keys_prove_ownership(fdb: Database, owner: Database) -> None:
    user, a, _b = await _two_accounts(fdb)
    other = await make_user(fdb)
    theirs = await make_account(fdb, other.id)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(
                "INSERT INTO fintech.transfers (user_id, from_account_id, to_account_id, amount,"
                " currency, credited_amount, credited_currency, idempotency_key)"
                " VALUES ($1, $2, $3, 1, 'USD', 1, 'USD', 'k')",
                user.id,
                a.id,
                theirs.id,
            )
    assert info.value.constraint == "transfers_to_account_id_fkey"


async def test_p2p_payment(fdb: Database, owner: Database, worker: Database) -> None:
    alice = await make_user(fdb)
    bob = await make_user(fdb)
    stranger = await make_user(fdb)
    a = await make_account(fdb, alice.id, balance=D("50"))
    b = await make_account(fdb, bob.id)
    own = await make_account(fdb, alice.id)
    async with fdb.transaction(user_id=alice.id) as conn:
        paid = await fintech.create_p2p_payment(
            conn, sender_id=alice.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("12.25"), idempotency_key="lunch", fx_rate=None, note="lunch",
        )  # fmt: skip
        assert paid is not None and paid.recipient_id == bob.id and paid.status == "completed"
        again = await fintech.create_p2p_payment(
            conn, sender_id=alice.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("12.25"), idempotency_key="lunch", fx_rate=None, note="lunch",
        )  # fmt: skip
        assert again == paid
        sent = await fintech.list_p2p_payments_by_sender(
            conn, sender_id=alice.id, before_created_at=None, before_id=None, max_rows=10
        )
        assert [p.id for p in sent] == [paid.id]
    async with fdb.transaction(user_id=bob.id) as conn:
        seen_by_bob = await fintech.get_p2p_payment_by_id(
            conn, p2p_transaction_id=paid.id, user_id=bob.id
        )
        assert seen_by_bob == paid
    async with fdb.transaction(user_id=stranger.id) as conn:
        for user_id in (stranger.id, alice.id, bob.id):
            assert (
                await fintech.get_p2p_payment_by_id(
                    conn, p2p_transaction_id=paid.id, user_id=user_id
                )
                is None
            )
        assert (
            await fintech.list_p2p_payments_by_sender(
                conn, sender_id=alice.id, before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )
    assert await _balance(owner, b) == D("12.25")
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=alice.id) as conn:
            await fintech.create_p2p_payment(
                conn, sender_id=alice.id, from_account_id=a.id, to_account_id=own.id,
                amount=D("1"), idempotency_key="self", fx_rate=None, note=None,
            )  # fmt: skip
    assert info.value.constraint == "p2p_transactions_parties_check"
    with pytest.raises(errors.NotFound):  # bob cannot pay out of alice's account
        async with fdb.transaction(user_id=bob.id) as conn:
            await fintech.create_p2p_payment(
                conn, sender_id=bob.id, from_account_id=a.id, to_account_id=b.id,
                amount=D("1"), idempotency_key="theft", fx_rate=None, note=None,
            )  # fmt: skip
    with pytest.raises(errors.NotFound):  # nor as alice
        async with fdb.transaction(user_id=bob.id) as conn:
            await fintech.create_p2p_payment(
                conn, sender_id=alice.id, from_account_id=a.id, to_account_id=b.id,
                amount=D("1"), idempotency_key="theft2", fx_rate=None, note=None,
            )  # fmt: skip
    assert await _balance(owner, a) == D("37.75")
    await _assert_books_balance(worker)


async def test_ledger_is_append_only_for_every_role(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, _a, _b = await _two_accounts(fdb)
    for sql in (
        "UPDATE fintech.transactions SET amount = amount * 2",
        "DELETE FROM fintech.transactions",
        "TRUNCATE fintech.transactions",
    ):
        with pytest.raises(errors.RestrictViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(sql)
        assert info.value.constraint == "transactions_append_only"
        for role in (fdb, worker):  # no privilege to begin with
            with pytest.raises(errors.PermissionDenied):
                async with role.transaction(user_id=user.id) as conn:
                    await conn.execute(sql)
    # The application's role, even if someone grants it UPDATE and DELETE, is refused too.
    async with owner.acquire() as conn:
        await conn.execute("GRANT UPDATE, DELETE ON fintech.transactions TO fintech_app")
    try:
        for sql in (
            "UPDATE fintech.transactions SET description = 'x'",
            "DELETE FROM fintech.transactions",
        ):
            with pytest.raises(errors.RestrictViolation):
                async with fdb.transaction(user_id=user.id) as conn:
                    await conn.execute(sql)
    finally:
        async with owner.acquire() as conn:
            await conn.execute("REVOKE UPDATE, DELETE ON fintech.transactions FROM fintech_app")
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM fintech.transactions") == 2


async def test_unbalanced_posting_is_refused_at_commit(
    fdb: Database, owner: Database, worker: Database
) -> None:
    _, a, _b = await _two_accounts(fdb)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(POSTING)  # as buggy posting code would
            await conn.execute(
                "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind,"
                " balance_after) VALUES (core.uuid_v7(), $1, 5, 'USD', 'deposit', 105)",
                a.id,
            )
    assert info.value.constraint == "transactions_posting_balanced_check"
    await _assert_books_balance(worker)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ("$1, 0, 'USD', 'deposit', 0, NULL", "transactions_amount_check"),
        ("$1, 1, 'USD', 'gift', 1, NULL", "transactions_kind_check"),
        ("$1, 1, 'USD', 'deposit', NULL, NULL", "transactions_clearing_leg_check"),
        ("$1, 1, 'USD', 'transfer', 1, NULL", "transactions_reference_check"),
        ("$1, 1, 'US', 'deposit', 1, NULL", "transactions_currency_check"),
    ],
)
async def test_ledger_checks(fdb: Database, owner: Database, values: str, constraint: str) -> None:
    _, a, _b = await _two_accounts(fdb)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(POSTING)
            await conn.execute(
                "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind,"
                f" balance_after, transfer_id) VALUES (core.uuid_v7(), {values})",
                a.id,
            )
    assert info.value.constraint == constraint


async def test_deposit_and_withdrawal_rules(fdb: Database, worker: Database) -> None:
    user, a, _b = await _two_accounts(fdb, balance=D("10"))
    with pytest.raises(errors.CheckViolation):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_deposit(conn, account_id=a.id, amount=D("0"), description=None)
    with pytest.raises(errors.InsufficientFunds):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_withdrawal(
                conn, account_id=a.id, amount=D("10.01"), description=None
            )
    async with fdb.transaction(user_id=user.id) as conn:
        entry = await fintech.create_withdrawal(
            conn, account_id=a.id, amount=D("10"), description="atm"
        )
        assert entry is not None and entry.balance_after == 0 and entry.kind == "withdrawal"
        await fintech.update_account_frozen(conn, account_id=a.id, frozen=True)
    with pytest.raises(errors.AccountNotActive):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_deposit(conn, account_id=a.id, amount=D("1"), description=None)
    with pytest.raises(errors.NotFound):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_deposit(
                conn, account_id=uuid.uuid4(), amount=D("1"), description=None
            )
    await _assert_books_balance(worker)


async def test_money_moves_only_through_the_posting_functions(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, a, b = await _two_accounts(fdb)
    async with fdb.transaction(user_id=user.id) as conn:
        t = await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("1"), idempotency_key="p1", fx_rate=None, description=None,
        )  # fmt: skip
        # the replayed request leaves no posting open behind it
        await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=a.id, to_account_id=b.id,
            amount=D("1"), idempotency_key="p1", fx_rate=None, description=None,
        )  # fmt: skip
        assert await conn.fetchval("SELECT current_setting('fintech.posting', true)") == ""
    # the posting guard holds for the owner too (definer functions, migrations, operators)
    for sql, args, constraint in [
        (
            "UPDATE fintech.accounts SET balance = balance + 1000000 WHERE id = $1",
            (a.id,),
            "accounts_posting_check",
        ),
        (
            "INSERT INTO fintech.accounts (user_id, account_number, account_name, account_type, currency, balance)"
            " VALUES ($1, 'ACC7777777777', 'Gift', 'checking', 'USD', 1000000)",
            (user.id,),
            "accounts_posting_check",
        ),
        (
            "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after)"
            " VALUES (core.uuid_v7(), $1, 5, 'USD', 'deposit', 105)",
            (a.id,),
            "transactions_posting_check",
        ),
        (
            "UPDATE fintech.transfers SET status = 'reversed', reversed_at = now() WHERE id = $1",
            (t.id,),
            "transfers_posting_check",
        ),
    ]:
        with pytest.raises(errors.CheckViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(sql, *args)
        assert info.value.constraint == constraint
    await _assert_books_balance(worker)


async def test_ledger_entries_are_in_their_account_currency(fdb: Database, owner: Database) -> None:
    _, a, _b = await _two_accounts(fdb)
    with pytest.raises(errors.ForeignKeyViolation) as wrong:
        async with owner.transaction() as conn:
            await conn.execute(POSTING)
            await conn.execute(
                "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after)"
                " VALUES (core.uuid_v7(), $1, 5, 'EUR', 'deposit', 105)",
                a.id,
            )
    assert wrong.value.constraint == "transactions_account_id_fkey"
    with pytest.raises(errors.ForeignKeyViolation) as recurrency:
        async with owner.transaction() as conn:
            await conn.execute("UPDATE fintech.accounts SET currency = 'JPY' WHERE id = $1", a.id)
    assert recurrency.value.constraint == "transactions_account_id_fkey"


async def test_sub_precision_amounts_are_refused_not_rounded(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user, a, b = await _two_accounts(fdb)
    user2, usd, eur = await _two_accounts(fdb, second_currency="EUR")
    cases = [
        (user, fintech.create_withdrawal, {"account_id": a.id, "amount": D("10.00005"), "description": None}, "transactions_amount_scale_check"),
        (user, fintech.create_deposit, {"account_id": a.id, "amount": D("0.00001"), "description": None}, "transactions_amount_scale_check"),
        (
            user,
            fintech.create_transfer,
            {"user_id": user.id, "from_account_id": a.id, "to_account_id": b.id, "amount": D("1.00001"),
             "idempotency_key": "s1", "fx_rate": None, "description": None},
            "transactions_amount_scale_check",
        ),
        (
            user2,
            fintech.create_transfer,
            {"user_id": user2.id, "from_account_id": usd.id, "to_account_id": eur.id, "amount": D("1"),
             "idempotency_key": "s2", "fx_rate": D("0.912345678"), "description": None},
            "transactions_fx_rate_scale_check",
        ),
    ]  # fmt: skip
    for acting, fn, kwargs, constraint in cases:
        with pytest.raises(errors.CheckViolation) as info:
            async with fdb.transaction(user_id=acting.id) as conn:
                await fn(conn, **kwargs)  # type: ignore[operator]
        assert info.value.constraint == constraint
    assert await _balance(owner, a) == D("100")
    await _assert_books_balance(worker)
