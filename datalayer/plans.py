"""The plan guard: ``datalayer explain --check`` runs EXPLAIN on every query of an application on a
loaded database and fails when a plan goes wrong.

The caller loads the data first (``datalayer sample --app APP --scale N``, or its own loader) and
runs ``ANALYZE``; the guard only reads plans. Each query is prepared and explained with its
*generic* plan (``plan_cache_mode = force_generic_plan``, parameters NULL: PostgreSQL 15 has no
``EXPLAIN (GENERIC_PLAN)``), the plan a long-lived pool ends up using, as the application's role
(``SET ROLE <app>_app`` when the connecting role may; a query only ``<app>_worker``,
``<app>_readonly`` or ``datalayer_owner`` may run, as the first of them that may), so that
row-level security policies are part of the plan. A partition a plan scans counts as its
partitioned table, sized by all its partitions. It fails when:

* a plan scans a large table sequentially (a ``Seq Scan`` of a table whose ``reltuples`` is at
  least ``--large-rows``), unless the baseline allows that table for that query, with a reason;
* a query's estimated total cost is more than ``--factor`` times its baseline;
* a query has no baseline at this scale (record one with ``--update``), or cannot be explained.

Baselines are committed per application next to its queries, ``sql/<app>/plans.json`` (found
through the registry, never by importing the app), per scale::

    {"scales": {"1": {"fintech.get_account_by_id": {"cost": 8.3}, ...}},
     "allow_seq_scan": {"fintech.list_balance_mismatches": {"accounts": "reconciliation reads all"}}}

``--update`` rewrites the costs at this scale (the allowed scans are edited by hand).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg

from .apps import registered
from .errors import ConfigurationError
from .queries import Operation, Query, load
from .urls import resolve_url

__all__ = [
    "BASELINE_FILE",
    "Finding",
    "PlanReport",
    "check",
    "explain_queries",
    "register",
]

BASELINE_FILE = "plans.json"
DEFAULT_FACTOR = 2.0
DEFAULT_LARGE_ROWS = 10_000


@dataclass(frozen=True)
class Explained:
    """One query's generic plan: its estimated total cost and the tables it scans sequentially."""

    query: str
    cost: float
    seq_scans: tuple[str, ...]  # schema-qualified
    error: str | None = None


@dataclass(frozen=True)
class Finding:
    query: str
    problem: str


@dataclass
class PlanReport:
    app: str
    scale: str
    explained: list[Explained] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def baseline_path(app: str) -> Path:
    apps = registered()
    if app not in apps:
        raise ConfigurationError(f"no application {app!r} (registered: {', '.join(apps)})")
    return apps[app].sql / BASELINE_FILE


