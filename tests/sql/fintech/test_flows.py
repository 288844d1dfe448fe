"""The money flows beyond transfers, each one definer function posting one balanced posting: card
payments and refunds (spending limit under concurrency), fees, interest accrual (once per account
and month), investment buys and sells (money conserved under concurrency); and the read paths
P2P payments received and the account statement. Everything runs as fintech_app acting for a user
(or fintech_worker for the back-office jobs); the owner only checks results or back-dates ledger
entries, which no application role may write."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fintech_support import app_url, make_account, make_user

from datalayer import Database, errors, fintech
from datalayer.settings import Settings

D = Decimal


async def _card(db: Database, user_id: UUID, account_id: UUID, **overrides: Any) -> fintech.Card:
    fields: dict[str, Any] = {
        "user_id": user_id, "account_id": account_id, "brand": "visa", "card_type": "debit",
        "last4": "4242", "cardholder_name": "ADA LOVELACE", "token": "tok_x",
        "encryption_key": "k", "expiry_month": 12, "expiry_year": 2030, "spending_limit": None,
    }  # fmt: skip
    fields.update(overrides)
    async with db.transaction(user_id=user_id) as conn:
        return await fintech.create_card(conn, **fields)


async def _balance(db: Database, user_id: UUID, account_id: UUID) -> Decimal:
    async with db.transaction(user_id=user_id) as conn:
        account = await fintech.get_account_by_id(conn, account_id=account_id, user_id=user_id)
    assert account is not None
    return account.balance


async def _ledger_consistent(worker: Database) -> None:
    """Every balance equals its ledger entries and every posting sums to zero."""
    async with worker.transaction() as conn:
        assert await fintech.list_balance_mismatches(conn) == []
        assert await fintech.list_unbalanced_postings(conn) == []


async def _entries(owner: Database, posting_id: UUID) -> list[tuple[UUID | None, Decimal, str]]:
    async with owner.acquire() as conn:
        rows = await conn.fetch(
            "SELECT account_id, amount, kind FROM fintech.transactions WHERE posting_id = $1"
            " ORDER BY amount",
            posting_id,
        )
    return [(r["account_id"], r["amount"], r["kind"]) for r in rows]


async def _refused(
    kind: type[errors.DataLayerError], call: Awaitable[Any]
) -> errors.DataLayerError:
    with pytest.raises(kind) as caught:
        await call
    return caught.value


# card payments ----------------------------------------------------------------------------


async def test_card_payment_posts_once_and_refund_is_its_own_entry(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=D("100"))
    card = await _card(fdb, user.id, account.id, spending_limit=D("80"))
    async with fdb.transaction(user_id=user.id) as conn:
        paid = await fintech.create_card_payment(
            conn, user_id=user.id, account_id=account.id, card_id=card.id, amount=D("30.25"),
            merchant="Corner Shop", idempotency_key="pay-1",
        )  # fmt: skip
        again = await fintech.create_card_payment(
            conn, user_id=user.id, account_id=account.id, card_id=card.id, amount=D("30.25"),
            merchant="Corner Shop", idempotency_key="pay-1",
        )  # fmt: skip
    assert again == paid and paid.kind == "payment" and paid.currency == "USD"
    assert await _balance(fdb, user.id, account.id) == D("69.75")
    assert await _entries(owner, paid.posting_id) == [
        (account.id, D("-30.25"), "card_payment"),
        (None, D("30.25"), "card_payment"),
    ]
    with pytest.raises(errors.IdempotencyConflict) as reused:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_card_payment(
                conn, user_id=user.id, account_id=account.id, card_id=card.id, amount=D("31"),
                merchant="Corner Shop", idempotency_key="pay-1",
            )  # fmt: skip
    assert reused.value.column == "idempotency_key" and "31" not in str(reused.value)
    async with fdb.transaction(user_id=user.id) as conn:
        refund = await fintech.create_card_refund(
            conn, user_id=user.id, payment_id=paid.id, amount=D("10"), idempotency_key="ref-1"
        )
        assert refund == await fintech.create_card_refund(
            conn, user_id=user.id, payment_id=paid.id, amount=D("10"), idempotency_key="ref-1"
        )
    assert refund.kind == "refund" and refund.refund_of == paid.id
    assert refund.posting_id != paid.posting_id
    assert await _entries(owner, refund.posting_id) == [
        (None, D("-10.0000"), "card_refund"),
        (account.id, D("10.0000"), "card_refund"),
    ]
    with pytest.raises(errors.CheckViolation) as too_much:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_card_refund(
                conn, user_id=user.id, payment_id=paid.id, amount=D("20.26"),
                idempotency_key="ref-2",
            )  # fmt: skip
    assert too_much.value.constraint == "card_payments_refund_amount_check"
    stranger = await make_user(fdb)
    with pytest.raises(errors.NotFound):  # another user's payment: not found
        async with fdb.transaction(user_id=stranger.id) as conn:
            await fintech.create_card_refund(
                conn, user_id=stranger.id, payment_id=paid.id, amount=D("1"),
                idempotency_key="ref-3",
            )  # fmt: skip
    with pytest.raises(errors.IdempotencyConflict):  # the payment's key, reused for a refund
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_card_refund(
                conn, user_id=user.id, payment_id=paid.id, amount=D("1"), idempotency_key="pay-1"
            )
    # a refund does not give back spending room: 30.25 spent this month, limit 80
    with pytest.raises(errors.SpendingLimitExceeded) as over:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_card_payment(
                conn, user_id=user.id, account_id=account.id, card_id=card.id,
                amount=D("49.76"), merchant="Shop", idempotency_key="pay-2",
            )  # fmt: skip
    assert over.value.column == "spending_limit" and "pay_with_card" in str(over.value)
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_card_payment(
            conn, user_id=user.id, account_id=account.id, card_id=card.id, amount=D("49.75"),
            merchant="Shop", idempotency_key="pay-3",
        )  # fmt: skip
        page = await fintech.list_card_payments_by_card(
            conn, card_id=card.id, user_id=user.id, before_created_at=None, before_id=None,
            max_rows=2,
        )  # fmt: skip
        rest = await fintech.list_card_payments_by_card(
            conn, card_id=card.id, user_id=user.id, before_created_at=page[-1].created_at,
            before_id=page[-1].id, max_rows=2,
        )  # fmt: skip
    assert [p.idempotency_key for p in page + rest] == ["pay-3", "ref-1", "pay-1"]
    assert await _balance(fdb, user.id, account.id) == D("30")
    await _ledger_consistent(worker)
    async with worker.transaction() as conn:
        await fintech.update_account_frozen(conn, account_id=account.id, frozen=True)
    with pytest.raises(errors.AccountNotActive):  # a frozen account takes no refund either
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_card_refund(
                conn, user_id=user.id, payment_id=paid.id, amount=D("1"), idempotency_key="ref-4"
            )


async def test_card_payment_refusals(fdb: Database, owner: Database) -> None:
    user = await make_user(fdb)
    stranger = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=D("100"))
    other_account = await make_account(fdb, user.id, balance=D("100"))
    card = await _card(fdb, user.id, account.id)
    expired = await _card(fdb, user.id, account.id, expiry_month=1, expiry_year=2020)

    async def pay(
        card_id: UUID, amount: Decimal, account_id: UUID = account.id, as_user: UUID = user.id
    ) -> fintech.CardPayment:
        async with fdb.transaction(user_id=as_user) as conn:
            return await fintech.create_card_payment(
                conn, user_id=as_user, account_id=account_id, card_id=card_id, amount=amount,
                merchant="Shop", idempotency_key=f"k-{amount}-{account_id}-{as_user}",
            )  # fmt: skip

    refused = await _refused(errors.CardNotUsable, pay(expired.id, D("1")))
    assert refused.column == "expiry_month"
    refused = await _refused(errors.CardNotUsable, pay(card.id, D("1"), other_account.id))
    assert refused.column == "account_id"
    await _refused(errors.NotFound, pay(card.id, D("1"), as_user=stranger.id))
    refused = await _refused(errors.InsufficientFunds, pay(card.id, D("100.01")))
    assert refused.column == "balance"
    for amount, constraint in (
        (D("0"), "card_payments_amount_check"),
        (D("-5"), "card_payments_amount_check"),
        (D("1.00001"), "card_payments_amount_scale_check"),
    ):
        bad = await _refused(errors.CheckViolation, pay(card.id, amount))
        assert isinstance(bad, errors.CheckViolation)
        assert bad.constraint == constraint and bad.column == "amount", amount
    for status in ("frozen", "cancelled"):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.update_card_status(conn, card_id=card.id, user_id=user.id, status=status)
        refused = await _refused(errors.CardNotUsable, pay(card.id, D("1")))
        assert refused.column == "status"
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM fintech.card_payments") == 0
    assert await _balance(fdb, user.id, account.id) == D("100")


async def test_concurrent_card_payments_never_exceed_the_spending_limit(
    database_url: str, fdb: Database, owner: Database, worker: Database
) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=D("1000"))
    card = await _card(fdb, user.id, account.id, spending_limit=D("95"))
    # 20 separate connections, each paying 10 at the same time: 9 fit under 95
    connections = [await Database.connect(Settings.load(url=app_url(database_url), pool_size=1))
                   for _ in range(20)]  # fmt: skip
    start = asyncio.Event()

    async def pay(db: Database, n: int) -> str:
        try:
            async with db.transaction(user_id=user.id) as conn:
                await start.wait()
                await fintech.create_card_payment(
                    conn, user_id=user.id, account_id=account.id, card_id=card.id,
                    amount=D("10"), merchant="Shop", idempotency_key=f"c-{n}",
                )  # fmt: skip
        except errors.SpendingLimitExceeded:
            return "refused"
        return "paid"

    try:
        tasks = [asyncio.create_task(pay(db, n)) for n, db in enumerate(connections)]
        await asyncio.sleep(0.2)  # every task holds its connection and waits at the gate
        start.set()
        outcomes = await asyncio.gather(*tasks)
    finally:
        for db in connections:
            await db.close()
    assert outcomes.count("paid") == 9 and outcomes.count("refused") == 11
    async with owner.acquire() as conn:
        spent = await conn.fetchval(
            "SELECT sum(amount) FROM fintech.card_payments WHERE card_id = $1", card.id
        )
    assert spent == D("90")
    assert await _balance(fdb, user.id, account.id) == D("910")
    await _ledger_consistent(worker)


# fees ---------------------------------------------------------------------------------------


async def test_fee_posting(fdb: Database, owner: Database, worker: Database) -> None:
    user = await make_user(fdb)
    stranger = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=D("10"))
    async with fdb.transaction(user_id=user.id) as conn:
        fee = await fintech.create_fee(
            conn, account_id=account.id, amount=D("2.5"), description="FX fee",
            idempotency_key="fee-1",
        )  # fmt: skip
        assert fee == await fintech.create_fee(
            conn, account_id=account.id, amount=D("2.5"), description="FX fee",
            idempotency_key="fee-1",
        )  # fmt: skip
    assert await _entries(owner, fee.posting_id) == [
        (account.id, D("-2.5000"), "fee"),
        (None, D("2.5000"), "fee"),
    ]
    async with worker.transaction() as conn:  # the back office charges any account
        await fintech.create_fee(
            conn, account_id=account.id, amount=D("1"), description="Monthly fee",
            idempotency_key="monthly-2026-11",
        )  # fmt: skip
    assert await _balance(fdb, user.id, account.id) == D("6.5")

    async def charge(as_user: UUID, amount: Decimal, key: str) -> fintech.Fee:
        async with fdb.transaction(user_id=as_user) as conn:
            return await fintech.create_fee(
                conn, account_id=account.id, amount=amount, description="Fee", idempotency_key=key
            )

    await _refused(errors.NotFound, charge(stranger.id, D("1"), "x"))
    await _refused(errors.InsufficientFunds, charge(user.id, D("6.5001"), "y"))
    await _refused(errors.IdempotencyConflict, charge(user.id, D("1"), "fee-1"))
    bad = await _refused(errors.CheckViolation, charge(user.id, D("0"), "z"))
    assert isinstance(bad, errors.CheckViolation) and bad.constraint == "fees_amount_check"
    async with worker.transaction() as conn:
        await fintech.update_account_frozen(conn, account_id=account.id, frozen=True)
    await _refused(errors.AccountNotActive, charge(user.id, D("1"), "w"))
    assert await _balance(fdb, user.id, account.id) == D("6.5")
    await _ledger_consistent(worker)


# interest -----------------------------------------------------------------------------------


def _last_month() -> tuple[date, int]:
    this_month = datetime.now(UTC).date().replace(day=1)
    start = (this_month - timedelta(days=1)).replace(day=1)
    return start, (this_month - start).days


async def _backdated_deposit(
    owner: Database, account_id: UUID, amount: Decimal, at: datetime
) -> None:
    """A deposit booked at a past time: only the owner can write one (setup, not a flow)."""
    async with owner.transaction() as conn:
        await conn.execute("SELECT set_config('fintech.posting', 'on', true)")
        await conn.execute(
            "WITH moved AS (UPDATE fintech.accounts SET balance = balance + $2 WHERE id = $1"
            " RETURNING balance, currency), posting AS (SELECT core.uuid_v7() AS id)"
            " INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind,"
            " balance_after, created_at)"
            " SELECT posting.id, $1, $2::numeric, moved.currency, 'deposit', moved.balance, $3::timestamptz"
            " FROM moved, posting UNION ALL"
            " SELECT posting.id, NULL, -$2::numeric, moved.currency, 'deposit', NULL, $3::timestamptz FROM moved, posting",
            account_id, amount, at,
        )  # fmt: skip


async def test_interest_is_posted_once_per_account_and_month(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user = await make_user(fdb)
    savings = await make_account(fdb, user.id, account_type="savings")
    checking = await make_account(fdb, user.id)
    start, days = _last_month()
    # 3650 arrives on the 11th of last month; 5 more today (not last month's)
    await _backdated_deposit(
        owner, savings.id, D("3650"), datetime(start.year, start.month, 11, 1, tzinfo=UTC)
    )
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_deposit(conn, account_id=savings.id, amount=D("5"), description=None)

    async def accrue(account_id: UUID, period: date, rate: Decimal) -> fintech.InterestAccrual:
        async with worker.transaction() as conn:
            return await fintech.create_interest_accrual(
                conn, account_id=account_id, period_start=period, annual_rate=rate
            )

    accrual = await accrue(savings.id, start, D("0.05"))
    # actual/365 on each day's closing balance: 3650 for (days - 10) days at 5 %
    assert accrual.balance_days == D("3650") * (days - 10)
    assert accrual.amount == D("0.5") * (days - 10) and accrual.day_count == "actual/365"
    assert accrual.period_end == date(start.year + start.month // 12, start.month % 12 + 1, 1)
    assert accrual.posting_id is not None
    assert await _entries(owner, accrual.posting_id) == [
        (None, -accrual.amount, "interest"),
        (savings.id, accrual.amount, "interest"),
    ]
    assert await accrue(savings.id, start, D("0.05")) == accrual  # a re-run posts nothing
    async with owner.acquire() as conn:
        assert (
            await conn.fetchval("SELECT count(*) FROM fintech.transactions WHERE kind = 'interest'")
            == 2
        )
    assert await _balance(fdb, user.id, savings.id) == D("3655") + accrual.amount
    refused = await _refused(errors.IdempotencyConflict, accrue(savings.id, start, D("0.06")))
    assert refused.column == "annual_rate"
    for call, constraint in (
        (accrue(checking.id, start, D("0.05")), "interest_accruals_account_type_check"),
        (accrue(savings.id, start + timedelta(days=1), D("0.05")), "interest_accruals_period_check"),
        (accrue(savings.id, datetime.now(UTC).date().replace(day=1), D("0.05")),
         "interest_accruals_period_ended_check"),
        (accrue(savings.id, start - timedelta(days=40), D("1")), "interest_accruals_annual_rate_check"),
        (accrue(savings.id, start - timedelta(days=40), D("0.000000001")),
         "interest_accruals_annual_rate_check"),
    ):  # fmt: skip
        bad = await _refused(errors.CheckViolation, call)
        assert isinstance(bad, errors.CheckViolation) and bad.constraint == constraint
    # an earlier month with no balance: recorded, nothing posted
    earlier = (start - timedelta(days=1)).replace(day=1)
    empty = await accrue(savings.id, earlier, D("0.05"))
    assert empty.amount == 0 and empty.posting_id is None
    # the service cannot credit interest at all
    with pytest.raises(errors.PermissionDenied):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_interest_accrual(
                conn, account_id=savings.id, period_start=earlier, annual_rate=D("0.5")
            )
    async with fdb.transaction(user_id=user.id) as conn:
        seen = await fintech.list_interest_accruals_by_account(conn, account_id=savings.id)
    assert [a.period_start for a in seen] == [start, earlier]
    await _ledger_consistent(worker)


# investments --------------------------------------------------------------------------------


async def test_buy_averages_and_sell_realises_gain(
    fdb: Database, owner: Database, worker: Database
) -> None:
    user = await make_user(fdb)
    stranger = await make_user(fdb)
    brokerage = await make_account(fdb, user.id, account_type="investment", balance=D("1000"))
    checking = await make_account(fdb, user.id, balance=D("1000"))

    async def buy(quantity: str, price: str, key: str, account_id: UUID = brokerage.id,
                  as_user: UUID = user.id) -> fintech.InvestmentTrade:  # fmt: skip
        async with fdb.transaction(user_id=as_user) as conn:
            return await fintech.create_investment_buy(
                conn, user_id=as_user, account_id=account_id, symbol="ACME",
                asset_type="stock", quantity=D(quantity), price=D(price), idempotency_key=key,
            )  # fmt: skip

    async def sell(quantity: str, price: str, key: str) -> fintech.InvestmentTrade:
        async with fdb.transaction(user_id=user.id) as conn:
            return await fintech.create_investment_sell(
                conn, user_id=user.id, account_id=brokerage.id, symbol="ACME",
                quantity=D(quantity), price=D(price), idempotency_key=key,
            )  # fmt: skip

    async def holding() -> fintech.Investment:
        async with fdb.transaction(user_id=user.id) as conn:
            (found,) = await fintech.list_investments_by_account(conn, account_id=brokerage.id)
        return found

    first = await buy("10", "20", "b1")
    assert first == await buy("10", "20", "b1")  # a retry posts nothing
    await buy("10", "30", "b2")
    assert await _balance(fdb, user.id, brokerage.id) == D("500")
    h = await holding()
    assert (h.quantity, h.average_cost, h.cost_basis) == (D("20"), D("25"), D("500"))
    assert await _entries(owner, first.posting_id) == [
        (brokerage.id, D("-200.0000"), "investment"),
        (None, D("200.0000"), "investment"),
    ]
    sold = await sell("4", "40", "s1")
    assert (sold.amount, sold.cost_basis_change, sold.realised_gain) == (
        D("160"),
        D("-100"),
        D("60"),
    )
    h = await holding()
    assert (h.quantity, h.average_cost, h.cost_basis) == (D("16"), D("25"), D("400"))
    assert await _balance(fdb, user.id, brokerage.id) == D("660")
    refused = await _refused(errors.InsufficientHolding, sell("16.00000001", "40", "s2"))
    assert refused.column == "quantity"
    await _refused(errors.InsufficientFunds, buy("100", "6.61", "b3"))
    await _refused(errors.IdempotencyConflict, buy("1", "20", "b1"))
    await _refused(errors.NotFound, buy("1", "1", "b4", as_user=stranger.id))
    for call, constraint in (
        (buy("1", "1", "b5", account_id=checking.id), "investment_trades_account_type_check"),
        (buy("0", "1", "b6"), "investment_trades_quantity_check"),
        (buy("1.000000001", "1", "b7"), "investment_trades_quantity_scale_check"),
        (buy("1", "1.00001", "b8"), "investment_trades_price_scale_check"),
        (buy("0.00000001", "1", "b9"), "investment_trades_amount_check"),
    ):
        bad = await _refused(errors.CheckViolation, call)
        assert isinstance(bad, errors.CheckViolation) and bad.constraint == constraint
    everything = await sell("16", "10", "s3")  # at a loss
    assert everything.realised_gain == D("-240")
    assert (await holding()).quantity == 0
    async with fdb.transaction(user_id=user.id) as conn:
        trades = await fintech.list_investment_trades_by_account(conn, account_id=brokerage.id)
    assert [t.idempotency_key for t in trades] == ["b1", "b2", "s1", "s3"]
    assert await _balance(fdb, user.id, brokerage.id) == D("820")
    await _ledger_consistent(worker)


async def test_concurrent_buys_and_sells_conserve_money(
    database_url: str, fdb: Database, owner: Database, worker: Database
) -> None:
    user = await make_user(fdb)
    start_cash = D("100000")
    brokerage = await make_account(fdb, user.id, account_type="investment", balance=start_cash)
    db = await Database.connect(
        Settings.load(url=app_url(database_url), pool_size=8, max_overflow=4, pool_timeout=60)
    )
    rng = random.Random(20261205)
    plan = [
        (
            rng.choice(("buy", "buy", "sell")),
            rng.choice(("ACME", "GLOBEX")),
            D(rng.randint(1, 500)) / 100,
            D(rng.randint(100, 9_999)) / 100,
            f"t-{n}",
        )
        for n in range(120)
    ]

    async def trade(op: tuple[str, str, Decimal, Decimal, str]) -> str:
        side, symbol, quantity, price, key = op
        try:
            async with db.transaction(user_id=user.id) as conn:
                if side == "buy":
                    await fintech.create_investment_buy(
                        conn, user_id=user.id, account_id=brokerage.id, symbol=symbol,
                        asset_type="stock", quantity=quantity, price=price, idempotency_key=key,
                    )  # fmt: skip
                else:
                    await fintech.create_investment_sell(
                        conn, user_id=user.id, account_id=brokerage.id, symbol=symbol,
                        quantity=quantity, price=price, idempotency_key=key,
                    )  # fmt: skip
        except errors.InsufficientHolding:
            return "refused"
        return side

    try:
        outcomes = await asyncio.gather(*(trade(op) for op in plan))
    finally:
        await db.close()
    assert outcomes.count("buy") > 0 and outcomes.count("sell") > 0
    async with fdb.transaction(user_id=user.id) as conn:
        trades = await fintech.list_investment_trades_by_account(conn, account_id=brokerage.id)
        holdings = await fintech.list_investments_by_account(conn, account_id=brokerage.id)
    cash = await _balance(fdb, user.id, brokerage.id)
    assert len(trades) == len(plan) - outcomes.count("refused")
    bought = sum((t.amount for t in trades if t.side == "buy"), D(0))
    sold = sum((t.amount for t in trades if t.side == "sell"), D(0))
    assert cash == start_cash - bought + sold
    # cash + cost basis moves only by realised gains and the rounding of average costs on buys
    realised = sum((t.realised_gain or D(0) for t in trades), D(0))
    rounding = sum((t.cost_basis_change - t.amount for t in trades if t.side == "buy"), D(0))
    cost_basis = sum((h.cost_basis for h in holdings), D(0))
    assert cash + cost_basis == start_cash + realised + rounding
    assert all(
        t.realised_gain == t.amount + t.cost_basis_change for t in trades if t.side == "sell"
    )
    per_symbol: dict[str, Decimal] = {}
    for t in trades:
        per_symbol[t.symbol] = per_symbol.get(t.symbol, D(0)) + (
            t.quantity if t.side == "buy" else -t.quantity
        )
    assert {h.symbol: h.quantity for h in holdings} == per_symbol  # never below zero
    assert all(q >= 0 for q in per_symbol.values())
    await _ledger_consistent(worker)


# read paths ---------------------------------------------------------------------------------


async def test_p2p_payments_received_newest_first_in_pages(fdb: Database) -> None:
    alice = await make_user(fdb)
    bob = await make_user(fdb)
    carol = await make_user(fdb)
    a1 = await make_account(fdb, alice.id, balance=D("100"))
    b1 = await make_account(fdb, bob.id, balance=D("100"))
    c1 = await make_account(fdb, carol.id, balance=D("100"))
    sent = []
    for n, (sender, account) in enumerate(((alice, a1), (carol, c1), (alice, a1))):
        async with fdb.transaction(user_id=sender.id) as conn:
            payment = await fintech.create_p2p_payment(
                conn, sender_id=sender.id, from_account_id=account.id, to_account_id=b1.id,
                amount=D(n + 1), idempotency_key=f"r-{n}", fx_rate=None, note=None,
            )  # fmt: skip
        sent.append(payment)
    async with fdb.transaction(user_id=bob.id) as conn:  # bob pays alice: not received by him
        await fintech.create_p2p_payment(
            conn, sender_id=bob.id, from_account_id=b1.id, to_account_id=a1.id, amount=D("9"),
            idempotency_key="out", fx_rate=None, note=None,
        )  # fmt: skip
        first = await fintech.list_p2p_payments_by_recipient(
            conn, recipient_id=bob.id, before_created_at=None, before_id=None, max_rows=2
        )
        second = await fintech.list_p2p_payments_by_recipient(
            conn, recipient_id=bob.id, before_created_at=first[-1].created_at,
            before_id=first[-1].id, max_rows=2,
        )  # fmt: skip
    assert [p.id for p in first + second] == [p.id for p in reversed(sent)]
    # the recipient's view: what reached their account, not the sender's account or client key
    assert {"from_account_id", "idempotency_key", "fx_rate", "failure_reason"}.isdisjoint(
        type(first[0]).model_fields
    )
    assert first[0].credited_amount == D(3) and first[0].to_account_id == b1.id
    async with fdb.transaction(user_id=alice.id) as conn:  # she sees only what she sent him
        seen = await fintech.list_p2p_payments_by_recipient(
            conn, recipient_id=bob.id, before_created_at=None, before_id=None, max_rows=10
        )
    assert {p.id for p in seen} == {sent[0].id, sent[2].id}


async def test_account_statement_running_balance_matches_the_balance(fdb: Database) -> None:
    user = await make_user(fdb)
    stranger = await make_user(fdb)
    account = await make_account(fdb, user.id, balance=D("100"))
    other = await make_account(fdb, user.id)
    card = await _card(fdb, user.id, account.id)
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_withdrawal(
            conn, account_id=account.id, amount=D("7"), description=None
        )
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_card_payment(
            conn, user_id=user.id, account_id=account.id, card_id=card.id, amount=D("12.5"),
            merchant="Shop", idempotency_key="s-1",
        )  # fmt: skip
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_transfer(
            conn, user_id=user.id, from_account_id=account.id, to_account_id=other.id,
            amount=D("30"), idempotency_key="s-2", fx_rate=None, description=None,
        )  # fmt: skip
    async with fdb.transaction(user_id=user.id) as conn:
        await fintech.create_deposit(conn, account_id=account.id, amount=D("4"), description=None)
    far = datetime(2100, 1, 1, tzinfo=UTC)
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    async with fdb.transaction(user_id=user.id) as conn:
        whole = await fintech.get_account_statement(
            conn, account_id=account.id, period_start=long_ago, period_end=far
        )
        lines = await fintech.list_account_statement_entries(
            conn, account_id=account.id, period_start=long_ago, period_end=far
        )
        # from the withdrawal up to (not including) the deposit
        middle_start, middle_end = lines[1].created_at, lines[-1].created_at
        middle = await fintech.get_account_statement(
            conn, account_id=account.id, period_start=middle_start, period_end=middle_end
        )
        middle_lines = await fintech.list_account_statement_entries(
            conn, account_id=account.id, period_start=middle_start, period_end=middle_end
        )
        balance = await _balance(fdb, user.id, account.id)
    assert balance == D("54.5")
    assert whole is not None and middle is not None
    assert (whole.opening_balance, whole.closing_balance, whole.entries) == (0, balance, 5)
    assert (whole.total_credits, whole.total_debits) == (D("104"), D("49.5"))
    assert [line.amount for line in lines] == [D("100"), D("-7"), D("-12.5"), D("-30"), D("4")]
    assert [line.running_balance for line in lines] == [
        D("100"), D("93"), D("80.5"), D("50.5"), D("54.5")
    ]  # fmt: skip
    assert lines[-1].running_balance == whole.closing_balance == balance
    assert (middle.opening_balance, middle.closing_balance, middle.entries) == (
        D("100"), D("50.5"), 3
    )  # fmt: skip
    assert [line.running_balance for line in middle_lines] == [D("93"), D("80.5"), D("50.5")]
    assert all(line.opening_balance == D("100") for line in middle_lines)
    async with fdb.transaction(user_id=stranger.id) as conn:  # another user's account: nothing
        assert (
            await fintech.get_account_statement(
                conn, account_id=account.id, period_start=long_ago, period_end=far
            )
            is None
        )
        assert (
            await fintech.list_account_statement_entries(
                conn, account_id=account.id, period_start=long_ago, period_end=far
            )
            == []
        )
