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

from .describe import Catalog, GenError

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


@dataclass
class QueryFacts:
    columns: list[ColumnFact] | None
    nullable_params: set[int] = field(default_factory=set)  # $n numbers
    single_row: bool = False  # the statement always yields exactly one row
    problems: list[str] = field(default_factory=list)


@dataclass
class _Source:
    alias: str | None
    columns: list[tuple[str, Tri]] | None  # None: unknown (function in FROM, unknown relation)
    optional: bool
    why: str = ""


@dataclass
class _Scope:
    sources: list[_Source]
    parent: _Scope | None = None
    grouping_sets: bool = False  # ROLLUP / CUBE / GROUPING SETS null out grouped columns


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
        self.why = ""
        self.target_whys: list[str] = []

    # -- parameters ------------------------------------------------------------------------------

    def _column_nullable(self, rel: ast.RangeVar | None, column: str) -> bool:
        if rel is None:
            return False
        relation = self.catalog.relation(rel.schemaname, rel.relname)
        if relation is None:
            return False
        return any(c.name == column and not c.notnull for c in relation.columns)

    def _param(self, node: object) -> None:
        node = _strip(node)
        if isinstance(node, ast.ParamRef) and node.number is not None:
            self.nullable_params.add(node.number)

    def _mark_written(self, rel: ast.RangeVar | None, column: str | None, value: object) -> None:
        if column and self._column_nullable(rel, column):
            self._param(value)

    def params(self, stmt: ast.Node) -> None:
        for node in _walk(stmt):
            if isinstance(node, ast.NullTest):
                self._param(node.arg)
            elif isinstance(node, ast.CoalesceExpr):
                for arg in _seq(node.args):
                    self._param(arg)
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
                seed = self.statement(query.larg, ctes, parent)
                if seed is not None:
                    ctes[cte_name] = self._rename(seed, cte.aliascolnames)
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
            self.from_item(item, False, ctes, scope)
        return self.targets(stmt.targetList or (), scope)

    def modify(
        self,
        stmt: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt,
        ctes: dict[str, list[tuple[str, Tri]]],
        parent: _Scope | None,
    ) -> list[tuple[str, Tri]] | None:
        ctes = self._with(stmt.withClause, ctes, parent)
        scope = _Scope([], parent)
        self.from_item(stmt.relation, False, {}, scope)
        extra = getattr(stmt, "fromClause", None) or getattr(stmt, "usingClause", None) or ()
        for item in extra:
            self.from_item(item, False, ctes, scope)
        returning = _returning(stmt)
        if returning is None:
            return []
        return self.targets(returning, scope)

    def from_item(
        self, item: object, optional: bool, ctes: dict[str, list[tuple[str, Tri]]], scope: _Scope
    ) -> None:
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
                else:
                    table = relation.kind in ("r", "p")
                    cols = [(c.name, c.notnull and table) for c in relation.columns]
                    why = ""
            if cols is not None and colnames:
                cols = self._rename(cols, colnames)
            scope.sources.append(_Source(alias, cols, optional, why))
        elif isinstance(item, ast.RangeSubselect):
            cols = self.statement(item.subquery, ctes, scope if item.lateral else scope.parent)
            alias = item.alias.aliasname if item.alias else None
            if cols is not None and item.alias and item.alias.colnames:
                cols = self._rename(cols, item.alias.colnames)
            scope.sources.append(_Source(alias, cols, optional, "" if cols else self.why))
        elif isinstance(item, ast.JoinExpr):
            left_opt = right_opt = optional
            if item.jointype == enums.JoinType.JOIN_LEFT:
                right_opt = True
            elif item.jointype == enums.JoinType.JOIN_RIGHT:
                left_opt = True
            elif item.jointype == enums.JoinType.JOIN_FULL:
                left_opt = right_opt = True
            if item.alias is not None:
                inner = _Scope([], scope.parent)
                self.from_item(item.larg, left_opt, ctes, inner)
                self.from_item(item.rarg, right_opt, ctes, inner)
                cols = [
                    (n, False if s.optional else v)
                    for s in inner.sources
                    for n, v in (s.columns or [])
                ]
                known = all(s.columns is not None for s in inner.sources)
                scope.sources.append(
                    _Source(item.alias.aliasname, cols if known else None, optional, "join alias")
                )
                return
            self.from_item(item.larg, left_opt, ctes, scope)
            self.from_item(item.rarg, right_opt, ctes, scope)
        elif isinstance(item, ast.RangeFunction):
            alias = item.alias.aliasname if item.alias else None
            names = item.alias.colnames if item.alias and item.alias.colnames else None
            fcols: list[tuple[str, Tri]] | None = (
                [(str(getattr(n, "sval", "")), False) for n in names] if names else None
            )
            scope.sources.append(_Source(alias, fcols, optional, "function in FROM"))
        else:
            scope.sources.append(_Source(None, None, optional, f"{type(item).__name__} in FROM"))

    def targets(
        self, targets: tuple[object, ...] | list[object], scope: _Scope
    ) -> list[tuple[str, Tri]] | None:
        out: list[tuple[str, Tri]] = []
        whys: list[str] = []
        self.target_whys = whys
        for target in targets:
            if not isinstance(target, ast.ResTarget):
                return None
            val = target.val
            fields = _seq(val.fields) if isinstance(val, ast.ColumnRef) else ()
            if fields and isinstance(fields[-1], ast.A_Star):
                qualifier = getattr(fields[-2], "sval", None) if len(fields) > 1 else None
                for src in scope.sources:
                    if qualifier is not None and src.alias != qualifier:
                        continue
                    if src.columns is None:
                        self.why = f"cannot expand * over {src.why or 'an unknown source'}"
                        return None
                    out.extend((n, False if src.optional else v) for n, v in src.columns)
                    whys.extend("undecided in its source" for _ in src.columns)
                continue
            self.why = ""
            out.append((target.name or _figure_name(val), self.expr(val, scope)))
            whys.append(self.why)
        self.target_whys = whys
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
            for src in current.sources:
                if qualifier is not None and src.alias != qualifier:
                    continue
                if src.columns is None:
                    if qualifier is not None:
                        self.why = f"{qualifier}.{name} comes from {src.why or 'an unknown source'}"
                        return None
                    continue
                for col, nonnull in src.columns:
                    if col == name:
                        if src.optional or current.grouping_sets:
                            return False
                        if nonnull is None:
                            self.why = f"{name}: undecided in its subquery"
                        return nonnull
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
            return _funcname(node) in _NONNULL_FUNCS
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
        if isinstance(node, (ast.A_ArrayExpr, ast.RowExpr, ast.SQLValueFunction, ast.GroupingFunc)):
            return True
        if isinstance(node, ast.A_Indirection):
            return False
        self.why = f"unsupported expression {type(node).__name__}"
        return None

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
            return values_one and safe
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
            isinstance(n, ast.FuncCall) and _funcname(n) in _AGGREGATES and n.over is None
            for n in _walk_outer(stmt.targetList)
        )


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


def analyze(sql: str, catalog: Catalog, retset: frozenset[str] = frozenset()) -> QueryFacts:
    """Nullability of the result columns and parameters of one statement."""
    stmt = _parse(sql)
    analyzer = _Analyzer(catalog, retset)
    analyzer.params(stmt)
    facts = QueryFacts(columns=None, nullable_params=set(analyzer.nullable_params))
    raw = analyzer.statement(stmt, {}, None)
    if raw is None:
        facts.problems.append(analyzer.why or "cannot analyse the statement")
        return facts
    whys = analyzer.target_whys if len(analyzer.target_whys) == len(raw) else []
    facts.columns = [
        ColumnFact(name, value, (whys[i] if whys else "") or "undecided" if value is None else "")
        for i, (name, value) in enumerate(raw)
    ]
    facts.single_row = analyzer.single_row(stmt)
    return facts
