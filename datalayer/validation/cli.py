"""``datalayer validation ...``: cleanup (soft delete and purge in batches), export, stats."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from datalayer.db import Database
from datalayer.settings import Settings

from . import _queries as q
from .export import write_session_export

__all__ = ["Progress", "register"]

CLEANUP_ACTOR = "validation-cleanup"


class Progress:
    """A one-line progress bar on a terminal; a single summary line elsewhere (logs stay clean)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None, width: int = 30):
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.live = self.stream.isatty()

    def advance(self, n: int) -> None:
        self.done += n
        if self.live:
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def _line(self) -> str:
        total = max(self.total, self.done, 1)
        filled = round(self.width * self.done / total)
        bar = "#" * filled + "." * (self.width - filled)
        return f"{self.label} [{bar}] {self.done}/{max(self.total, self.done)}"

    def close(self) -> None:
        self.stream.write(("\r" if self.live else "") + self._line() + "\n")
        self.stream.flush()


def _connect(url: str) -> Settings:
    return Settings.load(url=url, pool_size=1, max_overflow=0)


def _since(text: str) -> datetime:
    """An ISO date or date-time; naive values are UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


async def _cleanup(args: argparse.Namespace, url: str) -> int:
    now = datetime.now(UTC)
    created_before = now - timedelta(days=args.days_old)
    async with await Database.connect(_connect(url)) as db:
        async with db.transaction() as conn:
            total = await q.count_sessions_to_clean_up(conn, created_before=created_before)
        bar = Progress("soft-deleting", total)
        deleted = 0
        while True:
            # One transaction per batch: row locks are held briefly, and an interrupted run keeps
            # what it did.
            async with db.transaction(actor=args.deleted_by) as conn:
                n = await q.update_sessions_soft_deleted_batch(
                    conn,
                    created_before=created_before,
                    deleted_by=args.deleted_by,
                    batch_size=args.batch_size,
                )
            if n == 0:
                break
            deleted += n
            bar.advance(n)
        bar.close()
        print(f"soft-deleted {deleted} sessions created before {created_before.isoformat()}")
        if args.purge:
            deleted_before = now - timedelta(days=args.retention_days)
            async with db.transaction() as conn:
                total = await q.count_sessions_to_purge(conn, deleted_before=deleted_before)
            bar = Progress("purging", total)
            purged = 0
            while True:
                async with db.transaction(actor=args.deleted_by) as conn:
                    n = await q.delete_sessions_purged_batch(
                        conn, deleted_before=deleted_before, batch_size=args.batch_size
                    )
                if n == 0:
                    break
                purged += n
                bar.advance(n)
            bar.close()
            print(f"purged {purged} sessions soft-deleted before {deleted_before.isoformat()}")
    return 0


def _cmd_cleanup(args: argparse.Namespace) -> int:
    from datalayer.urls import resolve_url

    return asyncio.run(_cleanup(args, resolve_url(args.database_url)))


async def _export(args: argparse.Namespace, url: str, out: TextIO) -> int:
    db = await Database.connect(_connect(url))
    try:
        async with db.transaction(isolation="repeatable_read", readonly=True) as conn:
            written = await write_session_export(
                conn, out, fmt=args.format, created_since=args.since, prefetch=args.prefetch
            )
    finally:
        await db.close()
    out.flush()
    print(f"exported {written} sessions", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from datalayer.urls import resolve_url

    url = resolve_url(args.database_url)
    if args.output in (None, "-"):
        return asyncio.run(_export(args, url, sys.stdout))
    with Path(args.output).open("w", encoding="utf-8", newline="") as out:
        return asyncio.run(_export(args, url, out))


async def _stats(args: argparse.Namespace, url: str) -> int:
    today = datetime.now(UTC).date()
    first_day: date = today - timedelta(days=args.days - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    async with await Database.connect(_connect(url)) as db:
        async with db.transaction() as conn:
            refreshed = await q.update_validation_metrics(conn, from_day=first_day, to_day=today)
        async with db.transaction(isolation="repeatable_read", readonly=True) as conn:
            statuses = await q.list_session_status_counts(conn)
            rates = await q.list_success_rates_by_technology(conn, created_from=since)
            results = await q.get_result_statistics(conn, created_from=since)
            trends = await q.list_discrepancy_trends(
                conn, created_from=since, created_to=datetime.now(UTC) + timedelta(seconds=1)
            )
            metrics = await q.list_validation_metrics(conn, from_day=first_day, to_day=today)
    report = {
        "period": {"from": first_day.isoformat(), "to": today.isoformat()},
        "sessions_by_status": {s.status: s.sessions for s in statuses},
        "success_rates": [r.model_dump(mode="json") for r in rates],
        "results": results.model_dump(mode="json"),
        "discrepancy_trends": [t.model_dump(mode="json") for t in trends],
        "metrics_rows_refreshed": refreshed,
        "daily_metrics": [m.model_dump(mode="json", exclude={"id"}) for m in metrics],
    }
    print(json.dumps(report, indent=2))
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from datalayer.urls import resolve_url

    return asyncio.run(_stats(args, resolve_url(args.database_url)))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validation`` command group to the ``datalayer`` parser."""
    group = sub.add_parser(
        "validation", help="the validation application: cleanup, export, statistics"
    )
    commands = group.add_subparsers(dest="validation_command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--database-url",
            default=None,
            help="where to connect (default: DATABASE_URL)",
        )
        return p

    p = with_db(
        commands.add_parser(
            "cleanup",
            help="soft-delete sessions older than --days-old in batches; --purge removes "
            "soft-deleted sessions past the retention period",
        )
    )
    p.add_argument("--days-old", type=_non_negative, required=True, help="age in days (created_at)")
    p.add_argument("--batch-size", type=_positive, default=1000, help="rows per transaction")
    p.add_argument(
        "--purge",
        action="store_true",
        help="then delete for good the sessions soft-deleted more than --retention-days ago",
    )
    p.add_argument("--retention-days", type=_non_negative, default=30, help="default: 30")
    p.add_argument(
        "--deleted-by",
        default=CLEANUP_ACTOR,
        help=f"recorded as deleted_by (default: {CLEANUP_ACTOR})",
    )
    p.set_defaults(func=_cmd_cleanup)

    p = with_db(
        commands.add_parser(
            "export", help="stream live sessions as JSON lines or CSV (server-side cursor)"
        )
    )
    p.add_argument(
        "--since", type=_since, default=None, help="ISO date or date-time (UTC if naive)"
    )
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--output", "-o", default=None, help="file to write (default: standard output)")
    p.add_argument("--prefetch", type=_positive, default=1000, help="rows per cursor fetch")
    p.set_defaults(func=_cmd_export)

    p = with_db(
        commands.add_parser("stats", help="refresh the daily metrics and print statistics as JSON")
    )
    p.add_argument("--days", type=_positive, default=30, help="period in days, today included")
    p.set_defaults(func=_cmd_stats)
