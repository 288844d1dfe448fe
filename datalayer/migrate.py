"""The migration runner: yoyo-migrations' Python API plus what yoyo lacks.

Migrations are plain SQL files in one linear, zero-padded history
(:func:`datalayer.paths.migrations_dir`)::

    NNNN.<schema>.<verb>-<object>.sql           the migration; yoyo's id is its name minus ``.sql``
    NNNN.<schema>.<verb>-<object>.rollback.sql  restores the previous schema exactly (required)

Each file opens with a ``--`` header block (what and why, ``-- depends: <previous id>``, optionally
``-- transactional: false``); yoyo reads its directives only there.

yoyo applies each file (statements split by sqlparse, one transaction per file unless
``-- transactional: false``, on a fresh connection) and records it in ``_yoyo_migration``. On top
of that this module adds:

* **A session advisory lock** (``pg_advisory_lock(LOCK_KEY)`` on a dedicated connection, held for
  the whole run): concurrent runs wait for each other with no time limit, and a killed run leaves no
  stale lock, because the lock dies with its session. A waiting run polls ``pg_try_advisory_lock``
  instead of blocking inside ``pg_advisory_lock``: a blocked call holds a snapshot, which a
  ``CREATE INDEX CONCURRENTLY`` in the running migration would wait for forever (the deadlock
  Flyway and other advisory-lock runners have hit). yoyo's own ``yoyo_lock`` row (which survives
  SIGKILL) is never taken.
* **Checksums**: the sha256 of every applied migration file is recorded in ``_datalayer_migration``.
  Only the forward file is hashed: the checksum answers "is the SQL that ran here still the SQL in
  the repository"; a rollback file has not run, so a broken rollback can be fixed without rewriting
  history in every database (its correctness is what the apply → rollback → apply round trip in
  the test suite checks). ``apply`` and ``verify`` fail when an applied file was edited, an applied
  id has no file any more (renamed or deleted), or a pending file sorts before the newest applied
  one (out of order). An applied migration without a recorded checksum (applied by the yoyo CLI,
  or a crash between yoyo's bookkeeping and ours) is reported by ``status``/``verify`` and adopted
  (its current file's checksum recorded) by the next ``apply``.
* **Timeouts**: every migration connection starts with ``lock_timeout`` and ``statement_timeout``
  (libpq ``options``; a file's own ``SET LOCAL`` still overrides them), and a transactional
  migration that fails on a lock timeout (SQLSTATE 55P03) is retried a bounded number of times
  with a short backoff. Non-transactional migrations are not retried: yoyo has already run their
  compensating rollback statements, and a half-built concurrent index needs a human.
* **Errors**: a failing migration raises :class:`MigrationError` naming the file, the failing
  statement and the server's message. Migrations applied earlier in the same run stay applied.
* ``dry_run`` (what would run, changes nothing), ``status``/``verify`` (read only), ``new`` (next
  numbered file pair from a template) and ``dump_schema`` (a stable ``pg_dump --schema-only``).

Known window (yoyo's design): yoyo commits a migration, then records it in ``_yoyo_migration`` in a
separate transaction; the checksum row is written right after that. A crash between the commit and
yoyo's record leaves the migration applied but unrecorded (the next run applies it again and will
most likely fail on an existing object); a crash between yoyo's record and the checksum row is
repaired by the next ``apply``.

Bookkeeping tables live in the connection's default schema (``current_schema``):
``_yoyo_migration``, ``_yoyo_log``, ``_yoyo_version``, ``yoyo_lock`` (yoyo's) and
``_datalayer_migration`` (ours). Do not run the ``yoyo`` CLI against the same database: it does not
take the advisory lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import glob
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg
import psycopg.errors
from psycopg import sql
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.migrations import Migration, read_migrations

from . import paths
from .devdb import find_bindir
from .errors import ConfigurationError, DataLayerError
from .settings import mask_url, normalize_url

__all__ = [
    "CHECKSUM_TABLE",
    "LOCK_KEY",
    "MIGRATION_TABLE",
    "MigrationError",
    "MigrationFile",
    "MigrationStatus",
    "apply",
    "dump_schema",
    "format_status",
    "migration_files",
    "new",
    "rollback",
    "status",
    "verify",
]

MIGRATION_TABLE: Final = "_yoyo_migration"
CHECKSUM_TABLE: Final = "_datalayer_migration"
#: ``pg_advisory_lock`` key of a migration run: the bytes of ``b"datalayr"`` as a bigint.
LOCK_KEY: Final = int.from_bytes(b"datalayr", "big")
APPLICATION_NAME: Final = "datalayer-migrate"

#: Tables pg_dump leaves out of ``schema.sql`` (bookkeeping, not schema).
BOOKKEEPING_TABLES: Final = (
    MIGRATION_TABLE,
    "_yoyo_log",
    "_yoyo_version",
    "yoyo_lock",
    CHECKSUM_TABLE,
)
SCHEMA_HEADER: Final = "-- Code generated by `datalayer schema`. DO NOT EDIT.\n"

_ID_RE: Final = re.compile(
    r"^(?P<number>\d{4})\.(?P<schema>[a-z][a-z0-9_]*)\.(?P<slug>[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*)$"
)
_SCHEMA_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG_RE: Final = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)+$")
_DIRECTIVE_RE: Final = re.compile(r"^\s*--\s*(transactional|depends)\s*:\s*(.*)$")
_COMMENT_OR_EMPTY_RE: Final = re.compile(r"^(\s*|\s*--.*)$")
_DURATION_RE: Final = re.compile(r"^\d+(\.\d+)?(us|ms|s|min|h|d)?$")
_STATEMENT_PREVIEW: Final = 200
_LOCK_POLL_MAX: Final = 1.0
_BACKOFF_BASE: Final = 0.25
_BACKOFF_MAX: Final = 5.0
_ROLLBACK_LOCK_TIMEOUT: Final = "5s"
_ROLLBACK_STATEMENT_TIMEOUT: Final = "15min"
_ROLLBACK_LOCK_RETRIES: Final = 3


class MigrationError(DataLayerError):
    """A migration file is malformed, a migration failed, or the database's history disagrees
    with the files. The message names the file (and, for SQL failures, the statement)."""


# -- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One migration as found on disk (no database involved)."""

    id: str
    path: Path
    rollback_path: Path
    sha256: str
    number: int
    schema: str
    depends: tuple[str, ...]
    transactional: bool

    @property
    def name(self) -> str:
        return self.path.name


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class _Header:
    depends: tuple[str, ...]
    transactional: bool
    has_sql: bool


