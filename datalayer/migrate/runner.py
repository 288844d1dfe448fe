"""Apply and roll back migrations: one advisory lock per run, each migration with its record.

* **Crash safety.** A transactional migration runs its statements and writes its records (yoyo's
  ``_yoyo_migration`` and ``_yoyo_log`` rows, our checksum) in **one** transaction: a run killed at
  any point leaves the migration either applied and recorded, or neither. A non-transactional
  migration (``CREATE INDEX CONCURRENTLY``) is recorded as *started* before its first statement;
  the next run repairs it (drops an index the crash left INVALID, skips one that finished) and runs
  it again, and ``verify`` reports it until then.
* **Lock.** A session advisory lock on a connection of its own, held for the whole run; a waiting
  run polls. yoyo's lock row (which survives SIGKILL) is never taken.
* **Timeouts.** Each migration's session starts with ``lock_timeout`` and ``statement_timeout``
  (a file's ``SET LOCAL`` overrides them); a transactional migration that hits a lock timeout is
  retried a bounded number of times with backoff.
* **Errors** name the file, the failing statement and the server's message.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg.pq import TransactionStatus

from . import checks
from .files import MigrationError, MigrationFile, history_of
from .roles import ensure_roles, needed_roles
from .sources import Sources, load_sources
from .state import (
    Conn,
    State,
    Target,
    adopt_bookkeeping,
    advisory_lock,
    carry_over,
    ensure_bookkeeping,
    first_line,
    mark_rolling_back,
    mark_started,
    pending_renames,
    read_state,
    record_applied,
    record_checksum,
    record_rolled_back,
    say,
)

__all__ = ["apply", "resolve_sources", "rollback"]

_DURATION_RE: Final = re.compile(r"^\d+(\.\d+)?(us|ms|s|min|h|d)?$")
_STATEMENT_PREVIEW: Final = 200
_BACKOFF_BASE: Final = 0.25
_BACKOFF_MAX: Final = 5.0
_ROLLBACK_LOCK_TIMEOUT: Final = "5s"
_ROLLBACK_STATEMENT_TIMEOUT: Final = "15min"
_ROLLBACK_LOCK_RETRIES: Final = 3


def resolve_sources(
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    migrations: Path | Sequence[Path] | None = None,
) -> Sources:
    """The run's histories. ``migrations`` (a folder or folders, each one history) replaces the
    packaged histories: for tests and tools working on a set of their own. ``extra`` adds."""
    if migrations is not None:
        folders = [migrations] if isinstance(migrations, str | Path) else list(migrations)
        return load_sources(apps=apps, extra=[*map(Path, folders), *extra], packaged=False)
    return load_sources(apps=apps, extra=extra)


def _preview(statement: str | None) -> str:
    if not statement:
        return "(unknown)"
    flat = " ".join(statement.split())
    return flat if len(flat) <= _STATEMENT_PREVIEW else flat[: _STATEMENT_PREVIEW - 1] + "…"


@contextlib.contextmanager
def _session(target: Target, quiet: bool) -> Iterator[Conn]:
    with target.connect() as conn, advisory_lock(conn, quiet):
        yield conn


def _prepare(target: Target, conn: Conn, sources: Sources, quiet: bool) -> State:
    """Under the lock: bookkeeping tables, renamed ids carried over, unrecorded checksums adopted."""
    check_migrating_role(conn, target.masked)
    state = read_state(conn)
    todo, problems = pending_renames(state, sources.renamed, sources.by_id)
    if problems:
        raise MigrationError(checks.problem_message(problems, target.masked))
    ensure_bookkeeping(target, conn)
    if todo:
        carry_over(conn, todo, sources.by_id)
        if not quiet:
            say(
                f"carried {len(todo)} migration record(s) over to their current ids "
                f"({todo[0].old_id} -> {todo[0].new_id}, …); nothing was run again"
            )
        state = read_state(conn)
    for migration_id, _ in state.applied:
        if migration_id not in state.checksums and migration_id in sources.by_id:
            record_checksum(conn, sources.by_id[migration_id])
            if not quiet:
                say(f"recorded the checksum of {migration_id} (applied without one)")
    return read_state(conn)


def _resolve_target(target: str, files: Sequence[MigrationFile]) -> str | None:
    """A migration id from an id or a number unique among ``files``; ``None`` for "0"/"zero"."""
    wanted = target.strip()
    if wanted.lower() in ("0", "zero"):
        return None
    by_number = [f.id for f in files if wanted.isdigit() and f.number == int(wanted)]
    for f in files:
        if f.id == wanted:
            return f.id
    if len(by_number) == 1:
        return by_number[0]
    if by_number:
        raise MigrationError(
            f"target {target!r} is ambiguous ({', '.join(by_number)}); give the migration id"
        )
    raise MigrationError(f"target {target!r} matches no migration file")


def _check_durations(**values: str) -> None:
    for name, value in values.items():
        if not _DURATION_RE.match(value):
            raise MigrationError(
                f"{name}={value!r} is not a PostgreSQL duration such as 200ms, 5s or 15min"
            )


# -- running one migration -----------------------------------------------------------------------


# Extensions belong to the cluster's administrators: some (earthdistance) need a superuser, and
# only their owner may drop them. These statements run as the migrating login, the rest as the owner.
_EXTENSION_STATEMENT: Final = re.compile(
    r"^(?:\s*--[^\n]*\n)*\s*(CREATE|DROP|ALTER|COMMENT\s+ON)\s+EXTENSION\b", re.IGNORECASE
)


def _execute(
    work: Conn,
    statements: Sequence[str],
    skip: frozenset[int] = frozenset(),
    *,
    owner: bool = False,
) -> None:
    for i, statement in enumerate(statements):
        if i in skip:
            continue
        as_login = owner and _EXTENSION_STATEMENT.match(statement) is not None
        scope = "" if work.info.transaction_status == TransactionStatus.IDLE else "LOCAL "
        try:
            if as_login:
                work.execute(f"SET {scope}ROLE NONE".encode())
            work.execute(statement.encode())
            if as_login:
                work.execute(f"SET {scope}ROLE datalayer_owner".encode())
        except psycopg.Error as exc:
            exc.add_note(statement)
            raise


def _index_state(work: Conn, name: str) -> bool | None:
    """True: a valid index; False: an INVALID one; None: none by that name."""
    row = work.execute(
        "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", (name,)
    ).fetchone()
    return None if row is None else bool(row[0])


def _repair(work: Conn, file: MigrationFile, quiet: bool) -> frozenset[int]:
    """Before re-running a started non-transactional migration: drop indexes its crash left
    INVALID; return the statements whose index was built completely (skipped)."""
    skip: set[int] = set()
    for index in file.concurrent_indexes:
        valid = _index_state(work, index.name)
        if valid is False:
            work.execute(
                sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(
                    sql.Identifier(*index.name.split("."))
                )
            )
            if not quiet:
                say(f"dropped INVALID index {index.name} left by an interrupted {file.id}")
        elif valid is True:
            skip.add(index.statement_index)
    return frozenset(skip)


def _failure(
    exc: psycopg.Error,
    file: MigrationFile,
    *,
    direction: str,
    attempts: int,
    done_before: int,
    work: Conn,
) -> MigrationError:
    shown = file.path if direction == "apply" else file.rollback_path
    notes = getattr(exc, "__notes__", None) or []
    statement = notes[-1] if notes else None
    sqlstate = exc.sqlstate
    server = first_line(exc.diag.message_primary or str(exc))
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        what = f"lock timeout (SQLSTATE 55P03) after {attempts} attempt" + (
            "s" if attempts != 1 else ""
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
            "this file is not transactional: the statements before the failing one stay in "
            "effect; it is recorded as started, and the next run repairs it and runs it again"
        )
        invalid = checks.invalid_indexes(work)
        if invalid:
            outcome += "; INVALID indexes now: " + ", ".join(invalid)
    if done_before:
        outcome += (
            f"\n  {done_before} migration{'s' if done_before != 1 else ''} finished earlier in "
            "this run remain in effect"
        )
    return MigrationError(
        f"{shown.name}: {what}: {server}\n  statement: {_preview(statement)}\n  {outcome}",
        sqlstate=sqlstate,
    )


OWNER_ROLE: Final = "datalayer_owner"


def _owner_role(work: Conn) -> bool:
    """Whether an application's migrations run as ``datalayer_owner`` here: it exists, this login
    may become it, and it may create schemas in this database (granted by core's roles
    migration). Core's own migrations run as the migrating login: they set up what the owner may
    do, and give it what they create."""
    row = work.execute(
        "SELECT pg_has_role(current_user, r.oid, 'MEMBER')"
        " AND has_database_privilege(r.oid, current_database(), 'CREATE')"
        " FROM pg_roles AS r WHERE r.rolname = %s",
        (OWNER_ROLE,),
    ).fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def _as_owner(work: Conn, owner: bool) -> Iterator[None]:
    if not owner:
        yield
        return
    work.execute("SET ROLE datalayer_owner")
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            work.execute("RESET ROLE")


def check_migrating_role(conn: Conn, masked: str) -> None:
    """Refuse to migrate as a role that cannot own the schema (an application role)."""
    row = conn.execute(
        "SELECT current_user, me.rolsuper,"
        " EXISTS (SELECT FROM pg_roles WHERE rolname = %s),"
        " pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = %s), 'MEMBER')"
        " FROM pg_roles AS me WHERE me.rolname = current_user",
        (OWNER_ROLE, OWNER_ROLE),
    ).fetchone()
    if row is None:
        return
    user, superuser, owner_exists, member = row
    if owner_exists and not superuser and not member:
        raise MigrationError(
            f"refusing to migrate {masked} as role {user}: it is neither {OWNER_ROLE} nor a member "
            f"of it, so it cannot own the schema (an application role never changes it). Connect "
            "as the owner's login: DATALAYER_MIGRATE_URL (or --database-url)."
        )


def _run(
    work: Conn,
    file: MigrationFile,
    *,
    direction: str,
    lock_retries: int,
    repair: bool,
    quiet: bool,
    done_before: int,
) -> None:
    statements = file.statements if direction == "apply" else file.rollback_statements
    attempt = 0
    while True:
        try:
            owner = file.history != "core" and _owner_role(work)
            if file.transactional:
                with work.transaction():
                    if owner:
                        work.execute("SET LOCAL ROLE datalayer_owner")
                    _execute(work, statements, owner=owner)
                    if owner:
                        work.execute("SET LOCAL ROLE NONE")
                    if direction == "apply":
                        record_applied(work, file)
                    else:
                        record_rolled_back(work, file.id)
            elif direction == "apply":
                mark_started(work, file)
                skip = _repair(work, file, quiet) if repair else frozenset()
                with _as_owner(work, owner):
                    _execute(work, statements, skip, owner=owner)
                with work.transaction():
                    record_applied(work, file)
            else:
                mark_rolling_back(work, file)
                with _as_owner(work, owner):
                    _execute(work, statements, owner=owner)
                with work.transaction():
                    record_rolled_back(work, file.id)
            return
        except psycopg.Error as exc:
            if (
                isinstance(exc, psycopg.errors.LockNotAvailable)
                and file.transactional
                and attempt < lock_retries
            ):
                attempt += 1
                pause = min(_BACKOFF_BASE * 2 ** (attempt - 1), _BACKOFF_MAX)
                if not quiet:
                    say(
                        f"lock timeout in {file.name}, retrying ({attempt}/{lock_retries}) in "
                        f"{pause:.2f} s: {first_line(exc.diag.message_primary or str(exc))}"
                    )
                time.sleep(pause)
                continue
            raise _failure(
                exc,
                file,
                direction=direction,
                attempts=attempt + 1,
                done_before=done_before,
                work=work,
            ) from None


def _execute_plan(
    db: Target,
    sources: Sources,
    plan: Callable[[State], list[MigrationFile]],
    *,
    direction: str,
    dry_run: bool,
    quiet: bool,
    lock_timeout: str,
    statement_timeout: str,
    lock_retries: int,
) -> list[str]:
    """Plan against the database's state, then run each migration (or, ``dry_run``, show it)."""
    forward = direction == "apply"
    verb = "applied" if forward else "rolled back"
    if dry_run:
        with db.connect() as conn:
            todo = plan(checks.read_view(conn, sources))
        if not quiet:
            say(f"dry run against {db.masked}: {len(todo)} migration(s) would be {verb}")
            for f in todo:
                path = f.path if forward else f.rollback_path
                say(f"-- would {'apply' if forward else 'roll back'} {f.id} ({path})")
                say(path.read_text(encoding="utf-8").rstrip() + "\n")
        return [f.id for f in todo]

    done: list[str] = []
    with _session(db, quiet) as conn:
        state = _prepare(db, conn, sources, quiet)
        todo = plan(state)
        if not todo:
            if not quiet:
                say(
                    f"{db.masked}: nothing to {'apply' if forward else 'roll back'}; "
                    f"{checks.summarize(sources, state).summary()}"
                )
            return []
        if forward:
            created = ensure_roles(conn, needed_roles(todo), db.masked)
            if created:
                adopt_bookkeeping(conn)
                if not quiet:
                    say(f"created roles {', '.join(created)}")
        if not quiet:
            say(
                f"{'applying' if forward else 'rolling back'} {len(todo)} migration(s) on {db.masked}"
            )
        with db.connect(lock_timeout=lock_timeout, statement_timeout=statement_timeout) as work:
            for f in todo:
                started = time.monotonic()
                _run(
                    work,
                    f,
                    direction=direction,
                    lock_retries=lock_retries,
                    repair=forward and f.id in state.started,
                    quiet=quiet,
                    done_before=len(done),
                )
                done.append(f.id)
                if not quiet:
                    say(f"{verb} {f.id} ({time.monotonic() - started:.2f} s)")
        if not quiet:
            say(checks.summarize(sources, read_state(conn)).summary())
    return done


