"""``status`` and ``verify``: what a database has applied compared with the files, read only.

``verify`` reports, besides the history checks (edited, missing or renamed files, out-of-order
files, missing checksums): migrations started and never finished (a killed non-transactional run),
INVALID indexes, and objects that a pending migration creates but that exist already (created
outside the runner, or by an interrupted run of a runner without crash safety).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg

from ..settings import mask_url
from .files import CreatedObject, MigrationError, created_objects, history_of
from .sources import Sources
from .state import Conn, State, Target, pending_renames, read_state, renamed_view

__all__ = [
    "MigrationStatus",
    "format_status",
    "invalid_indexes",
    "pending_ids",
    "problem_message",
    "problems",
    "status",
    "verify",
]


def problems(
    sources: Sources, state: State, *, report_unrecorded: bool, rolling_back_ok: bool = False
) -> list[str]:
    """Disagreements between the recorded history and the files of the selected histories."""
    by_id = sources.by_id
    selected = {h.name for h in sources.histories}
    applied_ids = state.applied_ids
    found: list[str] = []
    for migration_id, _ in state.applied:
        file = by_id.get(migration_id)
        recorded = state.checksums.get(migration_id)
        if file is None:
            if history_of(migration_id) not in selected:
                continue  # another history's business (see MigrationStatus.notes)
            renamed = [
                f.id
                for f in sources.files
                if recorded and f.sha256 == recorded and f.id not in applied_ids
            ]
            hint = f" (renamed to {renamed[0]}.sql?)" if renamed else " (renamed or deleted?)"
            found.append(
                f"{migration_id}.sql: applied to this database but the file is missing{hint}; "
                "restore it under its original name (never rename or delete a landed migration)"
            )
        elif recorded is None:
            if report_unrecorded:
                found.append(
                    f"{file.name}: applied without a recorded checksum (applied outside "
                    "datalayer.migrate); the next `migrate` records it"
                )
        elif recorded != file.sha256:
            found.append(
                f"{file.name}: checksum mismatch: the file was edited after it was applied "
                f"(recorded sha256 {recorded[:12]}…, file now {file.sha256[:12]}…); "
                "restore it and fix forward with a new migration"
            )
    for migration_id in sorted(state.rolling_back):
        file = by_id.get(migration_id)
        if file is not None and not rolling_back_ok:
            found.append(
                f"{file.name}: its rollback began and did not finish (a run was interrupted); "
                "run the rollback again (its statements may run twice)"
            )
    for history in sources.histories:
        numbers = [f.number for f in history.files if f.id in applied_ids]
        if not numbers:
            continue
        newest = max(numbers)
        newest_id = next(f.id for f in history.files if f.number == newest)
        for f in history.files:
            if f.id not in applied_ids and f.number < newest:
                found.append(
                    f"{f.name}: out of order: pending but sorts before {newest_id}, which is "
                    "already applied; renumber it after the newest migration of its history"
                )
    return found


def problem_message(found: Sequence[str], masked: str) -> str:
    listed = "\n".join(f"  - {p}" for p in found)
    return f"migration history of {masked} disagrees with the files:\n{listed}"


@dataclass(frozen=True)
class MigrationStatus:
    """What a database has applied compared with the migration files."""

    applied: list[tuple[str, datetime]] = field(default_factory=list)  # (id, applied_at UTC)
    pending: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: non-transactional migrations begun and not finished (the next ``migrate`` repairs them)
    started: list[str] = field(default_factory=list)
    #: facts that are not problems: other histories applied here, records awaiting new ids
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        problems = (
            "no problems"
            if not self.problems
            else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        )
        extra = f", {len(self.started)} started and unfinished" if self.started else ""
        return f"{len(self.applied)} applied, {len(self.pending)} pending{extra}, {problems}"


def format_status(st: MigrationStatus) -> str:
    """A human-readable listing: applied (with time), pending, problems, then a summary line."""
    lines: list[str] = []
    for migration_id, applied_at in st.applied:
        lines.append(f"applied  {applied_at:%Y-%m-%d %H:%M:%S}Z  {migration_id}")
    for migration_id in st.started:
        lines.append(f"STARTED  {'':20}  {migration_id}")
    for migration_id in st.pending:
        lines.append(f"pending  {'':20}  {migration_id}")
    for note in st.notes:
        lines.append(f"note     {note}")
    for problem in st.problems:
        lines.append(f"PROBLEM  {problem}")
    lines.append(st.summary())
    return "\n".join(lines)


def summarize(sources: Sources, state: State, notes: Sequence[str] = ()) -> MigrationStatus:
    selected = {h.name for h in sources.histories}
    applied_ids = state.applied_ids
    others = sorted(
        {
            h
            for i in applied_ids
            if i not in sources.by_id and (h := history_of(i)) and h not in selected
        }
    )
    extra_notes = list(notes)
    for h in others:
        known = h in sources.known
        extra_notes.append(
            f"history {h} is applied here too"
            + ("" if known else " (its files are not among this run's sources)")
        )
    started = [i for i in state.started if i in sources.by_id and i not in applied_ids]
    found = problems(sources, state, report_unrecorded=True)
    for i in started:
        found.append(
            f"{sources.by_id[i].name}: started and not finished (a run was interrupted); "
            "the next `migrate` repairs it and runs it again"
        )
    return MigrationStatus(
        applied=[(i, when) for i, when in state.applied if i in sources.by_id],
        pending=[f.id for f in sources.files if f.id not in applied_ids and f.id not in started],
        problems=found,
        started=started,
        notes=extra_notes,
    )


def read_view(conn: Conn, sources: Sources) -> State:
    """The state as the next ``migrate`` will see it (renamed ids carried over), read only."""
    state = read_state(conn)
    todo, _ = pending_renames(state, sources.renamed, sources.by_id)
    return renamed_view(state, todo, sources.by_id) if todo else state


def invalid_indexes(conn: Conn) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1"
        ).fetchall()
    except psycopg.Error:
        return []
    return [str(r[0]) for r in rows]


def _existing(conn: Conn, objects: Sequence[CreatedObject]) -> set[CreatedObject]:
    found: set[CreatedObject] = set()
    for obj in objects:
        args: tuple[str, ...] = (obj.name,)
        if obj.kind == "schema":
            query = "SELECT to_regnamespace(%s) IS NOT NULL"
        elif obj.kind == "relation":
            query = "SELECT to_regclass(%s) IS NOT NULL"
        elif obj.kind == "type":
            query = "SELECT to_regtype(%s) IS NOT NULL"
        else:
            schema, _, name = obj.name.rpartition(".")
            query = (
                "SELECT EXISTS (SELECT FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = coalesce(nullif(%s, ''), current_schema) AND p.proname = %s)"
            )
            args = (schema, name)
        try:
            row = conn.execute(query, args).fetchone()
        except psycopg.Error:
            continue
        if row and row[0]:
            found.add(obj)
    return found


def status(
    url: str,
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    migrations: Path | Sequence[Path] | None = None,
    deep: bool = False,
) -> MigrationStatus:
    """Applied migrations (with times), pending ones, and problems; read only (takes no lock,
    creates nothing). ``deep`` adds the catalog checks of :func:`verify`."""
    from .runner import resolve_sources

    sources = resolve_sources(apps=apps, extra=extra, migrations=migrations)
    target = Target.parse(url)
    with target.connect() as conn:
        raw = read_state(conn)
        todo, rename_problems = pending_renames(raw, sources.renamed, sources.by_id)
        state = renamed_view(raw, todo, sources.by_id) if todo else raw
        notes = (
            [
                f"{len(todo)} migration(s) recorded under former ids; the next `migrate` carries them over"
            ]
            if todo
            else []
        )
        st = summarize(sources, state, notes)
        st.problems[:0] = rename_problems
        if deep:
            for name in invalid_indexes(conn):
                st.problems.append(
                    f"index {name} is INVALID (a failed or interrupted CREATE INDEX CONCURRENTLY): "
                    "drop it and build it again (`migrate` does so for its own migrations)"
                )
            pending = [sources.by_id[i] for i in st.pending]
            for f in pending:
                existing = _existing(conn, created_objects(f.statements))
                for obj in sorted(existing, key=lambda o: o.describe()):
                    st.problems.append(
                        f"{f.name}: pending, yet {obj.describe()} that it creates exists already "
                        "(created outside the runner, or by an interrupted run that was not "
                        "recorded); `migrate` would fail on it"
                    )
    return st


def verify(
    url: str,
    *,
    apps: Sequence[str] | None = None,
    extra: Sequence[Path] = (),
    migrations: Path | Sequence[Path] | None = None,
) -> MigrationStatus:
    """Raise :class:`MigrationError` listing every problem (history, unfinished migrations,
    INVALID indexes, objects of pending migrations that exist already); return the status
    otherwise."""
    st = status(url, apps=apps, extra=extra, migrations=migrations, deep=True)
    if st.problems:
        raise MigrationError(problem_message(st.problems, mask_url(url)))
    return st


def pending_ids(applied: Collection[str], sources: Sources | None = None) -> list[str]:
    """Ids not in ``applied`` of core and of every history that ``applied`` shows installed (an
    application with none of its migrations applied is not installed here, hence not pending)."""
    sources = sources or _packaged()
    done = set(applied)
    installed = {"core"} | {h for i in done if (h := history_of(i))}
    return [f.id for f in sources.files if f.history in installed and f.id not in done]


@functools.cache
def _packaged() -> Sources:
    from .runner import resolve_sources

    return resolve_sources()
