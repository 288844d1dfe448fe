"""The differential test: what the generator declares against what PostgreSQL returns.

Every query in ``sql/`` and the hard-query corpus (tests/gen/fixtures/hard/sql/hardfx/, one query
per shape that has fooled typed layers) is generated, then run against real data in which every
column that can be NULL is NULL somewhere (rows without outer-join matches, NULL array elements,
the NOT NULL-domain loophole, a trigger that drops rows, an empty search_path). For every value
that comes back: a field typed non-Optional never receives NULL (*unsafe*), every value validates
against its annotation (*invalid*), and a function typed to always return a row returns one.
Columns typed Optional that were never NULL are counted as *over-cautious* and printed.

App queries get generic arguments (None for an optional parameter, a plain value of the
parameter's type otherwise) over tables filled generically; a query that fails on such data is
skipped and counted. The corpus gets chosen arguments.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import inspect
import sys
import types
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path

import asyncpg
import psycopg
import pytest
from gen_support import FIXTURES, apply_fixture_schema, forget
from pglast import ast as pg_ast
from pglast import enums as pg_enums
from pglast import parse_sql
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from datalayer.gen.cli import generate
from datalayer.gen.describe import _in_list
from datalayer.paths import sql_dir
from datalayer.queries import Operation, Query

HARD = FIXTURES / "hard"
HARD_SCHEMA = "hardfx"

#: Arguments for the corpus queries that take some (each set is one run).
CORPUS_ARGS: dict[str, list[dict[str, object]]] = {
    "hinted_param": [{"x": None}, {"x": "v"}],
    "coalesced_param": [{"x": None}, {"x": "v"}],
    "insert_guarded": [{"id": 1, "name": "odd"}, {"id": 4, "name": "even"}],
    "insert_plain": [{"id": 50, "name": None}],
    "fill_note": [{"id": 10}, {"id": 11}],
}

#: Session settings each query also runs under (an empty search_path nulls current_schema).
SETTINGS = ("", "SET LOCAL search_path = ''")


@dataclass
class Tally:
    queries: int = 0
    runs: int = 0
    skipped: int = 0
    with_rows: int = 0
    queries_with_rows: set[str] = field(default_factory=set)
    columns: int = 0  # result columns that saw at least one row
    unsafe: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    seen_null: dict[str, bool] = field(default_factory=dict)  # optional column -> NULL seen
    checked: set[str] = field(default_factory=set)


def _optional(annotation: object) -> bool:
    return type(None) in typing.get_args(annotation) or annotation is type(None)


def _strip_optional(annotation: object) -> object:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _value_for(annotation: object) -> object:
    """A plain value of a parameter's type."""
    base = _strip_optional(annotation)
    origin = typing.get_origin(base)
    if origin is list:
        return []
    if isinstance(base, type):
        if issubclass(base, Enum):
            return next(iter(base)).value
        if issubclass(base, bool):
            return True
        if issubclass(base, int):
            return 1
        if issubclass(base, float):
            return 1.0
        if issubclass(base, Decimal):
            return Decimal("1")
        if issubclass(base, str):
            return "x"
        if issubclass(base, bytes):
            return b"x"
        if issubclass(base, uuid.UUID):
            return uuid.UUID(int=1)
        if issubclass(base, dt.datetime):
            return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        if issubclass(base, dt.date):
            return dt.date(2026, 1, 1)
        if issubclass(base, dt.timedelta):
            return dt.timedelta(days=1)
    return {}  # JsonValue and the rest


def _annotated(info: FieldInfo) -> object:
    """The field's annotation with its metadata (pydantic keeps Annotated[...] extras apart)."""
    if not info.metadata:
        return info.annotation
    return typing.Annotated[(info.annotation, *info.metadata)]  # type: ignore[valid-type]


