"""``datalayer optimize``: routine maintenance decided by the numbers, each step with its reason.

For every table of the schemas in scope (core and the selected applications):

* ``VACUUM (ANALYZE)`` when its dead rows reach ``dead_ratio`` of its live rows (and at least
  ``min_dead`` rows): space for reuse, the visibility map for index-only scans, fresh statistics;
* else ``ANALYZE`` when rows changed since its statistics were taken, or it never had any (or
  always, with ``analyze_all``: the monthly refresh of every table's statistics);
* nothing otherwise (the reason is printed too).

Then for every index of those tables:

* ``REINDEX INDEX CONCURRENTLY`` when it is INVALID (a failed ``CREATE INDEX CONCURRENTLY``
  leaves one that costs writes and serves no query);
* ``REINDEX INDEX CONCURRENTLY`` when a B-tree of at least ``min_index_pages`` pages is larger
  than its estimated size by ``bloat_ratio`` or more. The estimate comes from the statistics that
  the first step refreshed (entries x average entry width, at the index's fill factor); with the
  ``pgstattuple`` extension installed, its measured leaf density is used instead;
* an index left over by an interrupted ``REINDEX CONCURRENTLY`` (``…_ccnew``/``…_ccold``) is
  reported, not rebuilt: drop it (``DROP INDEX CONCURRENTLY``).

``VACUUM`` and ``REINDEX CONCURRENTLY`` take no lock that blocks reads or writes; each statement
runs on its own (autocommit). The connecting role must own the tables (a member of
``datalayer_owner``) or be a superuser.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

import psycopg
from psycopg import Connection, sql

__all__ = ["Step", "run"]

Conn = Connection[tuple[object, ...]]

#: Bytes of a B-tree page usable for entries (8 kB page, 24-byte header, 16-byte special space).
_USABLE = 8192 - 24 - 16


@dataclass(slots=True)
class Step:
    """One decision: the action (``VACUUM ANALYZE``, ``ANALYZE``, ``REINDEX``, ``skip``, ``note``),
    the object, why, and once run how long it took."""

    action: str
    target: str
    reason: str
    statement: str | None = None
    seconds: float | None = None
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "action": self.action,
            "target": self.target,
            "reason": self.reason,
            "statement": self.statement,
            "seconds": self.seconds,
            "error": self.error,
        }


def _tables(
    conn: Conn, schemas: list[str], *, dead_ratio: float, min_dead: int, analyze_all: bool
) -> list[Step]:
    rows = conn.execute(
        """
        SELECT s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
               greatest(s.last_analyze, s.last_autoanalyze) IS NOT NULL
        FROM pg_catalog.pg_stat_user_tables AS s
        JOIN pg_catalog.pg_class AS c ON c.oid = s.relid
        WHERE s.schemaname = ANY(%s) AND c.relkind IN ('r', 'm')
        ORDER BY s.schemaname, s.relname
        """,
        (schemas,),
    ).fetchall()
    steps: list[Step] = []
    for schema, table, live, dead, modified, analyzed in rows:
        assert isinstance(live, int) and isinstance(dead, int) and isinstance(modified, int)
        name = f"{schema}.{table}"
        ident = sql.SQL("{}.{}").format(sql.Identifier(str(schema)), sql.Identifier(str(table)))
        if dead >= min_dead and dead >= dead_ratio * live:
            share = f"{dead / live:.0%} of {live} live" if live else "no live rows"
            steps.append(
                Step(
                    "VACUUM ANALYZE",
                    name,
                    f"{dead} dead rows ({share}; threshold {dead_ratio:.0%}, at least {min_dead})",
                    sql.SQL("VACUUM (ANALYZE) {}").format(ident).as_string(conn),
                )
            )
        elif analyze_all:
            steps.append(
                Step(
                    "ANALYZE",
                    name,
                    "every table asked for (--analyze-all)",
                    sql.SQL("ANALYZE {}").format(ident).as_string(conn),
                )
            )
        elif not analyzed and live == 0 and dead == 0 and modified == 0:
            steps.append(Step("skip", name, "empty, never written"))
        elif not analyzed:
            steps.append(
                Step(
                    "ANALYZE",
                    name,
                    "never analyzed",
                    sql.SQL("ANALYZE {}").format(ident).as_string(conn),
                )
            )
        elif modified > 0:
            steps.append(
                Step(
                    "ANALYZE",
                    name,
                    f"{modified} rows changed since the last analyze",
                    sql.SQL("ANALYZE {}").format(ident).as_string(conn),
                )
            )
        else:
            steps.append(Step("skip", name, f"statistics current, {dead} dead rows"))
    return steps


def _has_pgstattuple(conn: Conn) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'pgstattuple')"
    ).fetchone()
    return bool(row and row[0])


def _indexes(
    conn: Conn, schemas: list[str], *, bloat_ratio: float, min_index_pages: int
) -> list[Step]:
    rows = conn.execute(
        r"""
        SELECT n.nspname, i.relname, x.indisvalid, am.amname, i.relpages, i.reltuples,
               coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(i.reloptions) AS o
                         WHERE o LIKE 'fillfactor=%%'), 90),
               coalesce((
                   SELECT sum(coalesce(
                       (SELECT st.avg_width FROM pg_catalog.pg_stats AS st
                        WHERE st.schemaname = n.nspname AND st.tablename = t.relname
                            AND st.attname = a.attname AND k.attnum > 0),
                       (SELECT st.avg_width FROM pg_catalog.pg_stats AS st
                        WHERE st.schemaname = n.nspname AND st.tablename = i.relname
                            AND st.attname = ia.attname),
                       nullif(ty.typlen, -1), 16))
                   FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, pos)
                   JOIN pg_catalog.pg_attribute AS ia ON ia.attrelid = i.oid AND ia.attnum = k.pos
                   JOIN pg_catalog.pg_type AS ty ON ty.oid = ia.atttypid
                   LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum
                   WHERE k.pos <= x.indnkeyatts
               ), 0)::int
        FROM pg_catalog.pg_index AS x
        JOIN pg_catalog.pg_class AS i ON i.oid = x.indexrelid
        JOIN pg_catalog.pg_class AS t ON t.oid = x.indrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = i.relnamespace
        JOIN pg_catalog.pg_am AS am ON am.oid = i.relam
        WHERE n.nspname = ANY(%s) AND t.relkind IN ('r', 'm')
        ORDER BY n.nspname, i.relname
        """,
        (schemas,),
    ).fetchall()
    measured = _has_pgstattuple(conn)
    steps: list[Step] = []
    for schema, index, valid, am, pages, tuples, fillfactor, width in rows:
        assert isinstance(pages, int) and isinstance(fillfactor, int) and isinstance(width, int)
        assert isinstance(tuples, float)
        name = f"{schema}.{index}"
        ident = sql.SQL("{}.{}").format(sql.Identifier(str(schema)), sql.Identifier(str(index)))
        reindex = sql.SQL("REINDEX INDEX CONCURRENTLY {}").format(ident).as_string(conn)
        if str(index).rsplit("_", 1)[-1].rstrip("0123456789") in ("ccnew", "ccold"):
            steps.append(
                Step(
                    "note",
                    name,
                    "left by an interrupted REINDEX CONCURRENTLY: drop it "
                    f"(DROP INDEX CONCURRENTLY {ident.as_string(conn)})",
                )
            )
            continue
        if not valid:
            steps.append(Step("REINDEX", name, "INVALID (an index build failed)", reindex))
            continue
        if am != "btree" or pages < min_index_pages:
            why = (
                f"{am}, not estimated"
                if am != "btree"
                else f"{pages} pages, below {min_index_pages}"
            )
            steps.append(Step("skip", name, why))
            continue
        if measured:
            density = conn.execute(
                sql.SQL("SELECT avg_leaf_density FROM public.pgstatindex({})").format(
                    sql.Literal(f"{ident.as_string(conn)}")
                )
            ).fetchone()
            leaf = float(str(density[0])) if density and density[0] is not None else math.nan
            bloat = 1 - leaf / fillfactor if leaf == leaf else 0.0
            basis = f"leaf density {leaf:.0f}% at fill factor {fillfactor}% (pgstattuple)"
        else:
            if tuples < 0:
                steps.append(Step("skip", name, "no statistics yet (run ANALYZE)"))
                continue
            entry = 4 + 8 * math.ceil((8 + width) / 8)  # line pointer + MAXALIGNed tuple
            expected = math.ceil(tuples * entry / (_USABLE * fillfactor / 100)) * 1.01 + 1
            bloat = max(0.0, 1 - expected / pages)
            basis = f"{pages} pages, about {math.ceil(expected)} expected for {tuples:.0f} entries"
        if bloat >= bloat_ratio:
            steps.append(Step("REINDEX", name, f"{bloat:.0%} bloat: {basis}", reindex))
        else:
            steps.append(Step("skip", name, f"{bloat:.0%} bloat: {basis}"))
    return steps


def run(
    conn: Conn,
    schemas: list[str],
    *,
    dry_run: bool = False,
    dead_ratio: float = 0.1,
    min_dead: int = 1000,
    bloat_ratio: float = 0.5,
    min_index_pages: int = 128,
    analyze_all: bool = False,
    echo: bool = False,
) -> list[Step]:
    """Decide and (unless ``dry_run``) run the table steps, then the index steps (decided on the
    statistics the table steps refreshed). ``conn`` must be in autocommit mode."""
    steps = _tables(
        conn, schemas, dead_ratio=dead_ratio, min_dead=min_dead, analyze_all=analyze_all
    )
    for step in steps:
        _execute(conn, step, dry_run=dry_run, echo=echo)
    index_steps = _indexes(conn, schemas, bloat_ratio=bloat_ratio, min_index_pages=min_index_pages)
    for step in index_steps:
        _execute(conn, step, dry_run=dry_run, echo=echo)
    return steps + index_steps


def _execute(conn: Conn, step: Step, *, dry_run: bool, echo: bool) -> None:
    if step.statement is None or dry_run:
        return
    if echo:
        print(f"{step.statement}  -- {step.reason}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        conn.execute(step.statement.encode())
    except psycopg.Error as exc:
        # one failed step (a lock timeout, a REINDEX meeting duplicates) stops no other
        step.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        print(f"failed: {step.statement}: {step.error}", file=sys.stderr, flush=True)
    step.seconds = round(time.perf_counter() - started, 3)
