"""``datalayer backup`` and ``datalayer restore``: pg_dump's custom format, per application or for
every application in the database.

A backup holds the ``core`` schema, the schema of each application it covers (all applications
migrated in the database when no ``--app`` is given), the extensions they use, and the migration
bookkeeping tables (:data:`datalayer.migrate.BOOKKEEPING_TABLES`), so that ``datalayer status``
on the restored database reads exactly what was applied.

``restore`` first reads the whole archive (``pg_restore`` into a script: a truncated or corrupted
file fails there, before anything is touched), then checks the target:

* a database without any datalayer schema or bookkeeping table: everything is restored;
* with ``--clean``, a database holding the same applications (or a subset of them): their schemas
  and records are dropped and restored; a database holding anything the backup does not cover
  (another application, a history of its own) is refused, naming it and its row count.

Then it runs the script with ``psql --single-transaction``: all or nothing. Rows of other
applications that a per-application backup carries (core's audit trail and migration records are
shared) are left out: an application's backup restores that application's audit trail and
migration records only.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from psycopg import sql

from ..errors import DataLayerError
from ..migrate.state import BOOKKEEPING_TABLES, MIGRATION_TABLE, Conn, Target
from .pgtools import libpq_env, program, size_text

__all__ = ["BackupError", "Inventory", "backup", "inventory", "register", "restore"]

CORE: Final = "core"
AUDIT_TABLE: Final = ("core", "audit_log")
#: The audit trail's table or one of its partitions (monthly ``audit_log_pYYYY_MM``, the default).
_AUDIT_PART: Final = re.compile(r"^audit_log(?:_default|_p\d{4}_\d{2})?$")


def _is_audit(schema: str, table: str) -> bool:
    return schema == AUDIT_TABLE[0] and _AUDIT_PART.match(table) is not None


#: Bookkeeping tables whose rows name a migration (``NNNN.<history>.<slug>``).
_BY_MIGRATION: Final = frozenset({"_yoyo_migration", "_yoyo_log", "_datalayer_migration"})
_TOC_DATA: Final = re.compile(r"^(\d+); \d+ \d+ TABLE DATA (\S+) (\S+) ")
_TOC_SCHEMA: Final = re.compile(r"^\d+; \d+ \d+ SCHEMA - (\S+) ")


class BackupError(DataLayerError):
    """A backup or restore that cannot be done (nothing was changed)."""


@dataclass(frozen=True, slots=True)
class Inventory:
    """What a database holds of datalayer: histories, their schemas' row counts, bookkeeping."""

    bookkeeping_schema: str | None
    histories: frozenset[str]
    rows: dict[str, int] = field(default_factory=dict)  # schema -> rows in its tables

    @property
    def empty(self) -> bool:
        return self.bookkeeping_schema is None and not self.rows


def _bookkeeping_schema(conn: Conn) -> str | None:
    row = conn.execute(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.oid = to_regclass(%s)",
        (MIGRATION_TABLE,),
    ).fetchone()
    return str(row[0]) if row else None


def _history(migration_id: str) -> str:
    parts = migration_id.split(".")
    return parts[1] if len(parts) >= 3 else ""


def inventory(conn: Conn, schemas: Sequence[str] = ()) -> Inventory:
    """The histories recorded in ``conn``'s database and the rows of each schema among
    ``core``, those histories' and ``schemas``."""
    where = _bookkeeping_schema(conn)
    histories: set[str] = set()
    if where is not None:
        for (migration_id,) in conn.execute(
            sql.SQL("SELECT migration_id FROM {}.{}").format(
                sql.Identifier(where), sql.Identifier(MIGRATION_TABLE)
            )
        ).fetchall():
            histories.add(_history(str(migration_id)))
    wanted = sorted({CORE, *histories, *schemas})
    rows: dict[str, int] = {}
    present = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (wanted,)
    ).fetchall()
    for (schema,) in present:
        total = 0
        for (table,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY 1",
            (schema,),
        ).fetchall():
            count = conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(str(schema)), sql.Identifier(str(table))
                )
            ).fetchone()
            total += int(count[0]) if count else 0
        rows[str(schema)] = total
    return Inventory(bookkeeping_schema=where, histories=frozenset(histories), rows=rows)


# -- backup --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    schemas: tuple[str, ...]
    tables: int
    size: int
    seconds: float


