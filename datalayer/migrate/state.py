"""The database side of the runner: connections, the advisory lock, and the bookkeeping tables.

Bookkeeping lives in the connection's default schema (``current_schema``): yoyo's own tables
(``_yoyo_migration``, ``_yoyo_log``, ``_yoyo_version``, ``yoyo_lock``, created through yoyo's API
so the ``yoyo`` CLI can still read them) and ``_datalayer_migration`` (the sha256 of each applied
file, and ``state = 'started'`` for a non-transactional migration that has begun but not finished).
"""

from __future__ import annotations

import contextlib
import getpass
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.migrations import get_migration_hash

from ..pooling import MIGRATE_HINT, behind_pooler, is_pooler_startup_error
from ..settings import mask_url, normalize_url
from .files import MigrationError, MigrationFile
from .sources import Renamed

__all__ = [
    "CHECKSUM_TABLE",
    "LOCK_KEY",
    "MIGRATION_TABLE",
    "Conn",
    "State",
    "Target",
    "adopt_bookkeeping",
    "advisory_lock",
    "carry_over",
    "ensure_bookkeeping",
    "mark_started",
    "read_state",
    "record_applied",
    "record_rolled_back",
]

Conn = psycopg.Connection[tuple[Any, ...]]

MIGRATION_TABLE: Final = "_yoyo_migration"
LOG_TABLE: Final = "_yoyo_log"
CHECKSUM_TABLE: Final = "_datalayer_migration"
#: ``pg_advisory_lock`` key of a migration run: the bytes of ``b"datalayr"`` as a bigint.
LOCK_KEY: Final = int.from_bytes(b"datalayr", "big")
APPLICATION_NAME: Final = "datalayer-migrate"
#: Tables pg_dump leaves out of the schema files (bookkeeping, not schema).
BOOKKEEPING_TABLES: Final = (
    MIGRATION_TABLE,
    LOG_TABLE,
    "_yoyo_version",
    "yoyo_lock",
    CHECKSUM_TABLE,
)
_LOCK_POLL_MAX: Final = 1.0


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def say(line: str) -> None:
    print(line, flush=True)


@dataclass(frozen=True, slots=True)
class Target:
    """One database, as the runner's connections see it."""

    url: str  # normalized postgresql:// URL, as given
    masked: str

    @classmethod
    def parse(cls, url: str) -> Target:
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

    def connect(self, *, lock_timeout: str = "0", statement_timeout: str = "0") -> Conn:
        """An autocommit session. The lock session has no timeouts (its waits are ours to
        manage); a work session gets the run's defaults, which a file's ``SET LOCAL`` overrides.
        The URL's own ``options`` come last and win; its ``schema`` is applied like yoyo does."""
        _, query = self._split()
        schema = query.pop("schema", None)
        own = query.get("options", "").strip()
        defaults = f"-c lock_timeout={lock_timeout} -c statement_timeout={statement_timeout}"
        query["options"] = f"{defaults} {own}".strip()
        query.setdefault("application_name", APPLICATION_NAME)
        try:
            conn = psycopg.connect(self._with_query(query), autocommit=True)
        except psycopg.Error as exc:
            if is_pooler_startup_error(str(exc)):
                raise MigrationError(f"{self.masked}: {MIGRATE_HINT}") from None
            raise MigrationError(
                f"cannot connect to {self.masked}: {first_line(str(exc))}"
            ) from None
        if behind_pooler(conn):
            conn.close()
            raise MigrationError(f"{self.masked}: {MIGRATE_HINT}")
        if conn.info.server_version >= 140000:
            conn.execute("SET idle_session_timeout = 0")
            # A killed runner's backend stops within a second instead of building an index for
            # an hour with nobody to record it.
            conn.execute("SET client_connection_check_interval = '1s'")
        if schema:
            conn.execute(
                sql.SQL("SET search_path TO {}").format(
                    sql.SQL(", ").join(sql.Identifier(s.strip()) for s in schema.split(","))
                )
            )
        return conn

    def yoyo_url(self) -> str:
        _, query = self._split()
        query.setdefault("application_name", APPLICATION_NAME)
        return self._with_query(query, scheme="postgresql+psycopg")


@contextlib.contextmanager
def advisory_lock(conn: Conn, quiet: bool) -> Iterator[None]:
    """Hold the advisory lock ``LOCK_KEY`` for the block; poll while another run holds it.

    Polling ``pg_try_advisory_lock`` (instead of blocking in ``pg_advisory_lock``) holds no
    snapshot, which a ``CREATE INDEX CONCURRENTLY`` in the running migration would wait for
    forever. The lock dies with its session, so a killed run never leaves it behind."""
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
            say(f"waiting for another migration run{who} to finish ...")
            announced = True
        time.sleep(delay)
        delay = min(delay * 2, _LOCK_POLL_MAX)
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


# -- bookkeeping ---------------------------------------------------------------------------------


