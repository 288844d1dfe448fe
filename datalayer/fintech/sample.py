"""Sample data for fintech (``datalayer sample --app fintech``): users, accounts, cards, holdings,
transfers, P2P payments and the ledger that explains every balance.

Money is simulated in time order like the posting functions would move it: each movement checks
the funds at that moment (a transfer or P2P payment without them fails, as the functions refuse
it), writes balanced ledger entries (account legs with ``balance_after``, a clearing leg for money
entering or leaving the bank) and the account's balance is the sum of its entries. The rows are
written inside the transaction's ``fintech.posting`` setting, which the ledger guards require.

One function per table; the shares and sizes below are the knobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from datalayer.admin.sample import EPOCH, Sample

TABLES = (
    "fintech.users",
    "fintech.accounts",
    "fintech.cards",
    "fintech.investments",
    "fintech.transfers",
    "fintech.p2p_transactions",
    "fintech.transactions",
)

USERS_PER_SCALE = 50
CENT = Decimal("0.01")
CURRENCIES = {"USD": 0.6, "EUR": 0.2, "GBP": 0.1, "NGN": 0.1}
ACCOUNT_TYPES = {"checking": 0.5, "savings": 0.3, "investment": 0.1, "credit": 0.1}
FIRST = ["Ada", "Bola", "Chen", "Dana", "Emeka", "Fatima", "Grace", "Hiro", "Ines", "Jamal",
         "Kofi", "Lena", "Mei", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sade", "Tomas"]  # fmt: skip
LAST = ["Adeyemi", "Brown", "Chukwu", "Diaz", "Eze", "Fischer", "Garcia", "Hassan", "Ito",
        "Johnson", "Kim", "Lopez", "Mensah", "Nwosu", "Okafor", "Patel", "Rossi", "Smith"]  # fmt: skip
SYMBOLS = {"AAPL": "stock", "MSFT": "stock", "NVDA": "stock", "VTI": "etf", "SPY": "etf",
           "BND": "bond", "VFIAX": "fund", "BTC": "crypto", "ETH": "crypto", "KO": "stock"}  # fmt: skip


def plan(scale: int) -> dict[str, int]:
    users = USERS_PER_SCALE * scale
    return {
        "fintech.users": users,
        "fintech.accounts": users * 2,
        "fintech.cards": users,
        "fintech.investments": users // 2,
        "fintech.transfers": users * 3,
        "fintech.p2p_transactions": users * 3,
        "fintech.transactions": users * 40,
    }


@dataclass
class Account:
    id: UUID
    user_id: UUID
    number: str
    name: str
    type: str
    currency: str
    credit_limit: Decimal
    status: str
    created_at: datetime
    closed_at: datetime | None
    balance: Decimal = Decimal(0)
    updated_at: datetime | None = None


@dataclass
class Ledger:
    """The entries written so far, and the balances they make."""

    sample: Sample
    rows: list[tuple[object, ...]] = field(default_factory=list)

    def post(
        self,
        at: datetime,
        legs: Sequence[tuple[Account | None, Decimal, str]],
        kind: str,
        description: str | None,
        transfer_id: UUID | None = None,
        p2p_id: UUID | None = None,
    ) -> None:
        """One balanced posting: (account or None for the clearing leg, amount, currency)."""
        posting = self.sample.uuid(at)
        for account, amount, currency in legs:
            after = None
            if account is not None:
                account.balance += amount
                account.updated_at = at
                after = account.balance
            self.rows.append((
                self.sample.uuid(at), posting, account.id if account else None, amount, currency,
                kind, after, transfer_id, p2p_id, description, at,
            ))  # fmt: skip

    def external(self, at: datetime, account: Account, amount: Decimal, kind: str) -> None:
        """Money entering (amount > 0) or leaving the bank: the account leg and a clearing leg."""
        self.post(at, [(account, amount, account.currency), (None, -amount, account.currency)],
                  kind, kind.replace("_", " "))  # fmt: skip


def _money(sample: Sample, low: float, high: float) -> Decimal:
    """An amount between low and high, log-uniform (many small, a few large)."""
    import math

    value = math.exp(sample.rng.uniform(math.log(low), math.log(high)))
    return Decimal(str(value)).quantize(CENT)


def _floor(account: Account) -> Decimal:
    return -account.credit_limit


def users(sample: Sample) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in range(USERS_PER_SCALE * sample.scale):
        created = sample.moment(days=720)
        first, last = sample.rng.choice(FIRST), sample.rng.choice(LAST)
        rows.append((
            sample.uuid(created), f"{first}.{last}.{i}@example.com".lower(), first, last,
            sample.maybe("+234" + sample.digits(10), 0.3), sample.password_hash(),
            sample.pick({"customer": 0.97, "support": 0.02, "admin": 0.01}),
            sample.rng.random() > 0.03,
            sample.maybe(sample.moment(after=created), 0.15), created, created,
        ))  # fmt: skip
    return rows


def accounts(sample: Sample, people: list[tuple[object, ...]]) -> list[Account]:
    out: list[Account] = []
    serial = 0
    for person in people:
        user_id, created = person[0], person[9]
        assert isinstance(user_id, UUID) and isinstance(created, datetime)
        for _ in range(sample.count(1.0, low=1, high=6)):
            serial += 1
            kind = sample.pick(ACCOUNT_TYPES)
            opened = sample.moment(after=created)
            status = sample.pick({"active": 0.9, "frozen": 0.07, "closed": 0.03})
            out.append(Account(
                id=sample.uuid(opened), user_id=user_id, number=f"ACC{serial:010d}",
                name=f"{kind.title()} {serial}", type=kind, currency=sample.pick(CURRENCIES),
                credit_limit=_money(sample, 500, 20000) if kind == "credit" else Decimal(0),
                status=status, created_at=opened,
                closed_at=sample.later(opened, hours=24 * 90) if status == "closed" else None,
            ))  # fmt: skip
    return out


def simulate(
    sample: Sample, accts: list[Account]
) -> tuple[Ledger, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every movement in time order: deposits, withdrawals, card payments, fees, interest,
    transfers between a user's accounts and P2P payments between users."""
    ledger = Ledger(sample)
    live = [a for a in accts if a.status != "closed"]
    by_user: dict[UUID, list[Account]] = {}
    for a in live:
        by_user.setdefault(a.user_id, []).append(a)
    by_currency: dict[str, list[Account]] = {}
    for a in live:
        by_currency.setdefault(a.currency, []).append(a)
    events: list[tuple[datetime, int, str, Account, Account | None]] = []
    n = 0
    for a in live:
        events.append((a.created_at + timedelta(minutes=5), n, "open", a, None))
        n += 1
        for _ in range(sample.count(12.0, high=80)):
            kind = sample.pick({"deposit": 0.3, "withdrawal": 0.2, "card_payment": 0.35,
                                "fee": 0.05, "interest": 0.1})  # fmt: skip
            if kind == "interest" and a.type != "savings":
                kind = "deposit"
            events.append((sample.moment(after=a.created_at), n, kind, a, None))
            n += 1
    for _ in range(len(live) * 3 // 2):
        a = sample.skewed(live)
        mates = [b for b in by_user[a.user_id] if b is not a and b.currency == a.currency]
        if mates:
            events.append(
                (sample.moment(after=a.created_at), n, "transfer", a, sample.rng.choice(mates))
            )
            n += 1
        others = [b for b in by_currency[a.currency] if b.user_id != a.user_id]
        if others:
            b = sample.skewed(others)
            start = max(a.created_at, b.created_at)
            events.append((sample.moment(after=start), n, "p2p", a, b))
            n += 1
    events.sort(key=lambda e: (e[0], e[1]))
    transfers: list[tuple[object, ...]] = []
    p2p: list[tuple[object, ...]] = []
    for at, i, kind, src, dst in events:
        if kind == "open":
            ledger.external(at, src, _money(sample, 50, 5000), "deposit")
        elif kind in ("deposit", "interest"):
            high = 20.0 if kind == "interest" else 3000.0
            ledger.external(at, src, _money(sample, 1, high), kind)
        elif kind in ("withdrawal", "card_payment", "fee"):
            amount = _money(sample, 1, 15.0 if kind == "fee" else 800.0)
            if src.balance - amount >= _floor(src):
                ledger.external(at, src, -amount, kind)
        else:
            assert dst is not None
            amount = _money(sample, 5, 1500)
            moved_id = sample.uuid(at)
            state = sample.pick({"completed": 0.9, "pending": 0.05, "failed": 0.05})
            reason = None
            if state == "completed" and src.balance - amount < _floor(src):
                state, reason = "failed", "insufficient funds"
            elif state == "failed":
                reason = sample.pick({"account not active": 0.5, "declined by risk checks": 0.5})
            done = at + timedelta(seconds=1) if state == "completed" else None
            key = f"sample-{i}"
            if kind == "transfer":
                transfers.append((
                    moved_id, src.user_id, src.id, dst.id, amount, src.currency, None, amount, src.currency,
                    state, reason, key, sample.maybe("between my accounts", 0.5), at,
                    done or at, done, None,
                ))  # fmt: skip
            else:
                p2p.append((
                    moved_id, src.user_id, dst.user_id, src.id, dst.id, amount, src.currency, None, amount,
                    src.currency, state, reason, key, sample.maybe("thanks!", 0.6), at,
                    done or at, done, None,
                ))  # fmt: skip
            if state == "completed" and done is not None:
                legs = [(src, -amount, src.currency), (dst, amount, dst.currency)]
                if kind == "transfer":
                    ledger.post(done, legs, "transfer", None, transfer_id=moved_id)
                else:
                    ledger.post(done, legs, "p2p", None, p2p_id=moved_id)
    return ledger, transfers, p2p


def cards(sample: Sample, accts: list[Account]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for a in accts:
        if a.type not in ("checking", "credit") or sample.rng.random() > 0.7:
            continue
        year = a.created_at.year + sample.rng.randint(0, 4)
        expired = (year, 12) < (EPOCH.year, EPOCH.month)
        status = "expired" if expired else sample.pick({"active": 0.9, "frozen": 0.05,
                                                        "cancelled": 0.05})  # fmt: skip
        if a.status == "closed":
            status = "cancelled"
        rows.append((
            sample.uuid(a.created_at), a.user_id, a.id,
            sample.pick({"visa": 0.5, "mastercard": 0.35, "amex": 0.1, "discover": 0.05}),
            "credit" if a.type == "credit" else "debit", sample.digits(4), a.name.upper(),
            sample.rng.randbytes(32), sample.rng.randint(1, 12), year, status,
            sample.maybe(_money(sample, 100, 5000), 0.6), a.created_at, a.created_at,
        ))  # fmt: skip
    return rows


def investments(sample: Sample, accts: list[Account]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for a in accts:
        if a.type != "investment" or a.status == "closed":
            continue
        for symbol in sample.rng.sample(sorted(SYMBOLS), sample.count(3.0, low=1, high=8)):
            cost = _money(sample, 1, 900)
            price = (cost * Decimal(str(sample.rng.uniform(0.6, 1.8)))).quantize(CENT)
            at = sample.moment(after=a.created_at)
            rows.append((
                sample.uuid(at), a.id, "investment", symbol, SYMBOLS[symbol],
                Decimal(str(round(sample.rng.uniform(0.1, 200), 4))), cost, price,
                sample.later(at, hours=24 * 30), at, at,
            ))  # fmt: skip
    return rows


async def load(sample: Sample) -> None:
    # The ledger guards accept balances and entries only inside a posting.
    await sample.conn.execute("SELECT set_config('fintech.posting', 'on', true)")
    people = users(sample)
    accts = accounts(sample, people)
    ledger, transfers, p2p = simulate(sample, accts)
    await sample.copy(
        "fintech.users",
        ["id", "email", "first_name", "last_name", "phone_number", "password_hash", "role",
         "is_active", "last_login_at", "created_at", "updated_at"],
        people,
    )  # fmt: skip
    await sample.copy(
        "fintech.accounts",
        ["id", "user_id", "account_number", "account_name", "account_type", "currency",
         "balance", "credit_limit", "status", "closed_at", "created_at", "updated_at"],
        [(a.id, a.user_id, a.number, a.name, a.type, a.currency, a.balance, a.credit_limit,
          a.status, a.closed_at, a.created_at, a.updated_at or a.created_at) for a in accts],
    )  # fmt: skip
    await sample.copy(
        "fintech.cards",
        ["id", "user_id", "account_id", "brand", "card_type", "last4", "cardholder_name",
         "token_encrypted", "expiry_month", "expiry_year", "status", "spending_limit",
         "created_at", "updated_at"],
        cards(sample, accts),
    )  # fmt: skip
    await sample.copy(
        "fintech.investments",
        ["id", "account_id", "account_type", "symbol", "asset_type", "quantity", "average_cost",
         "current_price", "price_updated_at", "created_at", "updated_at"],
        investments(sample, accts),
    )  # fmt: skip
    movement = ["amount", "currency", "fx_rate", "credited_amount", "credited_currency",
                "status", "failure_reason", "idempotency_key"]  # fmt: skip
    await sample.copy(
        "fintech.transfers",
        ["id", "user_id", "from_account_id", "to_account_id", *movement, "description",
         "created_at", "updated_at", "completed_at", "reversed_at"],
        transfers,
    )  # fmt: skip
    await sample.copy(
        "fintech.p2p_transactions",
        ["id", "sender_id", "recipient_id", "from_account_id", "to_account_id", *movement,
         "note", "created_at", "updated_at", "completed_at", "reversed_at"],
        p2p,
    )  # fmt: skip
    await sample.copy(
        "fintech.transactions",
        ["id", "posting_id", "account_id", "amount", "currency", "kind", "balance_after",
         "transfer_id", "p2p_transaction_id", "description", "created_at"],
        ledger.rows,
    )  # fmt: skip
    await sample.conn.execute("SELECT set_config('fintech.posting', '', true)")
