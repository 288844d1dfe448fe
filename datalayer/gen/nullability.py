"""Result-column and parameter nullability from the query's syntax tree (pglast) and the catalog.

A column read from a NOT NULL table column is non-null unless its range entry sits on the
null-extended side of an outer join (LEFT: right side; RIGHT: left side; FULL: both, nested joins
inherit). CTEs and subqueries in FROM are analysed recursively, so their own joins count.
``count(...)``, ``EXISTS``, ``IS [NOT] NULL``, constants, ``ARRAY[...]``/``ARRAY(...)`` and
``coalesce``/``greatest``/``least`` with a non-null argument are non-null; comparisons, arithmetic
and boolean operators are non-null when every operand is. Scalar subqueries, views, functions and
other expressions are nullable. What the analysis cannot resolve is reported as *undecided*.

Parameters are non-null unless written into a nullable column (INSERT, UPDATE SET, ON CONFLICT
DO UPDATE), tested with ``IS [NOT] NULL`` / ``IS [NOT] DISTINCT FROM``, or used inside ``coalesce``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pglast import ast, enums, parse_sql
from pglast.parser import ParseError

from .describe import Catalog, GenError, Relation

__all__ = ["ColumnFact", "QueryFacts", "analyze", "function_names", "relation_names"]

Tri = bool | None  # True: never NULL; False: may be NULL; None: undecided

_NONNULL_FUNCS = frozenset(
    {
        "count",
        "row_number",
        "rank",
        "dense_rank",
        "percent_rank",
        "cume_dist",
        "now",
        "clock_timestamp",
        "statement_timestamp",
        "transaction_timestamp",
        "gen_random_uuid",
        "current_database",
        "pg_backend_pid",
    }
)
#: Built-ins that return a value whenever every argument is one (never NULL for non-NULL input).
_NONNULL_IF_ARGS = frozenset(
    {
        "length",
        "char_length",
        "character_length",
        "octet_length",
        "upper",
        "lower",
        "initcap",
        "btrim",
        "ltrim",
        "rtrim",
        "md5",
        "replace",
        "left",
        "right",
        "lpad",
        "rpad",
        "repeat",
        "reverse",
        "abs",
        "round",
        "trunc",
        "ceil",
        "floor",
        "cardinality",
        "to_json",
        "to_jsonb",
        "row_to_json",
        "array_to_string",
        "date_trunc",
        "concat_ws",
    }
)
#: Built-ins that never return NULL, whatever their arguments.
_NONNULL_ALWAYS = frozenset(
    {"concat", "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array"}
)
_AGGREGATES = frozenset(
    {
        "count",
        "sum",
        "min",
        "max",
        "avg",
        "array_agg",
        "string_agg",
        "bool_and",
        "bool_or",
        "every",
        "json_agg",
        "jsonb_agg",
        "json_object_agg",
        "jsonb_object_agg",
        "bit_and",
        "bit_or",
        "stddev",
        "variance",
    }
)
_STRICT_OPS = frozenset(
    {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^", "||", "~~", "!~~"}
)


@dataclass
class ColumnFact:
    name: str
    nonnull: Tri
    why: str = ""  # for undecided columns
    location: int = -1  # offset of the select-list item in the SQL (-1: unknown)


@dataclass
class QueryFacts:
    columns: list[ColumnFact] | None
    nullable_params: set[int] = field(default_factory=set)  # $n numbers
    single_row: bool = False  # the statement always yields exactly one row
    literal_typed: list[tuple[int, int]] = field(default_factory=list)  # ($n, offset)
    fail_location: int = -1  # offset where the analysis gave up (columns is None)
    #: $n cast to types of different families: [(family, offset), ...]
    conflicting_casts: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Source:
    alias: str | None
    columns: list[tuple[str, Tri]] | None  # None: unknown (function in FROM, unknown relation)
    optional: bool
    why: str = ""
    complete: bool = True  # False: the source may have more columns than ``columns`` lists


@dataclass
class _Scope:
    sources: list[_Source]
    parent: _Scope | None = None
    grouping_sets: bool = False  # ROLLUP / CUBE / GROUPING SETS null out grouped columns
    #: what ``SELECT *`` expands to, FROM item by FROM item (None: an item's columns are unknown)
    star: list[list[tuple[str, Tri]] | None] = field(default_factory=list)


def _parse(sql: str) -> ast.Node:
    try:
        stmts = parse_sql(sql)
    except ParseError as exc:
        raise GenError(f"cannot parse: {exc}") from exc
    if len(stmts) != 1:
        raise GenError("expected exactly one statement")
    stmt = stmts[0].stmt
    assert stmt is not None
    return stmt


def _slots(node: ast.Node) -> tuple[str, ...]:
    return tuple(getattr(type(node), "__slots__", ()))


def _seq(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def _walk(node: object) -> Iterator[ast.Node]:
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, ast.Node):
        yield node
        for name in _slots(node):
            yield from _walk(getattr(node, name, None))


def _walk_outer(node: object) -> Iterator[ast.Node]:
    """Like :func:`_walk`, without descending into subqueries."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk_outer(item)
    elif isinstance(node, ast.Node) and not isinstance(node, ast.SubLink):
        yield node
        for name in _slots(node):
            yield from _walk_outer(getattr(node, name, None))


