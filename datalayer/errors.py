"""The error model: asyncpg exceptions never leave datalayer; they are mapped to this hierarchy.

DataLayerError
├── ConfigurationError
├── QueryParameterError          (missing / unknown keyword arguments; raised before any SQL is sent)
├── StaleQueryError              (a .sql file changed since its typed module was generated)
├── NotFound
├── NotAvailable                 (a feature needs an extension this database lacks)
├── PoolTimeout
├── QueryTimeout                 (statement_timeout, command timeout, 57014)
│   └── LockTimeout              (lock_timeout, 55P03)
├── RetryableError
│   ├── SerializationFailure     (40001)
│   ├── DeadlockDetected         (40P01)
│   └── ConnectionLost           (class 08, admin shutdown, a dropped socket)
├── IntegrityError               (class 23: schema, table, constraint, columns, message)
│   ├── UniqueViolation  ForeignKeyViolation  CheckViolation
│   ├── NotNullViolation  ExclusionViolation  RestrictViolation
├── DataError                    (class 22: invalid input, overflow, bad text representation)
├── PermissionDenied             (42501)
└── QueryError                   (anything else the server or driver reports; carries sqlstate)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import asyncpg

__all__ = [
    "CATALOG",
    "AccountNotActive",
    "CardNotUsable",
    "CheckViolation",
    "CommitOutcomeUnknown",
    "ConfigurationError",
    "ConnectionLost",
    "ConstraintInfo",
    "CurrencyMismatch",
    "DataError",
    "DataLayerError",
    "DeadlockDetected",
    "ExclusionViolation",
    "ForeignKeyViolation",
    "IdempotencyConflict",
    "InsufficientFunds",
    "InsufficientHolding",
    "IntegrityError",
    "LockTimeout",
    "NotAvailable",
    "NotFound",
    "NotNullViolation",
    "OrderNotPending",
    "PermissionDenied",
    "PoolTimeout",
    "QueryError",
    "QueryParameterError",
    "QueryTimeout",
    "RestrictViolation",
    "RetryableError",
    "RouteNotPlanned",
    "RuleViolation",
    "SchemaChanged",
    "SerializationFailure",
    "SpendingLimitExceeded",
    "StaleQueryError",
    "UniqueViolation",
    "is_driver_error",
    "name_placeholders",
    "translate",
]


class DataLayerError(Exception):
    """Base of every error datalayer raises."""

    sqlstate: str | None = None

    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if sqlstate is not None:
            self.sqlstate = sqlstate
        #: the query function that raised it (``schema.name``), when one did
        self.query: str | None = None

    def in_query(self, query: str, params: tuple[str, ...]) -> DataLayerError:
        """Name the query in the message and its ``:parameter`` where the driver says ``$n``."""
        if self.query is not None:
            return self
        self.query = query
        self.message = f"{query}: " + name_placeholders(self.message, params)
        self.args = (self.message,)
        return self


class ConfigurationError(DataLayerError):
    """A setting is missing or malformed; names the variable."""

    def __init__(self, message: str, *, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


class QueryParameterError(DataLayerError, TypeError):
    """A query was called with missing, misspelled or extra keyword arguments."""


class StaleQueryError(DataLayerError):
    """A query's SQL changed since its typed function was generated."""


class NotFound(DataLayerError):
    """A row that had to exist does not."""


class NotAvailable(DataLayerError):
    """A feature needs something this database lacks (e.g. an extension)."""


class RuleViolation(DataLayerError):
    """A business rule enforced by a database function refused the operation; nothing was written.

    Rules raise their own SQLSTATE (class ``DL``); each maps to a subclass below.
    """

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        schema: str | None = None,
        table: str | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message, sqlstate=sqlstate)
        self.schema = schema
        self.table = table
        self.column = column


class InsufficientFunds(RuleViolation):
    """DL001: the account cannot cover the amount (balance + credit limit)."""


class AccountNotActive(RuleViolation):
    """DL002: the account is frozen or closed."""


