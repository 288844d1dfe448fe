"""The ``datalayer`` command: migrations per application, schema files, the embedded development
cluster, health, maintenance (``optimize``), data checks (``check``), monitoring (``monitor``), the
data dictionary (``docs``), and the commands each registered application adds.

Every command that connects uses ``--database-url`` or ``DATABASE_URL`` and nothing else (exit
code 2 when neither is set); ``datalayer dev up`` starts a local cluster and prints the line to
export. Exit codes: 0 done, 1 a check failed (or a command's own failure), 2 a usage or
configuration error or a refused operation, 3 ``status --exit-code`` with pending work or problems.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataLayerError
from .paths import project_root
from .settings import Settings
from .urls import resolve_migrate_url, resolve_url

if TYPE_CHECKING:
    from .devdb import Cluster
    from .migrate import MigrationStatus

__all__ = ["build_parser", "dev_cluster", "main"]

_EPILOG = """\
exit codes: 0 done; 1 a check failed; 2 usage, configuration or refused operation;
3 `status --exit-code` found pending work or problems.
environment: DATABASE_URL (where to connect), DATALAYER_MIGRATE_URL (migrations, roles and
schema connect there first: the owner's login), DATALAYER_APPS (default --app, comma-separated),
DATALAYER_MIGRATIONS (extra migration folders, separated by the path separator)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("datalayer-pg")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def dev_cluster() -> Cluster:
    """The embedded cluster: ``DATALAYER_PGDATA``, else ``.pgdata/`` in the project root."""
    from .devdb import Cluster

    root = os.environ.get("DATALAYER_PGDATA")
    return Cluster(Path(root) if root else project_root() / ".pgdata")


def _apps(args: argparse.Namespace) -> list[str] | None:
    values: list[str] = list(getattr(args, "app", None) or [])
    if not values:
        env = os.environ.get("DATALAYER_APPS", "").strip()
        values = [env] if env else []
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


def _extra(args: argparse.Namespace) -> list[Path]:
    values: list[str] = list(getattr(args, "migrations", None) or [])
    env = os.environ.get("DATALAYER_MIGRATIONS", "").strip()
    if env:
        values = [*env.split(os.pathsep), *values]
    return [Path(v) for v in values if v]


def _cmd_migrate(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_migrate_url(args.database_url)
    migrate.apply(
        url, apps=_apps(args), extra=_extra(args), target=args.target, dry_run=args.dry_run
    )
    return 0


def _cmd_rollback(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_migrate_url(args.database_url)
    migrate.rollback(
        url,
        apps=_apps(args),
        extra=_extra(args),
        count=args.count,
        target=args.target,
        dry_run=args.dry_run,
    )
    return 0


def _status_json(st: MigrationStatus) -> str:
    return json.dumps(
        {
            "applied": [{"id": i, "applied_at": when.isoformat()} for i, when in st.applied],
            "pending": st.pending,
            "started": st.started,
            "problems": st.problems,
            "notes": st.notes,
            "ok": st.ok,
        },
        indent=2,
    )


def _print_status(st: MigrationStatus) -> None:
    """A table on a terminal; plain lines (stable for scripts and logs) otherwise."""
    from . import migrate

    if not sys.stdout.isatty():
        print(migrate.format_status(st))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="migrations", show_lines=False)
    table.add_column("state")
    table.add_column("applied at (UTC)")
    table.add_column("migration")
    for migration_id, when in st.applied:
        table.add_row("applied", f"{when:%Y-%m-%d %H:%M:%S}", migration_id)
    for migration_id in st.started:
        table.add_row("[bold yellow]STARTED[/]", "", migration_id)
    for migration_id in st.pending:
        table.add_row("[cyan]pending[/]", "", migration_id)
    console = Console()
    console.print(table)
    for note in st.notes:
        console.print(f"note: {note}", markup=False)
    for problem in st.problems:
        console.print(f"[bold red]PROBLEM[/] {problem}")
    console.print(st.summary(), markup=False)


def _cmd_status(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_migrate_url(args.database_url)
    state = migrate.status(url, apps=_apps(args), extra=_extra(args))
    if args.json:
        print(_status_json(state))
    else:
        _print_status(state)
    if args.exit_code and (state.pending or state.problems):
        return 3
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_migrate_url(args.database_url)
    if args.json:
        st = migrate.status(url, apps=_apps(args), extra=_extra(args), deep=True)
        print(_status_json(st))
        return 0 if st.ok else 2  # as without --json
    st = migrate.verify(url, apps=_apps(args), extra=_extra(args))
    print(f"ok: every applied migration matches its file, nothing unfinished ({st.summary()})")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from . import migrate

    directory = Path(args.migrations) if args.migrations else None
    forward, backward = migrate.new(args.history, args.slug, migrations=directory)
    print(forward)
    print(backward)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from . import migrate

    out = Path(args.output) if args.output else project_root() / "schema"
    url = resolve_migrate_url(args.database_url)
    for path in migrate.write_schema_files(url, out, apps=_apps(args)):
        print(f"wrote {path}")
    return 0


def _cmd_roles(args: argparse.Namespace) -> int:
    from .migrate import resolve_sources
    from .migrate.roles import ensure_roles, member_sql, needed_roles, role_sql

    sources = resolve_sources(apps=_apps(args), extra=_extra(args))
    roles = needed_roles(sources.files)
    members = "".join(member_sql(group, login) for group, login in args.member or [])
    if not args.apply:
        print(role_sql(roles, login=args.login) + members, end="")
        return 0
    from .migrate.state import Target

    target = Target.parse(resolve_migrate_url(args.database_url))
    with target.connect() as conn:
        created = ensure_roles(conn, roles, target.masked)
        if args.login:
            conn.execute(role_sql([], login=args.login).encode())
        if members:
            conn.execute(members.encode())
    print(f"created: {', '.join(created) or 'none (all exist)'}")
    return 0


def _cmd_dev(args: argparse.Namespace) -> int:
    cluster = dev_cluster()
    if args.action == "up":
        if args.if_unset and (
            Settings.load().url is not None or os.environ.get("DATALAYER_MIGRATE_URL")
        ):
            return 0  # a database is named: nothing to start, nothing to export
        url = cluster.up()
        print(f"the embedded cluster in {cluster.root} is running", file=sys.stderr)
        print(f"export DATABASE_URL={shlex.quote(url)}")
    elif args.action == "down":
        cluster.down()
        print(f"stopped the cluster in {cluster.root}")
    elif args.action == "url":
        if not cluster.running():
            print("the embedded cluster is not running: `datalayer dev up`", file=sys.stderr)
            return 1
        print(cluster.url())
    elif args.action == "destroy":
        cluster.destroy()
        print(f"removed {cluster.root}")
    return 0


def _cmd_health(args: argparse.Namespace) -> int:
    from .db import Database

    async def run() -> int:
        url = resolve_url(args.database_url)
        async with await Database.connect(
            Settings.load(url=url, pool_size=1, max_overflow=0)
        ) as db:
            health = await db.health()
        print(json.dumps(health.model_dump(mode="json"), indent=2))
        return 0 if health.status != "unhealthy" else 1

    return asyncio.run(run())


def _cmd_gen(args: argparse.Namespace) -> int:
    from .gen import run_from_args

    return run_from_args(args)


def _with_db(p: argparse.ArgumentParser, *, histories: bool = True) -> argparse.ArgumentParser:
    p.add_argument(
        "--database-url",
        default=None,
        help="where to connect (default: DATABASE_URL; nothing else is tried)",
    )
    if histories:
        p.add_argument(
            "--app",
            action="append",
            metavar="APP",
            help="only core and this application (repeat, or comma-separate; default: "
            "DATALAYER_APPS, else every registered application)",
        )
        p.add_argument(
            "--migrations",
            action="append",
            metavar="DIR",
            help="add a folder of your own migrations as a history of its own (repeatable; "
            "also DATALAYER_MIGRATIONS); the packaged histories stay",
        )
    return p


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="datalayer",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()} (distribution datalayer-pg)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = _with_db(
        sub.add_parser(
            "migrate",
            help="apply pending migrations of core and the selected apps, then print the status",
            description="Apply pending migrations: core plus the applications named by --app "
            "(all when none), plus --migrations folders. Each migration commits together with "
            "its record; a killed run is finished or repaired by the next one.",
            epilog="examples: datalayer migrate --app fintech; "
            "datalayer migrate --app fintech --migrations ./db/migrations",
        )
    )
    p.add_argument("--target", help="apply this migration id and what it needs, nothing after")
    p.add_argument("--dry-run", action="store_true", help="show what would run; change nothing")
    p.set_defaults(func=_cmd_migrate)

    p = _with_db(
        sub.add_parser(
            "rollback",
            help="roll back the newest migrations of an app (never implicitly all)",
            description="Roll back applied migrations, dependents first. Refused when an "
            "installed application still depends on them (core under an app).",
            epilog="examples: datalayer rollback --app fintech --count 1; "
            "datalayer rollback --app fintech --target 0 (all of fintech)",
        )
    )
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--count", type=int, help="how many of the newest applied to roll back")
    group.add_argument(
        "--target", help="roll back its history's migrations applied after this id ('0' = all)"
    )
    p.add_argument("--dry-run", action="store_true", help="show what would run; change nothing")
    p.set_defaults(func=_cmd_rollback)

    p = _with_db(sub.add_parser("status", help="applied, started and pending migrations"))
    p.add_argument(
        "--exit-code", action="store_true", help="exit 3 when work is pending or files changed"
    )
    p.add_argument("--json", action="store_true", help="the status as JSON")
    p.set_defaults(func=_cmd_status)

    p = _with_db(
        sub.add_parser(
            "verify",
            help="check applied migrations against their files and the catalog",
            description="Fails (exit 2) on an edited, missing or out-of-order file, a migration "
            "started and not finished, an INVALID index, or an object that a pending migration "
            "creates but that exists already.",
        )
    )
    p.add_argument(
        "--json", action="store_true", help="the findings as JSON (exit 2 when there are problems)"
    )
    p.set_defaults(func=_cmd_verify)

    p = _with_db(
        sub.add_parser(
            "roles",
            help="print (or --apply) the SQL creating datalayer_owner and the apps' group roles",
            description="Roles belong to the cluster and need CREATEROLE. migrate creates the "
            "ones it needs when its login may; otherwise an administrator runs this SQL.",
            epilog="examples: datalayer roles --app fintech --login deploy | psql; "
            "datalayer roles --apply",
        )
    )
    p.add_argument("--login", help="also grant datalayer_owner to this migrating login")
    p.add_argument(
        "--member",
        nargs=2,
        action="append",
        metavar=("GROUP", "LOGIN"),
        help="grant GROUP (e.g. fintech_app) to LOGIN and give LOGIN the group's session "
        "timeouts (repeatable)",
    )
    p.add_argument("--apply", action="store_true", help="run it against the database URL")
    p.set_defaults(func=_cmd_roles)

    p = sub.add_parser("new", help="create the next numbered migration of a history")
    p.add_argument("history", help="core, an application, or your own history's name")
    p.add_argument("slug", help="<verb>-<object>, e.g. create-accounts")
    p.add_argument("--migrations", help="the history's folder (default: the packaged one)")
    p.set_defaults(func=_cmd_new)

    p = _with_db(
        sub.add_parser(
            "schema",
            help="write schema/<app>.sql: pg_dump of what each history produces",
            description="Migrates scratch databases on the server at DATABASE_URL (core alone, "
            "then core + each app) and writes schema/core.sql and schema/<app>.sql.",
        ),
        histories=False,
    )
    p.add_argument("--output", "-o", help="folder (default: schema/ in the project root)")
    p.add_argument("--app", action="append", metavar="APP", help="only these applications")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser(
        "dev",
        help="the embedded PostgreSQL cluster under .pgdata/ (development only)",
        description="`dev up` starts (creating once) a local cluster and prints "
        '`export DATABASE_URL=…`: run `eval "$(datalayer dev up)"`.',
    )
    p.add_argument("action", choices=["up", "down", "url", "destroy"])
    p.add_argument(
        "--if-unset",
        action="store_true",
        help="with up: do nothing when DATABASE_URL (or DATALAYER_MIGRATE_URL) is already set",
    )
    p.set_defaults(func=_cmd_dev)

    p = sub.add_parser(
        "gen", help="generate the typed modules datalayer/<schema>/_queries.py from sql/"
    )
    from .gen import add_arguments

    add_arguments(p)
    p.set_defaults(func=_cmd_gen)

    p = _with_db(sub.add_parser("health", help="database health as JSON"), histories=False)
    p.add_argument("--json", action="store_true", help="(the default: health is always JSON)")
    p.set_defaults(func=_cmd_health)

    from . import plans

    plans.register(sub)

    from .adopt import add_arguments as adopt_arguments

    adopt_arguments(sub.add_parser("adopt", help="convert an application's legacy tables"))

    from .partitions import register as register_partitions

    register_partitions(sub)

    from .admin import backup, reset, sample
    from .admin.cli import register as register_maintenance

    # backup/restore, reset, sample; optimize, check, monitor, docs
    for register in (backup.register, reset.register, sample.register, register_maintenance):
        register(sub)
    _register_apps(sub, argv)
    return parser


def _register_apps(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], argv: Sequence[str] | None
) -> None:
    """Each registered application's commands, imported only when that command runs."""
    from .apps import registered

    words = list(sys.argv[1:] if argv is None else argv)
    chosen = next((w for w in words if not w.startswith("-")), None)
    for name, app in registered().items():
        if not app.has_cli:
            continue
        dashed = name.replace("_", "-")  # export_readiness answers to export-readiness too
        if chosen in (name, dashed):
            app.cli_register()(sub)
        else:
            aliases = [name] if dashed != name else []
            sub.add_parser(
                dashed, aliases=aliases, help=f"{name} commands (datalayer {dashed} --help)",
                add_help=False,
            )  # fmt: skip


def mask_url_in(text: str, mask: Callable[[str], str]) -> str:
    """``text`` with any postgresql:// URL in it masked."""
    return re.sub(r"postgres(?:ql)?(?:\+\w+)?://\S+", lambda m: mask(m.group(0)), text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        code: int = args.func(args)
    except DataLayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if not type(exc).__module__.startswith(("psycopg", "asyncpg")):
            raise
        from .errors import redact
        from .settings import mask_url

        # a driver error outside the mapped paths: one line, no values, no password
        print(
            f"error: {type(exc).__name__}: {redact(mask_url_in(str(exc), mask_url))}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