def relation_names(sql: str) -> set[tuple[str | None, str]]:
    """Every ``[schema.]relation`` named in the statement (CTE names included)."""
    try:
        stmt = _parse(sql)
    except GenError:
        return set()
    return {
        (n.schemaname, n.relname) for n in _walk(stmt) if isinstance(n, ast.RangeVar) and n.relname
    }


def function_names(sql: str) -> set[str]:
    try:
        stmt = _parse(sql)
    except GenError:
        return set()
    return {_funcname(n) for n in _walk(stmt) if isinstance(n, ast.FuncCall)}


def _funcname(node: ast.FuncCall) -> str:
    names = _seq(node.funcname)
    return str(getattr(names[-1], "sval", "")).lower() if names else ""


def _strip(node: object) -> object:
    while isinstance(node, (ast.TypeCast, ast.CollateClause)):
        node = node.arg
    return node


def _all(values: list[Tri]) -> Tri:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _any(values: list[Tri]) -> Tri:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def _returning(stmt: ast.Node) -> tuple[ast.ResTarget, ...] | None:
    legacy = getattr(stmt, "returningList", None)
    if legacy:
        return tuple(legacy)
    clause = getattr(stmt, "returningClause", None)
    if clause is not None and clause.exprs:
        return tuple(clause.exprs)
    return None


