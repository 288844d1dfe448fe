"""Helpers for the fintech tests: users and funded accounts made through the typed functions."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from datalayer import fintech
from datalayer.queries import Connection

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"

_numbers = itertools.count(1)


async def make_user(conn: Connection, email: str | None = None, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "email": email or f"user{n}@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone_number": "+14155550100",
        "password_hash": BCRYPT,
        "role": "customer",
    }
    fields.update(overrides)
    return await fintech.create_user(conn, **fields)


async def make_account(
    conn: Connection,
    user_id: Any,
    *,
    currency: str = "USD",
    account_type: str = "checking",
    credit_limit: Decimal = Decimal("0"),
    balance: Decimal | None = None,
) -> Any:
    account = await fintech.create_account(
        conn,
        user_id=user_id,
        account_number=f"ACC{next(_numbers):010d}",
        account_name="Main",
        account_type=account_type,
        currency=currency,
        credit_limit=credit_limit,
    )
    if balance:
        await fintech.create_deposit(
            conn, account_id=account.id, amount=balance, description="seed"
        )
        account = await fintech.get_account_by_id(conn, account_id=account.id, user_id=user_id)
    return account
