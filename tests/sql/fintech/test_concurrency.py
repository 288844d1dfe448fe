"""50 concurrent tasks, 5,000 random transfers and P2P payments among 100 accounts, each made by
fintech_app acting as the user whose account it debits; reconciled by fintech_worker, totals
checked by the owner."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from decimal import Decimal
from uuid import UUID

import pytest
from fintech_support import app_url, make_account, make_user

from datalayer import Database, errors, fintech
from datalayer.settings import Settings

TASKS = 50
OPERATIONS = 5_000
USERS = 20
ACCOUNTS_PER_USER = 5
START = Decimal("1000")


@pytest.mark.slow
async def test_money_is_conserved_under_concurrency(
    database_url: str, worker: Database, owner: Database
) -> None:
    db = await Database.connect(
        Settings.load(url=app_url(database_url), pool_size=10, max_overflow=10, pool_timeout=60)
    )
    try:
        accounts: list[tuple[UUID, UUID, str]] = []  # (user_id, account_id, currency)
        for _ in range(USERS):
            user = await make_user(db)
            for k in range(ACCOUNTS_PER_USER):
                currency = "EUR" if k == ACCOUNTS_PER_USER - 1 else "USD"
                account = await make_account(db, user.id, currency=currency, balance=START)
                accounts.append((user.id, account.id, currency))
        by_user: dict[UUID, list[tuple[UUID, UUID, str]]] = defaultdict(list)
        for entry in accounts:
            by_user[entry[0]].append(entry)
        expected: Counter[str] = Counter()
        for _, _, currency in accounts:
            expected[currency] += START  # type: ignore[assignment]
        outcomes: Counter[str] = Counter()
        failures: list[BaseException] = []
        rng = random.Random(20261123)
        plan = []
        for n in range(OPERATIONS):
            src = rng.choice(accounts)
            if rng.random() < 0.5:
                dst = rng.choice([a for a in by_user[src[0]] if a[1] != src[1]])
                kind = "transfer"
            else:
                dst = rng.choice([a for a in accounts if a[0] != src[0]])
                kind = "p2p"
            amount = Decimal(rng.randint(1, 40_000)) / 100
            rate = (
                None
                if src[2] == dst[2]
                else (Decimal("0.9") if src[2] == "USD" else Decimal("1.1"))
            )
            plan.append((kind, src, dst, amount, rate, f"op-{n}"))

        async def run(op: tuple) -> None:  # type: ignore[type-arg]
            kind, src, dst, amount, rate, key = op
            try:
                async with db.transaction(user_id=src[0]) as conn:  # the debited user acts
                    if kind == "transfer":
                        result = await fintech.create_transfer(
                            conn, user_id=src[0], from_account_id=src[1], to_account_id=dst[1],
                            amount=amount, idempotency_key=key, fx_rate=rate, description=None,
                        )  # fmt: skip
                    else:
                        result = await fintech.create_p2p_payment(
                            conn, sender_id=src[0], from_account_id=src[1], to_account_id=dst[1],
                            amount=amount, idempotency_key=key, fx_rate=rate, note=None,
                        )  # fmt: skip
                assert result is not None and result.status == "completed"
                if rate is not None:
                    expected[result.currency] -= result.amount
                    expected[result.credited_currency] += result.credited_amount
                outcomes["completed"] += 1
            except errors.InsufficientFunds:
                outcomes["insufficient_funds"] += 1
            except Exception as exc:  # any other error fails the test below
                failures.append(exc)

        queue: asyncio.Queue[tuple] = asyncio.Queue()  # type: ignore[type-arg]
        for op in plan:
            queue.put_nowait(op)

        async def task() -> None:
            while not queue.empty():
                await run(queue.get_nowait())

        await asyncio.gather(*(task() for _ in range(TASKS)))

        assert failures == [], f"{len(failures)} unexpected errors, first: {failures[:3]!r}"
        assert outcomes["completed"] + outcomes["insufficient_funds"] == OPERATIONS
        assert outcomes["completed"] > OPERATIONS // 2
        async with worker.transaction() as conn:
            assert await fintech.list_balance_mismatches(conn) == []
            assert await fintech.list_unbalanced_postings(conn) == []
            totals = {t.currency: t for t in await fintech.list_currency_totals(conn)}
        async with owner.transaction() as conn:
            floor_breaches = await conn.fetchval(
                "SELECT count(*) FROM fintech.accounts WHERE balance < -credit_limit"
            )
            balances = dict(
                await conn.fetch(
                    "SELECT currency::text, sum(balance) FROM fintech.accounts GROUP BY currency"
                )
            )
        assert floor_breaches == 0
        for currency, total in totals.items():
            assert total.customer_total + total.clearing_total == 0
            assert total.customer_total == balances[currency] == expected[currency], currency
    finally:
        await db.close()