def _parse_header(path: Path) -> _Header:
    """Read the file as yoyo will, and refuse what yoyo would silently misread."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MigrationError(f"{path.name}: not valid UTF-8 ({exc.reason})") from None
    lines = text.splitlines()
    directives: dict[str, str] = {}
    body_start = len(lines)
    for index, line in enumerate(lines):
        match = _DIRECTIVE_RE.match(line)
        if match:
            key, value = match.group(1), match.group(2).strip()
            directives[key] = f"{directives[key]} {value}" if key in directives else value
        elif not _COMMENT_OR_EMPTY_RE.match(line):
            body_start = index
            break
    body = lines[body_start:]
    if body and body[0].lstrip().startswith("/*"):
        raise MigrationError(
            f"{path.name}, line {body_start + 1}: a /* */ comment before or inside the header; "
            "yoyo stops reading the header there and silently drops `-- depends:` and "
            "`-- transactional:`. Write the header with `--` comments only."
        )
    for offset, line in enumerate(body):
        if _DIRECTIVE_RE.match(line):
            raise MigrationError(
                f"{path.name}, line {body_start + offset + 1}: `{line.strip()}` after the first "
                "SQL line is ignored by yoyo; move it into the leading `--` header block."
            )
    transactional_value = directives.get("transactional", "true").strip().lower()
    if transactional_value not in ("true", "false"):
        raise MigrationError(
            f"{path.name}: `-- transactional: {directives['transactional']}` must be `true` "
            "or `false`."
        )
    return _Header(
        depends=tuple(directives.get("depends", "").split()),
        transactional=transactional_value == "true",
        has_sql=any(
            line.strip() and not line.strip().startswith("--") for line in lines[body_start:]
        ),
    )


def _resolve_dir(migrations: Path | None) -> Path:
    directory = Path(migrations) if migrations is not None else paths.migrations_dir()
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    return directory


def migration_files(migrations: Path | None = None) -> list[MigrationFile]:
    """Every migration in ``migrations`` (default: :func:`datalayer.paths.migrations_dir`), sorted.

    Validates the directory: file names, a rollback file for every migration (and no orphan
    rollback), unique numbers, a header yoyo reads as intended, and ``-- depends:`` naming an
    earlier migration (required from the second file on). Raises :class:`MigrationError`.
    """
    directory = _resolve_dir(migrations)
    entries = sorted(p for p in directory.iterdir() if p.is_file())
    forward: dict[str, Path] = {}
    rollbacks: dict[str, Path] = {}
    for path in entries:
        name = path.name
        if name.endswith(".rollback.sql"):
            rollbacks[name[: -len(".rollback.sql")]] = path
        elif name.endswith(".sql"):
            forward[name[: -len(".sql")]] = path
        elif name.endswith(".py"):
            raise MigrationError(
                f"{name}: Python migrations are not supported here (yoyo would run it); "
                "migrations are plain SQL."
            )
    for orphan in sorted(set(rollbacks) - set(forward)):
        raise MigrationError(f"{rollbacks[orphan].name}: rollback file without {orphan}.sql")

    result: list[MigrationFile] = []
    numbers: dict[int, str] = {}
    for migration_id in sorted(forward):
        path = forward[migration_id]
        match = _ID_RE.match(migration_id)
        if not match:
            raise MigrationError(
                f"{path.name}: migration files are named NNNN.<schema>.<verb>-<object>.sql "
                "(4-digit number, lowercase schema and slug)"
            )
        number = int(match.group("number"))
        if number in numbers:
            raise MigrationError(
                f"{path.name}: number {number:04d} is already used by {numbers[number]}.sql; "
                "the history is linear, renumber the newer file"
            )
        numbers[number] = migration_id
        rollback_path = rollbacks.get(migration_id)
        if rollback_path is None:
            raise MigrationError(
                f"{path.name}: missing its rollback file {migration_id}.rollback.sql "
                "(every migration has one that restores the previous schema exactly)"
            )
        header = _parse_header(path)
        rollback_header = _parse_header(rollback_path)
        if not header.has_sql:
            raise MigrationError(f"{path.name}: no SQL statement")
        if not rollback_header.has_sql:
            raise MigrationError(
                f"{rollback_path.name}: no SQL statement (a rollback must undo the migration)"
            )
        earlier = {f.id for f in result}
        for dependency in header.depends:
            if dependency not in earlier:
                raise MigrationError(
                    f"{path.name}: `-- depends: {dependency}` does not name an earlier migration"
                    + (f" (the previous one is {result[-1].id})" if result else "")
                )
        if result and not header.depends:
            raise MigrationError(
                f"{path.name}: the header needs `-- depends: {result[-1].id}` "
                "(the previous migration)"
            )
        result.append(
            MigrationFile(
                id=migration_id,
                path=path,
                rollback_path=rollback_path,
                sha256=_sha256(path),
                number=number,
                schema=match.group("schema"),
                depends=header.depends,
                transactional=header.transactional,
            )
        )
    return result


# -- yoyo glue -----------------------------------------------------------------------------------

# The statement whose execution raised first during the current migration (see _RecordingCursor).
_failed_statement: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "datalayer_migrate_failed_statement", default=None
)
# yoyo keeps every Migration ever constructed in a class-level dict keyed by id, and resolves
# `depends` through it when a migration is loaded (lazily). Reading two directories with the same
# ids in one process would resolve one directory's dependencies to the other's objects.
_yoyo_read_lock = threading.Lock()


class _RecordingCursor:
    """A DB-API cursor proxy remembering the statement that failed (yoyo does not say which)."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, query: Any, params: Any = None) -> Any:
        try:
            return self._cursor.execute(query, params)
        except Exception:
            if _failed_statement.get() is None:
                _failed_statement.set(str(query))
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class _Backend(PostgresqlPsycopgBackend):  # type: ignore[misc]
    """yoyo's psycopg 3 backend whose cursors record the failing statement."""

    def cursor(self) -> _RecordingCursor:
        return _RecordingCursor(super().cursor())


