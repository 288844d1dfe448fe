"""``datalayer partitions maintain``: monthly partitions of the append-only tables.

Every table partitioned by month (``core.create_month_partition``: the audit log and the fintech
ledger) gets its partitions created ahead — this month and the next ``--ahead`` months — so rows
never land in the default partition. With a retention (``--retention-months`` or
``DATALAYER_PARTITION_RETENTION_MONTHS``), a partition whose month ended longer ago than that is
archived and dropped, but only for the tables listed as allowed in ``core.partition_retention``
(each history lists its own tables in its migrations, with the reason): the others, listed as
not allowed or not listed at all, are kept and the reason printed. Archiving locks the partition
against writes, dumps it while it is still attached (``pg_dump`` custom format, one file per
partition, on the locking transaction's snapshot, credentials in the environment), checks the dump
with ``pg_restore --list`` (it must hold the table's data), and only then detaches and drops it in
that same transaction; any failure leaves the partition attached with its rows and is reported
(exit code 1). Without a retention, nothing is ever detached. Rows found in a default partition
(the service wrote before their month's partition existed) are moved into their months first
(``core.move_default_rows``: the table is locked meanwhile); ``--keep-default`` only reports them
(exit code 1), since a month's partition cannot be created while its rows sit in the default one.

Runs as the owner (the migrating login): it creates and drops tables.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigurationError
from .settings import mask_url
from .urls import resolve_url

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

__all__ = ["MaintainReport", "dump_command", "maintain", "move_default_rows_sql", "register"]

RETENTION_VARIABLE = "DATALAYER_PARTITION_RETENTION_MONTHS"
_MONTHLY = re.compile(r"_p(\d{4})_(\d{2})$")

_PARENTS_SQL = """
SELECT n.nspname, c.relname
FROM pg_partitioned_table AS pt
JOIN pg_class AS c ON c.oid = pt.partrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE pt.partstrat = 'r' AND pt.partnatts = 1
  AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])
  AND NOT c.relispartition
ORDER BY 1, 2
"""

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def move_default_rows_sql(schemas: Sequence[str]) -> str:
    """One statement, for any driver, that moves the rows in the default partitions of the
    partitioned tables of ``schemas`` into partitions of their months, inside the caller's
    transaction (what ``maintain`` does first): bulk loads of past months (``datalayer sample``,
    ``datalayer adopt``) leave a database that looks maintained. Deferred checks of the rows
    loaded so far run first (SET CONSTRAINTS ALL IMMEDIATE): a table with pending trigger events
    cannot be detached."""
    for schema in schemas:
        if not _SCHEMA_NAME.fullmatch(schema):
            raise ConfigurationError(f"{schema!r} is not a schema name")
    names = ", ".join(f"'{schema}'" for schema in schemas)
    return f"""
DO $move$
DECLARE
    v_parent regclass;
BEGIN
    FOR v_parent IN
        SELECT pt.partrelid::regclass
        FROM pg_catalog.pg_partitioned_table AS pt
        JOIN pg_catalog.pg_class AS c ON c.oid = pt.partrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE pt.partdefid <> 0 AND n.nspname = ANY (ARRAY[{names}]::text[])
        ORDER BY 1
    LOOP
        SET CONSTRAINTS ALL IMMEDIATE;
        PERFORM core.move_default_rows(v_parent);
    END LOOP;
