"""``datalayer reset --app APP``: roll back every migration of one application, then apply them
again: its schema comes back empty, the other applications and core are untouched.

Guarded: refused when ``DATALAYER_ENV=production``; otherwise the database's name must be typed
(or ``--yes`` given, for scripts). Core's audit trail is append-only, so the application's audit
rows stay. A rollback refused by the runner (another installed history depending on the app)
stops the reset before anything is dropped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from ..errors import ConfigurationError
from ..settings import mask_url
from .profiles import refuse_in_production

__all__ = ["register", "reset"]


def reset(url: str, app: str, *, quiet: bool = False) -> None:
    """Roll ``app`` back to nothing and migrate it again (no confirmation: the CLI asks)."""
    from .. import migrate
    from ..apps import CORE

    if app == CORE:
        raise ConfigurationError(
            "core is shared by every application: reset one application (--app)", variable="--app"
        )
    refuse_in_production("datalayer reset")
    migrate.rollback(url, apps=[app], target="0", quiet=quiet)
    migrate.apply(url, apps=[app], quiet=quiet)


def _confirm(database: str, masked: str, app: str, ask: Callable[[str], str]) -> bool:
    print(
        f"this drops every table of {app} in {masked} and migrates it again: all of {app}'s "
        "data is lost",
        file=sys.stderr,
    )
    return ask(f"type the database name ({database}) to go on: ").strip() == database


def _cmd_reset(args: argparse.Namespace) -> int:
    from ..apps import registered
    from ..urls import resolve_migrate_url

    if args.app not in registered():
        raise ConfigurationError(
            f"{args.app}: not a registered application ({', '.join(registered())})",
            variable="--app",
        )
    refuse_in_production("datalayer reset")
    url = resolve_migrate_url(args.database_url)
    database = unquote(urlsplit(url).path.lstrip("/"))
    if not args.yes:
        if not sys.stdin.isatty():
            print("error: reset asks for the database name; pass --yes to skip", file=sys.stderr)
            return 2
        if not _confirm(database, mask_url(url), args.app, input):
            print("not confirmed: nothing changed", file=sys.stderr)
            return 2
    reset(url, args.app)
    print(f"reset {args.app} in {mask_url(url)}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``datalayer reset``."""
    p = sub.add_parser(
        "reset",
        help="drop one application's tables and migrate it again (never in production)",
        description="Roll back every migration of --app and apply them again; core and the "
        "other applications stay. Refused (exit 2) when DATALAYER_ENV=production. Asks for the "
        "database name to be typed unless --yes.",
        epilog="examples: datalayer reset --app logistics; "
        "DATALAYER_ENV=test datalayer reset --app fintech --yes",
    )
    p.add_argument("--database-url", default=None, help="where to connect (like migrate)")
    p.add_argument("--app", required=True, metavar="APP", help="the application to reset")
    p.add_argument("--yes", action="store_true", help="do not ask for the database name")
    p.set_defaults(func=_cmd_reset)