def _yoyo_migrations(directory: Path) -> dict[str, Any]:
    """yoyo Migration objects for ``directory``, loaded now, keyed by id."""
    with _yoyo_read_lock:
        registry = getattr(Migration, "_Migration__all_migrations", None)
        if isinstance(registry, dict):
            registry.clear()
        try:
            loaded = read_migrations(glob.escape(str(directory)))
            by_id: dict[str, Any] = {}
            for migration in loaded:
                migration.load()
                by_id[str(migration.id)] = migration
        except Exception as exc:  # yoyo's BadMigration / MigrationConflict / parse errors
            raise MigrationError(f"yoyo could not read {directory}: {exc}") from exc
        if loaded.post_apply:
            raise MigrationError(f"{directory}: post-apply hooks are not supported")
    return by_id


def _depends_paths(migration: Any) -> list[str]:
    """Paths of a loaded yoyo migration's dependencies (for tests of the cache handling)."""
    return sorted(str(dep.path) for dep in migration.depends)


# -- connections ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    """One database, as the runner's connections see it."""

    url: str  # normalized postgresql:// URL, as given
    masked: str

    @classmethod
    def parse(cls, url: str) -> _Target:
        try:
            normalized = normalize_url(url)
        except ValueError as exc:
            raise MigrationError(f"invalid database URL: {exc}") from None
        return cls(url=normalized, masked=mask_url(normalized))

    def _split(self) -> tuple[SplitResult, dict[str, str]]:
        parts = urlsplit(self.url)
        return parts, dict(parse_qsl(parts.query, keep_blank_values=True))

    def _with_query(self, query: dict[str, str], scheme: str = "postgresql") -> str:
        parts, _ = self._split()
        encoded = urlencode(query, quote_via=quote)
        return urlunsplit((scheme, parts.netloc, parts.path, encoded, ""))

    def yoyo_url(self, lock_timeout: str, statement_timeout: str) -> str:
        """``postgresql+psycopg://`` with default timeouts; the URL's own ``options`` come last,
        so they win over these defaults (``options`` in a URL also replaces ``PGOPTIONS``)."""
        _, query = self._split()
        defaults = f"-c lock_timeout={lock_timeout} -c statement_timeout={statement_timeout}"
        own = query.get("options", "").strip()
        query["options"] = f"{defaults} {own}".strip()
        query.setdefault("application_name", APPLICATION_NAME)
        return self._with_query(query, scheme="postgresql+psycopg")

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        """An autocommit session for the advisory lock and our bookkeeping: no timeouts (the lock
        wait is ours to manage), the URL's ``schema`` applied like yoyo does."""
        _, query = self._split()
        schema = query.pop("schema", None)
        own = query.get("options", "").strip()
        query["options"] = f"{own} -c lock_timeout=0 -c statement_timeout=0".strip()
        query.setdefault("application_name", APPLICATION_NAME)
        try:
            conn = psycopg.connect(self._with_query(query), autocommit=True)
        except psycopg.Error as exc:
            raise MigrationError(
                f"cannot connect to {self.masked}: {_first_line(str(exc))}"
            ) from None
        if conn.info.server_version >= 140000:
            conn.execute("SET idle_session_timeout = 0")
        if schema:
            conn.execute(
                sql.SQL("SET search_path TO {}").format(
                    sql.SQL(", ").join(sql.Identifier(s.strip()) for s in schema.split(","))
                )
            )
        return conn

    def backend(self, lock_timeout: str, statement_timeout: str) -> Any:
        """yoyo's backend (opens a connection; creates ``yoyo_lock`` if missing)."""
        try:
            backend = _Backend(
                parse_uri(self.yoyo_url(lock_timeout, statement_timeout)), MIGRATION_TABLE
            )
            backend.init_database()
        except psycopg.Error as exc:
            raise MigrationError(
                f"cannot connect to {self.masked}: {_first_line(str(exc))}"
            ) from None
        # We hold the advisory lock: yoyo's own lock (a row in yoyo_lock, which a killed process
        # leaves behind) is then redundant; marking the backend locked makes yoyo skip it.
        backend._is_locked = True
        return backend


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


