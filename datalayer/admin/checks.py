"""``datalayer check``: integrity checks that constraints cannot express, read from the catalog
and from the checks each application ships.

Generic checks (every schema in scope, driven by the catalog):

* ``foreign_keys``: rows whose foreign key points nowhere. A validated constraint can still be
  bypassed (its triggers disabled, ``session_replication_role = replica``); a ``NOT VALID`` one
  never looked at the rows that were there before it.
* ``unlinked_references``: orphans the schema allows: a column ``<x>_id`` with no foreign key,
  next to a table ``<x>`` or ``<x>s`` of the same schema whose primary key is ``id`` of the same
  type, holding values that table does not have.
* ``expired_soft_deletes``: rows of a table with a ``deleted_at`` column soft-deleted longer ago
  than the retention period and not purged.

SQL checks: every named query of the toolkit's ``sql/ops/checks.sql`` (e.g.
``list_not_valid_check_violations``: rows violating a CHECK constraint added ``NOT VALID``) and of
each application's ``<app's sql folder>/checks.sql`` (found through the registry). A check returns
one row per finding; its first column names what is wrong (an account number, a posting id), the
others add detail, and its comment says what it checks. It takes no parameter but, if it wants,
``:schemas`` (``text[]``: core and the schemas of the selected applications). Adding a check is
adding a query there.

Checks read in one ``REPEATABLE READ READ ONLY`` transaction (one snapshot). They must see every
row: a table whose row-level security hides rows from the connecting role stops the run (exit 2)
instead of passing on the part it sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import Connection, RawCursor, sql

from ..apps import registered
from ..errors import DataLayerError
from ..paths import sql_dir
from ..queries import Query, load_file

__all__ = [
    "CHECKS_FILE",
    "Check",
    "CheckError",
    "Finding",
    "Report",
    "app_checks",
    "generic_checks",
    "run_checks",
    "sql_checks",
    "toolkit_checks",
]

#: The file of an application's sql folder whose queries are its checks.
CHECKS_FILE = "checks.sql"

Conn = Connection[tuple[object, ...]]


class CheckError(DataLayerError):
    """The checks cannot run as asked (a check is malformed, or rows are hidden from the role)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which check found it, what it concerns, and what is wrong."""

    check: str
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class Check:
    """A named check and the function that runs it on a connection."""

    name: str
    description: str
    run: Callable[[Conn, list[str]], list[Finding]] = field(repr=False, compare=False)


@dataclass(slots=True)
class Report:
    """Every check that ran, with the number of findings of each, and the findings."""

    checks: list[tuple[Check, int]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": [
                {"name": c.name, "description": c.description, "findings": n}
                for c, n in self.checks
            ],
            "findings": [
                {"check": f.check, "subject": f.subject, "detail": f.detail} for f in self.findings
            ],
        }


def _ident(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def _message(comment: object) -> str:
    return f" ({comment})" if comment else ""


def _foreign_keys(conn: Conn, schemas: list[str]) -> list[Finding]:
    rows = conn.execute(
        """
        SELECT k.conname, cn.nspname, c.relname, pn.nspname, p.relname, k.convalidated,
               array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(n, i)
                     JOIN pg_catalog.pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = u.n
                     ORDER BY u.i),
               array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(n, i)
                     JOIN pg_catalog.pg_attribute AS a ON a.attrelid = k.confrelid AND a.attnum = u.n
                     ORDER BY u.i),
               pg_catalog.obj_description(k.oid, 'pg_constraint')
        FROM pg_catalog.pg_constraint AS k
        JOIN pg_catalog.pg_class AS c ON c.oid = k.conrelid
        JOIN pg_catalog.pg_namespace AS cn ON cn.oid = c.relnamespace
        JOIN pg_catalog.pg_class AS p ON p.oid = k.confrelid
        JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.relnamespace
        WHERE k.contype = 'f' AND cn.nspname = ANY(%s) AND k.conparentid = 0
        ORDER BY cn.nspname, c.relname, k.conname
        """,
        (schemas,),
    ).fetchall()
    found: list[Finding] = []
    for name, cschema, ctable, pschema, ptable, valid, cols, refs, comment in rows:
        assert isinstance(cols, list) and isinstance(refs, list)
        query = sql.SQL(
            "SELECT count(*), min(ROW({keys})::text) FROM {child} AS c WHERE {notnull}"
            " AND NOT EXISTS (SELECT FROM {parent} AS p WHERE {match})"
        ).format(
            keys=sql.SQL(", ").join(sql.SQL("c.{}").format(sql.Identifier(k)) for k in cols),
            child=_ident(str(cschema), str(ctable)),
            notnull=sql.SQL(" AND ").join(
                sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(k)) for k in cols
            ),
            parent=_ident(str(pschema), str(ptable)),
            match=sql.SQL(" AND ").join(
                sql.SQL("p.{} = c.{}").format(sql.Identifier(r), sql.Identifier(k))
                for k, r in zip(cols, refs, strict=True)
            ),
        )
        count, example = conn.execute(query).fetchone() or (0, None)
        if count:
            state = "" if valid else " (constraint NOT VALID)"
            found.append(
                Finding(
                    "foreign_keys",
                    f"{cschema}.{ctable}.{name}",
                    f"{count} row(s) with ({', '.join(cols)}) not in {pschema}.{ptable}"
                    f"({', '.join(refs)}), e.g. {example}{state}{_message(comment)}",
                )
            )
    return found


def _unlinked_references(conn: Conn, schemas: list[str]) -> list[Finding]:
    rows = conn.execute(
        r"""
        SELECT n.nspname, c.relname, a.attname, p.relname
        FROM pg_catalog.pg_attribute AS a
        JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_class AS p
            ON p.relnamespace = c.relnamespace AND p.relkind IN ('r', 'p')
            AND p.relname IN (left(a.attname, -3), left(a.attname, -3) || 's')
        JOIN pg_catalog.pg_constraint AS pk
            ON pk.conrelid = p.oid AND pk.contype = 'p' AND cardinality(pk.conkey) = 1
        JOIN pg_catalog.pg_attribute AS pa
            ON pa.attrelid = p.oid AND pa.attnum = pk.conkey[1] AND pa.attname = 'id'
            AND pa.atttypid = a.atttypid
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND a.attnum > 0 AND NOT a.attisdropped AND a.attname LIKE '%%\_id'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_constraint AS f
                WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY(f.conkey)
            )
        ORDER BY n.nspname, c.relname, a.attname
        """,
        (schemas,),
    ).fetchall()
    found: list[Finding] = []
    for schema, table, column, parent in rows:
        query = sql.SQL(
            "SELECT count(*), min(c.{col}::text) FROM {child} AS c WHERE c.{col} IS NOT NULL"
            " AND NOT EXISTS (SELECT FROM {parent} AS p WHERE p.id = c.{col})"
        ).format(
            col=sql.Identifier(str(column)),
            child=_ident(str(schema), str(table)),
            parent=_ident(str(schema), str(parent)),
        )
        count, example = conn.execute(query).fetchone() or (0, None)
        if count:
            found.append(
                Finding(
                    "unlinked_references",
                    f"{schema}.{table}.{column}",
                    f"{count} row(s) name an id {schema}.{parent} does not have (no foreign key "
                    f"guards it), e.g. {example}",
                )
            )
    return found


def _expired_soft_deletes(retention_days: float) -> Callable[[Conn, list[str]], list[Finding]]:
    def run(conn: Conn, schemas: list[str]) -> list[Finding]:
        rows = conn.execute(
            """
            SELECT n.nspname, c.relname
            FROM pg_catalog.pg_attribute AS a
            JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                AND a.attname = 'deleted_at' AND NOT a.attisdropped
                AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype)
            ORDER BY n.nspname, c.relname
            """,
            (schemas,),
        ).fetchall()
        found: list[Finding] = []
        for schema, table in rows:
            query = sql.SQL(
                "SELECT count(*), min(deleted_at)::text FROM {} "
                "WHERE deleted_at < now() - make_interval(secs => %s)"
            ).format(_ident(str(schema), str(table)))
            count, oldest = conn.execute(query, (retention_days * 86400,)).fetchone() or (0, None)
            if count:
                found.append(
                    Finding(
                        "expired_soft_deletes",
                        f"{schema}.{table}",
                        f"{count} row(s) soft-deleted more than {retention_days:g} days ago and "
                        f"not purged (oldest deleted_at {oldest})",
                    )
                )
        return found

    return run


def generic_checks(*, retention_days: float = 30.0) -> list[Check]:
    """The catalog-driven checks, in the order they run: those written in Python, then the
    toolkit's SQL checks (``sql/ops/checks.sql``)."""
    return [
        Check("foreign_keys", "every foreign key points at an existing row", _foreign_keys),
        Check(
            "unlinked_references",
            "<x>_id columns without a foreign key name existing rows of <x>/<x>s",
            _unlinked_references,
        ),
        Check(
            "expired_soft_deletes",
            f"no row soft-deleted more than {retention_days:g} days ago is left",
            _expired_soft_deletes(retention_days),
        ),
        *toolkit_checks(),
    ]


