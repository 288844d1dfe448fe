"""Helpers for the validation tests: users, sessions made through the typed functions, moved
through their lifecycle, and back-dated with plain SQL where a test needs old rows (on the
owner's connection: the application role may not change created_at)."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import rls_support

from datalayer import validation
from datalayer.queries import Connection

_numbers = itertools.count(1)


def uid(name: str) -> UUID:
    """A user id that reads as a name in the tests."""
    return uuid5(NAMESPACE_URL, f"validation-tests:{name}")


def app_url(database_url: str, app: str = "validation", kind: str = "app") -> str:
    """The URL of the harness's login for ``<app>_<kind>``."""
    return rls_support.app_url(database_url, app, kind)


ALICE = uid("alice")
BOB = uid("bob")


async def make_session(conn: Connection, **overrides: Any) -> validation.Session:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "request_id": f"req-{n}",
        "owner_id": ALICE,
        "source_technology": "php",
        "target_technology": "python",
        "scope": "full_system",
        "request_data": {"source_files": [f"app{n}.php"], "options": {"strict": True}},
        "user_context": {"client": "tests"},
    }
    fields.update(overrides)
    return await validation.create_session(conn, **fields)


async def finish_session(
    conn: Connection, session_id: UUID, status: str, *, reason: str = "validator crashed"
) -> validation.Session:
    """Move a pending session to ``status`` through the legal transitions."""
    if status == "pending":
        session = await validation.get_session_by_id(conn, session_id=session_id)
    elif status == "cancelled":
        session = await validation.update_session_cancelled(conn, session_id=session_id)
    else:
        session = await validation.update_session_started(conn, session_id=session_id)
        if status == "completed":
            session = await validation.update_session_completed(
                conn, session_id=session_id, response_data={"ok": True}
            )
        elif status == "failed":
            session = await validation.update_session_failed(
                conn, session_id=session_id, error_message=reason
            )
    assert session is not None and session.status == status
    return session


async def make_result(
    conn: Connection,
    session_id: UUID,
    *,
    fidelity: str = "0.9500",
    overall_status: str = "approved",
    execution_time_ms: int = 1200,
) -> validation.ValidationResult:
    return await validation.create_validation_result(
        conn,
        session_id=session_id,
        overall_status=overall_status,
        fidelity_score=Decimal(fidelity),
        summary="Target matches source closely.",
        execution_time_ms=execution_time_ms,
    )


async def make_discrepancy(
    conn: Connection, result_id: UUID, severity: str = "warning", **overrides: Any
) -> validation.Discrepancy:
    fields: dict[str, Any] = {
        "result_id": result_id,
        "discrepancy_type": "missing_field",
        "severity": severity,
        "description": "The email field is missing on the target form.",
        "component": "signup form",
        "source_element": "input#email",
        "target_element": None,
        "recommendation": "Add the email input.",
        "confidence": Decimal("0.8"),
    }
    fields.update(overrides)
    return await validation.create_discrepancy(conn, **fields)


async def backdate(conn: Connection, table: str, ids: list[UUID], stamps: list[datetime]) -> None:
    """Set created_at of rows of ``validation.<table>`` (test data only)."""
    assert table in ("validation_sessions", "discrepancies", "validation_results")
    await conn.execute(
        f"UPDATE validation.{table} AS t SET created_at = v.created_at "
        "FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, created_at) WHERE t.id = v.id",
        ids,
        stamps,
    )


async def set_deleted_at(conn: Connection, ids: list[UUID], deleted_at: datetime) -> None:
    """Back-date the soft delete of sessions (test data only)."""
    await conn.execute(
        "UPDATE validation.validation_sessions SET deleted_at = $2, deleted_by = 'tests' "
        "WHERE id = ANY($1::uuid[])",
        ids,
        deleted_at,
    )