@contextlib.contextmanager
def _advisory_lock(conn: psycopg.Connection[tuple[Any, ...]], quiet: bool) -> Iterator[None]:
    """Hold the advisory lock ``LOCK_KEY`` for the block; poll while another run holds it."""
    delay = 0.05
    announced = False
    while True:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        if row is not None and row[0]:
            break
        if not announced and not quiet:
            holder = conn.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid = %s AND objid = %s AND objsubid = 1",
                ((LOCK_KEY >> 32) & 0xFFFFFFFF, LOCK_KEY & 0xFFFFFFFF),
            ).fetchone()
            who = f" (server pid {holder[0]})" if holder else ""
            _say(f"waiting for another migration run{who} to finish ...")
            announced = True
        time.sleep(delay)
        delay = min(delay * 2, _LOCK_POLL_MAX)
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


def _say(line: str) -> None:
    print(line, flush=True)


# -- database state ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _State:
    applied: list[tuple[str, datetime]]  # in application order
    checksums: dict[str, str]

    @property
    def applied_ids(self) -> set[str]:
        return {migration_id for migration_id, _ in self.applied}


def _read_state(conn: psycopg.Connection[tuple[Any, ...]]) -> _State:
    def exists(table: str) -> bool:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
        return bool(row and row[0])

    applied: list[tuple[str, datetime]] = []
    if exists(MIGRATION_TABLE):
        rows = conn.execute(
            sql.SQL(
                "SELECT migration_id, applied_at_utc FROM {} ORDER BY applied_at_utc, 1"
            ).format(sql.Identifier(MIGRATION_TABLE))
        ).fetchall()
        for migration_id, applied_at in rows:
            when = applied_at if isinstance(applied_at, datetime) else datetime.now(UTC)
            applied.append((str(migration_id), when.replace(tzinfo=UTC)))
    checksums: dict[str, str] = {}
    if exists(CHECKSUM_TABLE):
        for migration_id, digest in conn.execute(
            sql.SQL("SELECT migration_id, sha256 FROM {}").format(sql.Identifier(CHECKSUM_TABLE))
        ).fetchall():
            checksums[str(migration_id)] = str(digest)
    return _State(applied=applied, checksums=checksums)


