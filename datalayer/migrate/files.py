"""Migration files on disk: one folder = one history, validated before anything connects.

A history is a folder of ``NNNN.<history>.<verb>-<object>.sql`` files, each with its
``….rollback.sql``, numbered on its own from 0001. The history's name is the middle part of its file
names (it keeps yoyo's ids unique across folders). The first file of a history may depend on other
histories' migrations (an app's on core's, a service's on an app's); every later file depends on the
previous one of its own history.

Statements are split exactly as yoyo splits them (:func:`yoyo.migrations.read_sql_migration`,
sqlparse), and yoyo's header directives (``-- depends:``, ``-- transactional:``) are read only where
yoyo reads them: anything that yoyo would silently misread is refused here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

from yoyo.migrations import read_sql_migration

from ..errors import DataLayerError

__all__ = [
    "CreatedObject",
    "History",
    "MigrationError",
    "MigrationFile",
    "created_objects",
    "history_of",
    "read_history",
]

_ID_RE: Final = re.compile(
    r"^(?P<number>\d{4})\.(?P<history>[a-z][a-z0-9_]*)\.(?P<slug>[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*)$"
)
_DIRECTIVE_RE: Final = re.compile(r"^\s*--\s*(transactional|depends)\s*:\s*(.*)$")
_COMMENT_OR_EMPTY_RE: Final = re.compile(r"^(\s*|\s*--.*)$")

# What a non-transactional file may hold: statements that can be run again after a crash. No SET:
# outside a transaction it would outlive the file and change every later migration of the run.
_REPAIRABLE: Final = re.compile(
    r"""^\s*(
        CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\s |
        DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS\s |
        REINDEX\s+(\(.*\)\s+)?(INDEX|TABLE)\s+CONCURRENTLY\s |
        ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE\s+IF\s+NOT\s+EXISTS\s |
        VACUUM\b |
        ANALYZE\b
    )""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_CIC: Final = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>[a-z_][a-z0-9_$]*)\s+ON\s+(?:ONLY\s+)?(?P<table>[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)?)",
    re.IGNORECASE,
)


def history_of(migration_id: str) -> str | None:
    """The history a migration id belongs to (its middle part)."""
    parts = migration_id.split(".")
    return parts[1] if len(parts) >= 3 else None


class MigrationError(DataLayerError):
    """A migration file is malformed, a migration failed, or the database's history disagrees
    with the files. The message names the file (and, for SQL failures, the statement)."""


@dataclass(frozen=True, slots=True)
class CreatedObject:
    """An object a statement creates without ``IF NOT EXISTS``/``OR REPLACE``: if it exists while
    its migration is pending, something created it outside the runner."""

    kind: str  # schema | relation | type | function
    name: str  # qualified where the statement qualifies it

    def describe(self) -> str:
        return f"{self.kind} {self.name}"


_IDENT = r"(?:[a-z_][a-z0-9_$]*)"
_QUALIFIED = rf"{_IDENT}(?:\.{_IDENT})?"
_CREATE_PATTERNS: Final = (
    ("schema", re.compile(rf"^CREATE\s+SCHEMA\s+(?!IF\s+NOT\s+EXISTS)({_IDENT})", re.I)),
    (
        "relation",
        re.compile(
            rf"^CREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?!IF\s+NOT\s+EXISTS)({_QUALIFIED})",
            re.I,
        ),
    ),
    (
        "relation",
        re.compile(
            rf"^CREATE\s+(?:MATERIALIZED\s+)?VIEW\s+(?!IF\s+NOT\s+EXISTS)({_QUALIFIED})", re.I
        ),
    ),
    ("relation", re.compile(rf"^CREATE\s+SEQUENCE\s+(?!IF\s+NOT\s+EXISTS)({_QUALIFIED})", re.I)),
    (
        "index",
        re.compile(
            rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?!IF\s+NOT\s+EXISTS)({_IDENT})\s+ON\s+(?:ONLY\s+)?({_QUALIFIED})",
            re.I,
        ),
    ),
    ("type", re.compile(rf"^CREATE\s+(?:TYPE|DOMAIN)\s+({_QUALIFIED})", re.I)),
    ("function", re.compile(rf"^CREATE\s+(?:FUNCTION|PROCEDURE)\s+({_QUALIFIED})\s*\(", re.I)),
)
_LEADING_COMMENTS: Final = re.compile(r"^(?:\s*--[^\n]*\n)*\s*")


def created_objects(statements: tuple[str, ...]) -> list[CreatedObject]:
    """The objects these statements create non-idempotently (best effort, by their first words)."""
    found: list[CreatedObject] = []
    for statement in statements:
        text = _LEADING_COMMENTS.sub("", statement, count=1)
        for kind, pattern in _CREATE_PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            if kind == "index":
                name, table = match.group(1), match.group(2)
                schema = table.rsplit(".", 1)[0] if "." in table else None
                found.append(CreatedObject("relation", f"{schema}.{name}" if schema else name))
            else:
                found.append(CreatedObject(kind, match.group(1)))
            break
    return found


@dataclass(frozen=True, slots=True)
class ConcurrentIndex:
    """``CREATE INDEX CONCURRENTLY`` in a non-transactional file: what a crash can leave invalid."""

    statement_index: int
    name: str  # qualified with the table's schema when the statement qualifies the table


