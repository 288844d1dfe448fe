"""Statistics and metrics against a Python reference: weekly discrepancy trends by severity,
success rate per technology pair, result statistics, and the daily metrics refresh."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from validation_support import (
    ALICE,
    backdate,
    finish_session,
    make_discrepancy,
    make_result,
    make_session,
)

from datalayer import Database, errors, validation

PAIRS = [("php", "python"), ("java", "go"), ("cobol", "java")]
STATUSES = ["pending", "processing", "completed", "failed", "cancelled"]
BASE = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


async def _random_history(
    vdb: Database, owner_db: Database, seed: int
) -> dict[str, list[dict[str, object]]]:
    rng = random.Random(seed)
    sessions: list[dict[str, object]] = []
    discrepancies: list[dict[str, object]] = []
    session_ids, session_days, disc_ids, disc_days = [], [], [], []
    async with vdb.transaction(user_id=ALICE) as conn:
        for _ in range(60):
            source, target = rng.choice(PAIRS)
            s = await make_session(conn, source_technology=source, target_technology=target)
            status = rng.choice(STATUSES)
            await finish_session(conn, s.id, status)
            created = BASE + timedelta(days=rng.randint(0, 27), minutes=rng.randint(0, 1439))
            session_ids.append(s.id)
            session_days.append(created)
            deleted = rng.random() < 0.15
            row: dict[str, object] = {
                "id": s.id,
                "pair": (source, target),
                "status": status,
                "created_at": created,
                "deleted": deleted,
                "fidelity": None,
                "ms": None,
                "severities": [],
            }
            if status == "completed":
                fidelity = Decimal(rng.randint(0, 10000)) / 10000
                ms = rng.randint(10, 5000)
                result = await make_result(
                    conn,
                    s.id,
                    fidelity=str(fidelity),
                    execution_time_ms=ms,
                    overall_status=rng.choice(
                        ["approved", "approved_with_warnings", "rejected", "error"]
                    ),
                )
                row.update(fidelity=fidelity, ms=ms, overall=result.overall_status)
                for _ in range(rng.randint(0, 4)):
                    severity = rng.choice(["critical", "warning", "info"])
                    d = await make_discrepancy(conn, result.id, severity)
                    when = created + timedelta(hours=rng.randint(0, 100))
                    disc_ids.append(d.id)
                    disc_days.append(when)
                    row["severities"].append(severity)  # type: ignore[attr-defined]
                    discrepancies.append(
                        {"severity": severity, "created_at": when, "deleted": deleted}
                    )
            if deleted:
                await validation.update_session_soft_deleted(conn, session_id=s.id, deleted_by="t")
            sessions.append(row)
    async with owner_db.transaction() as conn:
        await backdate(conn, "validation_sessions", session_ids, session_days)
        await backdate(conn, "discrepancies", disc_ids, disc_days)
    return {"sessions": sessions, "discrepancies": discrepancies}


async def test_statistics_match_the_reference(
    vdb: Database, owner_db: Database, readonly_db: Database
) -> None:
    data = await _random_history(vdb, owner_db, 7)
    live = [s for s in data["sessions"] if not s["deleted"]]
    since = BASE + timedelta(days=7)
    async with readonly_db.transaction() as conn:
        trends = await validation.list_discrepancy_trends(
            conn, created_from=BASE, created_to=BASE + timedelta(days=35)
        )
        want_trends = Counter(
            ((d["created_at"] - timedelta(days=d["created_at"].weekday())).date(), d["severity"])  # type: ignore[operator, union-attr]
            for d in data["discrepancies"]
            if not d["deleted"]
        )
        assert {(t.week_start, t.severity): t.discrepancies for t in trends} == dict(want_trends)
        assert all(t.week_start.weekday() == 0 for t in trends)
        assert sum(t.discrepancies for t in trends) > 0

        rates = await validation.list_success_rates_by_technology(conn, created_from=since)
        finished = [
            s
            for s in live
            if s["status"] in ("completed", "failed", "cancelled") and s["created_at"] >= since
        ]  # type: ignore[operator]
        want_rates = {}
        for pair in {s["pair"] for s in finished}:
            group = [s for s in finished if s["pair"] == pair]
            done = sum(s["status"] == "completed" for s in group)
            want_rates[pair] = (len(group), done, round(Decimal(done) / len(group), 4))
        assert {
            (r.source_technology, r.target_technology): (
                r.finished_sessions,
                r.completed_sessions,
                r.success_rate,
            )
            for r in rates
        } == want_rates
        assert [r.finished_sessions for r in rates] == sorted(
            (r.finished_sessions for r in rates), reverse=True
        )
        for r in rates:
            assert (
                r.completed_sessions + r.failed_sessions + r.cancelled_sessions
                == r.finished_sessions
            )

        stats = await validation.get_result_statistics(conn, created_from=None)
        scored = [s for s in live if s["fidelity"] is not None]
        assert stats.results == len(scored) > 0
        scores = [s["fidelity"] for s in scored]
        assert stats.min_fidelity_score == min(scores)  # type: ignore[type-var]
        assert stats.max_fidelity_score == max(scores)  # type: ignore[type-var]
        assert stats.avg_fidelity_score == round(sum(scores) / len(scores), 4)  # type: ignore[arg-type]
        assert stats.median_fidelity_score == round(
            Decimal(statistics.median(float(x) for x in scores)), 4
        )  # type: ignore[arg-type]
        assert (
            stats.approved + stats.approved_with_warnings + stats.rejected + stats.errored
            == stats.results
        )
        assert stats.approved == sum(s.get("overall") == "approved" for s in scored)


async def test_metrics_refresh_matches_the_reference(
    vdb: Database, owner_db: Database, worker_db: Database
) -> None:
    data = await _random_history(vdb, owner_db, 11)
    live = [s for s in data["sessions"] if not s["deleted"]]
    first, last = BASE.date(), (BASE + timedelta(days=27)).date()
    async with worker_db.transaction() as conn:
        assert await validation.list_validation_metrics(conn, from_day=first, to_day=last) == []
        written = await validation.update_validation_metrics(conn, from_day=first, to_day=last)
        metrics = await validation.list_validation_metrics(conn, from_day=first, to_day=last)
    assert written == len(metrics) > 0
    want: dict[tuple[date, str, str], dict[str, object]] = {}
    for s in live:
        key = (s["created_at"].date(), *s["pair"])  # type: ignore[attr-defined]
        m = want.setdefault(
            key,
            {"total": 0, "completed": 0, "failed": 0, "cancelled": 0, "scores": [], "critical": 0},
        )
        m["total"] += 1  # type: ignore[operator]
        if s["status"] in ("completed", "failed", "cancelled"):
            m[s["status"]] += 1  # type: ignore[index, operator]
        if s["fidelity"] is not None:
            m["scores"].append(s["fidelity"])  # type: ignore[attr-defined]
        m["critical"] += s["severities"].count("critical")  # type: ignore[attr-defined, operator]
    got = {(m.metric_date, m.source_technology, m.target_technology): m for m in metrics}
    assert set(got) == set(want)
    for key, w in want.items():
        m = got[key]
        assert (
            m.total_sessions,
            m.completed_sessions,
            m.failed_sessions,
            m.cancelled_sessions,
        ) == (w["total"], w["completed"], w["failed"], w["cancelled"])
        scores = w["scores"]
        assert m.avg_fidelity_score == (round(sum(scores) / len(scores), 4) if scores else None)  # type: ignore[arg-type]
        assert m.critical_discrepancies == w["critical"]

    # Soft-deleting every session of one day and refreshing again removes that day's rows; other
    # days are untouched; a range without sessions writes nothing.
    day = next(iter(want))[0]
    async with vdb.transaction(user_id=ALICE) as conn:
        for s in live:
            if s["created_at"].date() == day:  # type: ignore[attr-defined]
                await validation.update_session_soft_deleted(
                    conn, session_id=s["id"], deleted_by="t"
                )  # type: ignore[arg-type]
    async with worker_db.transaction() as conn:
        await validation.update_validation_metrics(conn, from_day=day, to_day=day)
        after = await validation.list_validation_metrics(conn, from_day=first, to_day=last)
        assert {m.metric_date for m in after} == {k[0] for k in want} - {day}
        assert (
            await validation.update_validation_metrics(
                conn, from_day=date(2020, 1, 1), to_day=date(2020, 1, 31)
            )
            == 0
        )


async def test_metrics_refresh_refuses_a_reversed_range(worker_db: Database) -> None:
    with pytest.raises(errors.DataError) as info:
        async with worker_db.transaction() as conn:
            await validation.update_validation_metrics(
                conn, from_day=date(2026, 2, 1), to_day=date(2026, 1, 1)
            )
    assert info.value.sqlstate == "22023"


async def test_statistics_on_an_empty_schema(readonly_db: Database) -> None:
    async with readonly_db.transaction() as conn:
        assert await validation.list_session_status_counts(conn) == []
        assert await validation.list_success_rates_by_technology(conn, created_from=None) == []
        stats = await validation.get_result_statistics(conn, created_from=None)
        assert stats.results == 0 and stats.median_fidelity_score is None
        assert stats.avg_execution_time_ms is None
        assert (
            await validation.list_discrepancy_trends(
                conn, created_from=BASE, created_to=BASE + timedelta(days=7)
            )
            == []
        )
