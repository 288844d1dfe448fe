"""Describe every query against a migrated database, then read what the catalog knows.

Types come from the server: each query is prepared over libpq (psycopg 3's ``pgconn.prepare`` +
``describe_prepared``), which reports parameter type OIDs and, for each result column, its name,
type OID and origin (table OID, column number). The catalog is then read in a few batched queries:
columns (``attnotnull``, NOT NULL domains, relation kind, comments), types (arrays, domains,
composites, ranges), enum labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import psycopg
from psycopg import pq

from datalayer.errors import DataLayerError
from datalayer.queries import Operation, Query

__all__ = [
    "Attribute",
    "Catalog",
    "ColumnDesc",
    "Description",
    "GenError",
    "PgType",
    "Relation",
    "describe",
]


class GenError(DataLayerError):
    """Generation cannot proceed (a query does not prepare, an unsupported shape, ...)."""


@dataclass(frozen=True)
class ColumnDesc:
    name: str
    type_oid: int
    table_oid: int
    attnum: int


@dataclass(frozen=True)
class Description:
    query: Query
    param_oids: tuple[int, ...]
    columns: tuple[ColumnDesc, ...]


@dataclass(frozen=True)
class Attribute:
    relid: int
    attnum: int
    name: str
    notnull: bool  # attnotnull (a NOT NULL domain does not count: NULL enters it by an empty
    # scalar subquery, INSERT ... VALUES ((SELECT dom_col ... WHERE false)))
    type_oid: int
    comment: str | None


@dataclass(frozen=True)
class Relation:
    oid: int
    schema: str
    name: str
    kind: str  # pg_class.relkind
    columns: tuple[Attribute, ...]


@dataclass(frozen=True)
class PgType:
    oid: int
    schema: str
    name: str
    typtype: str  # b c d e p r m
    category: str
    elem: int  # element type of an array, else 0
    base: int  # base type of a domain, else 0
    notnull: bool  # domain NOT NULL
    relid: int  # composite's pg_class oid
    range_subtype: int
    labels: tuple[str, ...] = ()  # enum labels in sort order
    multirange_of: int = 0  # a multirange's range type
    fields: tuple[tuple[str, int], ...] = ()  # composite attributes (name, type oid)


@dataclass
class Catalog:
    types: dict[int, PgType] = field(default_factory=dict)
    relations: dict[int, Relation] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)  # "schema.name" or "name" -> oid
    retset: frozenset[str] = frozenset()  # names of set-returning functions
    #: names of functions defined outside pg_catalog: a call to one of these names may not be the
    #: built-in (overloads, search_path), so no built-in fact applies to it
    #: name -> (fewest, most) arguments of each such function (most: -1 when variadic)
    user_functions: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    #: relations on which INSERT may return no row for a VALUES row: a BEFORE INSERT row trigger
    #: (it may return NULL) or a DO INSTEAD rule
    row_droppers: frozenset[int] = frozenset()
    #: relations whose new rows a BEFORE/INSTEAD OF row trigger on INSERT or UPDATE, or an INSTEAD
    #: rule, may rewrite: RETURNING shows what they made of the row
    row_rewriters: frozenset[int] = frozenset()
    #: (relation, column) -> the only values a validated ``CHECK (col IN (...))`` allows
    literals: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    #: view and materialized view oid -> its defining query (pg_get_viewdef), for the views of
    #: the application schemas (the analysis derives their columns' nullability from it)
    views: dict[int, str] = field(default_factory=dict)

    def relation(self, schema: str | None, name: str | None) -> Relation | None:
        if not name:
            return None
        oid = self.by_name.get(f"{schema}.{name}" if schema else name)
        return None if oid is None else self.relations.get(oid)

    def attribute(self, relid: int, attnum: int) -> Attribute | None:
        rel = self.relations.get(relid)
        if rel is None:
            return None
        for col in rel.columns:
            if col.attnum == attnum:
                return col
        return None

    def resolve(self, oid: int) -> PgType | None:
        """The type, with domains unwrapped to their base type."""
        seen = 0
        t = self.types.get(oid)
        while t is not None and t.typtype == "d" and seen < 32:
            t = self.types.get(t.base)
            seen += 1
        return t


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _prepare_all(
    conn: psycopg.Connection[tuple[object, ...]], queries: Sequence[Query]
) -> list[Description]:
    pgconn = conn.pgconn
    out: list[Description] = []
    problems: list[str] = []
    for i, query in enumerate(queries):
        if query.operation is Operation.SCRIPT:
            continue
        name = f"datalayer_gen_{i}".encode()
        pgconn.exec_(b"SAVEPOINT datalayer_gen")
        res = pgconn.prepare(name, query.sql.encode())
        if res.status != pq.ExecStatus.COMMAND_OK:
            pgconn.exec_(b"ROLLBACK TO SAVEPOINT datalayer_gen")
            primary = res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY)
            detail = res.error_field(pq.DiagnosticField.MESSAGE_DETAIL)
            hint_field = res.error_field(pq.DiagnosticField.MESSAGE_HINT)
            position = res.error_field(pq.DiagnosticField.STATEMENT_POSITION)
            message = (primary or res.error_message or b"").decode(errors="replace").strip()
            if detail:
                message += " (" + detail.decode(errors="replace").strip() + ")"
            if hint_field:
                message += "; " + hint_field.decode(errors="replace").strip()
            hint = ""
            if "could not determine data type of parameter" in message:
                hint = " (add a cast to the parameter, e.g. :name::int)"
            message = query.named(message + hint)
            at = query.location(int(position) if position else None)
            named = re.findall(r":(\w+)", message)
            if not position and named and named[0] in query.params:
                at = query.param_location(named[0])
            problems.append(f"{at}: query {query.qualified_name}: {message}")
            continue
        desc = pgconn.describe_prepared(name)
        if desc.status != pq.ExecStatus.COMMAND_OK:  # pragma: no cover - prepare succeeded
            problems.append(f"{query.qualified_name}: describe failed")
            continue
        params = tuple(desc.param_type(j) for j in range(desc.nparams))
        columns = tuple(
            ColumnDesc(
                name=(desc.fname(j) or b"").decode(),
                type_oid=desc.ftype(j),
                table_oid=desc.ftable(j),
                attnum=desc.ftablecol(j),
            )
            for j in range(desc.nfields)
        )
        pgconn.exec_(b"DEALLOCATE " + name)
        out.append(Description(query, params, columns))
    if problems:
        raise GenError("queries that do not prepare:\n  " + "\n  ".join(problems))
    return out


_RELATIONS_SQL = """
SELECT n.name, to_regclass(n.name)::oid
FROM unnest(%s::text[]) AS n(name)
"""

_ATTRIBUTES_SQL = """
SELECT c.oid, ns.nspname::text, c.relname::text, c.relkind::text,
       a.attnum, a.attname::text, a.attnotnull, a.atttypid::oid,
       col_description(c.oid, a.attnum)
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS ns ON ns.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid = ANY(%s::oid[])
ORDER BY c.oid, a.attnum
"""

_TYPES_SQL = """
SELECT t.oid, ns.nspname::text, t.typname::text, t.typtype::text, t.typcategory::text,
       t.typelem::oid, t.typbasetype::oid, t.typnotnull, t.typrelid::oid,
       coalesce(r.rngsubtype, 0)::oid,
       coalesce((SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum AS e WHERE e.enumtypid = t.oid), '{}'),
       coalesce((SELECT array_agg(a.attname::text ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '{}'),
       coalesce((SELECT array_agg(a.atttypid::oid ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '{}'),
       coalesce((SELECT m.rngtypid FROM pg_catalog.pg_range AS m
                 WHERE m.rngmultitypid = t.oid), 0)::oid
FROM pg_catalog.pg_type AS t
JOIN pg_catalog.pg_namespace AS ns ON ns.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_range AS r ON r.rngtypid = t.oid
WHERE t.oid = ANY(%s::oid[])
"""


def _read_types(
    conn: psycopg.Connection[tuple[object, ...]], oids: Iterable[int], catalog: Catalog
) -> None:
    todo = {o for o in oids if o} - catalog.types.keys()
    while todo:
        rows = conn.execute(_TYPES_SQL, (sorted(todo),)).fetchall()
        todo = set()
        for row in rows:
            (
                oid,
                schema,
                name,
                typtype,
                category,
                elem,
                base,
                notnull,
                relid,
                rng,
                labels,
                fnames,
                ftypes,
                multi,
            ) = row
            assert isinstance(oid, int) and isinstance(labels, list)
            assert isinstance(fnames, list) and isinstance(ftypes, list)
            t = PgType(
                oid=oid,
                schema=str(schema),
                name=str(name),
                typtype=str(typtype),
                category=str(category),
                elem=int(str(elem)),
                base=int(str(base)),
                notnull=bool(notnull),
                relid=int(str(relid)),
                range_subtype=int(str(rng)),
                labels=tuple(str(x) for x in labels),
                multirange_of=int(str(multi)),
                fields=tuple(
                    zip((str(x) for x in fnames), (int(str(x)) for x in ftypes), strict=True)
                ),
            )
            catalog.types[oid] = t
            todo.update(
                {t.elem, t.base, t.range_subtype, t.multirange_of, *(f[1] for f in t.fields)}
            )
        todo = {o for o in todo if o} - catalog.types.keys()


def _read_relations(
    conn: psycopg.Connection[tuple[object, ...]],
    names: Iterable[tuple[str | None, str]],
    origin_oids: Iterable[int],
    catalog: Catalog,
) -> None:
    keys = sorted({(s or "", n) for s, n in names})
    texts = [(_quote(s) + "." if s else "") + _quote(n) for s, n in keys]
    oids = set(o for o in origin_oids if o)
    if texts:
        for (schema, name), (_, oid) in zip(
            keys, conn.execute(_RELATIONS_SQL, (texts,)).fetchall(), strict=True
        ):
            if oid is not None:
                catalog.by_name[f"{schema}.{name}" if schema else name] = int(str(oid))
                oids.add(int(str(oid)))
    if not oids:
        return
    grouped: dict[int, tuple[str, str, str, list[Attribute]]] = {}
    for row in conn.execute(_ATTRIBUTES_SQL, (sorted(oids),)).fetchall():
        relid, nsp, relname, kind, attnum, attname, notnull, typ, comment = row
        rid = int(str(relid))
        entry = grouped.setdefault(rid, (str(nsp), str(relname), str(kind), []))
        entry[3].append(
            Attribute(
                relid=rid,
                attnum=int(str(attnum)),
                name=str(attname),
                notnull=bool(notnull),
                type_oid=int(str(typ)),
                comment=None if comment is None else str(comment),
            )
        )
    for rid, (schema, relname, kind, cols) in grouped.items():
        catalog.relations[rid] = Relation(rid, schema, relname, kind, tuple(cols))


_VIEWS_SQL = """
SELECT c.oid::oid, pg_get_viewdef(c.oid)
FROM pg_catalog.pg_class AS c
WHERE c.oid = ANY(%s::oid[])
"""
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")


def _read_views(conn: psycopg.Connection[tuple[object, ...]], catalog: Catalog) -> set[str]:
    """The defining query of every (materialized) view read so far, and the relations those
    queries read, transitively. Returns the names of the functions they call."""
    from .nullability import function_names, relation_names

    functions: set[str] = set()
    while True:
        todo = sorted(
            oid
            for oid, rel in catalog.relations.items()
            if rel.kind in ("v", "m")
            and rel.schema not in _SYSTEM_SCHEMAS
            and oid not in catalog.views
        )
        if not todo:
            return functions
        names: set[tuple[str | None, str]] = set()
        for oid, definition in conn.execute(_VIEWS_SQL, (todo,)).fetchall():
            sql = str(definition or "")
            catalog.views[int(str(oid))] = sql
            names |= relation_names(sql)
            functions |= function_names(sql)
        _read_relations(conn, names, (), catalog)


#: Extensions that queries may read although the migrations do not create them (sql/ops reads
#: pg_stat_statements when the server preloads it). Created inside the rolled-back describe
#: transaction when the server ships them, so their relations can be prepared.
DESCRIBE_EXTENSIONS = ("pg_stat_statements",)

_CHECKS_SQL = """
SELECT k.conrelid::oid, k.conkey[1]::int, a.attname::text, pg_get_constraintdef(k.oid)
FROM pg_catalog.pg_constraint AS k
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
WHERE k.contype = 'c' AND k.convalidated AND cardinality(k.conkey) = 1
  AND k.conrelid = ANY(%s::oid[])
"""

# CHECK ((col = ANY (ARRAY['a'::text, 'b'::text]))), and the varchar spelling
# CHECK (((col)::text = ANY ((ARRAY['a'::character varying, ...])::text[])))
_IN_LIST = re.compile(
    r"^CHECK \(\((?:\((?P<c1>[a-z_][a-z0-9_]*)\)::text|(?P<c2>[a-z_][a-z0-9_]*)) = ANY "
    r"\(\(?ARRAY\[(?P<items>.*?)\](?:\)::text\[\])?\)\)\)$"
)
_ITEM = re.compile(r"'((?:[^']|'')*)'::(?:text|character varying)")


def _in_list(column: str, definition: str) -> tuple[str, ...] | None:
    """The literals of ``CHECK (column IN ('a', 'b'))`` as PostgreSQL prints it, else None."""
    m = _IN_LIST.match(definition)
    if not m or (m.group("c1") or m.group("c2")) != column:
        return None
    items = m.group("items")
    values = [v.replace("''", "'") for v in _ITEM.findall(items)]
    rebuilt = ", ".join(f"'{v.replace(chr(39), chr(39) * 2)}'" for v in values)
    if not values or _ITEM.sub(lambda x: f"'{x.group(1)}'", items) != rebuilt:
        return None
    return tuple(dict.fromkeys(values))


def _read_checks(conn: psycopg.Connection[tuple[object, ...]], catalog: Catalog) -> None:
    rels = sorted(catalog.relations)
    if not rels:
        return
    for relid, attnum, column, definition in conn.execute(_CHECKS_SQL, (rels,)).fetchall():
        values = _in_list(str(column), str(definition))
        if values is None:
            continue
        key = (int(str(relid)), int(str(attnum)))
        known = catalog.literals.get(key)
        # several IN lists on one column: only what all of them allow
        catalog.literals[key] = values if known is None else tuple(v for v in known if v in values)


_RETSET_SQL = """
SELECT DISTINCT proname::text FROM pg_catalog.pg_proc WHERE proretset AND proname = ANY(%s::text[])
"""

_ROW_REWRITERS_SQL = """
SELECT tgrelid::oid FROM pg_catalog.pg_trigger
WHERE tgrelid = ANY(%s::oid[]) AND NOT tgisinternal
  AND (tgtype::int & 1) = 1 AND (tgtype::int & 66) <> 0 AND (tgtype::int & 20) <> 0
UNION
SELECT ev_class::oid FROM pg_catalog.pg_rewrite
WHERE ev_class = ANY(%s::oid[]) AND ev_type IN ('2', '3') AND is_instead
"""

_USER_FUNCTIONS_SQL = """
SELECT p.proname::text, p.pronargs - p.pronargdefaults,
       CASE WHEN p.provariadic <> 0 THEN -1 ELSE p.pronargs::int END
FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname <> 'pg_catalog' AND p.proname = ANY(%s::text[])
"""

# tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 64 INSTEAD; pg_rewrite.ev_type '3' is INSERT
_ROW_DROPPERS_SQL = """
SELECT tgrelid::oid FROM pg_catalog.pg_trigger
WHERE tgrelid = ANY(%s::oid[]) AND NOT tgisinternal
  AND (tgtype::int & 1) = 1 AND (tgtype::int & 66) <> 0 AND (tgtype::int & 4) = 4
UNION
SELECT ev_class::oid FROM pg_catalog.pg_rewrite
WHERE ev_class = ANY(%s::oid[]) AND ev_type = '3' AND is_instead
"""


def describe(
    url: str,
    queries: Sequence[Query],
    relation_names: Iterable[tuple[str | None, str]],
    function_names: Iterable[str] = (),
) -> tuple[list[Description], Catalog]:
    """Prepare every query on ``url``; read the catalog for every type, origin and named relation."""
    catalog = Catalog()
    with psycopg.connect(url, autocommit=True) as conn:
        # Everything happens in one transaction that is rolled back: the optional extensions some
        # queries read (created here when the server has them) leave no trace.
        conn.execute("BEGIN")
        for ext in DESCRIBE_EXTENSIONS:
            conn.execute("SAVEPOINT datalayer_ext")
            try:
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext} WITH SCHEMA public")
            except psycopg.Error:
                conn.execute("ROLLBACK TO SAVEPOINT datalayer_ext")
        descriptions = _prepare_all(conn, queries)
        origins = {c.table_oid for d in descriptions for c in d.columns}
        _read_relations(conn, relation_names, origins, catalog)
        view_functions = _read_views(conn, catalog)
        funcs = sorted(set(function_names) | view_functions)
        if funcs:
            rows = conn.execute(_RETSET_SQL, (funcs,)).fetchall()
            catalog.retset = frozenset(str(r[0]) for r in rows)
            rows = conn.execute(_USER_FUNCTIONS_SQL, (funcs,)).fetchall()
            shapes: dict[str, list[tuple[int, int]]] = {}
            for fname, fewest, most in rows:
                shapes.setdefault(str(fname), []).append((int(str(fewest)), int(str(most))))
            catalog.user_functions = {k: tuple(v) for k, v in shapes.items()}
        rels = sorted(catalog.relations)
        if rels:
            rows = conn.execute(_ROW_DROPPERS_SQL, (rels, rels)).fetchall()
            catalog.row_droppers = frozenset(int(str(r[0])) for r in rows)
            rows = conn.execute(_ROW_REWRITERS_SQL, (rels, rels)).fetchall()
            catalog.row_rewriters = frozenset(int(str(r[0])) for r in rows)
        _read_checks(conn, catalog)
        type_oids = {o for d in descriptions for o in d.param_oids}
        type_oids |= {c.type_oid for d in descriptions for c in d.columns}
        type_oids |= {a.type_oid for r in catalog.relations.values() for a in r.columns}
        _read_types(conn, type_oids, catalog)
        conn.execute("ROLLBACK")
    return descriptions, catalog