def _problems(
    files: Sequence[MigrationFile], state: _State, *, report_unrecorded: bool
) -> list[str]:
    by_id = {f.id: f for f in files}
    applied_ids = state.applied_ids
    problems: list[str] = []
    for migration_id, _ in state.applied:
        file = by_id.get(migration_id)
        recorded = state.checksums.get(migration_id)
        if file is None:
            renamed = [
                f.id for f in files if recorded and f.sha256 == recorded and f.id not in applied_ids
            ]
            hint = f" (renamed to {renamed[0]}.sql?)" if renamed else " (renamed or deleted?)"
            problems.append(
                f"{migration_id}.sql: applied to this database but the file is missing{hint}; "
                "restore it under its original name (never rename or delete a landed migration)"
            )
        elif recorded is None:
            if report_unrecorded:
                problems.append(
                    f"{file.name}: applied without a recorded checksum (applied outside "
                    "datalayer.migrate, or interrupted); the next `apply` records it"
                )
        elif recorded != file.sha256:
            problems.append(
                f"{file.name}: checksum mismatch: the file was edited after it was applied "
                f"(recorded sha256 {recorded[:12]}…, file now {file.sha256[:12]}…); "
                "restore it and fix forward with a new migration"
            )
    known_applied = [f.id for f in files if f.id in applied_ids]
    if known_applied:
        newest = max(known_applied)
        for f in files:
            if f.id not in applied_ids and f.id < newest:
                problems.append(
                    f"{f.name}: out of order: pending but sorts before {newest}, which is already "
                    "applied; renumber it after the newest migration"
                )
    return problems


@dataclass(frozen=True)
class MigrationStatus:
    """What a database has applied compared with the migration files."""

    applied: list[tuple[str, datetime]] = field(default_factory=list)  # (id, applied_at UTC)
    pending: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        problems = (
            "no problems"
            if not self.problems
            else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        )
        return f"{len(self.applied)} applied, {len(self.pending)} pending, {problems}"


def format_status(st: MigrationStatus) -> str:
    """A human-readable listing: applied (with time), pending, problems, then a summary line."""
    lines: list[str] = []
    for migration_id, applied_at in st.applied:
        lines.append(f"applied  {applied_at:%Y-%m-%d %H:%M:%S}Z  {migration_id}")
    for migration_id in st.pending:
        lines.append(f"pending  {'':20}  {migration_id}")
    for problem in st.problems:
        lines.append(f"PROBLEM  {problem}")
    lines.append(st.summary())
    return "\n".join(lines)


def _status(files: Sequence[MigrationFile], state: _State) -> MigrationStatus:
    applied_ids = state.applied_ids
    return MigrationStatus(
        applied=list(state.applied),
        pending=[f.id for f in files if f.id not in applied_ids],
        problems=_problems(files, state, report_unrecorded=True),
    )


def status(url: str, *, migrations: Path | None = None) -> MigrationStatus:
    """Applied migrations (with times), pending ones, and problems. Read-only: takes no lock and
    creates nothing."""
    files = migration_files(migrations)
    target = _Target.parse(url)
    with target.connect() as conn:
        return _status(files, _read_state(conn))


def verify(url: str, *, migrations: Path | None = None) -> None:
    """Raise :class:`MigrationError` listing every problem (edited, missing/renamed, out of order,
    unrecorded checksum); return quietly otherwise."""
    st = status(url, migrations=migrations)
    if st.problems:
        raise MigrationError(_problem_message(st.problems, mask_url(url)))


def _problem_message(problems: Sequence[str], masked: str) -> str:
    listed = "\n".join(f"  - {p}" for p in problems)
    return f"migration history of {masked} disagrees with the files:\n{listed}"


# -- apply / rollback ----------------------------------------------------------------------------


def _ensure_checksum_table(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} ("
            " migration_id text PRIMARY KEY,"
            " sha256 text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        ).format(sql.Identifier(CHECKSUM_TABLE))
    )


def _record_checksum(conn: psycopg.Connection[tuple[Any, ...]], file: MigrationFile) -> None:
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (migration_id, sha256) VALUES (%s, %s) ON CONFLICT (migration_id) "
            "DO UPDATE SET sha256 = excluded.sha256, applied_at = now()"
        ).format(sql.Identifier(CHECKSUM_TABLE)),
        (file.id, file.sha256),
    )


def _delete_checksum(conn: psycopg.Connection[tuple[Any, ...]], migration_id: str) -> None:
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE migration_id = %s").format(sql.Identifier(CHECKSUM_TABLE)),
        (migration_id,),
    )


def _resolve_target(target: str, files: Sequence[MigrationFile]) -> str | None:
    """A migration id from an id or its number; ``None`` for "before the first" ("0"/"zero")."""
    wanted = target.strip()
    if wanted.lower() in ("0", "zero"):
        return None
    for f in files:
        if f.id == wanted or (wanted.isdigit() and f.number == int(wanted)):
            return f.id
    raise MigrationError(f"target {target!r} matches no migration file")


