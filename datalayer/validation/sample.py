"""Sample data for validation (``datalayer sample --app validation``): validation sessions of a few
busy owners, shared with colleagues, their processing logs, results with discrepancies,
behavioral test results and the daily metrics they add up to.

Sessions must start ``pending`` (a trigger enforces the status machine), so they are copied as
pending and then moved through ``processing`` to their final state with two set-based UPDATEs,
as the service would; ``updated_at`` of those rows is therefore the load's transaction time.
One function per table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from datalayer.admin.sample import EPOCH, Sample

TABLES = (
    "validation.validation_sessions",
    "validation.session_shares",
    "validation.session_logs",
    "validation.validation_results",
    "validation.discrepancies",
    "validation.behavioral_test_results",
    "validation.validation_metrics",
)

SESSIONS_PER_SCALE = 60
OWNERS_PER_SCALE = 12
PAIRS = {("angularjs", "react"): 0.3, ("django", "fastapi"): 0.25, ("jquery", "vue"): 0.15,
         ("php", "node"): 0.15, ("struts", "spring-boot"): 0.15}  # fmt: skip
SCOPES = {"full_system": 0.2, "ui_layout": 0.2, "backend_functionality": 0.2,
          "data_structure": 0.1, "api_endpoints": 0.15, "business_logic": 0.1,
          "behavioral_validation": 0.05}  # fmt: skip
FINAL = {"completed": 0.75, "failed": 0.1, "cancelled": 0.05, "processing": 0.05, "pending": 0.05}
Row = tuple[object, ...]


def plan(scale: int) -> dict[str, int]:
    sessions = SESSIONS_PER_SCALE * scale
    return {
        "validation.validation_sessions": sessions,
        "validation.session_shares": sessions // 3,
        "validation.session_logs": sessions * 6,
        "validation.validation_results": sessions * 8 // 10,
        "validation.discrepancies": sessions * 3,
        "validation.behavioral_test_results": sessions,
        "validation.validation_metrics": sessions // 2,
    }


def sessions(sample: Sample) -> tuple[list[Row], list[Row]]:
    """The pending rows to copy, and each one's final state (status, times, outcome)."""
    owners = [sample.uuid(sample.moment(days=700)) for _ in range(OWNERS_PER_SCALE * sample.scale)]
    rows: list[Row] = []
    finals: list[Row] = []
    for i in range(SESSIONS_PER_SCALE * sample.scale):
        at = sample.moment(days=180)
        source, target = sample.pick(PAIRS)
        scope = "behavioral_validation" if i % 7 == 0 else sample.pick(SCOPES)
        session_id = sample.uuid(at)
        # No soft-deleted sessions: every time here lies before EPOCH, so a deleted one would be
        # past its retention window already, an expired soft delete that `datalayer check` reports.
        rows.append((
            session_id, f"req-{i:07d}", sample.skewed(owners), "pending", source, target, scope,
            {"files": sample.rng.randint(1, 400)}, None,
            {"team": sample.rng.choice(["web", "platform", "payments"])} if sample.rng.random() < 0.5 else {},
            None, None, None, None, None, at, at,
        ))  # fmt: skip
        status = sample.pick(FINAL)
        started = None if status in ("pending",) else sample.later(at, hours=1)
        if status == "cancelled" and sample.rng.random() < 0.5:
            started = None
        finished = None
        if status in ("completed", "failed", "cancelled"):
            finished = sample.later(started or at, hours=2)
        finals.append((
            session_id, status, started, finished,
            {"verdict": "ok"} if status == "completed" else None,
            "renderer crashed on page 3" if status == "failed" else None,
        ))  # fmt: skip
    return rows, finals


