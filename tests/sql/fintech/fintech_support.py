"""Helpers for the fintech tests: users and funded accounts made through the typed functions, as
the service would (``fintech_app``): sign-up with no user, everything else as the user."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any
from uuid import UUID

import rls_support

from datalayer import Database, fintech

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"

_numbers = itertools.count(1)


def app_url(database_url: str, kind: str = "app") -> str:
    """The URL of the test login acting through ``fintech_<kind>``."""
    return rls_support.app_url(database_url, "fintech", kind)


def user_fields(email: str | None = None, **overrides: Any) -> dict[str, Any]:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "email": email or f"user{n}@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone_number": "+14155550100",
        "password_hash": BCRYPT,
    }
    fields.update(overrides)
    return fields


async def make_user(db: Database, email: str | None = None, **overrides: Any) -> fintech.User:
    """Signs up a customer (no user is known yet: the sign-up definer function)."""
    async with db.transaction() as conn:
        return await fintech.create_user(conn, **user_fields(email, **overrides))


async def make_account(
    db: Database,
    user_id: UUID,
    *,
    currency: str = "USD",
    account_type: str = "checking",
    credit_limit: Decimal = Decimal("0"),
    balance: Decimal | None = None,
) -> fintech.Account:
    """Opens an account as its user, funded by a deposit of ``balance`` if given."""
    async with db.transaction(user_id=user_id) as conn:
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
            found = await fintech.get_account_by_id(conn, account_id=account.id, user_id=user_id)
            assert found is not None
            account = found
    return account