def _preview(statement: str | None) -> str:
    if not statement:
        return "(unknown)"
    flat = " ".join(statement.split())
    return flat if len(flat) <= _STATEMENT_PREVIEW else flat[: _STATEMENT_PREVIEW - 1] + "…"


def _invalid_indexes(conn: psycopg.Connection[tuple[Any, ...]]) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1"
        ).fetchall()
    except psycopg.Error:
        return []
    return [str(r[0]) for r in rows]


def _run_one(
    conn: psycopg.Connection[tuple[Any, ...]],
    backend: Any,
    migration: Any,
    file: MigrationFile,
    *,
    direction: str,
    lock_retries: int,
    quiet: bool,
    done_before: int,
) -> None:
    """Apply or roll back one migration through yoyo, retrying lock timeouts."""
    shown = file.path if direction == "apply" else file.rollback_path
    attempt = 0
    while True:
        token = _failed_statement.set(None)
        try:
            # yoyo prints the rows of any SELECT in a migration; keep that off a quiet run's output.
            sink = io.StringIO() if quiet else None
            with contextlib.redirect_stdout(sink) if sink is not None else contextlib.nullcontext():
                if direction == "apply":
                    backend.apply_one(migration)
                else:
                    backend.rollback_one(migration)
            return
        except psycopg.Error as exc:
            statement = _failed_statement.get()
            sqlstate = exc.sqlstate
            server = _first_line(exc.diag.message_primary or str(exc))
            if isinstance(exc, psycopg.errors.LockNotAvailable):
                if attempt < lock_retries and file.transactional:
                    attempt += 1
                    pause = min(_BACKOFF_BASE * 2 ** (attempt - 1), _BACKOFF_MAX)
                    if not quiet:
                        _say(
                            f"lock timeout in {shown.name}, retrying ({attempt}/{lock_retries}) "
                            f"in {pause:.2f} s: {server}"
                        )
                    time.sleep(pause)
                    continue
                what = f"lock timeout (SQLSTATE 55P03) after {attempt + 1} attempt" + (
                    "s" if attempt else ""
                )
                if not file.transactional:
                    what += " (non-transactional migrations are not retried)"
            else:
                what = f"failed (SQLSTATE {sqlstate})" if sqlstate else "failed"
            verb = "applied" if direction == "apply" else "undone"
            if file.transactional:
                outcome = f"nothing of this file was {verb} (its transaction was rolled back)"
            else:
                outcome = (
                    "this file is not transactional: yoyo ran the rollback statements of the "
                    "steps that had succeeded"
                )
                invalid = _invalid_indexes(conn)
                if invalid:
                    outcome += (
                        "; INVALID indexes left behind (drop them before running again): "
                        + ", ".join(invalid)
                    )
            if done_before:
                outcome += (
                    f"\n  {done_before} migration{'s' if done_before != 1 else ''} finished "
                    "earlier in this run remain in effect"
                )
            raise MigrationError(
                f"{shown.name}: {what}: {server}\n  statement: {_preview(statement)}\n  {outcome}",
                sqlstate=sqlstate,
            ) from None
        finally:
            _failed_statement.reset(token)


@contextlib.contextmanager
def _session(target: _Target, quiet: bool) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with target.connect() as conn, _advisory_lock(conn, quiet):
        yield conn


