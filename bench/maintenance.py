"""How long ``datalayer check`` and ``datalayer optimize`` take on the benchmark data set.

    python bench/maintenance.py [--users N] [--entries N]

Migrates core + fintech into a scratch database on the server at DATABASE_URL (dropped at the
end), loads N users with one account each and N ledger entries (bench/dataset.py), then times:
optimize on freshly loaded tables (what autovacuum has not done yet), optimize again (nothing to
do), optimize --analyze-all, optimize after half of the users were updated, every check
of core + fintech on clean data, and the same after one balance is changed behind the ledger's
back (the check must name that account).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import load

from datalayer import Database, migrate
from datalayer.admin import checks, optimize
from datalayer.admin._common import connect
from datalayer.settings import Settings
from datalayer.urls import resolve_url


def timed(label: str, fn: object) -> object:
    assert callable(fn)
    started = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def main(users: int, entries: int) -> None:
    with migrate.scratch_database(resolve_url(None), suffix="_maint") as url:
        migrate.apply(url, apps=["fintech"], quiet=True)

        async def fill() -> None:
            db = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
            try:
                await load(db, users=users, entries=entries)
            finally:
                await db.close()

        timed(f"load {users:,} users, {entries:,} entries", lambda: asyncio.run(fill()))
        schemas = ["core", "fintech"]
        every = [*checks.generic_checks(), *checks.app_checks(["fintech"])]
        with connect(url) as conn:
            steps = timed("optimize (fresh tables)", lambda: optimize.run(conn, schemas))
            assert isinstance(steps, list)
            for s in steps:
                if s.statement:
                    print(f"  {s.action} {s.target}: {s.reason} ({s.seconds} s)")
            steps = timed("optimize (nothing to do)", lambda: optimize.run(conn, schemas))
            assert isinstance(steps, list)
            print(f"  {sum(1 for s in steps if s.statement)} statement(s)")
            steps = timed(
                "optimize --analyze-all", lambda: optimize.run(conn, schemas, analyze_all=True)
            )
            assert isinstance(steps, list)
            print(f"  {sum(1 for s in steps if s.statement)} statement(s)")
            conn.execute("UPDATE fintech.users SET first_name = 'Churned' WHERE random() < 0.5")
            conn.execute("SELECT pg_stat_force_next_flush()")
            steps = timed(
                "optimize (half of the users updated)", lambda: optimize.run(conn, schemas)
            )
            assert isinstance(steps, list)
            for s in steps:
                if s.statement:
                    print(f"  {s.action} {s.target}: {s.reason} ({s.seconds} s)")
            report = timed(
                "check: 7 checks, clean", lambda: checks.run_checks(conn, schemas, every)
            )
            assert isinstance(report, checks.Report) and report.ok, report.findings
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
                conn.execute(
                    "UPDATE fintech.accounts SET balance = balance + 1"
                    " WHERE account_number = 'ACC0000000042'"
                )
            report = timed(
                "check: one balance off", lambda: checks.run_checks(conn, schemas, every)
            )
            assert isinstance(report, checks.Report)
            print(f"  findings: {[(f.check, f.subject) for f in report.findings]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    main(args.users, args.entries)
