"""The plan guard (``datalayer explain --check``): on every application's sample data at scale 1
(``datalayer sample``, as CI runs it) the committed baselines (sql/<app>/plans.json) pass, and a
grown cost and a missing baseline fail; on a fintech ledger loaded large with generate_series, a
dropped index (a large table scanned sequentially) fails."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import psycopg
import pytest

from datalayer import cli
from datalayer.apps import registered
from datalayer.plans import baseline_path, check, explain_queries

APPS = sorted(registered())

BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
#: Large from this many rows in the test (the loader makes 10,000 ledger entries per scale).
LARGE = 5_000


def load_fintech(url: str, scale: int = 1) -> None:
    """2,000 users with one account each and 5 deposits per account (10,000 balanced ledger
    entries) per scale."""
    users, deposits = 2_000 * scale, 5

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await conn.execute("SELECT set_config('fintech.posting', 'on', true)")
                await conn.execute(
                    "INSERT INTO fintech.users (id, email, first_name, last_name, password_hash,"
                    " role) SELECT md5('u' || i)::uuid, 'user' || i || '@plans.example', 'P', 'G',"
                    " $1, 'customer' FROM generate_series(1, $2) AS i",
                    BCRYPT,
                    users,
                )
                await conn.execute(
                    "INSERT INTO fintech.accounts (id, user_id, account_number, account_name,"
                    " account_type, currency, balance) SELECT md5('a' || i)::uuid,"
                    " md5('u' || i)::uuid, 'ACC' || lpad(i::text, 10, '0'), 'main', 'checking',"
                    " 'USD', $2 FROM generate_series(1, $1) AS i",
                    users,
                    deposits,
                )
                await conn.execute(
                    "INSERT INTO fintech.transactions (id, posting_id, account_id, amount, currency,"
                    " kind, balance_after, description, created_at)"
                    " SELECT md5(leg || i || '-' || j)::uuid, md5('p' || i || '-' || j)::uuid,"
                    "        CASE WHEN leg = 'a' THEN md5('a' || i)::uuid END,"
                    "        CASE WHEN leg = 'a' THEN 1 ELSE -1 END, 'USD', 'deposit',"
                    "        CASE WHEN leg = 'a' THEN j END, 'seed',"
                    "        now() - (j || ' minutes')::interval"
                    " FROM generate_series(1, $1) AS i, generate_series(1, $2) AS j,"
                    "      unnest(ARRAY['a', 'c']) AS leg",
                    users,
                    deposits,
                )
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="module")
def sampled(pg_server: Any, template_db: str) -> Iterator[str]:
    """One database with every application's sample data at scale 1 (the default seed), analyzed."""
    with pg_server.janitor("plans_sampled", template_dbname=template_db):
        url = pg_server.url("plans_sampled")
        for app in APPS:
            assert cli.main(["sample", "--app", app, "--scale", "1", "--database-url", url]) == 0
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        yield url


@pytest.fixture
def loaded(database_url: str) -> str:
    load_fintech(database_url)
    return database_url


@pytest.mark.parametrize("app", APPS)
def test_committed_baselines_pass_and_regressions_fail(sampled: str, app: str) -> None:
    explained, rows = asyncio.run(explain_queries(sampled, app))
    assert len(explained) > 20 and all(e.error is None for e in explained), [
        e for e in explained if e.error
    ]
    baseline = json.loads(baseline_path(app).read_text())
    report = check(app, explained, rows, baseline, scale="1")
    assert report.ok, [f"{f.query}: {f.problem}" for f in report.findings]
    # through the command, as CI runs it
    assert cli.main(["explain", "--check", "--app", app, "--scale", "1",
                     "--database-url", sampled]) == 0  # fmt: skip

    # a cost far over its baseline
    costly = {
        "scales": {"1": {q: {"cost": c["cost"] / 10} for q, c in baseline["scales"]["1"].items()}},
        "allow_seq_scan": baseline.get("allow_seq_scan", {}),
    }
    grown = check(app, explained, rows, costly, scale="1")
    assert any("its baseline" in f.problem for f in grown.findings)
    # no baseline at another scale
    missing = check(app, explained, rows, baseline, scale="100")
    assert missing.findings and all("no baseline" in f.problem for f in missing.findings)


def test_a_dropped_index_is_a_sequential_scan(loaded: str) -> None:
    async def drop() -> list[str]:
        conn = await asyncpg.connect(loaded)
        try:
            names = await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'fintech'"
                " AND tablename = 'transactions' AND indexdef LIKE '%(account_id%'"
            )
            for r in names:
                await conn.execute(f"DROP INDEX fintech.{r['indexname']}")
            await conn.execute("ANALYZE fintech.transactions")
            return [r["indexname"] for r in names]
        finally:
            await conn.close()

    explained, rows = asyncio.run(explain_queries(loaded, "fintech"))
    baseline = json.loads(baseline_path("fintech").read_text())
    before = check("fintech", explained, rows, baseline, scale="1", large_rows=LARGE)
    assert not [f for f in before.findings if "sequentially" in f.problem], before.findings

    dropped = asyncio.run(drop())
    assert dropped == ["transactions_account_id_created_at_idx"]
    explained, rows = asyncio.run(explain_queries(loaded, "fintech"))
    report = check("fintech", explained, rows, baseline, scale="1", large_rows=LARGE)
    scans = [f for f in report.findings if "sequentially" in f.problem]
    # queries that used the index now scan the ledger; the partitioned table is named, not its
    # partitions
    assert scans and all("scans fintech.transactions sequentially" in f.problem for f in scans), [
        f.query for f in scans
    ]
    assert cli.main(["explain", "--check", "--app", "fintech", "--scale", "1",
                     "--large-rows", str(LARGE), "--database-url", loaded]) == 1  # fmt: skip