#: The parameters a check query may take, bound by the runner.
_BINDABLE = frozenset({"schemas"})


def _sql_check(name: str, query: Query) -> Callable[[Conn, list[str]], list[Finding]]:
    def run(conn: Conn, schemas: list[str]) -> list[Finding]:
        values = {"schemas": schemas}
        with RawCursor(conn) as cur:  # the query's $n placeholders, as the loader wrote them
            cur.execute(query.sql.encode(), [values[p] for p in query.params])
            columns = [d.name for d in cur.description or ()]
            rows = cur.fetchall()
        found: list[Finding] = []
        for row in rows:
            detail = ", ".join(f"{c}={v}" for c, v in zip(columns[1:], row[1:], strict=True))
            found.append(Finding(name, str(row[0]), detail))
        return found

    return run


def sql_checks(prefix: str, path: Path) -> list[Check]:
    """The checks of one ``checks.sql``: each named query, called ``<prefix>.<query name>``."""
    checks: list[Check] = []
    for query in load_file(prefix, path):
        extra = [p for p in query.params if p not in _BINDABLE]
        if extra:
            raise CheckError(
                f"{query.location()}: check {prefix}.{query.name} takes parameters "
                f"({', '.join(':' + p for p in extra)}); a check takes none but :schemas "
                "(the schemas in scope, text[])"
            )
        prose = [ln for ln in query.doc.splitlines() if not ln.strip().startswith("@")]
        description = " ".join(" ".join(prose).split()) or query.name
        name = f"{prefix}.{query.name}"
        checks.append(Check(name, description, _sql_check(name, query)))
    return checks


