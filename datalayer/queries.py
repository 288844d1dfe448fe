"""Loading ``sql/<schema>/*.sql`` with aiosql and running the parsed SQL directly on asyncpg.

aiosql parses the files (names, operators, ``:param`` → ``$n``, docstrings); datalayer executes the
resulting SQL itself on the connection it is given. That skips aiosql's per-call ``dir(conn)`` probe
and pool handling (25-40% of a primary-key lookup), checks keyword arguments before any SQL is sent
(aiosql silently ignores extra ones) and maps every driver error to :mod:`datalayer.errors`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypeAlias, TypeVar

import aiosql
import asyncpg
from asyncpg.pool import PoolConnectionProxy
from pydantic import BaseModel, TypeAdapter

from . import errors
from .errors import DataLayerError, QueryParameterError, translate
from .paths import sql_dir

__all__ = [
    "Connection",
    "Operation",
    "Query",
    "QueryLoadError",
    "QuerySet",
    "configure_logging",
    "load",
    "load_all",
    "stateless",
    "to_model",
    "to_models",
]

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
M = TypeVar("M", bound=BaseModel)

log = logging.getLogger("datalayer.query")

#: Parameters whose values are never logged, even with parameter logging on.
_SECRET = re.compile(r"key|password|secret|token|credential|hash", re.IGNORECASE)
_SENSITIVE_HINT = re.compile(r"@sensitive[ \t]+([\w, \t]+)")


class QueryLoadError(DataLayerError):
    """A query file cannot be loaded (parse error, duplicate name)."""


class Operation(StrEnum):
    """aiosql's operator suffixes."""

    SELECT = ""  # rows
    SELECT_ONE = "^"  # one row or None
    SELECT_VALUE = "$"  # first column of the first row
    EXECUTE = "!"  # insert / update / delete without rows
    INSERT_RETURNING = "<!"
    EXECUTE_MANY = "*!"
    SCRIPT = "#"


_OPS = {
    "SELECT": Operation.SELECT,
    "SELECT_ONE": Operation.SELECT_ONE,
    "SELECT_VALUE": Operation.SELECT_VALUE,
    "INSERT_UPDATE_DELETE": Operation.EXECUTE,
    "INSERT_RETURNING": Operation.INSERT_RETURNING,
    "INSERT_UPDATE_DELETE_MANY": Operation.EXECUTE_MANY,
    "SCRIPT": Operation.SCRIPT,
}


# -- logging ---------------------------------------------------------------------------------------


@dataclass
class _LogConfig:
    echo: bool = False
    parameters: bool = False
    slow_seconds: float | None = 0.5

    @property
    def active(self) -> bool:
        return self.echo or self.slow_seconds is not None


_log = _LogConfig()


def configure_logging(*, echo: bool, parameters: bool, slow_ms: float | None) -> None:
    """Query logging through the ``datalayer.query`` logger: every query at DEBUG when ``echo``,
    queries slower than ``slow_ms`` at WARNING. Parameter values only when ``parameters``."""
    _log.echo = echo
    _log.parameters = parameters
    _log.slow_seconds = None if slow_ms is None or slow_ms <= 0 else slow_ms / 1000


def _report(query: Query, started: float, rows: int, args: Sequence[object]) -> None:
    elapsed = time.perf_counter() - started
    slow = _log.slow_seconds is not None and elapsed >= _log.slow_seconds
    if not (slow or _log.echo):
        return
    level = logging.WARNING if slow else logging.DEBUG
    if not log.isEnabledFor(level):
        return
    suffix = ""
    if _log.parameters:
        shown = {
            name: "***" if name in query.sensitive else value
            for name, value in zip(query.params, args, strict=False)
        }
        suffix = f" params={shown!r}"
    log.log(
        level,
        "%squery %s: %.3f ms, %d row(s)%s",
        "slow " if slow else "",
        query.qualified_name,
        elapsed * 1000,
        rows,
        suffix,
        extra={"query": query.qualified_name, "duration_ms": elapsed * 1000, "rows": rows},
    )


# -- queries ---------------------------------------------------------------------------------------


def _rowcount(status: str) -> int:
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