def _run_with_progress(cmd: list[str], env: dict[str, str], total: int, label: str) -> str:
    """Run a verbose pg_dump, advancing a progress bar per table dumped; return its stderr."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    lines: list[str] = []
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} tables"),
        TimeElapsedColumn(),
        transient=not sys.stderr.isatty(),
        disable=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task(label, total=max(total, 1))
        for line in proc.stderr:
            lines.append(line)
            if "dumping contents of table" in line:
                progress.advance(task)
    if proc.wait() != 0:
        errors = [ln.strip() for ln in lines if "error" in ln.lower()] or lines[-3:]
        raise BackupError(f"pg_dump failed: {' '.join(e.strip() for e in errors)}")
    return "".join(lines)


def backup(url: str, output: Path, *, apps: Sequence[str] | None = None) -> BackupResult:
    """Write a custom-format archive of core and ``apps`` (default: every application migrated
    in the database) with the bookkeeping tables; return what was written."""
    target = Target.parse(url)
    with target.connect() as conn:
        inv = inventory(conn, apps or ())
        if inv.bookkeeping_schema is None:
            raise BackupError(f"{target.masked} has no migration records: nothing to back up")
        present = set(inv.rows)
        if apps:
            missing = [a for a in apps if a not in inv.histories or a not in present]
            if missing:
                raise BackupError(
                    f"{', '.join(missing)}: not migrated in {target.masked} "
                    f"(it holds {', '.join(sorted(inv.histories))})"
                )
            schemas = [CORE, *sorted(set(apps) - {CORE})]
        else:
            schemas = [CORE, *sorted(h for h in inv.histories if h in present and h != CORE)]
        extensions = [
            str(r[0])
            for r in conn.execute(
                "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1"
            ).fetchall()
        ]
        count = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')",
            (schemas,),
        ).fetchone()
        tables = (int(count[0]) if count else 0) + len(BOOKKEEPING_TABLES)
        # pg_dump ignores --schema once --table is given: the bookkeeping schema is dumped as a
        # schema, without its other tables, views and sequences.
        others = [
            str(r[0])
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
                " AND NOT c.relname = ANY(%s) AND NOT EXISTS (SELECT FROM pg_depend d"
                " WHERE d.objid = c.oid AND d.deptype = 'e')",
                (inv.bookkeeping_schema, list(BOOKKEEPING_TABLES)),
            ).fetchall()
        ]
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    cmd = [program("pg_dump"), "--format=custom", "--verbose", f"--file={partial}"]
    cmd += [f"--schema={s}" for s in schemas]
    cmd += [f"--schema={inv.bookkeeping_schema}"]
    cmd += [f"--exclude-table={inv.bookkeeping_schema}.{t}" for t in others]
    cmd += [f"--extension={e}" for e in extensions]
    started = time.perf_counter()
    try:
        _run_with_progress(cmd, libpq_env(target.url), tables, f"backing up {', '.join(schemas)}")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=output,
        schemas=tuple(schemas),
        tables=tables,
        size=output.stat().st_size,
        seconds=time.perf_counter() - started,
    )


# -- restore -------------------------------------------------------------------------------------


def _pg_restore(args: list[str], file: Path) -> str:
    """Run pg_restore; :class:`BackupError` with its message when the archive is unreadable."""
    proc = subprocess.run(
        [program("pg_restore"), *args, str(file)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        message = " ".join(
            ln.strip().removeprefix("pg_restore: ") for ln in proc.stderr.splitlines()
        )
        raise BackupError(
            f"{file}: not a complete datalayer backup, nothing was restored "
            f"(pg_restore: {message or 'failed'})"
        )
    return proc.stdout


@dataclass(frozen=True, slots=True)
class Archive:
    """A backup's table of contents, split for restore."""

    schemas: tuple[str, ...]
    toc: list[str]
    #: entries whose rows restore filters: core's audit trail and the bookkeeping tables
    shared: list[str]
    bookkeeping_schema: str | None

    @classmethod
    def read(cls, file: Path) -> Archive:
        if not file.is_file():
            raise BackupError(f"{file}: no such file")
        toc = _pg_restore(["--list"], file).splitlines()
        schemas: list[str] = []
        shared: list[str] = []
        keep: list[str] = []
        where: str | None = None
        for line in toc:
            if m := _TOC_SCHEMA.match(line):
                schemas.append(m.group(1))
            if m := _TOC_DATA.match(line):
                schema, table = m.group(2), m.group(3)
                if _is_audit(schema, table) or table in BOOKKEEPING_TABLES:
                    shared.append(line)
                    if table == MIGRATION_TABLE:
                        where = schema
                    keep.append(";" + line)
                    continue
            keep.append(line)
        if CORE not in schemas or where is None:
            raise BackupError(
                f"{file}: not a datalayer backup (no core schema or no migration records)"
            )
        # The bookkeeping schema (public, usually) may exist in the target: restore creates it
        # only when missing, and leaves its owner, comment and privileges as they are.
        own = re.compile(rf"^\d+; \d+ \d+ (SCHEMA|COMMENT|ACL) - (SCHEMA )?{re.escape(where)} ")
        keep = [";" + line if own.match(line) else line for line in keep]
        return cls(
            schemas=tuple(s for s in schemas if s != where),
            toc=keep,
            shared=shared,
            bookkeeping_schema=where,
        )

    @property
    def histories(self) -> list[str]:
        return list(self.schemas)