class CurrencyMismatch(RuleViolation):
    """DL003: the accounts hold different currencies and no exchange rate was given (or one was
    given for a single currency)."""


class IdempotencyConflict(RuleViolation):
    """DL004: the idempotency key was already used for a different request."""


class CardNotUsable(RuleViolation):
    """DL005: the card is frozen, cancelled or expired, or does not draw on the account named."""


class SpendingLimitExceeded(RuleViolation):
    """DL006: the payment would take the card past its spending limit for the period."""


class InsufficientHolding(RuleViolation):
    """DL007: more units would be sold than the account holds."""


class OrderNotPending(RuleViolation):
    """DL401: the order is not pending (already on a route, delivered, failed or cancelled)."""


class RouteNotPlanned(RuleViolation):
    """DL402: the route is in progress, completed or cancelled and takes no more orders."""


class PoolTimeout(DataLayerError):
    """No connection could be acquired from the pool in time."""


class QueryTimeout(DataLayerError):
    """A statement ran past its timeout and was cancelled."""


class LockTimeout(QueryTimeout):
    """A lock could not be taken within ``lock_timeout``."""


class RetryableError(DataLayerError):
    """The transaction may succeed if run again from the start."""


class SchemaChanged(RetryableError):
    """A cached prepared statement no longer matches the schema (a migration ran meanwhile)."""


class CommitOutcomeUnknown(DataLayerError):
    """The connection broke while COMMIT was in flight: the transaction may or may not have been
    committed. Not retried automatically, since running it again could apply it twice; check the
    outcome (an idempotency key makes that safe) before trying again."""


class SerializationFailure(RetryableError):
    """40001: a concurrent transaction made this one's snapshot unserialisable."""


class DeadlockDetected(RetryableError):
    """40P01: the server broke a deadlock by aborting this transaction."""


class ConnectionLost(RetryableError):
    """The connection broke (class 08, server shutdown, socket closed)."""


class DataError(DataLayerError):
    """Class 22: a value the server (or the driver) cannot accept for its type."""


class PermissionDenied(DataLayerError):
    """42501: the role lacks a privilege."""


class QueryError(DataLayerError):
    """Any other server or driver error; ``sqlstate`` says which."""


@dataclass(frozen=True, slots=True)
class ConstraintInfo:
    """What the catalog says of a constraint: its table, columns and COMMENT."""

    schema: str
    table: str
    columns: tuple[str, ...]
    comment: str | None
    #: The partitions of a partitioned table: an error raised on one names the table itself.
    partitions: frozenset[str] = frozenset()


class IntegrityError(DataLayerError):
    """Class 23: a constraint refused the row. Nothing was written."""

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        schema: str | None = None,
        table: str | None = None,
        constraint: str | None = None,
        columns: tuple[str, ...] = (),
        detail: str | None = None,
    ) -> None:
        super().__init__(message, sqlstate=sqlstate)
        self.schema = schema
        self.table = table
        self.constraint = constraint
        self.columns = columns
        self.detail = detail

    @property
    def column(self) -> str | None:
        """The single column involved, when there is exactly one."""
        return self.columns[0] if len(self.columns) == 1 else None


class UniqueViolation(IntegrityError):
    """23505."""


class ForeignKeyViolation(IntegrityError):
    """23503."""


class CheckViolation(IntegrityError):
    """23514 (also raised by triggers that enforce a named rule)."""


class NotNullViolation(IntegrityError):
    """23502."""


class ExclusionViolation(IntegrityError):
    """23P01."""


class RestrictViolation(IntegrityError):
    """23001 (and 23000): e.g. an UPDATE or DELETE on an append-only table."""


_INTEGRITY: Final[dict[str, type[IntegrityError]]] = {
    "23505": UniqueViolation,
    "23503": ForeignKeyViolation,
    "23514": CheckViolation,
    "23502": NotNullViolation,
    "23P01": ExclusionViolation,
    "23001": RestrictViolation,
    "23000": RestrictViolation,
}

