"""datalayer errors as RFC 9457 problem details (``application/problem+json``).

Every response names the error's type, and for integrity errors the constraint, table and
fields; none carries a value from the request or the database (the server's own messages and
DETAIL lines, which quote values such as "Failing row contains (...)", are never sent).
"""

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .. import errors

__all__ = ["PROBLEM_JSON", "Problem", "install_error_handlers", "problem_for", "problem_response"]

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Problem:
    """How one error class answers over HTTP."""

    status: int
    slug: str
    title: str
    detail: str
    retry: bool = False


# Most specific first: the first class the error is an instance of wins.
_PROBLEMS: tuple[tuple[type[errors.DataLayerError], Problem], ...] = (
    (errors.NotFound, Problem(404, "not-found", "Not found", "The resource does not exist.")),
    (
        errors.UniqueViolation,
        Problem(409, "unique-violation", "Conflict", "A row with the same key already exists."),
    ),
    (
        errors.IdempotencyConflict,
        Problem(
            409,
            "idempotency-conflict",
            "Conflict",
            "The idempotency key was already used for a different request.",
        ),
    ),
    (
        errors.ForeignKeyViolation,
        Problem(
            422, "foreign-key-violation", "Unprocessable content", "A referenced row is missing."
        ),
    ),
    (
        errors.CheckViolation,
        Problem(422, "check-violation", "Unprocessable content", "A value breaks a rule."),
    ),
    (
        errors.NotNullViolation,
        Problem(422, "not-null-violation", "Unprocessable content", "A required value is missing."),
    ),
    (
        errors.ExclusionViolation,
        Problem(409, "exclusion-violation", "Conflict", "The row overlaps an existing one."),
    ),
    (
        errors.RestrictViolation,
        Problem(409, "restrict-violation", "Conflict", "The row may not be changed or removed."),
    ),
    (
        errors.IntegrityError,
        Problem(422, "integrity-error", "Unprocessable content", "A constraint refused the row."),
    ),
    (
        errors.DataError,
        Problem(
            422,
            "data-error",
            "Unprocessable content",
            "A value does not fit its type (format, range or length).",
        ),
    ),
    (
        errors.InsufficientFunds,
        Problem(
            422,
            "insufficient-funds",
            "Unprocessable content",
            "The account cannot cover the amount.",
        ),
    ),
    (
        errors.AccountNotActive,
        Problem(422, "account-not-active", "Unprocessable content", "The account is not active."),
    ),
    (
        errors.CurrencyMismatch,
        Problem(
            422,
            "currency-mismatch",
            "Unprocessable content",
            "The currencies differ and need an exchange rate (or do not take one).",
        ),
    ),
    (
        errors.RuleViolation,
        Problem(
            422, "rule-violation", "Unprocessable content", "A business rule refused the request."
        ),
    ),
    (
        errors.CommitOutcomeUnknown,
        Problem(
            503,
            "commit-outcome-unknown",
            "Service unavailable",
            "The connection failed while committing: the change may or may not have been saved. "
            "Check before retrying, or retry with the same idempotency key.",
        ),
    ),
    (
        errors.PoolTimeout,
        Problem(
            503, "pool-timeout", "Service unavailable", "No database connection was free.", True
        ),
    ),
    (
        errors.RetryableError,
        Problem(
            503,
            "retryable-error",
            "Service unavailable",
            "A transient database failure; the request may succeed if sent again.",
            True,
        ),
    ),
    (
        errors.QueryTimeout,
        Problem(504, "query-timeout", "Gateway timeout", "The database did not answer in time."),
    ),
    (
        errors.PermissionDenied,
        Problem(403, "permission-denied", "Forbidden", "The service may not do this."),
    ),
    (
        errors.DataLayerError,
        Problem(500, "database-error", "Internal server error", "The database request failed."),
    ),
)


def problem_for(exc: errors.DataLayerError) -> Problem:
    for cls, problem in _PROBLEMS:
        if isinstance(exc, cls):
            return problem
    raise AssertionError("DataLayerError is the last entry")  # pragma: no cover


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    """An RFC 9457 response; ``members`` are extension members (None values are left out)."""
    body: dict[str, Any] = {
        "type": f"urn:datalayer:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update({k: v for k, v in members.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_error_handlers(app: FastAPI, *, retry_after: int = 1) -> None:
    """Answer every :class:`~datalayer.errors.DataLayerError` (and request validation errors)
    with ``application/problem+json``. ``retry_after`` seconds go in the ``Retry-After`` header
    of the 503 answers to :class:`PoolTimeout` and :class:`RetryableError`."""

    async def on_datalayer_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, errors.DataLayerError)
        problem = problem_for(exc)
        members: dict[str, Any] = {"error": type(exc).__name__, "sqlstate": exc.sqlstate}
        if isinstance(exc, errors.IntegrityError):
            members.update(constraint=exc.constraint, table=_table(exc.schema, exc.table))
            members["fields"] = list(exc.columns) or None
        elif isinstance(exc, errors.RuleViolation):
            members.update(table=_table(exc.schema, exc.table), fields=_one(exc.column))
        headers = {"Retry-After": str(retry_after)} if problem.retry else None
        return problem_response(
            request,
            problem.status,
            problem.slug,
            problem.title,
            problem.detail,
            headers=headers,
            **members,
        )

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem_response(
            request,
            422,
            "request-validation",
            "Unprocessable content",
            "The request does not match the expected shape.",
            errors=problems,
        )

    app.add_exception_handler(errors.DataLayerError, on_datalayer_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


def _table(schema: str | None, table: str | None) -> str | None:
    if not table:
        return None
    return f"{schema}.{table}" if schema else table


def _one(column: str | None) -> list[str] | None:
    return [column] if column else None