def ensure_bookkeeping(target: Target, conn: Conn) -> None:
    """yoyo's tables through yoyo's API (so its CLI can read them), then ours."""
    try:
        backend = PostgresqlPsycopgBackend(parse_uri(target.yoyo_url()), MIGRATION_TABLE)
    except psycopg.Error as exc:
        raise MigrationError(f"cannot connect to {target.masked}: {first_line(str(exc))}") from None
    try:
        backend.init_database()
        backend._is_locked = True  # we hold the advisory lock; yoyo's lock row is never taken
        backend.ensure_internal_schema_updated()
    finally:
        with contextlib.suppress(Exception):
            backend.connection.close()
    if not _exists(conn, CHECKSUM_TABLE):  # IF NOT EXISTS alone still needs CREATE on the schema
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " migration_id text PRIMARY KEY,"
                " sha256 text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(CHECKSUM_TABLE))
        )
    conn.execute(
        sql.SQL(
            "ALTER TABLE {} ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'applied'"
        ).format(sql.Identifier(CHECKSUM_TABLE))
    )
    adopt_bookkeeping(conn)
    # Which migrations ran is no secret: every role may read it (health and readiness checks run
    # as the application's role); only the migrating logins write it.
    conn.execute(
        sql.SQL("GRANT SELECT ON {}, {} TO PUBLIC").format(
            sql.Identifier(MIGRATION_TABLE), sql.Identifier(CHECKSUM_TABLE)
        )
    )


def adopt_bookkeeping(conn: Conn) -> None:
    """Give the bookkeeping tables to ``datalayer_owner`` once it exists, so every login that
    migrates as a member of it can write them (not only the login that created them)."""
    conn.execute(
        sql.SQL(
            "DO $$ DECLARE t text; BEGIN"
            " IF pg_has_role(current_user, 'datalayer_owner', 'MEMBER') THEN"
            " FOREACH t IN ARRAY {}::text[] LOOP"
            " IF (SELECT relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
            " FROM pg_class WHERE oid = to_regclass(t)) THEN"
            " EXECUTE format('ALTER TABLE %I OWNER TO datalayer_owner', t);"
            " END IF; END LOOP; END IF;"
            " EXCEPTION WHEN undefined_object THEN NULL; END $$"
        ).format(sql.Literal(list(BOOKKEEPING_TABLES)))
    )


def _exists(conn: Conn, table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class State:
    """What the bookkeeping tables say."""

    applied: list[tuple[str, datetime]] = field(default_factory=list)  # in application order
    checksums: dict[str, str] = field(default_factory=dict)  # applied (finished) migrations
    started: dict[str, str] = field(default_factory=dict)  # begun, not finished: id -> sha256
    #: applied non-transactional migrations whose rollback began and did not finish
    rolling_back: set[str] = field(default_factory=set)

    @property
    def applied_ids(self) -> set[str]:
        return {migration_id for migration_id, _ in self.applied}


def read_state(conn: Conn) -> State:
    applied: list[tuple[str, datetime]] = []
    if _exists(conn, MIGRATION_TABLE):
        rows = conn.execute(
            sql.SQL(
                "SELECT migration_id, applied_at_utc FROM {} ORDER BY applied_at_utc, 1"
            ).format(sql.Identifier(MIGRATION_TABLE))
        ).fetchall()
        for migration_id, applied_at in rows:
            when = applied_at if isinstance(applied_at, datetime) else datetime.now(UTC)
            applied.append((str(migration_id), when.replace(tzinfo=UTC)))
    checksums: dict[str, str] = {}
    started: dict[str, str] = {}
    rolling_back: set[str] = set()
    if _exists(conn, CHECKSUM_TABLE):
        has_state = conn.execute(
            "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass(%s)"
            " AND attname = 'state' AND NOT attisdropped)",
            (CHECKSUM_TABLE,),
        ).fetchone()
        column = sql.SQL("state") if has_state and has_state[0] else sql.SQL("'applied'")
        for migration_id, digest, st in conn.execute(
            sql.SQL("SELECT migration_id, sha256, {} FROM {}").format(
                column, sql.Identifier(CHECKSUM_TABLE)
            )
        ).fetchall():
            (started if st == "started" else checksums)[str(migration_id)] = str(digest)
            if st == "rolling_back":
                rolling_back.add(str(migration_id))
    return State(applied=applied, checksums=checksums, started=started, rolling_back=rolling_back)


def _log(conn: Conn, migration_id: str, operation: str) -> None:
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (id, migration_hash, migration_id, operation, username, hostname,"
            " created_at_utc) VALUES (%s, %s, %s, %s, %s, %s, clock_timestamp() AT TIME ZONE 'UTC')"
        ).format(sql.Identifier(LOG_TABLE)),
        (
            str(uuid.uuid1()),
            get_migration_hash(migration_id),
            migration_id,
            operation,
            getpass.getuser(),
            socket.gethostname(),
        ),
    )