END;
$move$
"""


_RETENTION_SQL = """
SELECT schema_name, table_name, allowed, reason FROM core.partition_retention
"""

_CHILDREN_SQL = """
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = %s::regclass
ORDER BY 1
"""


@dataclass
class MaintainReport:
    created: list[str] = field(default_factory=list)
    #: Default partitions found holding rows, and the rows moved out of them.
    stray: list[str] = field(default_factory=list)
    moved: list[tuple[str, int]] = field(default_factory=list)
    archived: list[tuple[str, Path]] = field(default_factory=list)
    #: Tables with months past the retention that are kept, and why.
    kept: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"moved {count} row(s) from the default partition {name} into their months"
            for name, count in self.moved
        ]
        out += [f"created {name}" for name in self.created]
        out += [f"archived {name} to {path} and dropped it" for name, path in self.archived]
        out += [f"kept the old months of {name}: {reason}" for name, reason in self.kept]
        out += [f"problem: {p}" for p in self.problems]
        return out or ["nothing to do"]


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def maintain(
    url: str,
    *,
    schemas: Sequence[str] | None = None,
    ahead: int = 3,
    retention_months: int | None = None,
    archive_dir: Path = Path("partition-archive"),
    today: date | None = None,
    move_default: bool = True,
) -> MaintainReport:
    """Move rows out of default partitions into their months (``move_default``; else report
    them), create the partitions of this month and ``ahead`` more, and archive and drop those whose
    month ended more than ``retention_months`` ago."""
    import psycopg  # here, not at import: the CLI starts without the driver
    from psycopg import sql

    if ahead < 0:
        raise ConfigurationError("--ahead must be 0 or more")
    if retention_months is not None and retention_months < 1:
        raise ConfigurationError(f"the retention must be at least 1 month ({RETENTION_VARIABLE})")
    now = today or datetime.now(UTC).date()
    this_month = date(now.year, now.month, 1)
    report = MaintainReport()
    with psycopg.connect(url, autocommit=True) as conn:
        retention: dict[str, tuple[bool, str]] = {}
        if retention_months is not None:
            retention = _retention_rules(conn)
        parents = [
            (str(s), str(t))
            for s, t in conn.execute(_PARENTS_SQL).fetchall()
            if schemas is None or s in schemas
        ]
        for schema, table in parents:
            qualified = f"{schema}.{table}"
            parent = sql.Identifier(schema, table)
            children = conn.execute(_CHILDREN_SQL, (qualified,)).fetchall()
            for name, is_default in children:
                if not is_default:
                    continue
                rows = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, str(name)))
                ).fetchone()
                if rows and rows[0]:
                    report.stray.append(f"{schema}.{name}: {rows[0]} row(s)")
                    if move_default:
                        moved = conn.execute(
                            "SELECT core.move_default_rows(%s::regclass)", (qualified,)
                        ).fetchone()
                        report.moved.append((f"{schema}.{name}", int(moved[0]) if moved else 0))
                    else:
                        report.problems.append(
                            f"the default partition {schema}.{name} holds {rows[0]} row(s) "
                            "outside every monthly partition"
                        )
            if move_default and report.moved:
                children = conn.execute(_CHILDREN_SQL, (qualified,)).fetchall()
            monthly = [str(name) for name, _ in children if _MONTHLY.search(str(name))]
            for n in range(ahead + 1):
                month = _add_months(this_month, n)
                name = f"{table}_p{month:%Y_%m}"
                if name in monthly:
                    continue
                try:
                    conn.execute(
                        "SELECT core.create_month_partition(%s::regclass, %s)", (qualified, month)
                    )
                except psycopg.errors.ObjectNotInPrerequisiteState as exc:
                    report.problems.append(exc.diag.message_primary or str(exc))
                    continue
                report.created.append(f"{schema}.{name}")
            if retention_months is None:
                continue
            cutoff = _add_months(this_month, -retention_months)
            old = []
            for name in monthly:
                match = _MONTHLY.search(name)
                assert match is not None
                month = date(int(match.group(1)), int(match.group(2)), 1)
                if _add_months(month, 1) <= cutoff:
                    old.append(name)
            if not old:
                continue
            allowed, reason = retention.get(
                qualified, (False, "not listed in core.partition_retention (opt-in)")
            )
            if not allowed:
                report.kept.append((qualified, f"{len(old)} month(s) past the retention; {reason}"))
                continue
            for name in old:
                path = _archive(conn, url, parent, schema, name, archive_dir, report)
                if path is not None:
                    report.archived.append((f"{schema}.{name}", path))
    return report


class _Failed(Exception):
    """Why archiving one partition stopped (its transaction rolls back)."""


def _retention_rules(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, tuple[bool, str]]:
    """``core.partition_retention`` by ``schema.table``; empty (nothing archived) before core's
    migration 0026."""
    found = conn.execute("SELECT to_regclass('core.partition_retention')").fetchone()
    if not found or found[0] is None:
        return {}
    return {
        f"{s}.{t}": (bool(allowed), str(reason))
        for s, t, allowed, reason in conn.execute(_RETENTION_SQL).fetchall()
    }


def dump_command(
    url: str, schema: str, name: str, path: Path, snapshot: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """The ``pg_dump`` argv and environment that archive one partition: the connection (password
    included) goes in the environment, never in the argv, which the process list shows."""
    from .admin.pgtools import libpq_env
    from .devdb import find_bindir

    argv = [
        str(find_bindir() / "pg_dump"),
        "--format=custom",
        "--no-owner",
        f"--table={schema}.{name}",
        f"--file={path}",
    ]
    if snapshot is not None:
        argv.append(f"--snapshot={snapshot}")
    return argv, libpq_env(url)


def _verify_dump(path: Path, schema: str, name: str) -> str | None:
    """None when ``pg_restore --list`` reads ``path`` and it holds the table's data; else why not."""
    from .devdb import find_bindir

    if not path.is_file() or path.stat().st_size == 0:
        return "no dump was written"
    proc = subprocess.run(
        [str(find_bindir() / "pg_restore"), "--list", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return f"pg_restore --list cannot read the dump: {proc.stderr.strip()[-500:]}"
    if f"TABLE DATA {schema} {name} " not in proc.stdout:
        return "the dump holds no data entry for the table"
    return None


def _archive(
    conn: psycopg.Connection[tuple[object, ...]],
    url: str,
    parent: sql.Identifier,
    schema: str,
    name: str,
    archive_dir: Path,
    report: MaintainReport,
) -> Path | None:
    """Dump one attached partition, check the dump, then detach and drop it, all in one
    transaction that locks the partition against writes first, so the dump (taken on that
    transaction's snapshot) holds exactly the rows dropped. Any failure rolls back: the partition
    stays attached with its rows and the failure is reported."""
    import psycopg
    from psycopg import sql

    partition = sql.Identifier(schema, name)
    path = archive_dir / f"{schema}.{name}.dump"
    kept = "; the partition is kept attached"
    try:
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '5s'")
            conn.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(partition))
            row = conn.execute("SELECT pg_export_snapshot()").fetchone()
            snapshot = str(row[0]) if row else None
            try:
                archive_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _Failed(f"cannot create {archive_dir}: {exc}") from None
            argv, env = dump_command(url, schema, name, path, snapshot)
            proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise _Failed(f"pg_dump failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
            wrong = _verify_dump(path, schema, name)
            if wrong is not None:
                raise _Failed(wrong)
            conn.execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(parent, partition))
            conn.execute(sql.SQL("DROP TABLE {}").format(partition))
    except _Failed as exc:
        report.problems.append(f"archiving {schema}.{name}: {exc}{kept}")
        return None
    except psycopg.Error as exc:
        report.problems.append(f"archiving {schema}.{name}: {exc}{kept}")
        return None
    return path


def _retention_default() -> int | None:
    raw = os.environ.get(RETENTION_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(
            f"{RETENTION_VARIABLE} must be a whole number of months", variable=RETENTION_VARIABLE
        ) from None


def _run(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    schemas: list[str] | None = None
    if args.app:  # the application's schema and core's (the audit log)
        schemas = [
            "core",
            *(a.strip() for value in args.app for a in value.split(",") if a.strip()),
        ]
    retention = args.retention_months if args.retention_months is not None else _retention_default()
    print(f"partitions of {mask_url(url)}")
    report = maintain(
        url,
        schemas=schemas,
        ahead=args.ahead,
        retention_months=retention,
        archive_dir=Path(args.archive_dir),
        move_default=not args.keep_default,
    )
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``datalayer partitions maintain``."""
    p = sub.add_parser("partitions", help="monthly partitions of the append-only tables")
    actions = p.add_subparsers(dest="partitions_action", required=True)
    m = actions.add_parser(
        "maintain",
        help="create the months ahead; archive (pg_dump) and drop those past the retention "
        "(tables allowed in core.partition_retention)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument("--database-url", default=None, help="default: DATABASE_URL (the owner's)")
    m.add_argument(
        "--app",
        action="append",
        metavar="APP",
        help="only core and this application's schema (repeat)",
    )
    m.add_argument("--ahead", type=int, default=3, help="months created after this one (3)")
    m.add_argument(
        "--retention-months",
        type=int,
        default=None,
        help=f"archive and drop months older than this (default: {RETENTION_VARIABLE}, else never)",
    )
    m.add_argument(
        "--archive-dir", default="partition-archive", help="where the dumps go (partition-archive)"
    )
    m.add_argument(
        "--keep-default",
        action="store_true",
        help="report rows in a default partition instead of moving them into their months",
    )
    m.set_defaults(func=_run)