def apply(
    url: str,
    *,
    migrations: Path | None = None,
    target: str | None = None,
    dry_run: bool = False,
    quiet: bool = False,
    lock_timeout: str = "5s",
    statement_timeout: str = "15min",
    lock_retries: int = 3,
) -> list[str]:
    """Apply pending migrations in file order (up to and including ``target``); return their ids.

    Holds the advisory lock for the whole run, refuses to start when the history disagrees with
    the files (see :func:`verify`), records each file's checksum right after yoyo records it.
    ``dry_run`` prints (unless ``quiet``) and returns what would run, and changes nothing (no
    lock, no bookkeeping tables).
    """
    if lock_retries < 0:
        raise MigrationError("lock_retries must be >= 0")
    for name, value in (("lock_timeout", lock_timeout), ("statement_timeout", statement_timeout)):
        if not _DURATION_RE.match(value):
            raise MigrationError(
                f"{name}={value!r} is not a PostgreSQL duration such as 200ms, 5s or 15min"
            )
    files = migration_files(migrations)
    directory = _resolve_dir(migrations)
    db = _Target.parse(url)
    stop = _resolve_target(target, files) if target is not None else None
    if target is not None and stop is None:
        return []  # "0": nothing to apply

    def plan(state: _State) -> list[MigrationFile]:
        problems = _problems(files, state, report_unrecorded=False)
        if problems:
            raise MigrationError(_problem_message(problems, db.masked))
        applied_ids = state.applied_ids
        todo: list[MigrationFile] = []
        for f in files:
            if f.id not in applied_ids:
                todo.append(f)
            if stop is not None and f.id == stop:
                break
        return todo

    if dry_run:
        with db.connect() as conn:
            todo = plan(_read_state(conn))
        if not quiet:
            _say(f"dry run against {db.masked}: {len(todo)} migration(s) would be applied")
            for f in todo:
                _say(f"-- would apply {f.id} ({f.path})")
                _say(f.path.read_text(encoding="utf-8").rstrip() + "\n")
        return [f.id for f in todo]

    applied_now: list[str] = []
    with _session(db, quiet) as conn:
        state = _read_state(conn)
        todo = plan(state)
        _ensure_checksum_table(conn)
        by_id = {f.id: f for f in files}
        for migration_id, _ in state.applied:
            if migration_id not in state.checksums and migration_id in by_id:
                _record_checksum(conn, by_id[migration_id])
                if not quiet:
                    _say(f"recorded the checksum of {migration_id} (applied without one)")
        if not todo:
            if not quiet:
                _say(
                    f"{db.masked}: nothing to apply; {_status(files, _read_state(conn)).summary()}"
                )
            return []
        yoyo = _yoyo_migrations(directory)
        backend = db.backend(lock_timeout, statement_timeout)
        try:
            if not quiet:
                _say(f"applying {len(todo)} migration(s) to {db.masked}")
            for f in todo:
                started = time.monotonic()
                _run_one(
                    conn,
                    backend,
                    yoyo[f.id],
                    f,
                    direction="apply",
                    lock_retries=lock_retries,
                    quiet=quiet,
                    done_before=len(applied_now),
                )
                _record_checksum(conn, f)
                applied_now.append(f.id)
                if not quiet:
                    _say(f"applied {f.id} ({time.monotonic() - started:.2f} s)")
        finally:
            with contextlib.suppress(Exception):
                backend.connection.close()
        if not quiet:
            _say(_status(files, _read_state(conn)).summary())
    return applied_now


def rollback(
    url: str,
    *,
    count: int | None = None,
    target: str | None = None,
    migrations: Path | None = None,
    dry_run: bool = False,
    quiet: bool = False,
) -> list[str]:
    """Roll back applied migrations, newest first; return their ids in the order rolled back.

    Exactly one of ``count`` (the newest ``count`` applied) or ``target`` (every migration applied
    after ``target``; ``"0"``/``"zero"`` means all) is required: nothing is ever rolled back
    implicitly. Refuses to roll back a migration whose file is missing or was edited.
    """
    if (count is None) == (target is None):
        raise MigrationError(
            "rollback needs exactly one of count= (how many of the newest) or target= "
            '(the migration to return to; "0" for all)'
        )
    if count is not None and count < 1:
        raise MigrationError(f"rollback count must be at least 1, got {count}")
    files = migration_files(migrations)
    directory = _resolve_dir(migrations)
    db = _Target.parse(url)
    by_id = {f.id: f for f in files}
    keep_through = _resolve_target(target, files) if target is not None else None

    def plan(state: _State) -> list[MigrationFile]:
        applied = sorted(state.applied_ids)
        if count is not None:
            if count > len(applied):
                raise MigrationError(
                    f"cannot roll back {count} migration(s): only {len(applied)} applied"
                )
            chosen = applied[len(applied) - count :]
        else:
            chosen = [i for i in applied if keep_through is None or i > keep_through]
        chosen.reverse()
        problems = [
            p
            for p in _problems(files, state, report_unrecorded=False)
            if any(p.startswith(f"{i}.sql") for i in chosen)
        ]
        if problems:
            raise MigrationError(_problem_message(problems, db.masked))
        return [by_id[i] for i in chosen]

    if dry_run:
        with db.connect() as conn:
            todo = plan(_read_state(conn))
        if not quiet:
            _say(f"dry run against {db.masked}: {len(todo)} migration(s) would be rolled back")
            for f in todo:
                _say(f"-- would roll back {f.id} ({f.rollback_path})")
                _say(f.rollback_path.read_text(encoding="utf-8").rstrip() + "\n")
        return [f.id for f in todo]

    done: list[str] = []
    with _session(db, quiet) as conn:
        todo = plan(_read_state(conn))
        if not todo:
            if not quiet:
                _say(f"{db.masked}: nothing to roll back")
            return []
        _ensure_checksum_table(conn)
        yoyo = _yoyo_migrations(directory)
        backend = db.backend(_ROLLBACK_LOCK_TIMEOUT, _ROLLBACK_STATEMENT_TIMEOUT)
        try:
            if not quiet:
                _say(f"rolling back {len(todo)} migration(s) on {db.masked}")
            for f in todo:
                started = time.monotonic()
                _run_one(
                    conn,
                    backend,
                    yoyo[f.id],
                    f,
                    direction="rollback",
                    lock_retries=_ROLLBACK_LOCK_RETRIES,
                    quiet=quiet,
                    done_before=len(done),
                )
                _delete_checksum(conn, f.id)
                done.append(f.id)
                if not quiet:
                    _say(f"rolled back {f.id} ({time.monotonic() - started:.2f} s)")
        finally:
            with contextlib.suppress(Exception):
                backend.connection.close()
        if not quiet:
            _say(_status(files, _read_state(conn)).summary())
    return done


