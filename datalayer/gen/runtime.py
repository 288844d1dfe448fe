"""What generated query modules import at run time: the stale-query guard.

Each generated module embeds the SHA-256 of every query's SQL as aiosql produced it at generation
time. At import, :func:`checked` compares it with the SQL loaded now; a query whose SQL changed (or
that disappeared) is replaced by a :class:`StaleQuery` whose every execution method raises
:class:`~datalayer.errors.StaleQueryError`. The comparison happens once per query at import, never
per call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

import asyncpg
from pydantic import AllowInfNan, PlainValidator

from datalayer.errors import StaleQueryError
from datalayer.queries import Connection, Operation, Query, QuerySet

__all__ = ["Numeric", "PgRange", "StaleQuery", "checked", "stale_names"]

_B = TypeVar("_B")

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