class _Analyzer:
    def __init__(self, catalog: Catalog, retset: frozenset[str]) -> None:
        self.catalog = catalog
        self.retset = retset
        self.nullable_params: set[int] = set()
        self.literal_typed: list[tuple[int, int]] = []  # ($n, location) typed by a literal
        self.casts: dict[int, dict[str, int]] = {}  # $n -> {type family: location of the cast}
        self.why = ""
        self.target_whys: list[str] = []
        self.target_locations: list[int] = []
        self.fail_location = -1  # where the analysis gave up, when it did
        self._viewing: set[int] = set()
        self._view_cache: dict[int, list[tuple[str, Tri]]] = {}

    # -- parameters ------------------------------------------------------------------------------

    def _column_nullable(self, rel: ast.RangeVar | None, column: str) -> bool:
        if rel is None:
            return False
        relation = self.catalog.relation(rel.schemaname, rel.relname)
        if relation is None:
            return False
        # A NOT NULL domain refuses a NULL argument, so the parameter is not optional there.
        return any(
            c.name == column and not c.notnull and not self._domain_notnull(c.type_oid)
            for c in relation.columns
        )

    def _domain_notnull(self, oid: int) -> bool:
        t = self.catalog.types.get(oid)
        return t is not None and t.typtype == "d" and t.notnull

    def _param(self, node: object) -> None:
        node = _strip(node)
        if isinstance(node, ast.ParamRef) and node.number is not None:
            self.nullable_params.add(node.number)

    def _mark_written(self, rel: ast.RangeVar | None, column: str | None, value: object) -> None:
        if column and self._column_nullable(rel, column):
            self._param(value)

    def params(self, stmt: ast.Node) -> None:
        for node in _walk(stmt):
            if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.ParamRef):
                family = _type_family(node.typeName)
                if family and node.arg.number is not None:
                    self.casts.setdefault(node.arg.number, {}).setdefault(
                        family, node.arg.location or 0
                    )
            if isinstance(node, ast.NullTest):
                self._param(node.arg)
            elif isinstance(node, ast.CoalesceExpr):
                args = _seq(node.args)
                for arg in args:
                    self._param(arg)
                # coalesce($1, 0): the server types $1 from the literal (integer), whatever the
                # context expects; 15.5 could not be passed. The user must say the type.
                bare = [a for a in args if isinstance(a, ast.ParamRef)]
                rest = [a for a in args if not isinstance(a, ast.ParamRef)]
                if bare and rest and all(_integer_literal(a) for a in rest):
                    for a in bare:
                        assert isinstance(a, ast.ParamRef)
                        self.literal_typed.append((a.number or 0, a.location or 0))
            elif isinstance(node, ast.A_Expr) and node.kind in (
                enums.A_Expr_Kind.AEXPR_DISTINCT,
                enums.A_Expr_Kind.AEXPR_NOT_DISTINCT,
            ):
                self._param(node.lexpr)
                self._param(node.rexpr)
            elif isinstance(node, ast.InsertStmt):
                self._insert_params(node)
            elif isinstance(node, ast.UpdateStmt):
                for target in _seq(node.targetList):
                    if isinstance(target, ast.ResTarget):
                        self._mark_written(node.relation, target.name, target.val)

    def _insert_params(self, node: ast.InsertStmt) -> None:
        rel = node.relation
        if node.cols:
            names: list[str | None] = [c.name for c in node.cols]
        else:
            relation = self.catalog.relation(rel.schemaname, rel.relname) if rel else None
            names = [c.name for c in relation.columns] if relation else []
        select = node.selectStmt
        rows: list[tuple[object, ...]] = []
        if isinstance(select, ast.SelectStmt):
            if select.valuesLists:
                rows = [tuple(r) for r in select.valuesLists]
            elif select.targetList:
                rows = [tuple(t.val for t in select.targetList)]
        for row in rows:
            for name, value in zip(names, row, strict=False):
                self._mark_written(rel, name, value)
        conflict = node.onConflictClause
        if conflict is not None and conflict.targetList:
            for target in _seq(conflict.targetList):
                if isinstance(target, ast.ResTarget):
                    self._mark_written(rel, target.name, target.val)

    # -- statements ------------------------------------------------------------------------------

    def statement(
        self, stmt: object, ctes: dict[str, list[tuple[str, Tri]]], parent: _Scope | None
    ) -> list[tuple[str, Tri]] | None:
        if isinstance(stmt, ast.SelectStmt):
            return self.select(stmt, ctes, parent)
        if isinstance(stmt, (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            return self.modify(stmt, ctes, parent)
        self.why = f"unsupported statement {type(stmt).__name__}"
        return None

    def _with(
        self,
        clause: ast.WithClause | None,
        ctes: dict[str, list[tuple[str, Tri]]],
        parent: _Scope | None,
    ) -> dict[str, list[tuple[str, Tri]]]:
        if clause is None:
            return ctes
        ctes = dict(ctes)
        for cte in _seq(clause.ctes):
            assert isinstance(cte, ast.CommonTableExpr)
            query, cte_name = cte.ctequery, cte.ctename or ""
            if (
                clause.recursive
                and isinstance(query, ast.SelectStmt)
                and query.op != enums.SetOperation.SETOP_NONE
            ):
                # The recursive term sees the rows of every earlier iteration, not only the seed:
                # iterate to a fixed point (nullability only ever weakens, so this terminates).
                seed = self.statement(query.larg, ctes, parent)
                cols = None
                if seed is not None:
                    current = self._rename(seed, cte.aliascolnames)
                    for _ in range(2 * len(current) + 2):
                        ctes[cte_name] = current
                        cols = self.statement(query, ctes, parent)
                        if cols is None:
                            break
                        cols = self._rename(cols, cte.aliascolnames)
                        if cols == current:
                            break
                        current = cols
                    else:  # pragma: no cover - bounded by the number of columns
                        cols = None
                if cols is None:
                    ctes.pop(cte_name, None)
                    continue
                ctes[cte_name] = cols
                continue
            cols = self.statement(query, ctes, parent)
            if cols is None:
                ctes.pop(cte_name, None)
                continue
            ctes[cte_name] = self._rename(cols, cte.aliascolnames)
        return ctes

    @staticmethod
    def _rename(cols: list[tuple[str, Tri]], names: object) -> list[tuple[str, Tri]]:
        if not names:
            return cols
        new = [str(getattr(n, "sval", "")) for n in _seq(names)]
        return [(new[i] if i < len(new) else c[0], c[1]) for i, c in enumerate(cols)]

    def select(
        self, stmt: ast.SelectStmt, ctes: dict[str, list[tuple[str, Tri]]], parent: _Scope | None
    ) -> list[tuple[str, Tri]] | None:
        ctes = self._with(stmt.withClause, ctes, parent)
        if stmt.op != enums.SetOperation.SETOP_NONE:
            left = self.statement(stmt.larg, ctes, parent)
            right = self.statement(stmt.rarg, ctes, parent)
            if left is None or right is None or len(left) != len(right):
                return None
            return [(lc[0], _all([lc[1], rc[1]])) for lc, rc in zip(left, right, strict=True)]
        scope = _Scope([], parent)
        scope.grouping_sets = any(isinstance(n, ast.GroupingSet) for n in _walk(stmt.groupClause))
        if stmt.valuesLists:
            rows = [list(r) for r in stmt.valuesLists]
            return [
                (f"column{i + 1}", _all([self.expr(r[i], scope) for r in rows]))
                for i in range(len(rows[0]))
            ]
        for item in stmt.fromClause or ():
            scope.star.append(self.from_item(item, False, ctes, scope))
        return self.targets(stmt.targetList or (), scope)

    def modify(
        self,
        stmt: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt,
        ctes: dict[str, list[tuple[str, Tri]]],
        parent: _Scope | None,
    ) -> list[tuple[str, Tri]] | None:
        ctes = self._with(stmt.withClause, ctes, parent)
        scope = _Scope([], parent)
        scope.star.append(self.from_item(stmt.relation, False, {}, scope))
        extra = getattr(stmt, "fromClause", None) or getattr(stmt, "usingClause", None) or ()
        for item in extra:
            scope.star.append(self.from_item(item, False, ctes, scope))
        returning = _returning(stmt)
        if returning is None:
            return []
        self._new_values(stmt, ctes, scope)
        return self.targets(returning, scope)

    def _new_values(
        self,
        stmt: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt,
        ctes: dict[str, list[tuple[str, Tri]]],
        scope: _Scope,
    ) -> None:
        """RETURNING reads the new row: a column the statement sets to a value proven non-null is
        non-null, whatever its table declares (``SET started_at = coalesce(started_at, now())``),
        unless a BEFORE row trigger or an INSTEAD rule may rewrite the row."""
        rel = stmt.relation
        relation = self.catalog.relation(rel.schemaname, rel.relname) if rel else None
        if relation is None or relation.oid in self.catalog.row_rewriters:
            return
        assigned: dict[str, Tri] = {}
        if isinstance(stmt, ast.UpdateStmt):
            for target in _seq(stmt.targetList):
                if not isinstance(target, ast.ResTarget) or not target.name or target.indirection:
                    continue
                if isinstance(target.val, ast.MultiAssignRef):
                    continue
                assigned[target.name] = self.expr(target.val, scope)
        elif (
            isinstance(stmt, ast.InsertStmt)
            and stmt.onConflictClause is None
            and isinstance(stmt.selectStmt, ast.SelectStmt)
        ):
            values = self.statement(stmt.selectStmt, ctes, scope.parent)
            names = [c.name for c in stmt.cols] if stmt.cols else [c.name for c in relation.columns]
            for name, (_, value) in zip(names, values or (), strict=False):
                if name:
                    assigned[name] = value
        source = scope.sources[0] if scope.sources else None
        if source is None or source.columns is None:
            return
        source.columns = [(n, True if assigned.get(n) is True else v) for n, v in source.columns]
        if scope.star and scope.star[0] is not None:
            scope.star[0] = list(source.columns)

    def from_item(
        self, item: object, optional: bool, ctes: dict[str, list[tuple[str, Tri]]], scope: _Scope
    ) -> list[tuple[str, Tri]] | None:
        """Add ``item``'s range entries to ``scope``; return what ``*`` expands to over it."""
        if isinstance(item, ast.RangeVar):
            alias = item.alias.aliasname if item.alias else item.relname
            colnames = item.alias.colnames if item.alias else None
            if not item.schemaname and item.relname in ctes:
                cols: list[tuple[str, Tri]] | None = ctes[item.relname]
                why = ""
            else:
                relation = self.catalog.relation(item.schemaname, item.relname)
                if relation is None:
                    cols, why = None, f"unknown relation {item.relname}"
                elif relation.kind in ("r", "p"):
                    cols = [(c.name, c.notnull) for c in relation.columns]
                    why = ""
                else:
                    cols, why = self._view(relation), ""
            if cols is not None and colnames:
                cols = self._rename(cols, colnames)
            return self._add(scope, _Source(alias, cols, optional, why))
        if isinstance(item, ast.RangeSubselect):
            cols = self.statement(item.subquery, ctes, scope if item.lateral else scope.parent)
            alias = item.alias.aliasname if item.alias else None
            if cols is not None and item.alias and item.alias.colnames:
                cols = self._rename(cols, item.alias.colnames)
            return self._add(scope, _Source(alias, cols, optional, "" if cols else self.why))
        if isinstance(item, ast.JoinExpr):
            return self._join(item, optional, ctes, scope)
        if isinstance(item, ast.RangeFunction):
            return self._add(scope, self._function_source(item, optional))
        self._add(scope, _Source(None, None, optional, f"{type(item).__name__} in FROM"))
        return None

    def _view(self, relation: Relation) -> list[tuple[str, Tri]]:
        """A view's columns: as nullable as its defining query makes them (the query is analysed
        like any other, by position); other relations (foreign tables, system views): nullable."""
        nullable: list[tuple[str, Tri]] = [(c.name, False) for c in relation.columns]
        sql = self.catalog.views.get(relation.oid)
        if sql is None or relation.oid in self._viewing:
            return nullable
        cached = self._view_cache.get(relation.oid)
        if cached is not None:
            return cached
        self._viewing.add(relation.oid)
        saved = (self.why, self.target_whys, self.target_locations, self.fail_location)
        try:
            cols = self.statement(_parse(sql), {}, None)
        except GenError:
            cols = None
        finally:
            self._viewing.discard(relation.oid)
            self.why, self.target_whys, self.target_locations, self.fail_location = saved
        result = nullable
        if cols is not None and len(cols) == len(relation.columns):
            # undecided inside the view counts as nullable here
            result = [(c.name, v is True) for c, (_, v) in zip(relation.columns, cols, strict=True)]
        self._view_cache[relation.oid] = result
        return result

    @staticmethod
    def _add(scope: _Scope, source: _Source) -> list[tuple[str, Tri]] | None:
        scope.sources.append(source)
        if source.columns is None or not source.complete:
            return None
        return [(n, False if source.optional else v) for n, v in source.columns]

    def _function_source(self, item: ast.RangeFunction, optional: bool) -> _Source:
        """A function in FROM. Its values are nullable; WITH ORDINALITY adds a non-null bigint.

        Only the column names the alias lists are known; without them a single function's one
        column is named after the alias, and whether it returns more (a composite) is unknown.
        """
        alias = item.alias.aliasname if item.alias else None
        names = [
            str(getattr(n, "sval", "")) for n in _seq(item.alias.colnames if item.alias else None)
        ]
        why = "function in FROM"
        if names:
            cols: list[tuple[str, Tri]] = [(n, False) for n in names]
            if item.ordinality:
                cols[-1] = (cols[-1][0], True)
            return _Source(alias, cols, optional, why)
        functions = _seq(item.functions)
        if alias and len(functions) == 1 and not item.is_rowsfrom:
            return _Source(alias, [(alias, False)], optional, why, complete=False)
        return _Source(alias, None, optional, why)

    def _join(
        self,
        item: ast.JoinExpr,
        optional: bool,
        ctes: dict[str, list[tuple[str, Tri]]],
        scope: _Scope,
    ) -> list[tuple[str, Tri]] | None:
        left_opt = right_opt = optional
        if item.jointype == enums.JoinType.JOIN_LEFT:
            right_opt = True
        elif item.jointype == enums.JoinType.JOIN_RIGHT:
            left_opt = True
        elif item.jointype == enums.JoinType.JOIN_FULL:
            left_opt = right_opt = True
        target = _Scope([], scope.parent) if item.alias is not None else scope
        left = self.from_item(item.larg, left_opt, ctes, target)
        right = self.from_item(item.rarg, right_opt, ctes, target)
        star: list[tuple[str, Tri]] | None
        using = [str(getattr(n, "sval", "")) for n in _seq(item.usingClause)]
        if left is None or right is None:
            star = None
        elif using or item.isNatural:
            # USING / NATURAL: the join columns come first, once; then the other columns of
            # each side. A merged column is the left one (INNER, LEFT), the right one (RIGHT)
            # or coalesce(left, right) (FULL).
            if item.isNatural:
                right_names = {n for n, _ in right}
                using = [n for n, _ in left if n in right_names]
            if item.jointype == enums.JoinType.JOIN_FULL and not optional:
                # coalesce(left, right) over the columns as their sides produce them
                raw_l = self.from_item(item.larg, False, ctes, _Scope([], scope.parent))
                raw_r = self.from_item(item.rarg, False, ctes, _Scope([], scope.parent))
                lmap, rmap = dict(raw_l or left), dict(raw_r or right)
            else:
                lmap, rmap = dict(left), dict(right)
            merged: list[tuple[str, Tri]] = []
            for name in using:
                lv, rv = lmap.get(name), rmap.get(name)
                if item.jointype == enums.JoinType.JOIN_RIGHT:
                    value: Tri = rv
                elif item.jointype == enums.JoinType.JOIN_FULL:
                    value = _any([lv, rv])
                else:
                    value = lv
                merged.append((name, value))
            used = set(using)
            star = (
                merged
                + [(n, v) for n, v in left if n not in used]
                + [(n, v) for n, v in right if n not in used]
            )
        else:
            star = left + right
        if item.alias is not None:
            aliased = star
            if aliased is not None and item.alias.colnames:
                aliased = self._rename(aliased, item.alias.colnames)
            scope.sources.append(_Source(item.alias.aliasname, aliased, optional, "join alias"))
            if star is None:
                return None
            return [(n, False if optional else v) for n, v in (aliased or [])]
        return star

    def targets(
        self, targets: tuple[object, ...] | list[object], scope: _Scope
    ) -> list[tuple[str, Tri]] | None:
        out: list[tuple[str, Tri]] = []
        whys: list[str] = []
        where: list[int] = []
        self.target_whys = whys
        self.target_locations = where
        for target in targets:
            if not isinstance(target, ast.ResTarget):
                return None
            val = target.val
            fields = _seq(val.fields) if isinstance(val, ast.ColumnRef) else ()
            if fields and isinstance(fields[-1], ast.A_Star):
                qualifier = getattr(fields[-2], "sval", None) if len(fields) > 1 else None
                if qualifier is None:
                    if any(part is None for part in scope.star) or not scope.star:
                        self.why = "cannot expand * over a source whose columns are unknown"
                        self.fail_location = target.location or 0
                        return None
                    for part in scope.star:
                        assert part is not None
                        out.extend(part)
                        whys.extend("undecided in its source" for _ in part)
                        where.extend(target.location or 0 for _ in part)
                    continue
                matches = [src for src in scope.sources if src.alias == qualifier]
                if len(matches) != 1 or matches[0].columns is None or not matches[0].complete:
                    self.why = f"cannot expand {qualifier}.*"
                    self.fail_location = target.location or 0
                    return None
                src = matches[0]
                out.extend((n, False if src.optional else v) for n, v in src.columns or ())
                whys.extend("undecided in its source" for _ in src.columns or ())
                where.extend(target.location or 0 for _ in src.columns or ())
                continue
            self.why = ""
            out.append((target.name or _figure_name(val), self.expr(val, scope)))
            whys.append(self.why)
            where.append(target.location or 0)
        self.target_whys = whys
        self.target_locations = where
        return out

    # -- expressions -----------------------------------------------------------------------------

    def column(self, node: ast.ColumnRef, scope: _Scope) -> Tri:
        parts = [getattr(f, "sval", None) for f in _seq(node.fields)]
        if any(p is None for p in parts):
            self.why = "unsupported column reference"
            return None
        name = str(parts[-1])
        qualifier = str(parts[-2]) if len(parts) > 1 else None
        current: _Scope | None = scope
        while current is not None:
            unknown: _Source | None = None
            for src in current.sources:
                if qualifier is not None and src.alias != qualifier:
                    continue
                if src.columns is None:
                    if qualifier is not None:
                        self.why = f"{qualifier}.{name} comes from {src.why or 'an unknown source'}"
                        return None
                    unknown = unknown or src
                    continue
                for col, nonnull in src.columns:
                    if col == name:
                        if src.optional or current.grouping_sets:
                            return False
                        if nonnull is None:
                            self.why = f"{name}: undecided in its subquery"
                        return nonnull
                if not src.complete:
                    unknown = unknown or src
            if unknown is not None:
                # The name may be a column of the source whose columns are unknown (a function
                # in FROM): binding it to a same-named column further out would be unsound.
                self.why = f"{name} may come from {unknown.why or 'an unknown source'}"
                return None
            current = current.parent
        self.why = f"cannot resolve column {'.'.join(str(p) for p in parts)}"
        return None

    def expr(self, node: object, scope: _Scope) -> Tri:
        if isinstance(node, ast.A_Const):
            return not node.isnull
        if isinstance(node, ast.ColumnRef):
            return self.column(node, scope)
        if isinstance(node, ast.ParamRef):
            return node.number not in self.nullable_params
        if isinstance(node, (ast.TypeCast, ast.CollateClause)):
            return self.expr(node.arg, scope)
        if isinstance(node, ast.FuncCall):
            name = _funcname(node)
            if not self._builtin(node) or (node.over is not None and name not in _NONNULL_FUNCS):
                return False
            if name in _NONNULL_FUNCS or name in _NONNULL_ALWAYS:
                return True
            if name in _NONNULL_IF_ARGS and node.agg_filter is None and _seq(node.args):
                return _all([self.expr(a, scope) for a in _seq(node.args)])
            return False
        if isinstance(node, ast.CoalesceExpr):
            return _any([self.expr(a, scope) for a in _seq(node.args)])
        if isinstance(node, ast.MinMaxExpr):
            return _any([self.expr(a, scope) for a in _seq(node.args)])
        if isinstance(node, (ast.NullTest, ast.BooleanTest)):
            return True
        if isinstance(node, ast.BoolExpr):
            return _all([self.expr(a, scope) for a in _seq(node.args)])
        if isinstance(node, ast.A_Expr):
            kind = node.kind
            if kind in (enums.A_Expr_Kind.AEXPR_DISTINCT, enums.A_Expr_Kind.AEXPR_NOT_DISTINCT):
                return True
            ops = {str(getattr(n, "sval", "")) for n in node.name or ()}
            strict = kind in (
                enums.A_Expr_Kind.AEXPR_LIKE,
                enums.A_Expr_Kind.AEXPR_ILIKE,
                enums.A_Expr_Kind.AEXPR_BETWEEN,
                enums.A_Expr_Kind.AEXPR_NOT_BETWEEN,
            ) or (kind == enums.A_Expr_Kind.AEXPR_OP and ops <= _STRICT_OPS)
            if not strict:
                return False
            operands: list[object] = []
            for side in (node.lexpr, node.rexpr):
                if isinstance(side, (list, tuple)):
                    operands.extend(side)
                elif isinstance(side, ast.RowExpr):
                    # (a, b) = (c, d) is NULL when a compared pair is: every element counts
                    operands.extend(_seq(side.args))
                elif side is not None:
                    operands.append(side)
            return _all([self.expr(o, scope) for o in operands])
        if isinstance(node, ast.CaseExpr):
            if node.defresult is None:
                return False
            results = [self.expr(getattr(w, "result", None), scope) for w in _seq(node.args)]
            return _all([*results, self.expr(node.defresult, scope)])
        if isinstance(node, ast.SubLink):
            return node.subLinkType in (
                enums.SubLinkType.EXISTS_SUBLINK,
                enums.SubLinkType.ARRAY_SUBLINK,
            )
        if isinstance(node, ast.SQLValueFunction):
            # current_schema is NULL when no schema on the search_path exists
            return node.op != enums.SQLValueFunctionOp.SVFOP_CURRENT_SCHEMA
        if isinstance(node, ast.SetToDefault):
            self.why = "DEFAULT"
            return None
        if isinstance(node, (ast.A_ArrayExpr, ast.RowExpr, ast.GroupingFunc)):
            return True
        if isinstance(node, ast.A_Indirection):
            # a slice of an array is an array (maybe empty); a subscript or a field may be NULL
            slices = _seq(node.indirection)
            if slices and all(isinstance(i, ast.A_Indices) and i.is_slice for i in slices):
                return self.expr(node.arg, scope)
            return False
        self.why = f"unsupported expression {type(node).__name__}"
        return None

    def _builtin(self, node: ast.FuncCall) -> bool:
        """The call can only be the pg_catalog function: unqualified or pg_catalog-qualified, and
        no function of that name that accepts as many arguments exists in another schema (an
        overload or a search_path entry could win)."""
        names = _seq(node.funcname)
        schema = str(getattr(names[0], "sval", "")) if len(names) > 1 else None
        if schema not in (None, "pg_catalog"):
            return False
        count = len(_seq(node.args))
        return not any(
            fewest <= count and (most < 0 or count <= most)
            for fewest, most in self.catalog.user_functions.get(_funcname(node), ())
        )

    # -- cardinality -----------------------------------------------------------------------------

    def _one_scalar_function(self, stmt: ast.SelectStmt) -> bool:
        """``SELECT ... FROM f(...)`` with no WHERE, where ``f`` is not set-returning: one row."""
        if stmt.whereClause is not None or len(_seq(stmt.fromClause)) != 1:
            return False
        item = _seq(stmt.fromClause)[0]
        if not isinstance(item, ast.RangeFunction) or item.ordinality or item.is_rowsfrom:
            return False
        functions = _seq(item.functions)
        if len(functions) != 1:
            return False
        parts = _seq(functions[0])
        call = parts[0] if parts else None
        return isinstance(call, ast.FuncCall) and _funcname(call) not in self.retset

    def single_row(self, stmt: ast.Node) -> bool:
        """True when the statement always yields exactly one row."""
        if isinstance(stmt, ast.InsertStmt):
            select = stmt.selectStmt
            values_one = select is None or (
                isinstance(select, ast.SelectStmt)
                and select.valuesLists is not None
                and len(select.valuesLists) == 1
            )
            conflict = stmt.onConflictClause
            safe = conflict is None or (
                conflict.action == enums.OnConflictAction.ONCONFLICT_UPDATE
                and conflict.whereClause is None
            )
            rel = stmt.relation
            target = self.catalog.relation(rel.schemaname, rel.relname) if rel else None
            # A BEFORE INSERT row trigger may return NULL (the row is skipped), a DO INSTEAD rule
            # may insert nothing: then RETURNING yields no row.
            dropper = target is None or target.oid in self.catalog.row_droppers
            return values_one and safe and not dropper
        if not isinstance(stmt, ast.SelectStmt) or stmt.op != enums.SetOperation.SETOP_NONE:
            return False
        if stmt.limitCount is not None or stmt.limitOffset is not None or stmt.valuesLists:
            return False
        if stmt.havingClause is not None or stmt.groupClause:
            return False
        funcs = [n for n in _walk(stmt.targetList) if isinstance(n, ast.FuncCall)]
        if any(_funcname(f) in self.retset for f in funcs):
            return False
        if not stmt.fromClause:
            return stmt.whereClause is None
        if self._one_scalar_function(stmt):
            return True
        # An aggregate without GROUP BY yields one row, whatever FROM/WHERE produce.
        return any(
            isinstance(n, ast.FuncCall)
            and _funcname(n) in _AGGREGATES
            and n.over is None
            and self._builtin(n)
            for n in _walk_outer(stmt.targetList)
        )


_FAMILIES = {
    **dict.fromkeys(("text", "varchar", "bpchar", "char", "name", "citext"), "text"),
    **dict.fromkeys(("int2", "int4", "int8", "int", "integer", "smallint", "bigint"), "integer"),
    **dict.fromkeys(("numeric", "decimal"), "numeric"),
    **dict.fromkeys(("float4", "float8", "real", "float"), "float"),
    **dict.fromkeys(("bool", "boolean"), "boolean"),
    **dict.fromkeys(("timestamptz",), "timestamptz"),
    **dict.fromkeys(("timestamp",), "timestamp"),
}


def _type_family(type_name: ast.TypeName | None) -> str:
    """A cast's target, with the spellings of one Python type folded together."""
    if type_name is None:
        return ""
    names = [str(getattr(n, "sval", "")) for n in _seq(type_name.names)]
    base = names[-1].lower() if names else ""
    family = _FAMILIES.get(base, ".".join(names))
    return family + "[]" * len(_seq(type_name.arrayBounds))


def _integer_literal(node: object) -> bool:
    return isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer)


def _figure_name(node: object) -> str:
    node_s = node
    if isinstance(node_s, ast.ColumnRef):
        fields = _seq(node_s.fields)
        return str(getattr(fields[-1], "sval", "?column?")) if fields else "?column?"
    if isinstance(node_s, ast.TypeCast):
        inner = _figure_name(node_s.arg)
        if inner != "?column?":
            return inner
        names = node_s.typeName.names if node_s.typeName else ()
        return str(getattr(names[-1], "sval", "?column?")) if names else "?column?"
    if isinstance(node_s, ast.FuncCall):
        return _funcname(node_s)
    if isinstance(node_s, ast.CoalesceExpr):
        return "coalesce"
    if isinstance(node_s, ast.CaseExpr):
        return "case"
    if isinstance(node_s, ast.SubLink):
        if node_s.subLinkType == enums.SubLinkType.EXISTS_SUBLINK:
            return "exists"
        if node_s.subLinkType == enums.SubLinkType.ARRAY_SUBLINK:
            return "array"
    return "?column?"


def analyze(
    sql: str,
    catalog: Catalog,
    retset: frozenset[str] = frozenset(),
    nullable_params: frozenset[int] = frozenset(),
) -> QueryFacts:
    """Nullability of the result columns and parameters of one statement.

    ``nullable_params`` are the ``$n`` the user declared nullable (``-- @param p: T | None``):
    the analysis treats them as NULL wherever they are used.
    """
    stmt = _parse(sql)
    analyzer = _Analyzer(catalog, retset)
    analyzer.nullable_params.update(nullable_params)
    analyzer.params(stmt)
    facts = QueryFacts(
        columns=None,
        nullable_params=set(analyzer.nullable_params),
        literal_typed=list(analyzer.literal_typed),
        conflicting_casts={
            n: sorted(families.items(), key=lambda kv: kv[1])
            for n, families in analyzer.casts.items()
            if len(families) > 1
        },
    )
    raw = analyzer.statement(stmt, {}, None)
    if raw is None:
        facts.problems.append(analyzer.why or "cannot analyse the statement")
        facts.fail_location = analyzer.fail_location
        return facts
    whys = analyzer.target_whys if len(analyzer.target_whys) == len(raw) else []
    where = analyzer.target_locations if len(analyzer.target_locations) == len(raw) else []
    facts.columns = [
        ColumnFact(
            name,
            value,
            (whys[i] if whys else "") or "undecided" if value is None else "",
            where[i] if where else -1,
        )
        for i, (name, value) in enumerate(raw)
    ]
    facts.single_row = analyzer.single_row(stmt)
    return facts