def _walk(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


async def _explain(conn: asyncpg.Connection[asyncpg.Record], query: Query) -> Explained:
    """The generic plan of ``query``: prepared under a throwaway name, explained (EXPLAIN runs
    nothing), deallocated."""
    name = "datalayer_plan_guard"
    nulls = ", ".join("NULL" for _ in query.params)
    try:
        await conn.execute(f"PREPARE {name} AS {query.sql}")
        try:
            raw = await conn.fetchval(
                f"EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE {name}{f'({nulls})' if nulls else ''}"
            )
        finally:
            await conn.execute(f"DEALLOCATE {name}")
    except asyncpg.PostgresError as exc:
        sqlstate = getattr(exc, "sqlstate", "?")
        return Explained(
            query.qualified_name, math.nan, (), f"cannot explain (SQLSTATE {sqlstate})"
        )
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    scans = sorted(
        {
            f"{n.get('Schema', '?')}.{n['Relation Name']}"
            for n in _walk(plan)
            if n.get("Node Type") == "Seq Scan" and "Relation Name" in n
        }
    )
    return Explained(query.qualified_name, float(plan["Total Cost"]), tuple(scans))


async def explain_queries(url: str, app: str) -> tuple[list[Explained], dict[str, float]]:
    """Every query of ``app`` explained on ``url``, and the row estimate of each table they
    scan sequentially (``pg_class.reltuples``)."""
    source = registered()[app].sql
    queries = [q for q in load(app, source.parent).values() if q.operation is not Operation.SCRIPT]
    conn = await asyncpg.connect(url, statement_cache_size=0)
    try:
        # as the application's role, so that its policies are in the plans; a query only the
        # worker, readonly or owner role may run is explained as the first of them that may
        roles: list[str | None] = [
            str(r["rolname"])
            for r in await conn.fetch(
                "SELECT r.rolname FROM unnest($1::text[]) WITH ORDINALITY AS k(name, n)"
                " JOIN pg_roles AS r ON r.rolname = k.name"
                " WHERE pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY k.n",
                [f"{app}_app", f"{app}_worker", f"{app}_readonly", "datalayer_owner"],
            )
        ]
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        explained = []
        for q in sorted(queries, key=lambda q: q.name):
            for role in roles or [None]:  # None: as the connecting role
                if role is not None:
                    await conn.execute(f'SET ROLE "{role}"')
                e = await _explain(conn, q)
                if e.error is None or "42501" not in e.error:
                    break
            explained.append(e)
        await conn.execute("RESET ROLE")
        # a partition scanned stands for its partitioned table (the baselines and allowances
        # name tables), whose size is the sum of its partitions'
        scanned = sorted({t for e in explained for t in e.seq_scans})
        rows: dict[str, float] = {}
        roots: dict[str, str] = {}
        if scanned:
            for r in await conn.fetch(
                "SELECT s.name, rn.nspname || '.' || rc.relname AS root,"
                " coalesce((SELECT sum(greatest(l.reltuples, 0))"
                "  FROM pg_partition_tree(pg_partition_root(c.oid)) AS t"
                "  JOIN pg_class AS l ON l.oid = t.relid WHERE t.isleaf),"
                "  greatest(c.reltuples, 0)) AS rows"
                " FROM unnest($1::text[]) AS s(name)"
                " JOIN pg_class AS c ON c.oid = to_regclass(s.name)"
                " JOIN pg_class AS rc ON rc.oid = coalesce(pg_partition_root(c.oid), c.oid)"
                " JOIN pg_namespace AS rn ON rn.oid = rc.relnamespace",
                scanned,
            ):
                roots[r["name"]] = r["root"]
                rows[r["root"]] = float(r["rows"])
        explained = [
            replace(e, seq_scans=tuple(sorted({roots.get(t, t) for t in e.seq_scans})))
            for e in explained
        ]
    finally:
        await conn.close()
    return explained, rows


def _load_baseline(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {"scales": {}, "allow_seq_scan": {}}
    data: dict[str, Any] = json.loads(path.read_text())
    data.setdefault("scales", {})
    data.setdefault("allow_seq_scan", {})
    return data


def check(
    app: str,
    explained: Sequence[Explained],
    rows: Mapping[str, float],
    baseline: Mapping[str, Any],
    *,
    scale: str,
    factor: float = DEFAULT_FACTOR,
    large_rows: float = DEFAULT_LARGE_ROWS,
) -> PlanReport:
    """Judge the explained plans against the baseline (no database needed)."""
    report = PlanReport(app, scale, list(explained))
    costs: Mapping[str, Any] = baseline.get("scales", {}).get(scale, {})
    allowed: Mapping[str, Mapping[str, str]] = baseline.get("allow_seq_scan", {})
    for e in explained:
        if e.error is not None:
            report.findings.append(Finding(e.query, e.error))
            continue
        for table in e.seq_scans:
            size = rows.get(table, 0.0)
            short = table.split(".", 1)[1]
            if size >= large_rows and short not in allowed.get(e.query, {}):
                report.findings.append(
                    Finding(
                        e.query,
                        f"scans {table} sequentially (about {size:,.0f} rows, large from "
                        f"{large_rows:,.0f}); add an index, or allow it with a reason in "
                        f"allow_seq_scan",
                    )
                )
        known = costs.get(e.query)
        if known is None:
            report.findings.append(
                Finding(e.query, f"no baseline at scale {scale}: run `datalayer explain --update`")
            )
        elif e.cost > float(known["cost"]) * factor:
            report.findings.append(
                Finding(
                    e.query,
                    f"estimated cost {e.cost:,.1f} is {e.cost / float(known['cost']):.1f}x its "
                    f"baseline {float(known['cost']):,.1f} (limit {factor:g}x)",
                )
            )
    return report


def update(path: Path, explained: Sequence[Explained], *, scale: str) -> None:
    """Record the costs at ``scale`` (other scales and the allowed scans stay)."""
    data = _load_baseline(path)
    data["scales"][scale] = {
        e.query: {"cost": round(e.cost, 2)} for e in explained if e.error is None
    }
    data["scales"] = dict(sorted(data["scales"].items()))
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


# -- the command -----------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explain",
        help="the plan guard: EXPLAIN every query on loaded data, against committed baselines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail on a bad plan (exit 1)")
    mode.add_argument(
        "--update", action="store_true", help="record the costs at --scale in sql/<app>/plans.json"
    )
    p.add_argument(
        "--app",
        action="append",
        metavar="APP",
        help="this application (repeatable; default: every registered one with a baseline file)",
    )
    p.add_argument(
        "--scale", default="1", help="the scale the data was loaded at (baselines are per scale)"
    )
    p.add_argument("--factor", type=float, default=DEFAULT_FACTOR, help="allowed cost growth")
    p.add_argument(
        "--large-rows",
        type=float,
        default=DEFAULT_LARGE_ROWS,
        help="a table with at least this many rows (pg_class.reltuples) must not be seq-scanned",
    )
    p.add_argument(
        "--database-url", default=None, help="the loaded database (default: DATABASE_URL)"
    )
    p.set_defaults(func=_cmd_explain)


def _cmd_explain(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    apps = args.app or [a for a in registered() if baseline_path(a).is_file()]
    if not apps:
        raise ConfigurationError("no application has a plans.json baseline; name one with --app")
    failed = False
    for app in apps:
        path = baseline_path(app)
        explained, rows = asyncio.run(explain_queries(url, app))
        if args.update:
            update(path, explained, scale=args.scale)
            errors = [e for e in explained if e.error is not None]
            for e in errors:
                print(f"{e.query}: {e.error}")
            print(f"{app}: {len(explained) - len(errors)} plan cost(s) recorded in {path}")
            failed = failed or bool(errors)
            continue
        report = check(
            app,
            explained,
            rows,
            _load_baseline(path),
            scale=args.scale,
            factor=args.factor,
            large_rows=args.large_rows,
        )
        for finding in report.findings:
            print(f"{finding.query}: {finding.problem}")
        print(
            f"{app}: {len(explained)} queries explained at scale {args.scale}, "
            f"{len(report.findings)} problem(s)"
        )
        failed = failed or not report.ok
    return 1 if failed else 0
