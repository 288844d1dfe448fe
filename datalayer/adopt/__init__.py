"""``datalayer adopt``: move an application's data from the tables its old SQLAlchemy/Alembic stack
created into its schema, with every refused row kept in ``<app>_quarantine.<table>`` and why.

* :mod:`.files` — the conversion files an application ships (found through the registry);
* :mod:`.engine` — dry run, apply (one transaction per application), drop the legacy tables;
* :mod:`.source` — a legacy database elsewhere, copied into a staging schema first.
"""

from __future__ import annotations

import argparse
import json
import os

from .engine import AdoptError, Report, TableReport, adopt, conversions_for, drop_legacy
from .files import Conversion, read_conversions

__all__ = [
    "AdoptError",
    "Conversion",
    "Report",
    "TableReport",
    "add_arguments",
    "adopt",
    "conversions_for",
    "drop_legacy",
    "read_conversions",
]

_KEY_ENV = "DATABASE_ENCRYPTION_KEY"
_DESCRIPTION = """\
Convert an application's legacy tables (as its old SQLAlchemy/Alembic stack created them) into its
schema. Without --apply: a dry run that reports, per legacy table, the rows that will convert and
the rows that will not, and why. --apply migrates the application, then converts in one
transaction: refused rows go to <app>_quarantine.<table> with their reason, the legacy tables stay
as they are, and running it again converts only what was fixed since. --drop-legacy drops the
legacy tables once every row is converted or quarantined (refused otherwise)."""


def _run(args: argparse.Namespace) -> int:
    from ..urls import resolve_migrate_url

    url = resolve_migrate_url(args.database_url)
    source: str = args.source
    schema = source
    if source.startswith(("postgres://", "postgresql://", "postgresql+")):
        if args.drop_legacy:
            raise AdoptError("--drop-legacy works on a schema of this database, not on a URL")
        from .source import copy_legacy

        schema = copy_legacy(source, url, args.app, conversions_for(args.app))
    if args.drop_legacy:
        dropped = drop_legacy(url, args.app, schema)
        print(f"dropped {len(dropped)} legacy tables of {args.app}: {', '.join(dropped)}")
        return 0
    key = os.environ.get(args.key_env) or None
    if key is None and args.key_env == _KEY_ENV:
        from ..settings import Settings

        secret = Settings.load().encryption_key  # DATABASE_ENCRYPTION_KEY from .env too
        key = secret.get_secret_value() if secret is not None else None
    # the key's id, as the application records it next to each value (export_readiness)
    key_id = _from_env_or_dotenv(f"{args.key_env}_ID") or "1"
    report = adopt(
        url, args.app, schema, apply=args.apply, encryption_key=key, encryption_key_id=key_id
    )
    if args.json:
        print(json.dumps(_as_json(report), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if (report.accounted or not report.applied) else 1


def _from_env_or_dotenv(name: str) -> str | None:
    """``name`` from the environment, else from ``.env`` (as the settings read it)."""
    if os.environ.get(name):
        return os.environ[name]
    from dotenv import dotenv_values

    return dotenv_values(".env").get(name) or None


def _as_json(report: Report) -> dict[str, object]:
    return {
        "app": report.app,
        "legacy_schema": report.legacy_schema,
        "applied": report.applied,
        "rows_written": report.changed,
        "seconds": round(report.seconds, 3),
        "tables": [
            {
                "legacy": t.legacy,
                "legacy_rows": t.legacy_rows,
                "converted": t.converted_after,
                "to_convert": 0 if report.applied else t.to_convert,
                "refused": t.refused,
            }
            for t in report.tables
        ],
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``adopt`` command's arguments (the parser is made by :mod:`datalayer.cli`)."""
    p.description = _DESCRIPTION
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument(
        "--database-url",
        default=None,
        help="the database to convert into (default: DATALAYER_MIGRATE_URL, else DATABASE_URL)",
    )
    p.add_argument("--app", required=True, help="the application whose legacy tables these are")
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SCHEMA_OR_URL",
        help="the legacy schema in this database, or the URL of the legacy database (its public "
        "tables are copied into <app>_legacy first)",
    )
    action = p.add_mutually_exclusive_group()
    action.add_argument("--apply", action="store_true", help="convert (default: a dry run)")
    action.add_argument(
        "--drop-legacy",
        action="store_true",
        help="drop the legacy tables, after checking every row is converted or quarantined",
    )
    p.add_argument(
        "--key-env",
        default=_KEY_ENV,
        metavar="VAR",
        help="environment variable holding the key for encrypted columns "
        "(default: DATABASE_ENCRYPTION_KEY, also read from .env); its id, where the application "
        "records key ids, from VAR_ID (default 1)",
    )
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=_run)
