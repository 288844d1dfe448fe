"""What the operations commands share: the schemas in scope, connections, and output."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..apps import CORE, registered
from ..errors import ConfigurationError

if TYPE_CHECKING:
    from psycopg import Connection
    from rich.console import Console

__all__ = ["app_list", "connect", "console", "print_json", "schemas_in_scope"]


def app_list(values: Sequence[str] | None) -> list[str] | None:
    """The applications of ``--app`` (repeated or comma-separated), else ``DATALAYER_APPS``,
    else None (every registered one)."""
    import os

    chosen = list(values or [])
    if not chosen:
        env = os.environ.get("DATALAYER_APPS", "").strip()
        chosen = [env] if env else []
    names = [n.strip() for v in chosen for n in v.split(",") if n.strip()]
    return names or None


def schemas_in_scope(apps: Sequence[str] | None) -> list[str]:
    """``core`` and the schema of every selected application (all registered when none): each
    application lives in the schema named after it."""
    known = registered()
    chosen = list(apps) if apps else list(known)
    unknown = [a for a in chosen if a not in known and a != CORE]
    if unknown:
        raise ConfigurationError(
            f"unknown application: {', '.join(unknown)} (registered: {', '.join(known)})"
        )
    return [CORE, *(a for a in chosen if a != CORE)]


def connect(url: str, command: str = "admin") -> Connection[tuple[object, ...]]:
    """An autocommit session with no statement or lock timeout (VACUUM and REINDEX may take
    long), named ``datalayer-<command>`` in ``pg_stat_activity`` unless the URL names it."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from ..migrate.state import Target

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault("application_name", f"datalayer-{command}")
    return Target.parse(urlunsplit(parts._replace(query=urlencode(query)))).connect()


def console() -> Console:
    """A rich console; wide enough for tables when the output is a file or a pipe."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)


def print_json(data: object) -> None:
    print(json.dumps(data, indent=2, default=str))
