"""A business profile with its assessment sessions and evidence (ruleIQ's eager load), five ways,
interleaved in one run:

* typed: ``compliance.get_business_profile_with_activity`` (one statement, the two lists
  aggregated as JSON in SQL, parsed into nested pydantic models);
* typed set-based: ``get_business_profile_by_id``, ``list_assessment_sessions_by_profile`` and
  ``list_evidence_items_by_profile`` (three statements, flat models);
* raw one statement: the same SQL through asyncpg, rows left as records and decoded JSON;
* raw set-based: three asyncpg statements (the profile, its sessions, its evidence);
* raw N+1: the profile, the children's ids, then one statement per child (the lazy-load shape).

    python bench/nested.py [--sessions 20] [--evidence 100] [--calls 500] [--rounds 5]

Runs against DATABASE_URL's server in a scratch database it migrates with core and compliance and
drops afterwards, connected as the superuser (row-level security bypassed for every variant
alike). Reports wall time per call in µs (median over rounds, min-max) and the ratio to the typed
call.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

from datalayer import Database, compliance, load, migrate
from datalayer.migrate import scratch_database
from datalayer.settings import Settings
from datalayer.urls import resolve_url

BCRYPT = "$2b$12$" + "a" * 53

PROFILE_SQL = """
SELECT id, user_id, company_name, industry, employee_count, handles_personal_data,
    processes_payments, stores_health_data, provides_financial_services,
    operates_critical_infrastructure, has_international_operations, data_sensitivity,
    created_at, updated_at
FROM compliance.business_profiles WHERE id = $1 AND user_id = $2
"""
SESSIONS_SQL = """
SELECT id, framework_id, session_name, status, questions_answered, progress_percentage,
    completed_at, created_at, updated_at
FROM compliance.assessment_sessions WHERE business_profile_id = $1 AND user_id = $2
ORDER BY created_at, id
"""
EVIDENCE_SQL = """
SELECT id, framework_id, evidence_name, description, control_reference, file_path, file_type,
    file_size, status, priority, approved_at, approved_by, ai_metadata, created_at, updated_at
