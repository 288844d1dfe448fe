"""With 100,000 evidence rows, the evidence searches use the trigram and full-text indexes and the
compliance overview uses the (user_id, framework_id) index: assertions on EXPLAIN plans, never on
timings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from datalayer import Database, load
from datalayer.queries import Connection

ROWS = 100_000
USERS = 50
ALL = ["not_started", "in_progress", "collected", "approved", "rejected"]

SEED = f"""
INSERT INTO compliance.users (email, hashed_password)
SELECT 'user' || n || '@example.com', '$2b$12$' || repeat('a', 53)
FROM generate_series(1, {USERS}) AS n;

INSERT INTO compliance.business_profiles (user_id, company_name)
SELECT id, 'Company of ' || email FROM compliance.users;

-- the five frameworks (gdpr, iso27001, soc2, hipaa, pci-dss) ship with migration 0030

WITH u AS (
    SELECT u.id, p.id AS profile_id, row_number() OVER (ORDER BY u.id) - 1 AS k
    FROM compliance.users AS u
    JOIN compliance.business_profiles AS p ON p.user_id = u.id
),
f AS (
    SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM compliance.compliance_frameworks
),
words AS (
    SELECT ARRAY['access', 'backup', 'firewall', 'encryption', 'training', 'vendor', 'incident',
                 'logging', 'retention', 'continuity', 'password', 'network'] AS w
)
INSERT INTO compliance.evidence_items (
    user_id, business_profile_id, framework_id, evidence_name, description, status, created_at
)
SELECT
    u.id,
    u.profile_id,
    f.id,
    initcap(words.w[1 + n % 12]) || ' ' || words.w[1 + (n / 12) % 12] || ' record ' || n
        || CASE WHEN n % 5000 = 7 THEN ' quasarscope' ELSE '' END,
    'Evidence about ' || words.w[1 + (n / 7) % 12] || ' and ' || words.w[1 + (n / 3) % 12]
        || CASE WHEN n % 5000 = 7 THEN ' zeppelinoid' ELSE '' END,
    (ARRAY['not_started', 'in_progress', 'collected', 'rejected'])[1 + n % 4],
    now() - n * interval '1 minute'
FROM generate_series(0, {ROWS - 1}) AS n
CROSS JOIN words
JOIN u ON u.k = n % {USERS}
JOIN f ON f.k = (n / {USERS}) % 5;
"""


def _nodes(plan: Any) -> Iterator[dict[str, Any]]:
    if isinstance(plan, dict):
        if "Node Type" in plan:
            yield plan
        for value in plan.values():
            yield from _nodes(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from _nodes(item)


async def _explain(conn: Connection, name: str, **params: Any) -> tuple[set[str], str]:
    """The indexes the plan of query ``name`` uses, and the plan (for failure messages)."""
    query = load("compliance")[name]
    raw = await conn.fetchval("EXPLAIN (FORMAT JSON) " + query.sql, *query.bind(params))
    plan = json.loads(raw) if isinstance(raw, str) else raw
    nodes = list(_nodes(plan))
    seq = {n.get("Relation Name") for n in nodes if n["Node Type"] == "Seq Scan"}
    assert "evidence_items" not in seq, f"{name} reads evidence_items sequentially: {plan}"
    return {n["Index Name"] for n in nodes if "Index Name" in n}, json.dumps(plan)


@pytest.mark.slow
async def test_plans_with_100k_evidence_rows(owner: Database, cdb: Database) -> None:
    async with owner.acquire() as conn:
        # seeding only: skip the audit trigger (100,000 audit rows would double the time); commit
        # synchronously (the test cluster runs synchronous_commit=off, and VACUUM cannot mark a
        # page all-visible before the inserting commit is flushed), so that the overview can be
        # an index-only scan as in production
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET synchronous_commit = on")
        await conn.execute(SEED)
        await conn.execute("RESET session_replication_role")
        await conn.execute("RESET synchronous_commit")
        await conn.execute("VACUUM ANALYZE compliance.evidence_items")
        visible = await conn.fetchval(
            "SELECT relallvisible::float / relpages FROM pg_class"
            " WHERE oid = 'compliance.evidence_items'::regclass"
        )
        assert await conn.fetchval("SELECT count(*) FROM compliance.evidence_items") == ROWS
        user_id = await conn.fetchval(
            "SELECT user_id FROM compliance.evidence_items WHERE evidence_name LIKE '%quasarscope'"
            " LIMIT 1"
        )
        page = {"before_created_at": None, "before_id": None, "max_rows": 20}

        indexes, plan = await _explain(
            conn, "list_evidence_by_name", user_id=user_id, statuses=ALL,
            name_contains="quasarscope", **page,
        )  # fmt: skip
        assert "evidence_items_evidence_name_trgm_idx" in indexes, plan

        indexes, plan = await _explain(
            conn, "list_evidence_by_text", user_id=user_id, statuses=["not_started", "collected"],
            search_text="zeppelinoid", **page,
        )  # fmt: skip
        assert "evidence_items_search_vector_idx" in indexes, plan

        indexes, plan = await _explain(conn, "list_compliance_overview", user_id=user_id)
        assert visible == 1.0
        assert "evidence_items_user_id_framework_id_idx" in indexes, plan

    # as the service: compliance_app under row-level security. The policy's user_id =
    # core.current_user_id() joins the query's user_id = $1, and the planner may then prefer the
    # user's rows by (user_id, status) over the trigram or full-text index; either way no query
    # reads evidence_items sequentially (_explain checks), and the results are the same.
    async with cdb.transaction(user_id=user_id) as conn:
        await _explain(
            conn, "list_evidence_by_name", user_id=user_id, statuses=ALL,
            name_contains="quasarscope", **page,
        )  # fmt: skip
        await _explain(
            conn, "list_evidence_by_text", user_id=user_id, statuses=["not_started", "collected"],
            search_text="zeppelinoid", **page,
        )  # fmt: skip
        await _explain(conn, "list_compliance_overview", user_id=user_id)

        # and the queries return what the plans promise
        rows = await conn.fetch(
            load("compliance")["list_evidence_by_name"].sql,
            *load("compliance")["list_evidence_by_name"].bind(
                {"user_id": user_id, "statuses": ALL, "name_contains": "QUASARSCOPE", **page}
            ),
        )
        assert rows and all("quasarscope" in r["evidence_name"] for r in rows)
        assert [r["created_at"] for r in rows] == sorted(
            (r["created_at"] for r in rows), reverse=True
        )