def _copy_blocks(script: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """(table, columns, rows) of each ``COPY ... FROM stdin`` block of a pg_restore script."""
    lines = iter(script.splitlines())
    for line in lines:
        m = re.match(r"^COPY (\S+) \((.*)\) FROM stdin;$", line)
        if not m:
            continue
        columns = [c.strip().strip('"') for c in m.group(2).split(",")]
        rows: list[str] = []
        for row in lines:
            if row == "\\.":
                break
            rows.append(row)
        yield m.group(1), columns, rows


def _shared_rows(archive: Archive, file: Path, keep: frozenset[str], known: frozenset[str]) -> str:
    """COPY blocks of the audit trail and the bookkeeping, without the rows of histories that
    ``known`` names but ``keep`` does not (other applications of the source database)."""
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        listing.write("\n".join(archive.shared) + "\n")
    try:
        script = _pg_restore(["--data-only", "--file=-", f"--use-list={listing.name}"], file)
    finally:
        Path(listing.name).unlink(missing_ok=True)
    out: list[str] = []
    for table, columns, rows in _copy_blocks(script):
        schema, _, name = (part.strip('"') for part in table.rpartition("."))
        if name == "yoyo_lock":
            continue
        if _is_audit(schema, name):
            index = columns.index("schema_name")
            kept = [r for r in rows if r.split("\t")[index] in keep]
        elif name in _BY_MIGRATION:
            index = columns.index("migration_id")
            kept = []
            for r in rows:
                history = _history(r.split("\t")[index])
                if history in keep or history not in known:
                    kept.append(r)
        else:
            kept = rows
        out.append(f"COPY {table} ({', '.join(columns)}) FROM stdin;")
        out.extend(kept)
        out.append("\\.")
    return "\n".join(out) + "\n"


_HEADER: Final = re.compile(r"^-- Name: (.*); Type: ([A-Z ]+); Schema: ([^;]+);", re.M)


def _without_foreign(script: str, foreign: Sequence[str], own: Sequence[str] = ()) -> str:
    """The pg_restore script without what other applications added to core: their policies on
    core's tables (and those policies' comments), their roles' grants on core's objects. Objects
    in the backup's own application schemas (``own``) are kept as they are."""
    if not foreign:
        return script
    names = "|".join(re.escape(f) for f in foreign)
    mention = re.compile(
        rf"(?<![\w.])(?:(?:{names})\.|(?:{names})_(?:app|worker|readonly)(?!\w)|'(?:{names})'::)"
    )
    blocks = re.split(r"(?m)^(?=--\n-- Name: )", script)
    dropped: list[str] = []
    out: list[str] = []
    for block in blocks:
        head = _HEADER.search(block)
        kind = head.group(2) if head else ""
        if kind in ("TABLE DATA", "SEQUENCE SET") or head is None or head.group(3) in own:
            out.append(block)
        elif kind == "ACL":
            out.append("".join(ln for ln in block.splitlines(True) if not mention.search(ln)))
        elif mention.search(block):
            dropped.append(head.group(1).split()[-1])
        elif kind == "COMMENT" and any(
            re.search(rf"(?<!\w){re.escape(d)}(?!\w)", head.group(1)) for d in dropped
        ):
            continue
        else:
            out.append(block)
    return "".join(out)


def _describe(inv: Inventory, schemas: Sequence[str]) -> str:
    return ", ".join(f"{s} ({inv.rows[s]} rows)" for s in schemas if s in inv.rows)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    schemas: tuple[str, ...]
    replaced: dict[str, int]
    seconds: float


def restore(url: str, file: Path, *, clean: bool = False) -> RestoreResult:
    """Restore ``file`` into the database at ``url`` (see the module's docstring)."""
    from ..apps import registered
    from ..migrate.roles import ensure_roles, needed_roles
    from ..migrate.runner import resolve_sources

    started = time.perf_counter()
    archive = Archive.read(file)
    keep = frozenset(archive.histories)
    known = frozenset({CORE, *registered()})
    with tempfile.TemporaryDirectory(prefix="datalayer-restore-") as tmp:
        listing = Path(tmp) / "toc.list"
        listing.write_text("\n".join(archive.toc) + "\n", encoding="utf-8")
        body = Path(tmp) / "restore.sql"
        # Reads every selected entry's data: a damaged archive fails here, before any change.
        _pg_restore([f"--file={body}", f"--use-list={listing}", "--exit-on-error"], file)
        shared = _shared_rows(archive, file, keep, known)

        target = Target.parse(url)
        with target.connect() as conn:
            inv = inventory(conn, archive.histories)
            if not inv.empty and not clean:
                raise BackupError(
                    f"{target.masked} is not empty: it holds {_describe(inv, sorted(inv.rows))}"
                    + (f" and migration records in {inv.bookkeeping_schema}"
                       if inv.bookkeeping_schema else "")
                    + "; restore into an empty database, or pass --clean to replace the same "
                    "applications"
                )  # fmt: skip
            foreign = sorted((set(inv.rows) | set(inv.histories)) - keep)
            if foreign:
                raise BackupError(
                    f"refused: the backup covers {', '.join(archive.histories)}, but "
                    f"{target.masked} also holds {', '.join(foreign)}"
                    + (f" ({_describe(inv, foreign)})" if _describe(inv, foreign) else "")
                    + ", which --clean would lose; restore into an empty database instead"
                )
            apps = [h for h in archive.histories if h != CORE]
            unknown = [a for a in apps if a not in registered()]
            if unknown:
                raise BackupError(
                    f"{', '.join(unknown)}: not installed here (no registered application), "
                    "so its roles are unknown"
                )
            ensure_roles(
                conn, needed_roles(resolve_sources(apps=apps or None).files), target.masked
            )
            replaced = dict(inv.rows)

        script = Path(tmp) / "run.sql"
        with script.open("w", encoding="utf-8") as out:
            out.write("SET client_min_messages = warning;\n")
            out.write(f'CREATE SCHEMA IF NOT EXISTS "{archive.bookkeeping_schema}";\n')
            if clean:
                for schema in reversed(archive.histories):
                    if schema in inv.rows:
                        out.write(f'DROP SCHEMA "{schema}" CASCADE;\n')
                if inv.bookkeeping_schema:
                    for table in BOOKKEEPING_TABLES:
                        out.write(f'DROP TABLE IF EXISTS "{inv.bookkeeping_schema}"."{table}";\n')
            out.write(
                _without_foreign(body.read_text(encoding="utf-8"), sorted(known - keep), own=apps)
            )
            out.write("\n")
            out.write(shared)
        proc = subprocess.run(
            [program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             "-f", str(script)],
            env=libpq_env(target.url),
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            errors = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln] or [
                proc.stderr.strip()
            ]
            raise BackupError(
                f"restore failed and was rolled back, nothing changed: {errors[0].strip()}"
            )
    return RestoreResult(
        schemas=tuple(archive.histories),
        replaced=replaced if clean else {},
        seconds=time.perf_counter() - started,
    )


# -- CLI -----------------------------------------------------------------------------------------


def _cmd_backup(args: argparse.Namespace) -> int:
    from ..urls import resolve_migrate_url

    apps = [n.strip() for v in args.app or [] for n in v.split(",") if n.strip()]
    result = backup(resolve_migrate_url(args.database_url), Path(args.output), apps=apps or None)
    print(
        f"wrote {result.path}: {size_text(result.path)}, {result.tables} tables of "
        f"{', '.join(result.schemas)} and the migration records, in {result.seconds:.1f}s"
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from ..urls import resolve_migrate_url

    result = restore(resolve_migrate_url(args.database_url), Path(args.file), clean=args.clean)
    if result.replaced:
        print(
            "replaced "
            + ", ".join(f"{s} ({n} rows before)" for s, n in sorted(result.replaced.items()))
        )
    print(f"restored {', '.join(result.schemas)} in {result.seconds:.1f}s")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``datalayer backup`` and ``datalayer restore``."""
    p = sub.add_parser(
        "backup",
        help="pg_dump (custom format) of core, an app's schema and its migration records",
        description="Back up core and the applications named by --app (default: every "
        "application migrated in the database), their extensions and the migration "
        "bookkeeping, in pg_dump's custom format. Connects like migrate "
        "(DATALAYER_MIGRATE_URL, else DATABASE_URL).",
        epilog="examples: datalayer backup --app fintech -o fintech.dump; "
        "datalayer backup -o all.dump",
    )
    p.add_argument("--database-url", default=None, help="where to connect")
    p.add_argument("--app", action="append", metavar="APP", help="only core and this app")
    p.add_argument("-o", "--output", required=True, help="the archive to write")
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser(
        "restore",
        help="restore a backup into an empty database (or --clean over the same apps)",
        description="Reads the whole archive first (a damaged file changes nothing), then "
        "restores it in one transaction. The target must hold no datalayer schema; with "
        "--clean it may hold the backup's applications, which are replaced. Anything else "
        "in the target is named and the restore refused (exit 2).",
        epilog="examples: datalayer restore fintech.dump; "
        "datalayer restore --clean fintech.dump --database-url postgresql://.../copy",
    )
    p.add_argument("file", help="an archive written by datalayer backup")
    p.add_argument("--database-url", default=None, help="where to connect")
    p.add_argument(
        "--clean", action="store_true", help="drop and replace the backup's applications"
    )
    p.set_defaults(func=_cmd_restore)