_EXACT: Final[dict[str, type[DataLayerError]]] = {
    "40001": SerializationFailure,
    "40P01": DeadlockDetected,
    "57014": QueryTimeout,
    "55P03": LockTimeout,
    "57P01": ConnectionLost,
    "57P02": ConnectionLost,
    "57P03": ConnectionLost,
    "42501": PermissionDenied,
    "P0002": NotFound,
    "DL001": InsufficientFunds,
    "DL002": AccountNotActive,
    "DL003": CurrencyMismatch,
    "DL004": IdempotencyConflict,
    "DL005": CardNotUsable,
    "DL006": SpendingLimitExceeded,
    "DL007": InsufficientHolding,
    "DL401": OrderNotPending,
    "DL402": RouteNotPlanned,
}

_CLASS: Final[dict[str, type[DataLayerError]]] = {
    "08": ConnectionLost,
    "22": DataError,
    "DL": RuleViolation,
}

_KEY_DETAIL: Final = re.compile(r"Key \(([^()]*)\)=")

ConstraintCatalog = Mapping[tuple[str, str], ConstraintInfo]

#: Constraint metadata (table, columns, COMMENT) by (schema, constraint name), filled by
#: ``Database.connect()`` from the catalog so that errors raised in an aborted transaction (where
#: no catalog query can run) still carry the constraint's columns and human message.
CATALOG: dict[tuple[str, str], ConstraintInfo] = {}


def _str_attr(exc: BaseException, name: str) -> str | None:
    value = getattr(exc, name, None)
    return value if isinstance(value, str) and value else None


_PLACEHOLDER: Final = re.compile(r"\$(\d+)\b")