def toolkit_checks() -> list[Check]:
    """The toolkit's SQL checks: the queries of ``sql/ops/checks.sql``."""
    path = sql_dir() / "ops" / CHECKS_FILE
    return sql_checks("ops", path) if path.is_file() else []


def app_checks(apps: Sequence[str], *, sql_dirs: dict[str, Path] | None = None) -> list[Check]:
    """The named queries of each application's ``checks.sql`` (``sql_dirs`` overrides where an
    application's sql folder is; by default the registry says)."""
    known = registered()
    checks: list[Check] = []
    for app in apps:
        folder = (sql_dirs or {}).get(app) or (known[app].sql if app in known else None)
        if folder is not None and (folder / CHECKS_FILE).is_file():
            checks.extend(sql_checks(app, folder / CHECKS_FILE))
    return checks


def _hidden_tables(conn: Conn, schemas: list[str]) -> list[str]:
    """Tables of ``schemas`` whose row-level security may hide rows from the current role: it
    neither bypasses RLS nor has a permissive policy reading every row."""
    rows = conn.execute(
        """
        SELECT n.nspname || '.' || c.relname
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_roles AS r ON r.rolname = current_user
        WHERE n.nspname = ANY(%s) AND c.relrowsecurity
            AND NOT (r.rolsuper OR r.rolbypassrls)
            AND (c.relforcerowsecurity OR NOT pg_catalog.pg_has_role(c.relowner, 'USAGE'))
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_policy AS p
                WHERE p.polrelid = c.oid AND p.polpermissive AND p.polcmd IN ('r', '*')
                    AND pg_catalog.pg_get_expr(p.polqual, p.polrelid) = 'true'
                    AND (0 = ANY(p.polroles) OR EXISTS (
                        SELECT FROM unnest(p.polroles) AS pr(oid)
                        WHERE pg_catalog.pg_has_role(pr.oid, 'USAGE')))
            )
        ORDER BY 1
        """,
        (schemas,),
    ).fetchall()
    return [str(r[0]) for r in rows]


def run_checks(conn: Conn, schemas: list[str], checks: Sequence[Check]) -> Report:
    """Run ``checks`` over ``schemas`` in one read-only snapshot."""
    report = Report()
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        hidden = _hidden_tables(conn, schemas)
        if hidden:
            raise CheckError(
                f"row-level security hides rows of {', '.join(hidden)} from role "
                f"{conn.info.parameter_status('session_authorization') or 'this login'}: run "
                "check as the owner (a member of datalayer_owner) or a role with BYPASSRLS"
            )
        for check in checks:
            found = check.run(conn, schemas)
            report.checks.append((check, len(found)))
            report.findings.extend(found)
    return report
