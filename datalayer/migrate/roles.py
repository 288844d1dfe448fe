"""The cluster's roles: ``datalayer_owner`` and each application's group roles.

Roles belong to the cluster, not to a database, and creating them takes a privilege (CREATEROLE)
that the owner role itself does not have. So they are not created by the migrations (which run as
``datalayer_owner``) but here: before a run, the runner creates the roles its pending migrations
name (``<history>_app``, ``<history>_readonly``, ``<history>_worker``) when the migrating login may
create roles; otherwise it stops and ``datalayer roles`` prints the SQL for an administrator.

All are NOLOGIN group roles: operators grant them to login roles (``GRANT fintech_app TO
fintech_service``). Each gets session defaults that bound what a runaway or stuck client can hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from .files import MigrationError, MigrationFile
from .state import Conn

__all__ = [
    "OWNER",
    "ROLE_DEFAULTS",
    "Role",
    "ensure_roles",
    "member_sql",
    "needed_roles",
    "role_sql",
]

OWNER: Final = "datalayer_owner"

#: Session defaults per kind of role (ALTER ROLE … SET); a connection's own settings override them.
ROLE_DEFAULTS: Final[dict[str, dict[str, str]]] = {
    "owner": {},
    "app": {
        "statement_timeout": "30s",
        "idle_in_transaction_session_timeout": "60s",
        "lock_timeout": "5s",
    },
    "worker": {
        "statement_timeout": "15min",
        "idle_in_transaction_session_timeout": "5min",
        "lock_timeout": "10s",
    },
    "readonly": {
        "statement_timeout": "5min",
        "idle_in_transaction_session_timeout": "60s",
        "lock_timeout": "5s",
        "default_transaction_read_only": "on",
    },
}
_PURPOSE: Final = {
    "owner": "Owns every datalayer schema, table and function; migrations run as it or a member.",
    "app": "The {app} service: the grants its query functions need; no DDL, no TRUNCATE, no ownership.",
    "worker": "{app} background jobs that work across users; grant it to the jobs' login only.",
    "readonly": "Read-only reporting on {app}.",
}


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    kind: str  # owner | app | worker | readonly
    app: str | None = None


def needed_roles(files: Iterable[MigrationFile]) -> list[Role]:
    """The owner, and every ``<history>_app|readonly|worker`` the files of a history name."""
    found: dict[str, Role] = {OWNER: Role(OWNER, "owner")}
    for f in files:
        pattern = re.compile(rf"\b{re.escape(f.history)}_(app|readonly|worker)\b")
        text = f.path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            name = f"{f.history}_{match.group(1)}"
            found.setdefault(name, Role(name, match.group(1), f.history))
    return sorted(found.values(), key=lambda r: (r.kind != "owner", r.name))


def role_sql(roles: Sequence[Role], *, login: str | None = None) -> str:
    """Idempotent SQL creating ``roles`` (NOLOGIN, with their session defaults) and, with
    ``login``, granting the owner role to that migrating login."""
    parts: list[str] = []
    for role in roles:
        comment = _PURPOSE[role.kind].format(app=role.app).replace("'", "''")
        settings = "".join(
            f"\n        ALTER ROLE {role.name} SET {key} = '{value}';"
            for key, value in ROLE_DEFAULTS[role.kind].items()
        )
        parts.append(
            f"DO $$\nBEGIN\n    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = "
            f"'{role.name}') THEN\n        CREATE ROLE {role.name} NOLOGIN;\n        COMMENT ON "
            f"ROLE {role.name} IS '{comment}';{settings}\n    END IF;\n"
            "EXCEPTION WHEN duplicate_object THEN\n    NULL;  -- created meanwhile by another run\n"
            "END;\n$$;\n"
        )
    if login:
        parts.append(f"GRANT {OWNER} TO {_quote(login)};\n")
    return "\n".join(parts)


def _quote(name: str) -> str:
    """A role name as an SQL identifier (any login name an operator chose)."""
    return '"' + name.replace('"', '""') + '"'


def member_sql(group: str, login: str) -> str:
    """SQL granting ``group`` (``fintech_app``, …) to a login and giving the login the group's
    session defaults: PostgreSQL applies ``ALTER ROLE … SET`` only to the role that logs in, never
    through membership, so the defaults set on a group role must be set on its logins too."""
    kind = group.rpartition("_")[2]
    if group == OWNER:
        kind = "owner"
    if kind not in ROLE_DEFAULTS or not re.fullmatch(r"[a-z_][a-z0-9_]*", group):
        raise MigrationError(
            f"{group!r} is not a datalayer group role (<app>_app, _worker, _readonly)"
        )
    lines = [f"GRANT {group} TO {_quote(login)};"]
    lines += [
        f"ALTER ROLE {_quote(login)} SET {key} = '{value}';"
        for key, value in ROLE_DEFAULTS[kind].items()
    ]
    return "\n".join(lines) + "\n"


def ensure_roles(conn: Conn, roles: Sequence[Role], masked: str) -> list[str]:
    """Create the missing ``roles`` when this login may; return their names. Raise
    :class:`MigrationError` naming them and ``datalayer roles`` when it may not."""
    names = [r.name for r in roles]
    rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (names,)).fetchall()
    present = {str(r[0]) for r in rows}
    missing = [r for r in roles if r.name not in present]
    if not missing:
        return []
    row = conn.execute(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if not (row and row[0]):
        raise MigrationError(
            f"roles {', '.join(r.name for r in missing)} do not exist on {masked}, and this login "
            "may not create roles: run `datalayer roles --apply` as a role that may (or have an "
            "administrator run the SQL `datalayer roles` prints), then migrate again"
        )
    # A login that may create roles but is no superuser must become a member of the owner role it
    # creates, or it could neither run the migrations as it nor hand it what core creates.
    me = conn.execute("SELECT current_user").fetchone()
    login = str(me[0]) if me and any(r.name == OWNER for r in missing) else None
    with conn.transaction():
        conn.execute(role_sql(missing, login=login).encode())
    return [r.name for r in missing]