def _fields(fn: object) -> tuple[Operation | None, list[tuple[str, object]], bool]:
    """(columns as (name, annotation), the function always returns a row) from its signature."""
    ret = inspect.signature(fn).return_annotation  # type: ignore[arg-type]
    if typing.get_origin(ret) is list and isinstance(typing.get_args(ret)[0], type):
        ret = typing.get_args(ret)[0]
        always = False
    else:
        always = not _optional(ret)
        inner = _strip_optional(ret)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            ret = inner
    if isinstance(ret, type) and issubclass(ret, BaseModel):
        return None, [(n, _annotated(f)) for n, f in ret.model_fields.items()], always
    return None, [("value", ret)], always


def _populate_apps(url: str) -> None:
    """Two rows per application table where the constraints allow: one with every nullable
    column NULL, one with every column set (referencing existing rows; enum labels and CHECK
    ... IN lists respected where they can be read)."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            """
            SELECT c.oid::int, n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname IN
                ('fintech', 'export_readiness', 'compliance', 'validation', 'logistics')
            ORDER BY n.nspname, c.relname
            """
        ).fetchall()
        for _ in range(3):  # foreign keys: a later pass finds the rows an earlier one made
            for oid, nsp, rel in tables:
                _fill(conn, oid, nsp, rel)


def _fill(conn: psycopg.Connection[tuple[object, ...]], oid: int, nsp: str, rel: str) -> None:
    cols = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
               a.attgenerated <> '' OR a.attidentity = 'a',
               (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e
                WHERE e.enumtypid = a.atttypid),
               (SELECT quote_ident(fn.nspname) || '.' || quote_ident(fc.relname) || '|' || fa.attname
                FROM pg_constraint k
                JOIN pg_class fc ON fc.oid = k.confrelid
                JOIN pg_namespace fn ON fn.oid = fc.relnamespace
                JOIN pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1]
                WHERE k.conrelid = a.attrelid AND k.contype = 'f' AND k.conkey[1] = a.attnum
                LIMIT 1),
               (SELECT array_agg(pg_get_constraintdef(k.oid))
                FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c'
                  AND k.conkey = ARRAY[a.attnum])
        FROM pg_attribute a
        WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (oid,),
    ).fetchall()
    for all_set in (False, True):
        names, values = [], []
        for name, typ, notnull, has_default, generated, labels, fk, checks in cols:
            if generated or (has_default and not all_set):
                continue
            if not notnull and not all_set:
                continue
            value: object
            if fk:
                table, column = str(fk).split("|")
                found = conn.execute(
                    f'SELECT "{column}" FROM {table} ORDER BY random() LIMIT 1'
                ).fetchone()
                if found is None:
                    return
                value = found[0]
            elif labels:
                value = labels[-1 if all_set else 0]
            else:
                allowed = [_in_list(str(name), str(c)) for c in checks or ()]
                listed = [v for v in allowed if v]
                value = listed[0][-1 if all_set else 0] if listed else _sample(name, typ, all_set)
            names.append(f'"{name}"')
            values.append(value)
        sql = f'INSERT INTO "{nsp}"."{rel}" ({", ".join(names)}) VALUES ({", ".join(["%s"] * len(names))})'
        if not names:
            sql = f'INSERT INTO "{nsp}"."{rel}" DEFAULT VALUES'
        try:
            with conn.transaction():
                conn.execute(sql, values)
        except psycopg.Error:
            pass


def _sample(column: object, type_name: object, variant: bool) -> object:
    """A value of the type that passes the usual CHECKs (names, codes, emails, phones)."""
    name, typ = str(column), str(type_name)
    n = 2 if variant else 1
    tag = uuid.uuid4().hex[:8]
    if "email" in name and not typ.endswith("[]"):
        return f"u{tag}@example.com"
    if "phone" in name:
        return f"+1555{tag[:0]}{1234560 + n}"
    if "currency" in name:
        return "USD"
    if "country" in name:
        return "US"
    if name.endswith("_hash"):
        return "$2b$12$" + "a" * 53
    if typ.endswith("[]"):
        return None if not variant else []
    if typ.startswith(("integer", "bigint", "smallint")):
        return n
    if typ.startswith(("numeric", "double", "real")):
        return Decimal(n)
    if typ == "boolean":
        return variant
    if typ == "uuid":
        return uuid.uuid4()
    if typ.startswith("timestamp"):
        return dt.datetime(2026, 1, n, tzinfo=dt.UTC)
    if typ == "date":
        return dt.date(2026, 1, n)
    if typ == "interval":
        return dt.timedelta(hours=n)
    if typ in ("jsonb", "json"):
        return psycopg.types.json.Jsonb({"k": n})
    if typ == "inet":
        return "10.0.0.1"
    if typ == "bytea":
        return b"x"
    if typ.startswith("character(") or typ.startswith("char"):
        return "A" * int(typ[typ.index("(") + 1 : typ.index(")")]) if "(" in typ else "A"
    return f"{'ab'[variant]}{tag}"


def _bound_columns(sql: str) -> dict[int, tuple[str, str]]:
    """``$n = alias.column`` (either side, casts ignored) -> {n: ("schema.table", column)}."""
    try:
        stmt = parse_sql(sql)[0].stmt
    except Exception:
        return {}
    nodes = list(_walk(stmt))
    tables: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, pg_ast.RangeVar) and node.schemaname:
            full = f'"{node.schemaname}"."{node.relname}"'
            tables[node.alias.aliasname if node.alias else node.relname] = full
    found: dict[int, tuple[str, str]] = {}
    for node in nodes:
        if not isinstance(node, pg_ast.A_Expr) or node.kind != pg_enums.A_Expr_Kind.AEXPR_OP:
            continue
        if [getattr(n, "sval", "") for n in node.name or ()] != ["="]:
            continue
        sides = [node.lexpr, node.rexpr]
        for a, b in (sides, sides[::-1]):
            while isinstance(a, pg_ast.TypeCast):
                a = a.arg
            if isinstance(a, pg_ast.ParamRef) and isinstance(b, pg_ast.ColumnRef):
                parts = [getattr(f, "sval", None) for f in b.fields or ()]
                if len(parts) == 2 and parts[0] in tables and a.number:
                    found.setdefault(a.number, (tables[str(parts[0])], str(parts[1])))
                elif len(parts) == 1 and len(set(tables.values())) == 1 and a.number:
                    found.setdefault(a.number, (next(iter(tables.values())), str(parts[0])))
    return found


def _walk(node: object) -> Iterator[pg_ast.Node]:
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, pg_ast.Node):
        yield node
        for name in getattr(type(node), "__slots__", ()):
            yield from _walk(getattr(node, name, None))


async def _data_args(
    conn: asyncpg.Connection, query: Query, generic: dict[str, object]
) -> list[dict[str, object]]:
    """Argument sets whose compared parameters take values from existing rows (two rows per
    table, the same row for every parameter compared with one table), plus the generic set."""
    bound = _bound_columns(query.sql)
    if not bound:
        return [generic]
    sets = []
    for offset in (0, 1):
        args = dict(generic)
        for number, (table, column) in bound.items():
            try:
                value = await conn.fetchval(
                    f'SELECT "{column}" FROM {table} ORDER BY ctid LIMIT 1 OFFSET {offset}'
                )
            except asyncpg.PostgresError:
                continue
            if value is not None:
                args[query.params[number - 1]] = value
        sets.append(args)
    return [*sets, generic]


def _load_module(root: Path, name: str) -> types.ModuleType:
    forget(name)
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"{name}._queries")
    finally:
        sys.path.remove(str(root))


async def _check_module(url: str, module: types.ModuleType, tally: Tally, corpus: bool) -> None:
    conn = await asyncpg.connect(url)
    try:
        for name in module.__all__:
            fn = getattr(module, name)
            query = getattr(module, f"_{name}", None)
            if not isinstance(query, Query) or not inspect.iscoroutinefunction(fn):
                continue
            if query.operation in (Operation.EXECUTE, Operation.EXECUTE_MANY):
                continue
            tally.queries += 1
            _, columns, always = _fields(fn)
            params = inspect.signature(fn).parameters
            if corpus and name in CORPUS_ARGS:
                arg_sets = CORPUS_ARGS[name]
            else:
                generic = {
                    p: None if _optional(params[p].annotation) else _value_for(params[p].annotation)
                    for p in query.params
                }
                arg_sets = await _data_args(conn, query, generic)
            for args in arg_sets:
                for setting in SETTINGS:
                    await _run(conn, module, name, query, columns, always, args, setting, tally)
    finally:
        await conn.close()


async def _run(
    conn: asyncpg.Connection,
    module: types.ModuleType,
    name: str,
    query: Query,
    columns: list[tuple[str, object]],
    always: bool,
    args: dict[str, object],
    setting: str,
    tally: Tally,
) -> None:
    tx = conn.transaction()
    await tx.start()
    try:
        if setting:
            await conn.execute(setting)
        rows = await conn.fetch(query.sql, *[args[p] for p in query.params])
    except asyncpg.PostgresError:
        tally.skipped += 1
        return
    finally:
        await tx.rollback()
    tally.runs += 1
    where = f"{module.__name__.split('.')[0]}.{name}"
    if always and not rows:
        tally.unsafe.append(f"{where}: typed to always return a row, returned none ({args})")
    if rows:
        tally.with_rows += 1
        tally.queries_with_rows.add(where)
    for row in rows:
        for (field_name, annotation), value in zip(columns, tuple(row), strict=True):
            key = f"{where}.{field_name}"
            if key not in tally.checked:
                tally.checked.add(key)
                tally.columns += 1
            if value is None:
                if not _optional(annotation) and annotation is not object:
                    tally.unsafe.append(f"{key}: typed {annotation}, received NULL ({setting!r})")
                tally.seen_null[key] = True
                continue
            if _optional(annotation):
                tally.seen_null.setdefault(key, False)
            try:
                TypeAdapter(annotation).validate_python(value)
            except ValidationError as exc:
                tally.invalid.append(
                    f"{key}: {value!r} is not {annotation}: {exc.errors()[0]['msg']}"
                )


@pytest.fixture
def differential_url(database_url: str) -> Iterator[str]:
    apply_fixture_schema(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute((HARD / "schema.sql").read_text().encode())
        conn.execute((HARD / "data.sql").read_text().encode())
    _populate_apps(database_url)
    yield database_url


def run_differential(url: str, tmp_path: Path) -> Tally:
    apps = sorted(p.name for p in sql_dir().iterdir() if p.is_dir())
    tally = Tally()
    for sql_root, schemas, corpus in (
        (sql_dir(), apps, False),
        (HARD / "sql", [HARD_SCHEMA], True),
    ):
        out = tmp_path / ("corpus" if corpus else "apps")
        result = generate(url, schemas, sql_root=sql_root, out_root=out)
        for path, text in {**result.files, **result.packages}.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for schema in schemas:
            module = _load_module(out, schema)
            asyncio.run(_check_module(url, module, tally, corpus))
            forget(schema)
    return tally


def test_no_field_typed_non_optional_receives_null(differential_url: str, tmp_path: Path) -> None:
    tally = run_differential(differential_url, tmp_path)
    over = sorted(k for k, seen in tally.seen_null.items() if not seen)
    corpus_columns = sum(1 for k in tally.checked if k.startswith(f"{HARD_SCHEMA}."))
    print(
        f"\ndifferential: {tally.queries} queries, {tally.runs} runs ({tally.skipped} skipped on "
        f"generic data), {tally.with_rows} runs with rows ({len(tally.queries_with_rows)} queries), "
        f"{tally.columns} result columns checked "
        f"({corpus_columns} from the hard corpus): unsafe {len(tally.unsafe)}, invalid "
        f"{len(tally.invalid)}, over-cautious {len(over)} of "
        f"{len(tally.seen_null)} Optional columns"
    )
    for line in over:
        print(f"  over-cautious: {line}")
    for line in tally.unsafe + tally.invalid:
        print(f"  FAIL {line}")
    assert corpus_columns >= 100
    assert tally.unsafe == []
    assert tally.invalid == []
