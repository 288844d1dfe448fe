"""Helpers for the compliance tests: users, frameworks, profiles and evidence made through the
typed functions."""

from __future__ import annotations

import itertools
from typing import Any

from datalayer import compliance
from datalayer.queries import Connection

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
KEY = "correct horse battery staple"

_numbers = itertools.count(1)


async def make_user(conn: Connection, email: str | None = None, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "email": email or f"user{next(_numbers)}@example.com",
        "hashed_password": BCRYPT,
    }
    fields.update(overrides)
    return await compliance.create_user(conn, **fields)


async def make_framework(conn: Connection, code: str | None = None, **overrides: Any) -> Any:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "code": code or f"fw{n}",
        "name": f"Framework {n}",
        "version": "2022",
        "category": "security",
        "description": None,
    }
    fields.update(overrides)
    return await compliance.create_framework(conn, **fields)


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
    return await compliance.create_business_profile(conn, **fields)


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
    return await compliance.create_evidence_item(conn, **fields)


async def make_owner(conn: Connection) -> tuple[Any, Any, Any]:
    """A user with one business profile, and a fresh framework."""
    user = await make_user(conn)
    profile = await make_profile(conn, user.id)
    framework = await make_framework(conn)
    return user, profile, framework
