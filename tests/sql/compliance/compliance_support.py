"""Helpers for the compliance tests: users, frameworks, profiles and evidence made through the
typed functions.

The service (``compliance_app``) acts for one user per transaction (``datalayer.user_id``): the
helpers that make a user's object first act as that user in the transaction, as a service does
for the signed-in user (:func:`act_as`). Frameworks are reference data only the owner writes, so
:func:`make_framework` takes the owner's side (the ``owner`` fixture)."""

from __future__ import annotations

import itertools
from typing import Any

from rls_support import app_url as app_url  # re-exported for the tests

from datalayer import Database
from datalayer import compliance as _compliance
from datalayer.queries import Connection

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
KEY = "correct horse battery staple"

_numbers = itertools.count(1)


async def act_as(conn: Connection, user_id: Any) -> None:
    """Act as ``user_id`` for the rest of the transaction (what ``transaction(user_id=...)`` sets
    at BEGIN); ``None`` acts as nobody."""
    await conn.execute(
        "SELECT set_config('datalayer.user_id', $1, true)", str(user_id) if user_id else ""
    )


async def make_user(conn: Connection, email: str | None = None, **overrides: Any) -> Any:
    """Sign up a user (no user needed), then act as them in this transaction."""
    fields: dict[str, Any] = {
        "email": email or f"user{next(_numbers)}@example.com",
        "hashed_password": BCRYPT,
    }
    fields.update(overrides)
    user = await _compliance.create_user(conn, **fields)
    await act_as(conn, user.id)
    return user


async def make_framework(
    owner: Database | Connection, code: str | None = None, **overrides: Any
) -> Any:
    """A framework, made on the owner's side (the service may not write frameworks)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "code": code or f"fw{n}",
        "name": f"Framework {n}",
        "version": "2022",
        "category": "security",
        "description": None,
    }
    fields.update(overrides)
    if isinstance(owner, Database):
        async with owner.transaction() as conn:
            return await _compliance.create_framework(conn, **fields)
    return await _compliance.create_framework(owner, **fields)


async def make_profile(conn: Connection, user_id: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "company_name": "Acme Ltd",
        "industry": "software",
        "employee_count": 42,
        "handles_personal_data": True,
        "processes_payments": False,
        "stores_health_data": False,
        "provides_financial_services": False,
        "operates_critical_infrastructure": False,
        "has_international_operations": True,
        "data_sensitivity": "High",
    }
    fields.update(overrides)
    await act_as(conn, user_id)
    return await _compliance.create_business_profile(conn, **fields)


async def make_evidence(
    conn: Connection, user_id: Any, profile_id: Any, framework_id: Any, **overrides: Any
) -> Any:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "business_profile_id": profile_id,
        "framework_id": framework_id,
        "evidence_name": "Access control policy",
        "description": "Who may access production systems, and how access is reviewed.",
        "control_reference": "A.5.15",
        "priority": "high",
        "ai_metadata": {},
    }
    fields.update(overrides)
    await act_as(conn, user_id)
    return await _compliance.create_evidence_item(conn, **fields)


async def make_owner(conn: Connection, owner: Database) -> tuple[Any, Any, Any]:
    """A user with one business profile (acting as them from then on), and a fresh framework
    (made by ``owner``)."""
    user = await make_user(conn)
    profile = await make_profile(conn, user.id)
    framework = await make_framework(owner)
    return user, profile, framework


class _ActingQueries:
    """``datalayer.compliance`` for the tests: each typed function that names a ``user_id`` runs
    acting as that user in the caller's transaction, as the service does with
    ``transaction(user_id=...)`` for the signed-in user. A call naming another user's object then
    runs as the user it names, so row-level security and the query's own filter both apply."""

    def __getattr__(self, name: str) -> Any:
        target = getattr(_compliance, name)
        if not callable(target) or isinstance(target, type):
            return target

        async def call(conn: Any, *args: Any, **kwargs: Any) -> Any:
            if "user_id" in kwargs and not isinstance(conn, Database):
                await act_as(conn, kwargs["user_id"])
            return await target(conn, *args, **kwargs)

        return call


compliance: Any = _ActingQueries()
