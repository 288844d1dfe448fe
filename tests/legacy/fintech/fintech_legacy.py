"""HoardRun as its old stack made it: the SQLAlchemy models of seed 004 (UUID keys, Numeric money,
enums, a ledger the application code kept and no trigger enforced), created with
``metadata.create_all`` plus an ``alembic_version`` row, and a generator that fills them.

What the old stack allowed and the new schema refuses (the generator makes some of each): emails
unique only as typed (two users differing in case), enum columns stored as VARCHAR without a CHECK
(roles, statuses, types, brands outside the set), negative balances, balances that drifted from
their ledger, ledger rows whose account is gone (``transactions.account_id`` and ``cards.account_id``
had an index but no foreign key), zero amounts, a P2P payment to oneself, malformed symbols.
"""

from __future__ import annotations

import enum
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
from psycopg import sql
from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Uuid,
    create_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ALEMBIC_REVISION = "7c1f3e9a2b44"


class Base(DeclarativeBase):
    pass


class AccountTypeEnum(enum.Enum):
    CHECKING = "checking"
    SAVINGS = "savings"
    INVESTMENT = "investment"
    CREDIT = "credit"


def _loose(*values: str) -> Enum:
    """An enum the old models stored as VARCHAR without a CHECK (SQLAlchemy's non-native enum)."""
    return Enum(*values, native_enum=False, create_constraint=False, length=20)


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone_number: Mapped[str | None] = mapped_column(String(20), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(_loose("customer", "support", "admin"), default="customer")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    account_number: Mapped[str] = mapped_column(String(20), unique=True)
    account_name: Mapped[str] = mapped_column(String(100))
    account_type: Mapped[AccountTypeEnum] = mapped_column(
        Enum(
            AccountTypeEnum, name="accounttypeenum", values_callable=lambda e: [m.value for m in e]
        )
    )
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    balance: Mapped[Decimal] = mapped_column(Numeric(15, 2), default=0)
    credit_limit: Mapped[Decimal] = mapped_column(Numeric(15, 2), default=0)
    status: Mapped[str] = mapped_column(_loose("active", "frozen", "closed"), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Transfer(Base):
    __tablename__ = "transfers"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    from_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(_loose("pending", "completed", "failed", "cancelled"))
    reference_number: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)


class P2PTransaction(Base):
    __tablename__ = "p2p_transactions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    sender_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    sender_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    recipient_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(_loose("pending", "completed", "failed", "cancelled"))
    reference_number: Mapped[str] = mapped_column(String(50), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Transaction(Base):
    __tablename__ = "transactions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Indexed, never a foreign key in the old models: bulk imports wrote it unchecked.
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    transaction_type: Mapped[str] = mapped_column(
        _loose("deposit", "withdrawal", "transfer", "p2p", "card_payment", "fee", "interest")
    )
    status: Mapped[str] = mapped_column(_loose("pending", "completed", "failed", "cancelled"))
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))  # signed: debits are negative
    currency: Mapped[str] = mapped_column(String(3))
    balance_after: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    description: Mapped[str | None] = mapped_column(Text)
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfers.id"))
    p2p_transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("p2p_transactions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow, index=True)


class Card(Base):
    __tablename__ = "cards"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # no foreign key either
    card_brand: Mapped[str] = mapped_column(_loose("visa", "mastercard", "amex", "discover"))
    card_type: Mapped[str] = mapped_column(_loose("debit", "credit", "prepaid"))
    last_four: Mapped[str] = mapped_column(String(4))
    cardholder_name: Mapped[str] = mapped_column(String(100))
    card_token: Mapped[str] = mapped_column(String(255))  # the processor's token, in clear
    expiry_month: Mapped[int] = mapped_column(Integer)
    expiry_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(_loose("active", "frozen", "cancelled", "expired"))
    spending_limit: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Investment(Base):
    __tablename__ = "investments"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    symbol: Mapped[str] = mapped_column(String(20))
    asset_type: Mapped[str] = mapped_column(_loose("stock", "etf", "bond", "fund", "crypto"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(20, 8))
    average_cost: Mapped[Decimal] = mapped_column(Numeric(15, 4))
    current_price: Mapped[Decimal] = mapped_column(Numeric(15, 4))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


#: Legacy tables in the order they are loaded (parents first).
TABLES = (
    "users",
    "accounts",
    "transfers",
    "p2p_transactions",
    "transactions",
    "cards",
    "investments",
)


def create_schema(url: str, schema: str) -> None:
    """What the old stack made: ``create_all`` in ``schema`` and Alembic's version row."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": f"-c search_path={schema}"},
    )
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {t} (version_num varchar(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); "
                "INSERT INTO {t} VALUES ('" + ALEMBIC_REVISION + "')"
            ).format(t=sql.Identifier(schema, "alembic_version"))
        )


# --- the generator ---------------------------------------------------------------------------

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]
BCRYPT = "$2b$12$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
ARGON = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"
SYMBOLS = ["AAPL", "MSFT", "VTI", "BND", "BTC-USD", "BRK.B", "SPY", "ETH-USD"]


@dataclass
class Expected:
    """What the generator planted: refused rows per table (for the tests' own arithmetic)."""

    rows: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)


@dataclass
class _Acct:
    id: uuid.UUID
    user: uuid.UUID
    kind: str
    currency: str
    balance: Decimal = Decimal(0)
    limit: Decimal = Decimal(0)
    flawed: bool = False


def _copy(
    conn: psycopg.Connection[tuple[object, ...]],
    schema: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor().copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


def generate(url: str, schema: str, transactions: int, *, seed: int = 19) -> Expected:
    """Fill the legacy tables around ``transactions`` ledger rows (the largest table), loaded with
    COPY. About 1 in 50 rows of each table is one the new schema refuses."""
    rng = random.Random(seed)
    base = datetime(2023, 1, 1)
    n_users = max(transactions // 40, 20)
    users: list[tuple[object, ...]] = []
    emails: list[str] = []
    planted: dict[str, int] = {}

    def plant(what: str) -> None:
        planted[what] = planted.get(what, 0) + 1

    for i in range(n_users):
        uid = uuid.UUID(int=rng.getrandbits(128), version=4)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}.{i}@example.com".lower()
        role = "customer" if i % 97 else "support"
        pw = BCRYPT if i % 2 else ARGON
        phone: str | None = f"+1415{i:07d}" if i % 3 else None
        created = base + timedelta(minutes=i)
        # Defects only among the users who never pay other users: a refusal spreads along the
        # money (an account, its entries, the payments they belong to, the other side's account).
        slot = (i // 5) % 13 if i % 5 == 0 else -1
        if slot == 1:
            role = "superuser"
            plant("users: invalid role")
        elif slot == 3:
            pw = "5f4dcc3b5aa765d61d8327deb882cf99"
            plant("users: password hash format")
        elif slot == 5 and i >= 5:
            email = emails[i - 5].upper()  # the same address, typed in capitals, signed up again
            plant("users: duplicate email")
        elif slot == 7:
            phone = "0415 555 0100"
            plant("users: phone format")
        emails.append(email)
        users.append((uid, email, first, last, phone, pw, role, True, None, created, created))

    accounts: list[_Acct] = []
    account_rows: list[tuple[object, ...]] = []
    for n, u in enumerate(users):
        uid = u[0]
        assert isinstance(uid, uuid.UUID)
        for kind in (
            (["checking", "savings"] if rng.random() < 0.5 else ["checking"])
            + (["credit"] if rng.random() < 0.2 else [])
            + (["investment"] if rng.random() < 0.25 else [])
        ):
            a = _Acct(
                uuid.UUID(int=rng.getrandbits(128), version=4),
                uid,
                kind,
                "EUR" if rng.random() < 0.1 else "USD",
            )
            a.flawed = n % 5 == 0
            if kind == "credit":
                a.limit = Decimal("1000.00")
            accounts.append(a)
    by_user: dict[uuid.UUID, list[_Acct]] = {}
    for a in accounts:
        by_user.setdefault(a.user, []).append(a)

    tx: list[list[object]] = []
    transfers: list[tuple[object, ...]] = []
    p2ps: list[tuple[object, ...]] = []
    clock = base + timedelta(days=30)

    def entry(
        a: _Acct,
        kind: str,
        amount: Decimal,
        status: str = "completed",
        transfer: uuid.UUID | None = None,
        p2p: uuid.UUID | None = None,
    ) -> None:
        nonlocal clock
        clock += timedelta(seconds=rng.randint(1, 90))
        if status == "completed":
            a.balance += amount
        tx.append(
            [
                uuid.UUID(int=rng.getrandbits(128), version=4),
                a.id,
                kind,
                status,
                amount,
                a.currency,
                a.balance if status == "completed" else None,
                f"{kind} {len(tx)}",
                transfer,
                p2p,
                clock,
            ]
        )

    spenders = [a for a in accounts if a.kind != "investment"]
    while len(tx) < transactions:
        a = rng.choice(spenders)
        roll = rng.random()
        if roll < 0.35 or a.balance + a.limit < 20:
            entry(a, "deposit", Decimal(rng.randint(2000, 200000)) / 100)
        elif roll < 0.60:
            amount = Decimal(rng.randint(100, int((a.balance + a.limit) * 50) + 101)) / 100
            entry(
                a,
                rng.choice(["withdrawal", "card_payment", "fee"]),
                -min(amount, a.balance + a.limit),
            )
        elif roll < 0.65:
            entry(a, "interest", Decimal(rng.randint(1, 500)) / 100)
        elif roll < 0.70:
            entry(
                a,
                "deposit",
                Decimal(rng.randint(100, 5000)) / 100,
                status=rng.choice(["pending", "failed"]),
            )
        elif roll < 0.85:
            others = [
                b
                for b in by_user[a.user]
                if b is not a and b.currency == a.currency and b.kind != "investment"
            ]
            if not others or a.balance < 10:
                continue
            b = rng.choice(others)
            amount = Decimal(rng.randint(100, int(a.balance * 50) + 100)) / 100
            amount = min(amount, a.balance)
            tid = uuid.UUID(int=rng.getrandbits(128), version=4)
            transfers.append(
                (
                    tid,
                    a.user,
                    a.id,
                    b.id,
                    amount,
                    a.currency,
                    "completed",
                    f"TRF{len(transfers):09d}",
                    None,
                    clock,
                    clock,
                )
            )
            entry(a, "transfer", -amount, transfer=tid)
            entry(b, "transfer", amount, transfer=tid)
        else:
            b = rng.choice(spenders)
            if (
                a.flawed
                or b.flawed
                or b.user == a.user
                or b.currency != a.currency
                or a.balance < 10
            ):
                continue
            amount = min(Decimal(rng.randint(100, 20000)) / 100, a.balance)
            pid = uuid.UUID(int=rng.getrandbits(128), version=4)
            p2ps.append(
                (
                    pid,
                    a.user,
                    b.user,
                    a.id,
                    b.id,
                    amount,
                    a.currency,
                    "completed",
                    f"P2P{len(p2ps):09d}",
                    "thanks",
                    clock,
                    clock,
                )
            )
            entry(a, "p2p", -amount, p2p=pid)
            entry(b, "p2p", amount, p2p=pid)

    # Rows the new schema refuses (in the accounts of users who never pay other users).
    flawed = {a.id: a for a in accounts if a.flawed}
    for k in range(0, len(tx), 97):
        row = tx[k]
        acct = flawed.get(row[1])  # type: ignore[arg-type]
        if acct is None or row[3] != "completed" or row[8] is not None:
            continue
        if k % 3 == 0:
            row[1] = uuid.UUID(int=rng.getrandbits(128), version=4)  # its account is gone
            plant("transactions: orphan")
        elif k % 3 == 1:
            row[2] = "refund"
            plant("transactions: invalid type")
        else:
            row[4] = Decimal(0)
            plant("transactions: zero amount")
    for k in range(0, len(p2ps), 50):  # a pending payment to oneself (nothing moved yet)
        pid, sender, _, from_acct, _, amount, currency, _, ref, note, when, _ = p2ps[k]
        p2ps.append(
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                sender,
                sender,
                from_acct,
                from_acct,
                amount,
                currency,
                "pending",
                ref + "S",
                note,
                when,
                None,
            )
        )
        plant("p2p_transactions: to oneself")
    drifting = [a for a in accounts if a.flawed]
    for k in range(5, len(drifting), 23):
        drifting[k].balance += Decimal("0.01")  # the stored balance drifted from its ledger
        plant("accounts: balance drift")
    for k in range(11, len(drifting), 23):
        if drifting[k].kind != "credit":
            drifting[k].balance = -abs(drifting[k].balance) - Decimal("5.00")
            plant("accounts: negative balance")

    for i, a in enumerate(accounts):
        account_rows.append(
            (
                a.id,
                a.user,
                f"ACC{i:010d}",
                f"{a.kind.title()} account",
                a.kind,
                a.currency,
                a.balance,
                a.limit,
                "active",
                base,
                base,
            )
        )
    cards = []
    for i, a in enumerate(x for x in accounts if x.kind in ("checking", "credit")):
        if i % 2:
            continue
        brand = ["visa", "mastercard", "amex"][i % 3]
        account_id = a.id
        if i % 61 == 4:
            brand = "diners"
            plant("cards: invalid brand")
        elif i % 61 == 8:
            account_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            plant("cards: orphan")
        cards.append(
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                a.user,
                account_id,
                brand,
                "credit" if a.kind == "credit" else "debit",
                f"{i % 10000:04d}",
                "CARD HOLDER",
                f"tok_{uuid.UUID(int=rng.getrandbits(128)).hex}",
                1 + i % 12,
                2027 + i % 4,
                "active",
                None,
                base,
                base,
            )
        )
    investments = []
    for i, a in enumerate(x for x in accounts if x.kind == "investment"):
        symbol = SYMBOLS[i % len(SYMBOLS)]
        if i % 59 == 6:
            symbol = "brk b"
            plant("investments: symbol format")
        investments.append(
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                a.id,
                symbol,
                "crypto" if "-" in symbol else "stock",
                Decimal(rng.randint(1, 10**6)) / 1000,
                Decimal("101.2500"),
                Decimal("120.1000"),
                base,
                base,
            )
        )

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _copy(
            conn,
            schema,
            "users",
            [
                "id",
                "email",
                "first_name",
                "last_name",
                "phone_number",
                "password_hash",
                "role",
                "is_active",
                "last_login",
                "created_at",
                "updated_at",
            ],
            users,
        )
        _copy(
            conn,
            schema,
            "accounts",
            [
                "id",
                "user_id",
                "account_number",
                "account_name",
                "account_type",
                "currency",
                "balance",
                "credit_limit",
                "status",
                "created_at",
                "updated_at",
            ],
            account_rows,
        )
        _copy(
            conn,
            schema,
            "transfers",
            [
                "id",
                "user_id",
                "from_account_id",
                "to_account_id",
                "amount",
                "currency",
                "status",
                "reference_number",
                "description",
                "created_at",
                "completed_at",
            ],
            transfers,
        )
        _copy(
            conn,
            schema,
            "p2p_transactions",
            [
                "id",
                "sender_id",
                "recipient_id",
                "sender_account_id",
                "recipient_account_id",
                "amount",
                "currency",
                "status",
                "reference_number",
                "note",
                "created_at",
                "completed_at",
            ],
            p2ps,
        )
        _copy(
            conn,
            schema,
            "transactions",
            [
                "id",
                "account_id",
                "transaction_type",
                "status",
                "amount",
                "currency",
                "balance_after",
                "description",
                "transfer_id",
                "p2p_transaction_id",
                "created_at",
            ],
            tx,
        )
        _copy(
            conn,
            schema,
            "cards",
            [
                "id",
                "user_id",
                "account_id",
                "card_brand",
                "card_type",
                "last_four",
                "cardholder_name",
                "card_token",
                "expiry_month",
                "expiry_year",
                "status",
                "spending_limit",
                "created_at",
                "updated_at",
            ],
            cards,
        )
        _copy(
            conn,
            schema,
            "investments",
            [
                "id",
                "account_id",
                "symbol",
                "asset_type",
                "quantity",
                "average_cost",
                "current_price",
                "created_at",
                "updated_at",
            ],
            investments,
        )
    rows = {
        "users": len(users),
        "accounts": len(account_rows),
        "transfers": len(transfers),
        "p2p_transactions": len(p2ps),
        "transactions": len(tx),
        "cards": len(cards),
        "investments": len(investments),
    }
    return Expected(rows=rows, planted=planted)