# -- new -----------------------------------------------------------------------------------------

_TEMPLATE: Final = """\
-- {schema}: {title}.
--
-- TODO: what this migration does and why (this header is what a reviewer reads first).
-- Keep the header in `--` comments; `-- transactional: false` goes here for
-- CREATE INDEX CONCURRENTLY (alone in its file).
{depends}
SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '15min';

"""

_ROLLBACK_TEMPLATE: Final = """\
-- Undo {migration_id}: restore the previous schema exactly (statements in reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '15min';

"""


def new(schema: str, slug: str, *, migrations: Path | None = None) -> tuple[Path, Path]:
    """Create the next numbered migration and its rollback from the header template.

    ``schema`` is a lowercase identifier (``fintech``); ``slug`` is ``<verb>-<object>`` in
    lowercase (``create-accounts``). Returns ``(migration, rollback)`` paths.
    """
    if not _SCHEMA_RE.match(schema):
        raise MigrationError(
            f"schema {schema!r} must be a lowercase identifier (letters, digits, underscores)"
        )
    if not _SLUG_RE.match(slug):
        raise MigrationError(
            f"slug {slug!r} must be <verb>-<object> in lowercase (e.g. create-accounts, "
            "add-orders-status-idx)"
        )
    directory = Path(migrations) if migrations is not None else paths.migrations_dir()
    directory.mkdir(parents=True, exist_ok=True)
    existing = migration_files(directory)
    number = (existing[-1].number + 1) if existing else 1
    if number > 9999:
        raise MigrationError("migration numbers are exhausted (9999)")
    migration_id = f"{number:04d}.{schema}.{slug}"
    forward = directory / f"{migration_id}.sql"
    backward = directory / f"{migration_id}.rollback.sql"
    depends = f"-- depends: {existing[-1].id}\n" if existing else ""
    title = slug.replace("-", " ")
    try:
        with forward.open("x", encoding="utf-8") as fh:
            fh.write(_TEMPLATE.format(schema=schema, title=title, depends=depends))
        with backward.open("x", encoding="utf-8") as fh:
            fh.write(_ROLLBACK_TEMPLATE.format(migration_id=migration_id))
    except FileExistsError as exc:
        raise MigrationError(f"{exc.filename} already exists") from None
    return forward, backward


# -- schema dump ---------------------------------------------------------------------------------

_NOISE: Final = re.compile(r"^(-- Dumped (from|by) .*|\\restrict .*|\\unrestrict .*)$")


def _pg_dump() -> str:
    try:
        candidate = find_bindir() / "pg_dump"
        if candidate.exists():
            return str(candidate)
    except ConfigurationError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise MigrationError("pg_dump was not found (install the PostgreSQL client tools)")
    return found


def dump_schema(url: str, out: Path) -> None:
    """Write ``pg_dump --schema-only --no-owner --no-privileges`` of the database to ``out``,
    without the bookkeeping tables and without pg_dump's version lines and ``\\restrict`` keys,
    so the file only changes when the schema does."""
    db = _Target.parse(url)
    parts = urlsplit(db.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.pop("schema", None)
    netloc = parts.netloc
    env = dict(os.environ)
    if "password" in query:  # keep it out of pg_dump's argv (visible in `ps`)
        env["PGPASSWORD"] = query.pop("password")
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        if password:
            env["PGPASSWORD"] = unquote(password)
        netloc = f"{user}@{hostport}"
    conninfo = urlunsplit(("postgresql", netloc, parts.path, urlencode(query, quote_via=quote), ""))
    cmd = [_pg_dump(), "--schema-only", "--no-owner", "--no-privileges", "--dbname", conninfo]
    for table in BOOKKEEPING_TABLES:
        cmd += ["--exclude-table", f"*.{table}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise MigrationError(
            f"pg_dump of {db.masked} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}"
        )
    lines = [line for line in proc.stdout.splitlines() if not _NOISE.match(line)]
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    body = SCHEMA_HEADER + "\n" + text + "\n"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
