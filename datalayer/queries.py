"""Loading ``sql/<schema>/*.sql`` (aiosql's file format) and running the SQL directly on asyncpg.

The files use aiosql's format (``-- name: q(params)op``, ``--`` doc lines, ``:param``); this module
parses it with a real SQL lexer, so a colon inside a string, a dollar-quoted body, a comment or an
array slice (``a[1:2]``) is never taken for a parameter, and nothing is dropped silently: a
statement without a name, ``-- name`` without its colon, an undeclared or unused parameter are
errors that name the file, line and column. The SQL produced (``:param`` → ``$n``) is exactly what
aiosql produces for the asyncpg driver. datalayer executes it itself on the connection it is given. That skips aiosql's per-call ``dir(conn)`` probe
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

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from pydantic import BaseModel, TypeAdapter

from . import errors
from .errors import DataLayerError, QueryParameterError, translate
from .paths import sql_dir

__all__ = [
    "QUERY_LOG",
    "Connection",
    "Operation",
    "Query",
    "QueryLoadError",
    "QuerySet",
    "configure_logging",
    "load",
    "load_all",
    "load_file",
    "rowcount",
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


def where(path: Path, line: int, column: int = 1) -> str:
    """``file:line:column``, as compilers print it."""
    return f"{path}:{line}:{column}"


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
    #: whether a query is timed at all: ``echo`` or a slow-query threshold (a plain attribute,
    #: read once per call)
    active: bool = True
    #: generated functions call the Query's ``*_args`` methods (which instrumentation wraps,
    #: ``datalayer.otel``) instead of the driver directly
    hooked: bool = False


_log = _LogConfig()
#: The query logging configuration generated functions read on every call.
QUERY_LOG = _log


def configure_logging(*, echo: bool, parameters: bool, slow_ms: float | None) -> None:
    """Query logging through the ``datalayer.query`` logger: every query at DEBUG when ``echo``,
    queries slower than ``slow_ms`` at WARNING. Parameter values only when ``parameters``."""
    _log.echo = echo
    _log.parameters = parameters
    _log.slow_seconds = None if slow_ms is None or slow_ms <= 0 else slow_ms / 1000
    _log.active = echo or _log.slow_seconds is not None


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


def rowcount(status: str) -> int:
    """The number of rows a command tag (``UPDATE 3``) reports; 0 when it reports none."""
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
    line: int = 0  # of the ``-- name:`` comment in ``path``
    #: for each line of ``sql``: (line in ``path``, column in ``path`` of the line's first character)
    lines: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)
    #: where each parameter is first used in ``path``: name -> (line, column)
    param_at: Mapping[str, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)
    sha256: str = field(init=False)
    #: parameters never logged: marked ``-- @sensitive name, ...`` in the query's comment (values
    #: of encrypted columns), or named like a password, key, secret, token or credential
    sensitive: frozenset[str] = field(init=False, repr=False)
    _param_set: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(getattr(type(self), "statement", None), property):
            # What generated functions send: the SQL itself (a stale query refuses instead).
            object.__setattr__(self, "statement", self.sql)
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

    statement: str = field(init=False, repr=False, compare=False)

    def report(self, started: float, rows: int, args: Sequence[object]) -> None:
        """Log this run when it was slow or echo is on (``started``: ``time.perf_counter()``)."""
        _report(self, started, rows, args)

    def failed(self, exc: BaseException, conn: Connection) -> DataLayerError:
        """The driver error ``exc`` mapped to :mod:`datalayer.errors`, naming this query."""
        return self._error(exc, conn)

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

    def location(self, position: int | None = None) -> str:
        """``file:line:column`` of a 1-based character ``position`` in :attr:`sql` (the server's
        error position), else of the query's ``-- name:`` line."""
        if position is None or not self.lines or position < 1:
            return where(self.path, self.line or 1)
        before = self.sql[: position - 1]
        index = before.count("\n")
        column = len(before) - (before.rfind("\n") + 1)
        if index >= len(self.lines):
            return where(self.path, self.line or 1)
        line, start = self.lines[index]
        # map $n back to :name within the line
        text = self.sql.split("\n")[index][:column]
        shift = 0
        for m in re.finditer(r"\$(\d+)", text):
            n = int(m.group(1))
            if 0 < n <= len(self.params):
                shift += len(self.params[n - 1]) + 1 - len(m.group(0))
        return where(self.path, line, start + column + shift)

    def param_location(self, name: str) -> str:
        line, column = self.param_at.get(name, (self.line or 1, 1))
        return where(self.path, line, column)

    def named(self, message: str) -> str:
        """``message`` with the server's ``$n`` replaced by the parameter's ``:name``."""
        return errors.name_placeholders(message, self.params)

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
            raise self._error(exc, conn) from None  # the driver's text repeats values
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
            raise self._error(exc, conn) from None  # the driver's text repeats values
        if started:
            _report(self, started, 0 if row is None else 1, args)
        return row

    async def fetchval_args(self, conn: Connection, args: Sequence[object], /) -> object:
        started = time.perf_counter() if _log.active else 0.0
        try:
            value: object = await conn.fetchval(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from None  # the driver's text repeats values
        if started:
            _report(self, started, 1, args)
        return value

    async def execute_args(self, conn: Connection, args: Sequence[object], /) -> int:
        started = time.perf_counter() if _log.active else 0.0
        try:
            status = await conn.execute(self.sql, *args)
        except Exception as exc:
            raise self._error(exc, conn) from None  # the driver's text repeats values
        count = rowcount(status)
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
            raise self._error(exc, conn) from None  # the driver's text repeats values
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
            raise self._error(exc, conn) from None  # the driver's text repeats values


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


_NAME_OP = re.compile(
    r"^(?P<name>\w+)\s*(|\((?P<params>(\s*|\s*\w+\s*(,\s*\w+\s*)*))\))\s*"
    r"(?P<op>(|\^|\$|!|<!|\*!|#))$"
)
_NAME_LINE = re.compile(r"^\s*--\s*name\s*:\s*")
_NAME_NO_COLON = re.compile(r"^\s*--\s*name\b(?!\s*:)")
_DOC_LINE = re.compile(r"^\s*--\s*(.*)$")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_$]")
_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class _Token:
    kind: str  # "code", "string", "comment", "param", "semicolon"
    start: int
    end: int
    name: str = ""


