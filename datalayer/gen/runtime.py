"""What generated query modules import at run time: the stale-query guard.

Each generated module embeds the SHA-256 of every query's SQL as aiosql produced it at generation
time. At import, :func:`checked` compares it with the SQL loaded now; a query whose SQL changed (or
that disappeared) is replaced by a :class:`StaleQuery` whose every execution method raises
:class:`~datalayer.errors.StaleQueryError`. The comparison happens once per query at import, never
per call.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Generic, TypeVar

import asyncpg
from pydantic import AllowInfNan, BaseModel, PlainValidator, TypeAdapter

from datalayer.errors import StaleQueryError
from datalayer.queries import Connection, Operation, Query, QuerySet

__all__ = [
    "Numeric",
    "PgRange",
    "Rows",
    "StaleQuery",
    "checked",
    "full_validation",
    "stale_names",
    "validate_rows",
]

_B = TypeVar("_B")
_M = TypeVar("_M", bound=BaseModel)

#: ``numeric``: asyncpg returns ``Decimal('NaN')`` (and, for unconstrained numeric, infinities),
#: which pydantic's plain ``Decimal`` refuses.
Numeric = Annotated[Decimal, AllowInfNan()]


def _range(value: object) -> object:
    if not isinstance(value, asyncpg.Range):
        raise ValueError(f"expected an asyncpg.Range, got {type(value).__name__}")
    return value


#: A PostgreSQL range as asyncpg returns it; the parameter is the Python type of its bounds.
PgRange = Annotated[asyncpg.Range[_B], PlainValidator(_range)]

REGENERATE_HINT = "run `datalayer gen` and commit the result"


@dataclass(frozen=True, eq=False)
class StaleQuery(Query):
    """Stands in for a query whose SQL no longer matches its generated function."""

    reason: str = ""

    def _refuse(self) -> StaleQueryError:
        return StaleQueryError(f"{self.qualified_name}: {self.reason}; {REGENERATE_HINT}")

    @property  # type: ignore[misc]
    def statement(self) -> str:
        """Generated functions send this: a stale query refuses before anything is sent."""
        raise self._refuse()

    async def fetch(self, conn: Connection, /, **params: object) -> list[asyncpg.Record]:
        raise self._refuse()

    async def fetchrow(self, conn: Connection, /, **params: object) -> asyncpg.Record | None:
        raise self._refuse()

    async def fetchval(self, conn: Connection, /, **params: object) -> object:
        raise self._refuse()

    async def execute(self, conn: Connection, /, **params: object) -> int:
        raise self._refuse()

    async def execute_many(self, conn: Connection, rows: Iterable[Mapping[str, object]]) -> None:
        raise self._refuse()

    async def fetch_args(self, conn: Connection, args: Sequence[object], /) -> list[asyncpg.Record]:
        raise self._refuse()

    async def fetchrow_args(
        self, conn: Connection, args: Sequence[object], /
    ) -> asyncpg.Record | None:
        raise self._refuse()

    async def fetchval_args(self, conn: Connection, args: Sequence[object], /) -> object:
        raise self._refuse()

    async def execute_args(self, conn: Connection, args: Sequence[object], /) -> int:
        raise self._refuse()

    async def cursor(
        self, conn: Connection, /, *, prefetch: int = 1000, **params: object
    ) -> AsyncIterator[asyncpg.Record]:
        raise self._refuse()
        yield  # pragma: no cover - makes this an async generator like Query.cursor


def checked(queries: QuerySet, name: str, sha256: str) -> Query:
    """The loaded query ``name`` if its SQL still hashes to ``sha256``, else a :class:`StaleQuery`."""
    query = queries.get(name)
    if query is None:
        return StaleQuery(
            schema=queries.schema,
            name=name,
            operation=Operation.SELECT,
            sql="",
            params=(),
            doc="",
            path=Path(),
            reason=f"the query no longer exists in sql/{queries.schema}/",
        )
    if query.sha256 == sha256:
        return query
    return StaleQuery(
        schema=query.schema,
        name=query.name,
        operation=query.operation,
        sql=query.sql,
        params=query.params,
        doc=query.doc,
        path=query.path,
        reason=f"its SQL in {query.path} changed since its typed function was generated",
    )


def stale_names(*queries: Query) -> list[str]:
    """Qualified names of the stale ones among ``queries`` (for a module's ``verify()``)."""
    return [q.qualified_name for q in queries if isinstance(q, StaleQuery)]


# -- rows into models ------------------------------------------------------------------------------

#: ``DATALAYER_VALIDATE_ROWS=1``: validate every row with pydantic, also where the database
#: guarantees the types (for development: it shows a wrong generated type as a validation error).
_validate_all = os.environ.get("DATALAYER_VALIDATE_ROWS", "").strip().lower() in (
    "1",
    "true",
    "yes",
)

_new = object.__new__
# BaseModel's slots, set through their descriptors (what object.__setattr__ ends up calling,
# without its lookup): about half the cost per model.
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


def validate_rows(on: bool) -> None:
    """Turn full pydantic validation of every row on (``True``) or back to the fast path."""
    global _validate_all
    _validate_all = on


def full_validation() -> bool:
    """Whether every row is validated (``DATALAYER_VALIDATE_ROWS`` or :func:`validate_rows`)."""
    return _validate_all


class Rows(Generic[_M]):
    """Builds one generated model from asyncpg records.

    ``trusted`` (decided by the generator) means every field's type is exactly what asyncpg
    returns for the column's PostgreSQL type (``uuid`` → ``UUID``, ``text`` → ``str``,
    ``timestamptz`` → an aware ``datetime``, a CHECK-listed ``text`` → one of its values, ...), so
    pydantic would hand back the same objects: the values go into the model's ``__dict__``
    without validation (``model_construct`` without its per-field defaults handling). What the
    database cannot guarantee is still checked: ``suspect(record)`` (generated) is true when a
    field typed non-null holds ``None`` or a ``timestamptz`` field holds asyncpg's naive
    ``'infinity'``, and such a row goes through full validation, which raises. Enums,
    composites, arrays and other types are validated as before, and so is every row while
    :func:`full_validation` is on (``DATALAYER_VALIDATE_ROWS=1``). Lists are validated in one
    batch.
    """

    __slots__ = ("_adapter", "_fields", "_fields_set", "_model", "_suspect", "_trusted")

    def __init__(
        self,
        model: type[_M],
        fields: tuple[str, ...],
        *,
        trusted: bool,
        suspect: Callable[[asyncpg.Record], bool] | None = None,
    ) -> None:
        self._model = model
        self._fields = fields
        self._trusted = trusted and model.__pydantic_post_init__ is None and not _has_private(model)
        # Every field is set, so pydantic's ``__setattr__`` adding a name to it changes nothing:
        # one set serves every instance.
        self._fields_set = set(fields)
        self._suspect = suspect
        self._adapter: TypeAdapter[list[_M]] | None = None

    def one(self, row: asyncpg.Record) -> _M:
        """One record as a model."""
        suspect = self._suspect
        values = dict(zip(self._fields, row, strict=True))
        if self._trusted and not _validate_all and (suspect is None or not suspect(row)):
            model = _new(self._model)
            _set_dict(model, values)
            _set_fields_set(model, self._fields_set)
            _set_extra(model, None)
            _set_private(model, None)
            return model
        return self._model.model_validate(values)

    def many(self, rows: Sequence[asyncpg.Record]) -> list[_M]:
        """Records as models: without validation when trusted and no non-null field holds
        ``None``, else validated in one batch."""
        fields = self._fields
        suspect = self._suspect
        if self._trusted and not _validate_all and (suspect is None or not any(map(suspect, rows))):
            cls, fields_set = self._model, self._fields_set
            out: list[_M] = []
            append = out.append
            for r in rows:
                model = _new(cls)
                _set_dict(model, dict(zip(fields, r, strict=True)))
                _set_fields_set(model, fields_set)
                _set_extra(model, None)
                _set_private(model, None)
                append(model)
            return out
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = TypeAdapter(list[self._model])  # type: ignore[name-defined]
        return adapter.validate_python([dict(zip(fields, r, strict=True)) for r in rows])


def _has_private(model: type[BaseModel]) -> bool:
    return bool(model.__private_attributes__) or model.model_config.get("extra") == "allow"