def _set_checksum(conn: Conn, file: MigrationFile, state: str, *, now: bool = True) -> None:
    """Record ``file``'s sha256 with ``state`` (``started`` | ``applied``); ``now`` also stamps
    the time."""
    stamp = ", applied_at = now()" if now else ""
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (migration_id, sha256, state) VALUES (%s, %s, %s) "
            "ON CONFLICT (migration_id) DO UPDATE SET sha256 = excluded.sha256,"
            " state = excluded.state" + stamp
        ).format(sql.Identifier(CHECKSUM_TABLE)),
        (file.id, file.sha256, state),
    )


def mark_started(conn: Conn, file: MigrationFile) -> None:
    """Before a non-transactional migration's first statement (its own transaction)."""
    _set_checksum(conn, file, "started")


def mark_rolling_back(conn: Conn, file: MigrationFile) -> None:
    """Before a non-transactional rollback's first statement (its own transaction)."""
    conn.execute(
        sql.SQL("UPDATE {} SET state = 'rolling_back' WHERE migration_id = %s").format(
            sql.Identifier(CHECKSUM_TABLE)
        ),
        (file.id,),
    )


def record_applied(conn: Conn, file: MigrationFile) -> None:
    """yoyo's record, its log row and our checksum: in the caller's transaction."""
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (migration_hash, migration_id, applied_at_utc) "
            "VALUES (%s, %s, clock_timestamp() AT TIME ZONE 'UTC')"
        ).format(sql.Identifier(MIGRATION_TABLE)),
        (get_migration_hash(file.id), file.id),
    )
    _log(conn, file.id, "apply")
    _set_checksum(conn, file, "applied")


def record_checksum(conn: Conn, file: MigrationFile) -> None:
    """Adopt an applied migration that has no checksum (applied by the yoyo CLI)."""
    _set_checksum(conn, file, "applied", now=False)


def record_rolled_back(conn: Conn, migration_id: str) -> None:
    """Forget an applied migration: in the caller's transaction."""
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE migration_hash = %s").format(sql.Identifier(MIGRATION_TABLE)),
        (get_migration_hash(migration_id),),
    )
    _log(conn, migration_id, "rollback")
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE migration_id = %s").format(sql.Identifier(CHECKSUM_TABLE)),
        (migration_id,),
    )


# -- renamed migrations --------------------------------------------------------------------------


def pending_renames(
    state: State, renamed: Sequence[Renamed], files: dict[str, MigrationFile]
) -> tuple[list[Renamed], list[str]]:
    """Which recorded ids are former ids of current files, and problems that forbid carrying
    them over (a recorded checksum that is not the former file's)."""
    todo: list[Renamed] = []
    problems: list[str] = []
    applied = state.applied_ids
    for r in renamed:
        if r.old_id not in applied:
            continue
        if r.new_id not in files:
            continue  # not selected in this run
        if r.new_id in applied:
            problems.append(
                f"{r.old_id}: recorded under its former id and under {r.new_id}; remove one record"
            )
            continue
        recorded = state.checksums.get(r.old_id)
        if recorded is not None and recorded != r.old_sha256:
            problems.append(
                f"{r.old_id}.sql: was edited before it was applied here (recorded sha256 "
                f"{recorded[:12]}…, released file {r.old_sha256[:12]}…); its records cannot be "
                f"carried over to {r.new_id}"
            )
            continue
        todo.append(r)
    return todo, problems


def renamed_view(state: State, todo: Sequence[Renamed], files: dict[str, MigrationFile]) -> State:
    """The state as it reads once ``todo`` is carried over (for read-only commands)."""
    mapping = {r.old_id: r.new_id for r in todo}
    applied = [(mapping.get(i, i), when) for i, when in state.applied]
    checksums = dict(state.checksums)
    for old, new in mapping.items():
        checksums.pop(old, None)
        checksums[new] = files[new].sha256
    return State(
        applied=applied,
        checksums=checksums,
        started=dict(state.started),
        rolling_back=set(state.rolling_back),
    )


def carry_over(conn: Conn, todo: Sequence[Renamed], files: dict[str, MigrationFile]) -> None:
    """Move the records of renamed migrations to their new ids, all in one transaction: nothing
    runs again, and each new file's checksum is recorded (its SQL is the released file's)."""
    with conn.transaction():
        for r in todo:
            conn.execute(
                sql.SQL(
                    "UPDATE {} SET migration_hash = %s, migration_id = %s WHERE migration_hash = %s"
                ).format(sql.Identifier(MIGRATION_TABLE)),
                (get_migration_hash(r.new_id), r.new_id, get_migration_hash(r.old_id)),
            )
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE migration_id = %s").format(
                    sql.Identifier(CHECKSUM_TABLE)
                ),
                (r.old_id,),
            )
            record_checksum(conn, files[r.new_id])
            _log(conn, r.new_id, "mark")