@dataclass(frozen=True, eq=False)
class Query:
    """One named query from a ``.sql`` file, with the SQL aiosql produced for asyncpg."""

    schema: str
    name: str
    operation: Operation
    sql: str
    params: tuple[str, ...]  # in $n order
    doc: str
    path: Path
    sha256: str = field(init=False)
    #: parameters never logged: marked ``-- @sensitive name, ...`` in the query's comment (values
    #: of encrypted columns), or named like a password, key, secret, token or credential
    sensitive: frozenset[str] = field(init=False, repr=False)
    _param_set: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.sql.encode()).hexdigest())
        object.__setattr__(self, "_param_set", frozenset(self.params))
        marked = {
            n
            for m in _SENSITIVE_HINT.finditer(self.doc)
            for n in re.split(r"[\s,]+", m.group(1))
            if n
        }
        object.__setattr__(
            self,
            "sensitive",
            frozenset(n for n in self.params if n in marked or _SECRET.search(n)),
        )

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def _error(self, exc: BaseException, conn: Connection) -> DataLayerError:
        """The driver error mapped to :mod:`datalayer.errors`; a timeout names this query and
        the limit it ran into."""
        mapped = translate(exc, errors.CATALOG)
        if not isinstance(mapped, errors.QueryTimeout):
            return mapped.in_query(self.qualified_name, self.params)
        if isinstance(mapped, errors.LockTimeout):
            text = f"query {self.qualified_name} waited longer than lock_timeout for a lock"
        elif isinstance(exc, TimeoutError):
            config = getattr(conn, "_config", None)
            limit = getattr(config, "command_timeout", None)
            shown = f"{limit:g} s" if isinstance(limit, int | float) else "its limit"
            text = (
                f"query {self.qualified_name} ran past the command timeout of {shown} "
                "(DATABASE_COMMAND_TIMEOUT) and was cancelled"
            )
        elif "statement timeout" in mapped.message:
            text = (
                f"query {self.qualified_name} ran past the server's statement_timeout and was "
                "cancelled"
            )
        else:
            text = f"query {self.qualified_name} was cancelled by the server: {mapped.message}"
        return type(mapped)(text, sqlstate=mapped.sqlstate)

    def bind(self, params: Mapping[str, object]) -> list[object]:
        """Arguments in ``$n`` order; :class:`QueryParameterError` on missing or unknown names."""
        if params.keys() != self._param_set:
            missing = sorted(self._param_set - params.keys())
            unknown = sorted(params.keys() - self._param_set)
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown {', '.join(unknown)}")
            expected = ", ".join(self.params) or "none"
            raise QueryParameterError(
                f"{self.qualified_name}: {'; '.join(parts)} (parameters: {expected})"
            )
        return [params[name] for name in self.params]

    # Execution by keyword: check the names, then run the $n-ordered variant below.

    async def fetch(self, conn: Connection, /, **params: object) -> list[asyncpg.Record]:
        return await self.fetch_args(conn, self.bind(params))

    async def fetchrow(self, conn: Connection, /, **params: object) -> asyncpg.Record | None:
        return await self.fetchrow_args(conn, self.bind(params))

    async def fetchval(self, conn: Connection, /, **params: object) -> object:
        return await self.fetchval_args(conn, self.bind(params))

    async def execute(self, conn: Connection, /, **params: object) -> int:
        """Run a statement; return the number of rows it affected."""
        return await self.execute_args(conn, self.bind(params))

    # The *_args variants take the arguments already in $n order, as generated functions pass
    # them (their signatures are checked by the type checker, so no names are checked here). The
    # generated call path is one Python call on top of asyncpg's.

    async def fetch_args(self, conn: Connection, args: Sequence[object], /) -> list[asyncpg.Record]:
        started = time.perf_counter() if _log.active else 0.0
        try:
            rows = await conn.fetch(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from exc
        if started:
            _report(self, started, len(rows), args)
        return rows

    async def fetchrow_args(
        self, conn: Connection, args: Sequence[object], /
    ) -> asyncpg.Record | None:
        started = time.perf_counter() if _log.active else 0.0
        try:
            row = await conn.fetchrow(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from exc
        if started:
            _report(self, started, 0 if row is None else 1, args)
        return row

    async def fetchval_args(self, conn: Connection, args: Sequence[object], /) -> object:
        started = time.perf_counter() if _log.active else 0.0
        try:
            value: object = await conn.fetchval(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from exc
        if started:
            _report(self, started, 1, args)
        return value

    async def execute_args(self, conn: Connection, args: Sequence[object], /) -> int:
        started = time.perf_counter() if _log.active else 0.0
        try:
            status = await conn.execute(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from exc
        count = _rowcount(status)
        if started:
            _report(self, started, count, args)
        return count

    async def execute_many(self, conn: Connection, rows: Iterable[Mapping[str, object]]) -> None:
        """Run the statement once per parameter mapping (one pipelined round trip; atomic)."""
        batch = [self.bind(row) for row in rows]
        started = time.perf_counter() if _log.active else 0.0
        try:
            await conn.executemany(self.sql, batch)
        except Exception as exc:
            raise self._error(exc, conn) from exc
        if started:
            _report(self, started, len(batch), [])

    async def cursor(
        self, conn: Connection, /, *, prefetch: int = 1000, **params: object
    ) -> AsyncIterator[asyncpg.Record]:
        """Stream rows through a server-side cursor (the connection must be in a transaction)."""
        args = self.bind(params)
        try:
            async for row in conn.cursor(self.sql, *args, prefetch=prefetch):
                yield row
        except Exception as exc:
            raise self._error(exc, conn) from exc


F = TypeVar("F", bound=Callable[..., Awaitable[object]])

STATELESS_ATTRIBUTE = "__datalayer_stateless__"


def stateless(fn: F) -> F:
    """Mark a query function as leaving no session state on its connection (every generated
    function runs one statement from ``sql/``, which a test checks), so that
    :meth:`Database.call` may return the connection to the pool without a reset."""
    setattr(fn, STATELESS_ATTRIBUTE, True)
    return fn


def to_model(model: type[M], row: asyncpg.Record | None) -> M | None:
    """Validate one row into ``model`` (``None`` stays ``None``)."""
    return None if row is None else model.model_validate(dict(row))


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def to_models(model: type[M], rows: Iterable[asyncpg.Record]) -> list[M]:
    """Validate rows into a list of ``model`` in one batch (cheaper than one call per row)."""
    return _list_adapter(model).validate_python([dict(r) for r in rows])


# -- loading ---------------------------------------------------------------------------------------


class QuerySet(Mapping[str, Query]):
    """The queries of one application schema (``sql/<schema>/``), by name."""

    def __init__(self, schema: str, queries: dict[str, Query]) -> None:
        self.schema = schema
        self._queries = queries

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise KeyError(f"no query {name!r} in sql/{self.schema}/") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def __getattr__(self, name: str) -> Query:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no query {name!r} in sql/{self.schema}/") from None


def _load_file(schema: str, path: Path) -> list[Query]:
    try:
        loaded = aiosql.from_path(path, "asyncpg")
    except Exception as exc:  # aiosql raises its own SQLParseException / SQLLoadException
        raise QueryLoadError(f"{path}: {exc}") from exc
    order: Mapping[str, list[str]] = loaded.driver_adapter.var_sorted
    result = []
    available = set(loaded.available_queries)
    for name in loaded.available_queries:
        if name.endswith("_cursor") and name.removesuffix("_cursor") in available:
            continue  # aiosql's generated cursor variant; Query.cursor() covers it
        fn = getattr(loaded, name)
        op = _OPS.get(fn.operation.name)
        if op is None:  # pragma: no cover - aiosql added an operator
            raise QueryLoadError(f"{path}: query {name}: unsupported operation {fn.operation.name}")
        result.append(
            Query(
                schema=schema,
                name=name,
                operation=op,
                sql=fn.sql,
                params=tuple(order.get(name, ())),
                doc=(fn.__doc__ or "").strip(),
                path=path,
            )
        )
    return result


def load(schema: str, root: Path | None = None) -> QuerySet:
    """Load ``<root>/<schema>/**/*.sql``. Query names must be unique within the schema."""
    base = (root or sql_dir()) / schema
    if not base.is_dir():
        raise QueryLoadError(f"no query folder {base}")
    found: dict[str, Query] = {}
    for path in sorted(base.rglob("*.sql")):
        for query in _load_file(schema, path):
            other = found.get(query.name)
            if other is not None:
                raise QueryLoadError(
                    f"query {schema}.{query.name} is defined twice: {other.path} and {path}"
                )
            found[query.name] = query
    return QuerySet(schema, found)


def load_all(root: Path | None = None) -> dict[str, QuerySet]:
    """Every schema folder under ``root`` (default: the shipped ``sql/``)."""
    base = root or sql_dir()
    return {d.name: load(d.name, base) for d in sorted(base.iterdir()) if d.is_dir()}