def _lex(text: str) -> Iterator[_Token]:
    """Split SQL into code, quoted text (strings, quoted identifiers, dollar-quoted bodies),
    comments, ``:param`` references and top-level semicolons."""
    i, n = 0, len(text)
    depth = 0  # [ ] nesting: a colon inside is an array slice
    code_start = 0

    def flush(upto: int) -> Iterator[_Token]:
        if upto > code_start:
            yield _Token("code", code_start, upto)

    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        end = -1
        kind = ""
        if c == "-" and nxt == "-":
            end = text.find("\n", i)
            end = n if end < 0 else end
            kind = "comment"
        elif c == "/" and nxt == "*":
            level, j = 1, i + 2
            while j < n and level:
                if text.startswith("/*", j):
                    level, j = level + 1, j + 2
                elif text.startswith("*/", j):
                    level, j = level - 1, j + 2
                else:
                    j += 1
            end, kind = j, "comment"
        elif c == "'":
            escapes = (
                i > 0 and text[i - 1] in "eE" and (i < 2 or not _IDENT_CHAR.match(text[i - 2]))
            )
            j = i + 1
            while j < n:
                if escapes and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            end, kind = min(j + 1, n), "string"
        elif c == '"':
            j = text.find('"', i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == '"':
                j = text.find('"', j + 2)
            end, kind = (n if j < 0 else j + 1), "string"
        elif c == "$" and (i == 0 or not _IDENT_CHAR.match(text[i - 1])):
            m = _DOLLAR_TAG.match(text, i)
            if m:
                close = text.find(m.group(0), m.end())
                end, kind = (n if close < 0 else close + len(m.group(0))), "string"
        elif c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        elif c == ";" and depth == 0:
            yield from flush(i)
            yield _Token("semicolon", i, i + 1)
            i += 1
            code_start = i
            continue
        elif c == ":" and nxt == ":":
            i += 2
            continue
        elif c == ":":
            m = _PARAM.match(text, i + 1)
            prev = text[i - 1] if i else ""
            slice_colon = depth > 0 and prev not in ("", " ", "\t", "\n", "(", ",")
            if m and not slice_colon:
                yield from flush(i)
                yield _Token("param", i, m.end(), m.group(0))
                i = code_start = m.end()
                continue
        if kind:
            yield from flush(i)
            yield _Token(kind, i, end)
            i = code_start = end
            continue
        i += 1
    yield from flush(n)


@dataclass
class _Block:
    line: int  # of the -- name: comment
    spec: str
    body: list[tuple[int, str, bool]]  # (line number, text, starts inside a string/comment)


def _blocks(path: Path, text: str) -> list[_Block]:
    """The ``-- name:`` blocks of a file. Anything else that is not a comment is an error."""
    lines = text.split("\n")
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    # strings, dollar-quoted bodies and block comments: a line starting inside one is their text
    spans = [(t.start, t.end) for t in _lex(text) if t.kind == "string" or text[t.start] == "/"]
    spans = [sp for sp in spans if text[sp[0]] != "-"]

    def inside(offset: int) -> bool:
        return any(a < offset < b for a, b in spans)

    blocks: list[_Block] = []
    for number, ln in enumerate(lines, start=1):
        protected = inside(starts[number - 1])
        if not protected:
            head = _NAME_LINE.match(ln)
            if head:
                blocks.append(_Block(number, ln[head.end() :].strip(), []))
                continue
            if _NAME_NO_COLON.match(ln):
                raise QueryLoadError(
                    f"{where(path, number, ln.index('name') + 1)}: '-- name' without its colon; "
                    "write '-- name: query_name(params)'"
                )
        if blocks:
            blocks[-1].body.append((number, ln, protected))
    prefix = text[: starts[blocks[0].line - 1]] if blocks else text
    for token in _lex(prefix):
        chunk = prefix[token.start : token.end]
        if token.kind != "comment" and chunk.strip():
            offset = token.start + len(chunk) - len(chunk.lstrip())
            number = max(i for i, st in enumerate(starts) if st <= offset)
            raise QueryLoadError(
                f"{where(path, number + 1, offset - starts[number] + 1)}: a statement without a "
                "name (every statement needs a '-- name: ...' line before it)"
            )
    return blocks


def _parse_block(schema: str, path: Path, block: _Block) -> Query:
    spec = block.spec.replace("-", "_")
    at = where(path, block.line)
    matched = _NAME_OP.match(spec)
    if not matched or spec[:1].isdigit():
        raise QueryLoadError(f"{at}: invalid query name and operator {block.spec!r}")
    name, op_text, raw_params = matched.group("name"), matched.group("op"), matched.group("params")
    op = Operation(op_text)
    if raw_params is None and op_text not in ("#", "*!", "<!"):
        raise QueryLoadError(f"{at}: query {name}: missing its parameter list, e.g. {name}()")
    declared = [p.strip() for p in raw_params.split(",")] if raw_params is not None else None
    if declared == [""]:
        declared = []
    if declared and op is Operation.SCRIPT:
        raise QueryLoadError(f"{at}: query {name}: a script (#) takes no parameters")
    doc: list[str] = []
    code: list[tuple[int, str]] = []
    body = [(n, ln.rstrip(), protected) for n, ln, protected in block.body]
    while body and not body[-1][1].strip():
        body.pop()
    for number, ln, protected in body:
        m = None if protected else _DOC_LINE.match(ln)
        if m:
            doc.append(m.group(1))
        else:
            code.append((number, ln))
    while code and not code[0][1].strip():
        code.pop(0)
    while code and not code[-1][1].strip():
        code.pop()
    if not code:
        raise QueryLoadError(f"{at}: query {name}: no SQL")
    indent = len(code[0][1]) - len(code[0][1].lstrip())
    code[0] = (code[0][0], code[0][1][indent:])
    columns = [1 + indent] + [1] * (len(code) - 1)
    raw = "\n".join(ln for _, ln in code)
    line_starts = [0]
    for _, ln in code[:-1]:
        line_starts.append(line_starts[-1] + len(ln) + 1)

    def position(offset: int) -> tuple[int, int]:
        k = max(i for i, st in enumerate(line_starts) if st <= offset)
        return code[k][0], columns[k] + offset - line_starts[k]

    out: list[str] = []
    order: list[str] = []
    first_use: dict[str, tuple[int, int]] = {}
    last = 0
    statements = 0
    pending = False
    for token in _lex(raw):
        if token.kind == "semicolon":
            if pending:
                statements += 1
            pending = False
            continue
        if token.kind in ("code", "param", "string") and raw[token.start : token.end].strip():
            if not pending and statements and op is not Operation.SCRIPT:
                line, col = position(
                    token.start
                    + len(raw[token.start : token.end])
                    - len(raw[token.start : token.end].lstrip())
                )
                raise QueryLoadError(
                    f"{where(path, line, col)}: a statement without a name after query {name} "
                    "(every statement needs a '-- name: ...' line before it)"
                )
            pending = True
        if token.kind != "param":
            continue
        pname = token.name
        if pname not in order:
            order.append(pname)
            first_use[pname] = position(token.start)
        out.append(raw[last : token.start])
        out.append(f"${order.index(pname) + 1}")
        last = token.end
    out.append(raw[last:])
    sql = "".join(out)
    if declared is not None:
        for pname in order:
            if pname not in declared:
                line, col = first_use[pname]
                raise QueryLoadError(
                    f"{where(path, line, col)}: query {name}: parameter :{pname} is not declared "
                    f"in {name}({', '.join(declared)})"
                )
        unused = [p for p in declared if p not in order]
        if unused:
            raise QueryLoadError(
                f"{at}: query {name}: declared parameter(s) never used: "
                + ", ".join(":" + p for p in unused)
            )
    return Query(
        schema=schema,
        name=name,
        operation=op,
        sql=sql,
        params=tuple(order),
        doc="\n".join(doc).strip(),
        path=path,
        line=block.line,
        lines=tuple(zip((n for n, _ in code), columns, strict=True)),
        param_at=first_use,
    )


def _load_file(schema: str, path: Path) -> list[Query]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise QueryLoadError(f"{path}: {exc}") from exc
    result: list[Query] = []
    seen: dict[str, int] = {}
    for block in _blocks(path, text):
        query = _parse_block(schema, path, block)
        if query.name in seen:
            raise QueryLoadError(
                f"{where(path, block.line)}: query {schema}.{query.name} is defined twice "
                f"(also line {seen[query.name]})"
            )
        seen[query.name] = block.line
        result.append(query)
    return result


def load_file(schema: str, path: Path) -> list[Query]:
    """The queries of one ``.sql`` file, as queries of ``schema``."""
    return _load_file(schema, path)


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
