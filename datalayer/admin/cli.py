"""The operations commands: ``optimize``, ``check``, ``monitor`` and ``docs``.

Which login runs which: ``optimize`` and ``check`` connect like migrations do
(``DATALAYER_MIGRATE_URL``, else ``DATABASE_URL``: the owner's login, a member of
``datalayer_owner``); ``monitor`` connects to ``DATABASE_URL`` and needs no privilege on the
applications' tables (a login with ``pg_monitor`` sees every session's figures); ``docs`` reads
the catalog of a scratch database it migrates (or of ``--database-url`` as it is).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import Report
    from .optimize import Step

__all__ = ["register"]

_EXIT = "exit codes: 0 done{ok}; 1 {fail}; 2 usage, configuration or connection error."


def _app_list(args: argparse.Namespace) -> list[str] | None:
    from ._common import app_list

    return app_list(getattr(args, "app", None))


def _common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument(
        "--database-url",
        default=None,
        help="where to connect (default: see the command's description; nothing else is tried)",
    )
    p.add_argument(
        "--app",
        action="append",
        metavar="APP",
        help="only core and this application's schema (repeat, or comma-separate; default: "
        "DATALAYER_APPS, else every registered application)",
    )
    return p


# optimize -------------------------------------------------------------------------------------


def _print_steps(steps: list[Step], *, dry_run: bool, verbose: bool) -> None:
    from rich.table import Table

    from ._common import console

    table = Table(title="optimize (dry run: nothing ran)" if dry_run else "optimize")
    table.add_column("action")
    table.add_column("object")
    table.add_column("why")
    table.add_column("seconds", justify="right")
    for s in steps:
        if s.action == "skip" and not verbose:
            continue
        seconds = "" if s.seconds is None else f"{s.seconds:.2f}"
        why = s.reason if s.error is None else f"{s.reason}; FAILED: {s.error}"
        table.add_row(s.action, s.target, why, seconds)
    out = console()
    out.print(table)
    done = [s for s in steps if s.statement]
    skipped = [s for s in steps if s.action == "skip"]
    out.print(
        f"{len(done)} statement(s) {'planned' if dry_run else 'run'}, {len(skipped)} object(s) "
        f"needed nothing{'' if verbose else ' (--verbose lists them)'}",
        markup=False,
    )


def _cmd_optimize(args: argparse.Namespace) -> int:
    from ..urls import resolve_migrate_url
    from . import optimize
    from ._common import connect, print_json, schemas_in_scope

    schemas = schemas_in_scope(_app_list(args))
    with connect(resolve_migrate_url(args.database_url), "optimize") as conn:
        steps = optimize.run(
            conn,
            schemas,
            dry_run=args.dry_run,
            dead_ratio=args.dead_ratio,
            min_dead=args.min_dead,
            bloat_ratio=args.bloat,
            min_index_pages=args.min_index_pages,
            analyze_all=args.analyze_all,
            echo=True,
        )
    if args.json:
        print_json({"dry_run": args.dry_run, "steps": [s.as_json() for s in steps]})
    else:
        _print_steps(steps, dry_run=args.dry_run, verbose=args.verbose)
    return 1 if any(s.error for s in steps) else 0


# check ----------------------------------------------------------------------------------------


def _print_report(report: Report) -> None:
    from rich.table import Table

    from ._common import console

    out = console()
    if report.findings:
        table = Table(title="check: findings")
        table.add_column("check")
        table.add_column("subject")
        table.add_column("detail")
        for f in report.findings:
            table.add_row(f.check, f.subject, f.detail)
        out.print(table)
    failed = sum(1 for _, n in report.checks if n)
    out.print(
        f"{len(report.checks)} checks, {failed} failed, {len(report.findings)} finding(s)",
        markup=False,
    )


def _cmd_check(args: argparse.Namespace) -> int:
    from ..urls import resolve_migrate_url
    from . import checks
    from ._common import connect, print_json, schemas_in_scope

    schemas = schemas_in_scope(_app_list(args))
    selected = [
        *checks.generic_checks(retention_days=args.retention_days),
        *checks.app_checks(schemas[1:]),
    ]
    if args.only:
        wanted = {n.strip() for v in args.only for n in v.split(",") if n.strip()}
        unknown = wanted - {c.name for c in selected}
        if unknown:
            print(
                f"error: no check named {', '.join(sorted(unknown))} "
                "(datalayer check --list names them)",
                file=sys.stderr,
            )
            return 2
        selected = [c for c in selected if c.name in wanted]
    if args.list:
        for c in selected:
            print(f"{c.name}: {c.description}")
        return 0
    with connect(resolve_migrate_url(args.database_url), "check") as conn:
        report = checks.run_checks(conn, schemas, selected)
    if args.json:
        print_json(report.as_json())
    else:
        _print_report(report)
    return 0 if report.ok else 1


# monitor and docs -----------------------------------------------------------------------------


def _cmd_monitor(args: argparse.Namespace) -> int:
    from .monitor import main

    return main(args)


def _cmd_docs(args: argparse.Namespace) -> int:
    from .dictionary import main

    return main(args)


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a number of seconds > 0")
    return value


# registration ---------------------------------------------------------------------------------


def _positive(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be a number >= 0")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``optimize``, ``check``, ``monitor`` and ``docs`` to the ``datalayer`` command."""
    fmt = argparse.RawDescriptionHelpFormatter

    p = _common(
        sub.add_parser(
            "optimize",
            help="ANALYZE, VACUUM and REINDEX CONCURRENTLY where the statistics call for it",
            description="VACUUM (ANALYZE) tables whose dead rows reach --dead-ratio of their live "
            "rows; ANALYZE tables changed since their last statistics; REINDEX INDEX "
            "CONCURRENTLY invalid indexes and B-trees bloated by --bloat or more. Prints each "
            "step and why. Connects as DATALAYER_MIGRATE_URL, else DATABASE_URL (the owner).",
            epilog="examples: datalayer optimize --app fintech; datalayer optimize --dry-run "
            "--json\n" + _EXIT.format(ok="", fail="a statement failed (the others ran)"),
            formatter_class=fmt,
        )
    )
    p.add_argument("--dry-run", action="store_true", help="print what would run; run nothing")
    p.add_argument("--json", action="store_true", help="every step as JSON")
    p.add_argument("--verbose", "-v", action="store_true", help="also list what needed nothing")
    p.add_argument(
        "--dead-ratio",
        type=_positive,
        default=0.1,
        help="dead/live rows that call for VACUUM (default 0.1)",
    )
    p.add_argument(
        "--min-dead", type=int, default=1000, help="and at least this many dead rows (default 1000)"
    )
    p.add_argument(
        "--bloat",
        type=_positive,
        default=0.5,
        help="estimated share of an index that is bloat and calls for REINDEX (default 0.5)",
    )
    p.add_argument(
        "--min-index-pages",
        type=int,
        default=128,
        help="indexes smaller than this (8 kB pages) are never rebuilt for bloat (default 128)",
    )
    p.add_argument(
        "--analyze-all",
        action="store_true",
        help="ANALYZE every table not vacuumed, changed or not (the monthly statistics refresh)",
    )
    p.set_defaults(func=_cmd_optimize)

    p = _common(
        sub.add_parser(
            "check",
            help="integrity checks constraints cannot express; exit 1 with a table of findings",
            description="Generic checks from the catalog (foreign keys pointing nowhere, rows "
            "violating NOT VALID constraints, <x>_id columns naming missing rows, expired "
            "soft-deletes) and each application's checks (the queries of its checks.sql), in "
            "one read-only snapshot. Connects as DATALAYER_MIGRATE_URL, else DATABASE_URL: a "
            "role that sees every row (the owner; row-level security hiding rows is an error).",
            epilog="examples: datalayer check --app fintech; datalayer check --json; "
            "datalayer check --only fintech.list_accounts_off_ledger\n"
            + _EXIT.format(ok=", no finding", fail="at least one finding"),
            formatter_class=fmt,
        )
    )
    p.add_argument("--json", action="store_true", help="checks and findings as JSON")
    p.add_argument("--list", action="store_true", help="name the checks; run none")
    p.add_argument(
        "--only", action="append", metavar="CHECK", help="run only these checks (repeatable)"
    )
    p.add_argument(
        "--retention-days",
        type=_positive,
        default=30.0,
        help="soft-deleted rows older than this should have been purged (default 30)",
    )
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "monitor",
        help="connections, long queries, locks and blockers, sizes, unused indexes, "
        "cache hit ratio, slow queries",
        description="The sql/ops/ figures as tables or --json; --watch N refreshes every N "
        "seconds. Connects as DATABASE_URL; reads only the statistics views (a login with "
        "pg_monitor sees every session, others see their own).",
        epilog="examples: datalayer monitor; datalayer monitor --watch 5; "
        "datalayer monitor --json | jq .cache_hit_ratio\n" + _EXIT.format(ok="", fail="(not used)"),
        formatter_class=fmt,
    )
    p.add_argument("--database-url", default=None, help="where to connect (default: DATABASE_URL)")
    p.add_argument("--json", action="store_true", help="the figures as JSON (one line per refresh)")
    p.add_argument(
        "--watch", type=_seconds, metavar="N", help="refresh every N seconds until Ctrl-C"
    )
    p.add_argument(
        "--long-seconds",
        type=_seconds,
        default=60.0,
        help="statements or transactions running this long are long-running (default 60)",
    )
    p.add_argument("--top", type=int, default=10, help="rows per list (default 10)")
    p.set_defaults(func=_cmd_monitor)

    p = _common(
        sub.add_parser(
            "docs",
            help="write a Markdown data dictionary per application (docs/schema/)",
            description="One page per application from the catalog and the COMMENTs: tables, "
            "columns, constraints with their messages, indexes, triggers, row-level security "
            "policies, functions, and the queries of sql/<app>/ that touch each table. Without "
            "--database-url it migrates a scratch database on the server at DATABASE_URL "
            "(dropped afterwards), so the pages follow the migrations; with --database-url it "
            "reads that database as it is. --check compares instead of writing.",
            epilog="examples: datalayer docs -o docs/schema; datalayer docs --check\n"
            + _EXIT.format(ok="", fail="--check found a page out of date"),
            formatter_class=fmt,
        )
    )
    p.add_argument(
        "--output", "-o", metavar="DIR", help="folder (default: docs/schema in the project root)"
    )
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a page is out of date"
    )
    p.set_defaults(func=_cmd_docs)
