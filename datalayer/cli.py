"""The ``datalayer`` command: migrations, the embedded development cluster, health."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .errors import DataLayerError
from .paths import project_root
from .settings import Settings

if TYPE_CHECKING:
    from .devdb import Cluster

__all__ = ["dev_cluster", "main", "resolve_url"]


def dev_cluster() -> Cluster:
    """The embedded cluster: ``DATALAYER_PGDATA``, else ``.pgdata/`` in the project root."""
    from .devdb import Cluster

    root = os.environ.get("DATALAYER_PGDATA")
    return Cluster(Path(root) if root else project_root() / ".pgdata")


def resolve_url(explicit: str | None, *, start_dev: bool = True) -> str:
    """``--database-url``, else ``DATABASE_URL`` (environment or ``.env``), else the embedded
    cluster under ``.pgdata/`` (started if needed)."""
    if explicit:
        return Settings.load(url=explicit).require_url()
    settings = Settings.load()
    if settings.url is not None:
        return settings.require_url()
    cluster = dev_cluster()
    if start_dev:
        url = cluster.up()
        print(f"using the embedded cluster in {cluster.root} ({url})", file=sys.stderr)
        return url
    return cluster.url()


def _migrations(args: argparse.Namespace) -> Path | None:
    value = getattr(args, "migrations", None)
    return Path(value) if value else None


def _cmd_migrate(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_url(args.database_url)
    migrate.apply(url, migrations=_migrations(args), target=args.target, dry_run=args.dry_run)
    return 0


def _cmd_rollback(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_url(args.database_url)
    migrate.rollback(
        url,
        count=args.count,
        target=args.target,
        migrations=_migrations(args),
        dry_run=args.dry_run,
    )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from . import migrate

    url = resolve_url(args.database_url)
    state = migrate.status(url, migrations=_migrations(args))
    print(migrate.format_status(state))
    if args.exit_code and (state.pending or state.problems):
        return 3
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from . import migrate

    migrate.verify(resolve_url(args.database_url), migrations=_migrations(args))
    print("ok: every applied migration matches its file")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from . import migrate

    forward, backward = migrate.new(args.schema, args.slug, migrations=_migrations(args))
    print(forward)
    print(backward)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from . import migrate

    out = Path(args.output) if args.output else project_root() / "schema.sql"
    url = resolve_url(args.database_url)
    if args.fresh:
        with scratch_database(url) as scratch:
            migrate.apply(scratch, migrations=_migrations(args), quiet=True)
            migrate.dump_schema(scratch, out)
    else:
        migrate.dump_schema(url, out)
    print(f"wrote {out}")
    return 0


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database on the server at ``url`` (dropped afterwards); its URL."""
    import psycopg
    from psycopg import sql

    name = f"datalayer_scratch_{os.getpid()}"
    parts = urlsplit(url)
    # Drop a dbname in the query string too: it would win over the path.
    query = "&".join(
        kv
        for kv in parts.query.split("&")
        if kv and not kv.lower().startswith(("dbname=", "database="))
    )
    scratch = urlunsplit(parts._replace(path=f"/{name}", query=query))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield scratch
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _cmd_dev(args: argparse.Namespace) -> int:
    cluster = dev_cluster()
    if args.action == "up":
        print(cluster.up())
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
        url = resolve_url(args.database_url, start_dev=False)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="datalayer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser, migrations: bool = True) -> argparse.ArgumentParser:
        p.add_argument(
            "--database-url",
            default=None,
            help="default: DATABASE_URL, else the embedded cluster under .pgdata/",
        )
        if migrations:
            p.add_argument(
                "--migrations",
                default=os.environ.get("DATALAYER_MIGRATIONS"),
                help="migrations folder (default: DATALAYER_MIGRATIONS, else the shipped copy)",
            )
        return p

    p = with_db(sub.add_parser("migrate", help="apply pending migrations, then print the status"))
    p.add_argument("--target", help="apply up to and including this migration id")
    p.add_argument("--dry-run", action="store_true", help="show what would run; change nothing")
    p.set_defaults(func=_cmd_migrate)

    p = with_db(sub.add_parser("rollback", help="roll back the newest migrations"))
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--count", type=int, help="how many migrations to roll back")
    group.add_argument("--target", help="roll back everything applied after this id ('0' = all)")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=_cmd_rollback)

    p = with_db(sub.add_parser("status", help="applied and pending migrations"))
    p.add_argument(
        "--exit-code", action="store_true", help="exit 3 when work is pending or files changed"
    )
    p.set_defaults(func=_cmd_status)

    p = with_db(sub.add_parser("verify", help="check applied migrations against their files"))
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("new", help="create the next numbered migration and its rollback")
    p.add_argument("schema")
    p.add_argument("slug", help="<verb>-<object>, e.g. create-accounts")
    p.add_argument("--migrations", default=os.environ.get("DATALAYER_MIGRATIONS"))
    p.set_defaults(func=_cmd_new)

    p = with_db(sub.add_parser("schema", help="write schema.sql (pg_dump --schema-only)"), False)
    p.add_argument("--output", "-o", help="default: schema.sql in the project root")
    p.add_argument(
        "--migrations", default=os.environ.get("DATALAYER_MIGRATIONS"), help="for --fresh"
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="dump a scratch database migrated from nothing (not the target database itself)",
    )
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("dev", help="the embedded PostgreSQL cluster under .pgdata/")
    p.add_argument("action", choices=["up", "down", "url", "destroy"])
    p.set_defaults(func=_cmd_dev)

    p = sub.add_parser(
        "gen", help="generate the typed modules datalayer/<schema>/_queries.py from sql/"
    )
    from .gen import add_arguments

    add_arguments(p)
    p.set_defaults(func=_cmd_gen)

    p = with_db(sub.add_parser("health", help="database health as JSON"), False)
    p.set_defaults(func=_cmd_health)

    from .logistics.cli import register as register_logistics

    register_logistics(sub)
    from .validation.cli import register as register_validation

    register_validation(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except DataLayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