# -- apply ---------------------------------------------------------------------------------------


def apply(
    url: str,
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    migrations: Path | Sequence[Path] | None = None,
    target: str | None = None,
    dry_run: bool = False,
    quiet: bool = False,
    lock_timeout: str = "5s",
    statement_timeout: str = "15min",
    lock_retries: int = 3,
) -> list[str]:
    """Apply pending migrations of the selected histories (core and ``apps``, all apps when
    ``None``, plus ``extra`` folders) in dependency order; return the ids applied.

    ``target`` applies that migration and what it needs, nothing after it. Refuses to start when
    the history disagrees with the files (see :func:`datalayer.migrate.verify`). ``dry_run``
    prints (unless ``quiet``) and returns what would run, and changes nothing.
    """
    if lock_retries < 0:
        raise MigrationError("lock_retries must be >= 0")
    _check_durations(lock_timeout=lock_timeout, statement_timeout=statement_timeout)
    sources = resolve_sources(apps=apps, extra=extra, migrations=migrations)
    db = Target.parse(url)
    stop = _resolve_target(target, sources.files) if target is not None else None
    if target is not None and stop is None:
        return []  # "0": nothing to apply

    def plan(state: State) -> list[MigrationFile]:
        problems = checks.problems(sources, state, report_unrecorded=False)
        if problems:
            raise MigrationError(checks.problem_message(problems, db.masked))
        wanted = None if stop is None else {stop, *sources.requires(stop)}
        return [
            f
            for f in sources.files
            if f.id not in state.applied_ids and (wanted is None or f.id in wanted)
        ]

    return _execute_plan(
        db,
        sources,
        plan,
        direction="apply",
        dry_run=dry_run,
        quiet=quiet,
        lock_timeout=lock_timeout,
        statement_timeout=statement_timeout,
        lock_retries=lock_retries,
    )