FROM compliance.evidence_items WHERE business_profile_id = $1 AND user_id = $2
ORDER BY created_at DESC, id DESC
"""


async def seed(db: Database, sessions: int, evidence: int) -> tuple[UUID, UUID]:
    async with db.transaction() as c:
        framework = await compliance.create_framework(
            c, code="iso27001", name="ISO 27001", version="2022", category="security",
            description=None,
        )  # fmt: skip
        user = await compliance.create_user(c, email="bench@example.com", hashed_password=BCRYPT)
        assert user is not None
        profile = await compliance.create_business_profile(
            c, user_id=user.id, company_name="Acme", industry="software", employee_count=40,
            handles_personal_data=True, processes_payments=False, stores_health_data=False,
            provides_financial_services=False, operates_critical_infrastructure=False,
            has_international_operations=True, data_sensitivity="High",
        )  # fmt: skip
        await c.execute(
            "INSERT INTO compliance.assessment_sessions (user_id, business_profile_id,"
            " framework_id, session_name, questions_answered)"
            " SELECT $1, $2, $3, 'session ' || n, jsonb_build_object('q1', n, 'q2', 'yes')"
            " FROM generate_series(1, $4) AS n",
            user.id, profile.id, framework.id, sessions,
        )  # fmt: skip
        await c.execute(
            "INSERT INTO compliance.evidence_items (user_id, business_profile_id, framework_id,"
            " evidence_name, description, control_reference, ai_metadata)"
            " SELECT $1, $2, $3, 'Evidence ' || n, 'What evidence ' || n || ' shows.',"
            " 'A.5.' || n, jsonb_build_object('score', n)"
            " FROM generate_series(1, $4) AS n",
            user.id, profile.id, framework.id, evidence,
        )  # fmt: skip
    return user.id, profile.id


async def measure(call: Callable[[], Awaitable[object]], calls: int) -> float:
    for _ in range(20):
        await call()
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls * 1e6


async def main(sessions: int, evidence: int, calls: int, rounds: int) -> None:
    with scratch_database(resolve_url(None), suffix="_nested") as url:
        migrate.apply(url, apps=["compliance"], quiet=True)
        db = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
        try:
            uid, pid = await seed(db, sessions, evidence)
            one_sql = load("compliance")["get_business_profile_with_activity"].sql

            async def typed() -> object:
                async with db.acquire() as c:
                    row = await compliance.get_business_profile_with_activity(
                        c,
                        business_profile_id=pid,
                        user_id=uid,
                    )
                assert row is not None and len(row.evidence_items) == evidence
                return row

            async def typed_set_based() -> object:
                async with db.acquire() as c:
                    profile = await compliance.get_business_profile_by_id(
                        c, business_profile_id=pid, user_id=uid
                    )
                    sessions_ = await compliance.list_assessment_sessions_by_profile(
                        c, business_profile_id=pid, user_id=uid
                    )
                    items = await compliance.list_evidence_items_by_profile(
                        c, business_profile_id=pid, user_id=uid
                    )
                assert profile is not None and len(items) == evidence
                return profile, sessions_, items

            async def raw_one() -> object:
                async with db.acquire() as c:
                    row = await c.fetchrow(one_sql, pid, uid)
                assert row is not None and len(row["evidence_items"]) == evidence
                return row

            async def raw_set_based() -> object:
                async with db.acquire() as c:
                    profile = await c.fetchrow(PROFILE_SQL, pid, uid)
                    children = (
                        await c.fetch(SESSIONS_SQL, pid, uid),
                        await c.fetch(EVIDENCE_SQL, pid, uid),
                    )
                assert profile is not None and len(children[1]) == evidence
                return profile, children

            async def raw_n_plus_one() -> object:
                async with db.acquire() as c:
                    profile = await c.fetchrow(PROFILE_SQL, pid, uid)
                    sids = await c.fetch(
                        "SELECT id FROM compliance.assessment_sessions"
                        " WHERE business_profile_id = $1 ORDER BY created_at, id",
                        pid,
                    )
                    eids = await c.fetch(
                        "SELECT id FROM compliance.evidence_items"
                        " WHERE business_profile_id = $1 ORDER BY created_at DESC, id DESC",
                        pid,
                    )
                    rows = [
                        await c.fetchrow(
                            SESSIONS_SQL.replace("business_profile_id = $1", "id = $1"),
                            r["id"],
                            uid,
                        )
                        for r in sids
                    ] + [
                        await c.fetchrow(
                            EVIDENCE_SQL.replace("business_profile_id = $1", "id = $1"),
                            r["id"],
                            uid,
                        )
                        for r in eids
                    ]
                assert profile is not None and len(rows) == sessions + evidence
                return profile, rows

            cases = {
                "typed, one statement": typed,
                "typed, 3 set-based statements": typed_set_based,
                "raw asyncpg, one statement": raw_one,
                "raw asyncpg, 3 set-based statements": raw_set_based,
                "raw asyncpg, N+1 statements": raw_n_plus_one,
            }
            results: dict[str, list[float]] = {k: [] for k in cases}
            order = list(cases)
            for r in range(rounds):
                for key in order[r % len(order) :] + order[: r % len(order)]:
                    results[key].append(await measure(cases[key], calls))
        finally:
            await db.close()

    base = statistics.median(results["typed, one statement"])
    print(
        f"profile with {sessions} sessions and {evidence} evidence items; calls per round: "
        f"{calls}, rounds: {rounds} (interleaved); µs per call, median (min-max)"
    )
    for key, values in results.items():
        median = statistics.median(values)
        print(
            f"  {key:38s} {median:9.1f} ({min(values):.1f}-{max(values):.1f})"
            f"  x{median / base:.2f} of typed"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--evidence", type=int, default=100)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.evidence, args.calls, args.rounds))
