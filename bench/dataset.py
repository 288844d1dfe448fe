"""The benchmark data set: fintech users, accounts and ledger entries, loaded with binary COPY
(datalayer.bulk.copy_records) in chunks, with a progress bar. Every posting balances (an account
entry and its clearing leg), and each account's balance equals the sum of its entries, so the
database's own checks (deferred balanced-posting trigger, reconciliation) hold."""

from __future__ import annotations

import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from datalayer import Database
from datalayer.bulk import copy_records

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
HOT_ACCOUNTS = 10
HOT_ENTRIES = 12_000  # the keyset scenario pages to depth 10,000


@dataclass
class Dataset:
    users: list[uuid.UUID] = field(default_factory=list)
    accounts: list[uuid.UUID] = field(default_factory=list)
    hot_account: uuid.UUID | None = None
    hot_user: uuid.UUID | None = None


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.perf_counter()
        self._last = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last > 0.2 or self.done >= self.total:
            self._last = now
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            rate = self.done / max(now - self.started, 1e-9)
            sys.stderr.write(
                f"\r  {self.label:<16} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done:>9,}/{self.total:,} {rate:>9,.0f}/s"
            )
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


async def load(db: Database, *, users: int, entries: int, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    data = Dataset()
    data.users = [uuid.uuid4() for _ in range(users)]
    data.accounts = [uuid.uuid4() for _ in range(users)]
    owner = dict(zip(data.accounts, data.users, strict=True))
    data.hot_account, data.hot_user = data.accounts[0], data.users[0]

    # Postings in time order: the hot accounts get HOT_ENTRIES each, the rest is spread at random.
    postings = entries // 2
    hot_count = max(1, min(HOT_ACCOUNTS, users, postings // (2 * HOT_ENTRIES)))
    hot = [data.accounts[i] for i in range(hot_count)]
    targets = [a for a in hot for _ in range(min(HOT_ENTRIES, postings // hot_count))]
    targets += [rng.choice(data.accounts) for _ in range(postings - len(targets))]
    rng.shuffle(targets)
    start = datetime.now(UTC) - timedelta(days=365)
    balances: dict[uuid.UUID, Decimal] = {}
    rows: list[tuple[object, ...]] = []
    for i, account in enumerate(targets):
        amount = Decimal(rng.randint(100, 100_000)) / 100
        balance = balances.get(account, Decimal(0)) + amount
        balances[account] = balance
        at = start + timedelta(seconds=i * 30)
        posting = uuid.uuid4()
        rows.append((uuid.uuid4(), posting, account, amount, "USD", "deposit", balance, "seed", at))
        rows.append((uuid.uuid4(), posting, None, -amount, "USD", "deposit", None, "seed", at))

    async with db.transaction() as conn:
        # Accounts arrive with the balances their ledger entries (loaded below) add up to.
        await conn.execute("SELECT set_config('fintech.posting', 'on', true)")
        bar = Progress("users", users)
        for lo in range(0, users, 20_000):
            chunk = data.users[lo : lo + 20_000]
            await copy_records(
                conn, "fintech.users",
                ["id", "email", "first_name", "last_name", "password_hash", "role"],
                [(u, f"user{lo + k}@bench.example", "Bench", "User", BCRYPT, "customer") for k, u in enumerate(chunk)],
            )  # fmt: skip
            bar.advance(len(chunk))
        bar = Progress("accounts", users)
        for lo in range(0, users, 20_000):
            chunk = data.accounts[lo : lo + 20_000]
            await copy_records(
                conn, "fintech.accounts",
                ["id", "user_id", "account_number", "account_name", "account_type", "currency", "balance"],
                [
                    (a, owner[a], f"ACC{lo + k:010d}", "Checking", "checking", "USD", balances.get(a, Decimal(0)))
                    for k, a in enumerate(chunk)
                ],
            )  # fmt: skip
            bar.advance(len(chunk))
    bar = Progress("ledger entries", len(rows))
    columns = [
        "id", "posting_id", "account_id", "amount", "currency", "kind", "balance_after",
        "description", "created_at",
    ]  # fmt: skip
    for lo in range(0, len(rows), 100_000):
        chunk = rows[lo : lo + 100_000]
        async with db.transaction() as conn:  # the balanced-posting check runs at each commit
            # A seed load is a posting: the guard on fintech.transactions requires it to say so.
            await conn.execute("SELECT set_config('fintech.posting', 'on', true)")
            await copy_records(conn, "fintech.transactions", columns, chunk)
        bar.advance(len(chunk))
    async with db.acquire() as conn:
        await conn.execute("ANALYZE")
    return data