@dataclass(frozen=True)
class MigrationFile:
    """One migration as found on disk (no database involved)."""

    id: str
    path: Path
    rollback_path: Path
    sha256: str
    number: int
    history: str
    depends: tuple[str, ...]
    transactional: bool

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def statements(self) -> tuple[str, ...]:
        """The forward statements, split as yoyo splits them."""
        return _statements(self.path)

    @cached_property
    def rollback_statements(self) -> tuple[str, ...]:
        return _statements(self.rollback_path)

    @cached_property
    def concurrent_indexes(self) -> tuple[ConcurrentIndex, ...]:
        found = []
        for i, statement in enumerate(self.statements):
            match = _CIC.search(_LEADING_COMMENTS.sub("", statement, count=1))
            if match:
                table = match.group("table")
                schema = table.rsplit(".", 1)[0] if "." in table else None
                name = match.group("name")
                found.append(ConcurrentIndex(i, f"{schema}.{name}" if schema else name))
        return tuple(found)


@dataclass(frozen=True)
class History:
    """One numbered history: its files in order and the histories it depends on."""

    name: str
    directory: Path
    files: tuple[MigrationFile, ...]

    @property
    def external_depends(self) -> tuple[str, ...]:
        """Migration ids outside this history that its files depend on."""
        own = {f.id for f in self.files}
        return tuple(d for f in self.files for d in f.depends if d not in own)


def _statements(path: Path) -> tuple[str, ...]:
    _, _, statements = read_sql_migration(str(path))
    return tuple(statements)


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


def _check_repairable(path: Path, statements: tuple[str, ...]) -> None:
    for statement in statements:
        text = _LEADING_COMMENTS.sub("", statement, count=1)
        if not _REPAIRABLE.match(text + " "):
            first = " ".join(text.split())[:80]
            raise MigrationError(
                f"{path.name}: `-- transactional: false` files may only hold statements that can "
                "run again after a crash (CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY IF "
                "EXISTS, REINDEX … CONCURRENTLY, ALTER TYPE … ADD VALUE IF NOT EXISTS, VACUUM, "
                f"ANALYZE; no SET: it would outlive the file); found: {first}"
            )


def read_history(directory: Path, *, name: str | None = None) -> History:
    """Read and validate one history folder. ``name`` (for packaged histories: the folder's
    name) is what every file's middle part must say; otherwise the files decide it."""
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    entries = sorted(p for p in directory.iterdir() if p.is_file())
    forward: dict[str, Path] = {}
    rollbacks: dict[str, Path] = {}
    for path in entries:
        filename = path.name
        if filename.endswith(".rollback.sql"):
            rollbacks[filename[: -len(".rollback.sql")]] = path
        elif filename.endswith(".sql"):
            forward[filename[: -len(".sql")]] = path
        elif filename.endswith(".py"):
            raise MigrationError(
                f"{filename}: Python migrations are not supported here (yoyo would run it); "
                "migrations are plain SQL."
            )
    for orphan in sorted(set(rollbacks) - set(forward)):
        raise MigrationError(f"{rollbacks[orphan].name}: rollback file without {orphan}.sql")

    files: list[MigrationFile] = []
    numbers: dict[int, str] = {}
    history = name
    for migration_id in sorted(forward):
        path = forward[migration_id]
        match = _ID_RE.match(migration_id)
        if not match:
            raise MigrationError(
                f"{path.name}: migration files are named NNNN.<history>.<verb>-<object>.sql "
                "(4-digit number, lowercase history name and slug)"
            )
        if history is None:
            history = match.group("history")
        if match.group("history") != history:
            raise MigrationError(
                f"{path.name}: every file in {directory} belongs to history {history!r} "
                f"(NNNN.{history}.<verb>-<object>.sql); a history is one folder"
            )
        number = int(match.group("number"))
        if number in numbers:
            raise MigrationError(
                f"{path.name}: number {number:04d} is already used by {numbers[number]}.sql; "
                "a history is linear, renumber the newer file"
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
        earlier = {f.id for f in files}
        if files and not earlier & set(header.depends):
            raise MigrationError(
                f"{path.name}: the header needs `-- depends: {files[-1].id}` "
                "(the previous migration of its history)"
            )
        for dependency in header.depends:
            if dependency == migration_id or (
                _ID_RE.match(dependency)
                and dependency.split(".", 2)[1] == history
                and dependency not in earlier
            ):
                raise MigrationError(
                    f"{path.name}: `-- depends: {dependency}` does not name an earlier migration "
                    "of this history"
                )
        file = MigrationFile(
            id=migration_id,
            path=path,
            rollback_path=rollback_path,
            sha256=_sha256(path),
            number=number,
            history=history,
            depends=header.depends,
            transactional=header.transactional,
        )
        if not file.transactional:
            _check_repairable(path, file.statements)
            _check_repairable(rollback_path, file.rollback_statements)
        files.append(file)
    if history is None:
        if name is None:
            raise MigrationError(f"{directory}: no migration files")
        history = name
    return History(name=history, directory=directory, files=tuple(files))
