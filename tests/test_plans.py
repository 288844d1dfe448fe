"""The plan guard (``datalayer explain --check``) on fintech loaded at scale 1: the committed
baselines (sql/fintech/plans.json) pass; a dropped index (a large table scanned sequentially), a
grown cost and a missing baseline fail. The data is loaded here with generate_series as the owner
(the guard takes a loaded database), then ANALYZEd."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from datalayer import cli
from datalayer.plans import baseline_path, check, explain_queries

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


@pytest.fixture
def loaded(database_url: str) -> str:
    load_fintech(database_url)
    return database_url


def test_committed_baselines_pass_and_regressions_fail(loaded: str) -> None:
    explained, rows = asyncio.run(explain_queries(loaded, "fintech"))
    assert len(explained) > 30 and all(e.error is None for e in explained), [
        e for e in explained if e.error
    ]
    baseline = json.loads(baseline_path("fintech").read_text())
    report = check("fintech", explained, rows, baseline, scale="1", large_rows=LARGE)
    assert report.ok, [f"{f.query}: {f.problem}" for f in report.findings]
    # through the command, as CI runs it
    assert cli.main(["explain", "--check", "--app", "fintech", "--scale", "1",
                     "--large-rows", str(LARGE), "--database-url", loaded]) == 0  # fmt: skip

    # a cost far over its baseline
    halved = {
        "scales": {"1": {q: {"cost": c["cost"] / 10} for q, c in baseline["scales"]["1"].items()}},
        "allow_seq_scan": baseline.get("allow_seq_scan", {}),
    }
    grown = check("fintech", explained, rows, halved, scale="1", large_rows=LARGE)
    assert any("its baseline" in f.problem for f in grown.findings)
    # no baseline at another scale
    missing = check("fintech", explained, rows, baseline, scale="100", large_rows=LARGE)
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

    dropped = asyncio.run(drop())
    assert dropped == ["transactions_account_id_created_at_idx"]
    explained, rows = asyncio.run(explain_queries(loaded, "fintech"))
    baseline = json.loads(baseline_path("fintech").read_text())
    report = check("fintech", explained, rows, baseline, scale="1", large_rows=LARGE)
    scans = [f for f in report.findings if "sequentially" in f.problem]
    assert any(f.query == "fintech.list_account_statement" for f in scans), report.findings
    assert cli.main(["explain", "--check", "--app", "fintech", "--scale", "1",
                     "--large-rows", str(LARGE), "--database-url", loaded]) == 1  # fmt: skip
