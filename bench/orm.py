"""SQLAlchemy 2 ORM mappings of the fintech tables, the way the seeds' applications wrote them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"schema": "fintech"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    phone_number: Mapped[str | None] = mapped_column(String, nullable=True)
    password_hash: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String, server_default=text("'customer'"))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    last_login_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = {"schema": "fintech"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fintech.users.id"))
    account_number: Mapped[str] = mapped_column(String)
    account_name: Mapped[str] = mapped_column(String)
    account_type: Mapped[str] = mapped_column(String)
    currency: Mapped[str] = mapped_column(String)
    balance: Mapped[Decimal] = mapped_column(Numeric(19, 4))
    credit_limit: Mapped[Decimal] = mapped_column(Numeric(19, 4))
    status: Mapped[str] = mapped_column(String)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class Entry(Base):
    __tablename__ = "transactions"
    __table_args__ = {"schema": "fintech"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    posting_id: Mapped[uuid.UUID]
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fintech.accounts.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(19, 4))
    currency: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    balance_after: Mapped[Decimal | None] = mapped_column(Numeric(19, 4))
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fintech.transfers.id"))
    p2p_transaction_id: Mapped[uuid.UUID | None]
    description: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class Transfer(Base):
    __tablename__ = "transfers"
    __table_args__ = {"schema": "fintech"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID]
    from_account_id: Mapped[uuid.UUID]
    to_account_id: Mapped[uuid.UUID]
    amount: Mapped[Decimal] = mapped_column(Numeric(19, 4))
    currency: Mapped[str]
    fx_rate: Mapped[Decimal | None] = mapped_column(Numeric(19, 8))
    credited_amount: Mapped[Decimal] = mapped_column(Numeric(19, 4))
    credited_currency: Mapped[str]
    status: Mapped[str]
    idempotency_key: Mapped[str]
    description: Mapped[str | None]
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class BulkUser(Base):
    """The same columns as fintech.users in a table without CHECKs or secondary indexes."""

    __tablename__ = "bulk_users"
    __table_args__ = {"schema": "public"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    password_hash: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String)