def session_shares(sample: Sample, rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for row in rows:
        if sample.rng.random() > 0.3:
            continue
        at = sample.later(row[15], hours=48)  # type: ignore[arg-type]
        for _ in range(sample.count(0.5, low=1, high=3)):
            out.append((sample.uuid(at), row[0], sample.uuid(at),
                        sample.pick({"read": 0.8, "write": 0.2}), f"owner {row[2]}", at, at))  # fmt: skip
    return out


def session_logs(sample: Sample, finals: list[Row], rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for final, row in zip(finals, rows, strict=True):
        when = row[15]
        assert isinstance(when, datetime)
        for k in range(sample.count(5.0, low=1, high=60)):
            when = sample.later(when, hours=0.1)
            level = sample.pick({"debug": 0.3, "info": 0.55, "warning": 0.1, "error": 0.05})
            out.append((sample.uuid(when), final[0], level, f"step {k + 1}: {level}",
                        sample.maybe({"step": k + 1}, 0.6), when))  # fmt: skip
    return out


def results_and_discrepancies(sample: Sample, finals: list[Row]) -> tuple[list[Row], list[Row]]:
    results: list[Row] = []
    found: list[Row] = []
    for final in finals:
        if final[1] != "completed":
            continue
        at = final[3]
        assert isinstance(at, datetime)
        score = Decimal(str(round(sample.rng.betavariate(6, 1.5), 4)))
        status = ("approved" if score > Decimal("0.9") else "approved_with_warnings"
                  if score > Decimal("0.7") else "rejected")  # fmt: skip
        result_id = sample.uuid(at)
        results.append((result_id, final[0], status, score, f"fidelity {score}",
                        sample.rng.randint(500, 600_000), at, at))  # fmt: skip
        for _ in range(sample.count(4.0 * float(1 - score) * 5, high=30)):
            found.append((
                sample.uuid(at), result_id,
                sample.rng.choice(["missing_element", "style_mismatch", "behavior_change"]),
                sample.pick({"critical": 0.1, "warning": 0.5, "info": 0.4}),
                "The target differs from the source", sample.maybe("header", 0.4),
                sample.maybe("#nav", 0.5), sample.maybe("nav.main", 0.5),
                sample.maybe("align the spacing", 0.5),
                sample.maybe(Decimal(str(round(sample.rng.random(), 4))), 0.2), at, at,
            ))  # fmt: skip
    return results, found


def behavioral_test_results(sample: Sample, finals: list[Row], rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for final, row in zip(finals, rows, strict=True):
        if row[6] != "behavioral_validation" or final[2] is None:
            continue
        when = final[2]
        assert isinstance(when, datetime)
        for k in range(sample.rng.randint(2, 12)):
            end = sample.later(when, hours=0.05)
            status = sample.pick({"passed": 0.8, "failed": 0.12, "error": 0.03, "skipped": 0.05})
            out.append((
                sample.uuid(when), final[0], f"scenario {k + 1}", status, when, end,
                {"steps": sample.rng.randint(1, 20)},
                "assertion failed" if status in ("failed", "error") else None, when, when,
            ))  # fmt: skip
            when = end
    return out


def validation_metrics(sample: Sample, rows: list[Row], finals: list[Row],
                       found: list[Row], results: list[Row]) -> list[Row]:  # fmt: skip
    """Per day and technology pair, what the sessions of that day add up to."""
    by_result = {r[0]: r[1] for r in results}
    severities: dict[object, dict[object, int]] = {}
    for d in found:
        session = by_result[d[1]]
        counts = severities.setdefault(session, {})
        counts[d[3]] = counts.get(d[3], 0) + 1
    days: dict[tuple[object, ...], list[int]] = {}
    scores: dict[tuple[object, ...], list[Decimal]] = {}
    fidelity = {r[1]: r[3] for r in results}
    for row, final in zip(rows, finals, strict=True):
        created = row[15]
        assert isinstance(created, datetime)
        key = (created.date(), row[4], row[5])
        c = days.setdefault(key, [0] * 7)
        c[0] += 1
        c[1] += final[1] == "completed"
        c[2] += final[1] == "failed"
        c[3] += final[1] == "cancelled"
        for j, level in enumerate(("critical", "warning", "info"), start=4):
            c[j] += severities.get(row[0], {}).get(level, 0)
        if row[0] in fidelity:
            score = fidelity[row[0]]
            assert isinstance(score, Decimal)
            scores.setdefault(key, []).append(score)
    out: list[Row] = []
    for day in sorted(days, key=lambda k: (str(k[0]), str(k[1]), str(k[2]))):
        c, s = days[day], scores.get(day, [])
        avg = (sum(s, Decimal(0)) / len(s)).quantize(Decimal("0.0001")) if s else None
        out.append((sample.uuid(EPOCH), *day, c[0], c[1], c[2], c[3], avg,
                    Decimal(sample.rng.randint(1000, 90000)) if s else None, c[4], c[5], c[6],
                    EPOCH, EPOCH, EPOCH))  # fmt: skip
    return out


async def _finish(sample: Sample, finals: list[Row]) -> None:
    """pending -> processing -> final state, set-based, through the status machine."""
    conn = sample.conn
    await conn.execute(
        "CREATE TEMP TABLE sample_session_final (id uuid, status text, started_at timestamptz,"
        " finished_at timestamptz, response_data jsonb, error_message text) ON COMMIT DROP"
    )
    await conn.copy_records_to_table(
        "sample_session_final",
        records=finals,
        columns=["id", "status", "started_at", "finished_at", "response_data", "error_message"],
    )
    await conn.execute(
        "UPDATE validation.validation_sessions s SET status = 'processing', started_at = f.started_at"
        " FROM sample_session_final f WHERE f.id = s.id AND f.started_at IS NOT NULL"
    )
    await conn.execute(
        "UPDATE validation.validation_sessions s SET status = f.status, finished_at = f.finished_at,"
        " response_data = f.response_data, error_message = f.error_message"
        " FROM sample_session_final f WHERE f.id = s.id"
        " AND f.status IN ('completed', 'failed', 'cancelled')"
    )


async def load(sample: Sample) -> None:
    rows, finals = sessions(sample)
    results, found = results_and_discrepancies(sample, finals)
    await sample.copy(
        "validation.validation_sessions",
        ["id", "request_id", "owner_id", "status", "source_technology", "target_technology",
         "scope", "request_data", "response_data", "user_context", "error_message",
         "started_at", "finished_at", "deleted_at", "deleted_by", "created_at", "updated_at"],
        rows,
    )  # fmt: skip
    await _finish(sample, finals)
    await sample.copy(
        "validation.session_shares",
        ["id", "session_id", "grantee_id", "permission", "granted_by", "created_at",
         "updated_at"],
        session_shares(sample, rows),
    )  # fmt: skip
    await sample.copy(
        "validation.session_logs",
        ["id", "session_id", "level", "message", "details", "logged_at"],
        session_logs(sample, finals, rows),
    )  # fmt: skip
    await sample.copy(
        "validation.validation_results",
        ["id", "session_id", "overall_status", "fidelity_score", "summary",
         "execution_time_ms", "created_at", "updated_at"],
        results,
    )  # fmt: skip
    await sample.copy(
        "validation.discrepancies",
        ["id", "result_id", "discrepancy_type", "severity", "description", "component",
         "source_element", "target_element", "recommendation", "confidence", "created_at",
         "updated_at"],
        found,
    )  # fmt: skip
    await sample.copy(
        "validation.behavioral_test_results",
        ["id", "session_id", "scenario_name", "status", "started_at", "finished_at",
         "details", "error_message", "created_at", "updated_at"],
        behavioral_test_results(sample, finals, rows),
    )  # fmt: skip
    await sample.copy(
        "validation.validation_metrics",
        ["id", "metric_date", "source_technology", "target_technology", "total_sessions",
         "completed_sessions", "failed_sessions", "cancelled_sessions", "avg_fidelity_score",
         "avg_execution_time_ms", "critical_discrepancies", "warning_discrepancies",
         "info_discrepancies", "refreshed_at", "created_at", "updated_at"],
        validation_metrics(sample, rows, finals, found, results),
    )  # fmt: skip