def name_placeholders(text: str, params: tuple[str, ...]) -> str:
    """``text`` with the driver's ``$n`` replaced by the query's ``:name`` (``params`` in ``$n``
    order)."""

    def name(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return f":{params[index]}" if 0 <= index < len(params) else match.group(0)

    return _PLACEHOLDER.sub(name, text)


# Values in server and driver messages: quoted literals, the row a CHECK refused, a key's values.
# single-quoted literals anywhere; a double-quoted one only where the server puts a value, after
# ": " (`invalid input syntax for type uuid: "…"`): elsewhere double quotes hold names
_QUOTED: Final = re.compile(r"(?<=: )\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")
_FAILING_ROW: Final = re.compile(r"Failing row contains \(.*\)\.?", re.DOTALL)
# the key's value runs to the server's closing words, whatever parentheses or spaces it holds
_KEY_VALUES: Final = re.compile(
    r"(Key \(.*?\))=\(.*\)(?= already exists| is not present| conflicts with| is still referenced|\.?$)",
    re.DOTALL,
)
_DRIVER_ARGUMENT: Final = re.compile(r"invalid input for query argument (\$\d+)")


def redact(text: str) -> str:
    """``text`` without the values a server or driver message repeats: the failing row of a
    CHECK, the key values of a unique or foreign-key violation, and every quoted literal. Names
    (constraints, columns, types) stay."""
    text = _FAILING_ROW.sub("Failing row withheld.", text)
    text = _KEY_VALUES.sub(r"\1=(…)", text)
    return _QUOTED.sub("'…'", text)


def _integrity(
    cls: type[IntegrityError],
    exc: asyncpg.PostgresError,
    sqlstate: str,
    catalog: ConstraintCatalog | None,
) -> IntegrityError:
    schema = _str_attr(exc, "schema_name")
    table = _str_attr(exc, "table_name")
    constraint = _str_attr(exc, "constraint_name")
    column = _str_attr(exc, "column_name")
    detail = _str_attr(exc, "detail")
    server_message = _str_attr(exc, "message") or str(exc)
    info = catalog.get((schema or "", constraint)) if catalog and constraint else None
    columns: tuple[str, ...] = (column,) if column else ()
    if info is not None:
        table = info.table if not table or table in info.partitions else table
        columns = columns or info.columns
    if not columns and detail:
        # Unique, foreign-key and exclusion violations say "Key (a, b)=(...)" in their detail.
        match = _KEY_DETAIL.match(detail)
        if match:
            columns = tuple(c.strip().strip('"') for c in match.group(1).split(","))
    human = info.comment if info is not None and info.comment else server_message
    where = ".".join(p for p in (schema, table) if p)
    parts = [human]
    if constraint:
        parts.append(f"constraint {constraint}")
    if where:
        parts.append(f"on {where}")
    if columns:
        parts.append(f"column{'s' if len(columns) > 1 else ''} {', '.join(columns)}")
    if info is None or not info.comment:
        human = redact(human)
    message = human + (f" ({'; '.join(parts[1:])})" if len(parts) > 1 else "")
    if detail:
        detail = redact(detail)
        message += f": {detail}"
    return cls(
        message,
        sqlstate=sqlstate,
        schema=schema,
        table=table,
        constraint=constraint,
        columns=columns,
        detail=detail,
    )


def is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the driver or the network (and so must be translated)."""
    return isinstance(
        exc,
        asyncpg.PostgresError
        | asyncpg.InterfaceError
        | asyncpg.exceptions.InternalClientError
        | OSError,
    )


def translate(exc: BaseException, catalog: ConstraintCatalog | None = None) -> DataLayerError:
    """Map a driver exception to the datalayer hierarchy (the caller raises it ``from exc``)."""
    if isinstance(exc, DataLayerError):
        return exc
    if isinstance(
        exc,
        asyncpg.exceptions.InvalidCachedStatementError
        | asyncpg.exceptions.OutdatedSchemaCacheError,
    ):
        return SchemaChanged(
            f"the schema changed under a cached statement: {exc}", sqlstate="0A000"
        )
    if isinstance(exc, asyncpg.PostgresError):
        sqlstate = str(getattr(exc, "sqlstate", "") or "")
        integrity = _INTEGRITY.get(sqlstate)
        if integrity is not None:
            return _integrity(integrity, exc, sqlstate, catalog)
        cls = _EXACT.get(sqlstate) or _CLASS.get(sqlstate[:2])
        if cls is None:
            cls = IntegrityError if sqlstate.startswith("23") else QueryError
        message = _str_attr(exc, "message") or str(exc)
        detail = _str_attr(exc, "detail")
        hint = _str_attr(exc, "hint")
        text = f"{message}: {detail}" if detail else message
        if hint:
            text += f" (hint: {hint})"
        if not issubclass(cls, RuleViolation):
            text = redact(text)  # a rule's message is the project's own wording
        if issubclass(cls, RuleViolation):
            return cls(
                text,
                sqlstate=sqlstate,
                schema=_str_attr(exc, "schema_name"),
                table=_str_attr(exc, "table_name"),
                column=_str_attr(exc, "column_name"),
            )
        return cls(text, sqlstate=sqlstate or None)
    if isinstance(exc, TimeoutError):  # before OSError: TimeoutError is one
        return QueryTimeout(
            f"query timed out: {exc}" if str(exc) else "query timed out", sqlstate="57014"
        )
    if isinstance(exc, OSError):
        return ConnectionLost(f"connection lost: {exc}", sqlstate="08006")
    if isinstance(exc, asyncpg.exceptions.DataError):
        # The driver could not encode an argument: "invalid input for query argument $1: <value>
        # (<reason naming the value>)", the value cut at 40 characters: keep the argument only.
        match = _DRIVER_ARGUMENT.search(str(exc))
        where = f"query argument {match.group(1)}" if match else "a query argument"
        return DataError(
            f"invalid input for {where}: the value does not fit the parameter's type",
            sqlstate="22000",
        )
    if isinstance(exc, asyncpg.InterfaceError):
        if "connection is closed" in str(exc) or "connection was closed" in str(exc):
            # asyncpg's word for a connection that died earlier (the socket is gone).
            return ConnectionLost(f"connection lost: {exc}", sqlstate="08003")
        return QueryError(redact(str(exc)))
    return QueryError(f"{type(exc).__name__}: {redact(str(exc))}")