# -- rollback ------------------------------------------------------------------------------------


def rollback(
    url: str,
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    migrations: Path | Sequence[Path] | None = None,
    count: int | None = None,
    target: str | None = None,
    dry_run: bool = False,
    quiet: bool = False,
) -> list[str]:
    """Roll back applied migrations of ``apps`` (every history when ``None``), dependents first;
    return their ids in the order rolled back.

    Exactly one of ``count`` (the newest ``count`` applied) or ``target`` (every migration of the
    target's history applied after it; ``"0"``/``"zero"``: all of the selected histories) is
    required. Refuses to roll back a migration that an applied migration outside the rollback
    still depends on (core under an installed app), or whose file is missing or was edited.
    """
    if (count is None) == (target is None):
        raise MigrationError(
            "rollback needs exactly one of count= (how many of the newest) or target= "
            '(the migration to return to; "0" for all)'
        )
    if count is not None and count < 1:
        raise MigrationError(f"rollback count must be at least 1, got {count}")
    # Every known history, so that dependents outside the selection are seen.
    sources = resolve_sources(extra=extra, migrations=migrations)
    scope = (
        {h.name for h in sources.histories}
        if apps is None
        else {sources.history(n).name for n in (x.strip() for a in apps for x in a.split(",")) if n}
    )
    db = Target.parse(url)
    in_scope = [f for f in sources.files if f.history in scope]
    keep_through = _resolve_target(target, in_scope) if target is not None else None

    def plan(state: State) -> list[MigrationFile]:
        applied = [i for i, _ in state.applied]
        mine = [i for i in applied if history_of(i) in scope]
        if count is not None:
            if count > len(mine):
                raise MigrationError(
                    f"cannot roll back {count} migration(s): only {len(mine)} applied"
                    + (f" in {', '.join(sorted(scope))}" if apps is not None else "")
                )
            chosen = set(mine[len(mine) - count :])
        elif keep_through is None:
            chosen = set(mine)
        else:
            stop = sources.by_id[keep_through]
            chosen = {
                i
                for i in mine
                if history_of(i) == stop.history and i.split(".", 1)[0] > f"{stop.number:04d}"
            }
        unknown = sorted({i.split(".")[1] for i in applied if i not in sources.by_id and "." in i})
        unknown = [h for h in unknown if h not in sources.known]
        if chosen and unknown:
            raise MigrationError(
                f"history {', '.join(unknown)} is applied on {db.masked} but its files are not "
                "among the sources of this run, so what depends on what cannot be checked; "
                "pass its folder with --migrations"
            )
        blockers: dict[str, list[str]] = {}
        for other in applied:
            if other in chosen or other not in sources.by_id:
                continue
            needed = sources.requires(other) & chosen
            for m in needed:
                blockers.setdefault(m, []).append(other)
        if blockers:
            lines = []
            for m in sorted(blockers, key=lambda i: sources.position[i]):
                users = blockers[m]
                histories = sorted({sources.by_id[u].history for u in users})
                lines.append(
                    f"  - {m}: needed by {', '.join(histories)} ({users[0]}"
                    + (f" and {len(users) - 1} more" if len(users) > 1 else "")
                    + ")"
                )
            apps_named = sorted(
                {sources.by_id[u].history for users in blockers.values() for u in users}
            )
            raise MigrationError(
                "refusing to roll back migrations that installed histories depend on:\n"
                + "\n".join(lines)
                + "\n  roll back "
                + ", ".join(apps_named)
                + " first (datalayer rollback --app NAME --target 0)"
            )
        problems = [
            p
            for p in checks.problems(sources, state, report_unrecorded=False, rolling_back_ok=True)
            if any(p.startswith(f"{i}.sql") for i in chosen)
        ]
        if problems:
            raise MigrationError(checks.problem_message(problems, db.masked))
        todo = sorted(chosen, key=lambda i: sources.position[i], reverse=True)
        return [sources.by_id[i] for i in todo]

    return _execute_plan(
        db,
        sources,
        plan,
        direction="rollback",
        dry_run=dry_run,
        quiet=quiet,
        lock_timeout=_ROLLBACK_LOCK_TIMEOUT,
        statement_timeout=_ROLLBACK_STATEMENT_TIMEOUT,
        lock_retries=_ROLLBACK_LOCK_RETRIES,
    )
