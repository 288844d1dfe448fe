"""Sample data for compliance (``datalayer sample --app compliance``): users with business
profiles, assessments against the shipped frameworks (migration 0030), evidence, generated
policies, implementation plans, readiness scores, chats, integrations and report schedules.

The frameworks are reference data read from the database (ordered by code, so the same seed
gives the same rows everywhere). One function per table.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from datalayer.admin.sample import EPOCH, Sample

TABLES = (
    "compliance.users",
    "compliance.business_profiles",
    "compliance.assessment_sessions",
    "compliance.evidence_items",
    "compliance.generated_policies",
    "compliance.implementation_plans",
    "compliance.readiness_assessments",
    "compliance.chat_conversations",
    "compliance.integration_configurations",
    "compliance.report_schedules",
)

USERS_PER_SCALE = 20
INDUSTRIES = ["Software", "Healthcare", "Retail", "Financial services", "Logistics", "Education"]
Row = tuple[object, ...]


def plan(scale: int) -> dict[str, int]:
    users = USERS_PER_SCALE * scale
    return {
        "compliance.users": users,
        "compliance.business_profiles": users * 3 // 2,
        "compliance.assessment_sessions": users * 3,
        "compliance.evidence_items": users * 15,
        "compliance.generated_policies": users * 3,
        "compliance.implementation_plans": users * 2,
        "compliance.readiness_assessments": users * 3,
        "compliance.chat_conversations": users * 2,
        "compliance.integration_configurations": users,
        "compliance.report_schedules": users,
    }


def users(sample: Sample) -> list[Row]:
    rows: list[Row] = []
    for i in range(USERS_PER_SCALE * sample.scale):
        at = sample.moment(days=540)
        rows.append((sample.uuid(at), f"owner{i:05d}@company{i % 97}.example.com",
                     sample.password_hash(), sample.rng.random() > 0.05, i == 0, at, at))  # fmt: skip
    return rows


def business_profiles(sample: Sample, people: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for i in range(len(people) * 3 // 2):
        owner = people[i] if i < len(people) else sample.skewed(people)
        at = sample.moment(after=owner[5])  # type: ignore[arg-type]
        industry = sample.maybe(sample.rng.choice(INDUSTRIES), 0.1)
        flags = [sample.rng.random() < p for p in (0.8, 0.4, 0.15, 0.2, 0.05, 0.35)]
        if industry == "Healthcare":
            flags[2] = True
        rows.append((
            sample.uuid(at), owner[0], f"Company {i} Ltd", industry,
            sample.maybe(int(sample.rng.paretovariate(1.2) * 5), 0.15), *flags,
            sample.pick({"Low": 0.2, "Medium": 0.45, "High": 0.3, "Critical": 0.05}), at, at,
        ))  # fmt: skip
    return rows


def _links(sample: Sample, profiles: list[Row], frameworks: list[UUID], n: int):  # type: ignore[no-untyped-def]
    """(profile, framework, time) triples, busy profiles more often."""
    for _ in range(n):
        profile = sample.skewed(profiles)
        at = sample.moment(after=profile[12])  # type: ignore[arg-type]
        yield profile, sample.rng.choice(frameworks), at


def assessment_sessions(sample: Sample, profiles: list[Row], fw: list[UUID]) -> list[Row]:
    rows: list[Row] = []
    for profile, framework, at in _links(sample, profiles, fw, len(profiles) * 2):
        status = sample.pick({"not_started": 0.15, "in_progress": 0.4, "completed": 0.35,
                              "abandoned": 0.1})  # fmt: skip
        answered = {f"q{k}": sample.rng.choice(["yes", "no", "partly"])
                    for k in range(sample.rng.randint(0, 30) if status != "not_started" else 0)}  # fmt: skip
        progress = Decimal(100) if status == "completed" else Decimal(min(len(answered) * 3, 99))
        rows.append((
            sample.uuid(at), profile[1], profile[0], framework,
            sample.maybe(f"Assessment {at:%Y-%m}", 0.3), status, answered, progress,
            sample.later(at, hours=24 * 14) if status == "completed" else None, at, at,
        ))  # fmt: skip
    return rows


def evidence_items(sample: Sample, profiles: list[Row], fw: list[UUID]) -> list[Row]:
    rows: list[Row] = []
    for profile, framework, at in _links(sample, profiles, fw, len(profiles) * 10):
        status = sample.pick({"not_started": 0.2, "in_progress": 0.25, "collected": 0.3,
                              "approved": 0.2, "rejected": 0.05})  # fmt: skip
        has_file = status in ("collected", "approved") or sample.rng.random() < 0.2
        kind = sample.rng.choice(["pdf", "png", "docx", "xlsx"])
        approved = sample.later(at, hours=24 * 10) if status == "approved" else None
        rows.append((
            sample.uuid(at), profile[1], profile[0], framework,
            sample.rng.choice(["Access review", "Backup test", "Incident log", "Training record",
                               "Vendor assessment", "Encryption policy"]),
            sample.maybe("Collected for the annual audit", 0.4),
            sample.maybe(f"A.{sample.rng.randint(5, 8)}.{sample.rng.randint(1, 34)}", 0.3),
            f"evidence/{profile[0]}/{len(rows)}.{kind}" if has_file else None,
            kind if has_file else None,
            sample.rng.randint(2_000, 9_000_000) if has_file else None, status,
            sample.pick({"low": 0.2, "medium": 0.5, "high": 0.25, "critical": 0.05}),
            approved, profile[1] if approved else None,
            {"confidence": round(sample.rng.random(), 2)} if sample.rng.random() < 0.3 else {},
            at, approved or at,
        ))  # fmt: skip
    return rows


def generated_policies(sample: Sample, profiles: list[Row], fw: list[UUID]) -> list[Row]:
    rows: list[Row] = []
    versions: dict[tuple[object, str], int] = {}
    for profile, framework, at in _links(sample, profiles, fw, len(profiles) * 2):
        name = sample.rng.choice(["Information Security Policy", "Data Retention Policy",
                                  "Access Control Policy", "Incident Response Plan"])  # fmt: skip
        version = versions[(profile[0], name)] = versions.get((profile[0], name), 0) + 1
        status = sample.pick({"draft": 0.4, "under_review": 0.2, "approved": 0.3,
                              "archived": 0.1})  # fmt: skip
        approved = sample.later(at, hours=24 * 7) if status == "approved" else None
        rows.append((
            sample.uuid(at), profile[1], profile[0], framework, name,
            name.lower().replace(" ", "_"), version, status,
            f"# {name}\n\nVersion {version}. Scope: all staff and systems of {profile[2]}.",
            approved, profile[1] if approved else None, at, approved or at,
        ))  # fmt: skip
    return rows


def implementation_plans(sample: Sample, profiles: list[Row], fw: list[UUID]) -> list[Row]:
    rows: list[Row] = []
    for profile, framework, at in _links(sample, profiles, fw, len(profiles) * 4 // 3):
        phases = [
            {"name": f"Phase {p + 1}",
             "tasks": [{"title": f"Task {p + 1}.{t + 1}",
                        "status": sample.pick({"not_started": 0.4, "in_progress": 0.3,
                                               "completed": 0.3})}
                       for t in range(sample.rng.randint(1, 5))]}
            for p in range(sample.rng.randint(1, 4))
        ]  # fmt: skip
        start = sample.maybe(date(at.year, at.month, 1), 0.3)
        end = start + timedelta(days=sample.rng.randint(30, 365)) if start else None
        rows.append((
            sample.uuid(at), profile[1], profile[0], framework, f"Roadmap {at:%Y-%m}",
            sample.pick({"not_started": 0.2, "in_progress": 0.5, "completed": 0.2,
                         "on_hold": 0.1}),
            phases, start, sample.maybe(end, 0.2) if end else None, at, at,
        ))  # fmt: skip
    return rows


def readiness_assessments(sample: Sample, profiles: list[Row], fw: list[UUID]) -> list[Row]:
    rows: list[Row] = []
    for profile, framework, at in _links(sample, profiles, fw, len(profiles) * 2):
        score = Decimal(str(round(sample.rng.betavariate(4, 2) * 100, 2)))
        risk = (
            "low"
            if score >= 80
            else "medium"
            if score >= 60
            else "high"
            if score >= 35
            else "critical"
        )
        rows.append((
            sample.uuid(at), profile[1], profile[0], framework, score, risk,
            {"policies": round(sample.rng.random() * 100), "evidence": round(sample.rng.random() * 100)},
            at, at, at,
        ))  # fmt: skip
    return rows


def chat_conversations(sample: Sample, profiles: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for _ in range(len(profiles) * 4 // 3):
        profile = sample.skewed(profiles)
        at = sample.moment(after=profile[12])  # type: ignore[arg-type]
        turns = sample.count(3.0, high=20)
        messages = [{"role": "user" if k % 2 == 0 else "assistant",
                     "content": "Which controls cover backups?" if k % 2 == 0
                     else "ISO 27001 A.8.13 covers information backup."}
                    for k in range(turns)]  # fmt: skip
        rows.append((
            sample.uuid(at), profile[1], sample.maybe(profile[0], 0.2), "Backups and retention",
            sample.pick({"active": 0.7, "archived": 0.3}), messages,
            sample.later(at, hours=2) if messages else None, at, at,
        ))  # fmt: skip
    return rows


def integration_configurations(sample: Sample, people: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for person in people:
        for provider in sample.rng.sample(["github", "google_workspace", "aws", "jira", "slack"],
                                          sample.count(1.0, high=3)):  # fmt: skip
            at = sample.moment(after=person[5])  # type: ignore[arg-type]
            synced = sample.maybe(sample.later(at, hours=24 * 30), 0.3)
            status = sample.pick({"success": 0.85, "failed": 0.15}) if synced else None
            rows.append((
                sample.uuid(at), person[0], provider, provider.replace("_", " ").title(),
                sample.rng.randbytes(48), at, {"region": "eu-west-1"} if provider == "aws" else {},
                sample.rng.random() > 0.1, synced, status,
                "401 from the provider: token expired" if status == "failed" else None, at, at,
            ))  # fmt: skip
    return rows


def report_schedules(sample: Sample, profiles: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for profile in profiles:
        if sample.rng.random() < 0.35:
            continue
        at = sample.moment(after=profile[12])  # type: ignore[arg-type]
        runs = sample.count(5.0)
        rows.append((
            sample.uuid(at), profile[1], profile[0],
            sample.rng.choice(["executive_summary", "gap_analysis", "evidence_status",
                               "compliance_status", "readiness", "control_matrix"]),
            sample.pick({"daily": 0.1, "weekly": 0.4, "monthly": 0.4, "quarterly": 0.1}),
            {"format": "pdf"}, [f"cfo{len(rows)}@company.example.com"],
            sample.rng.random() > 0.15, EPOCH + timedelta(days=sample.rng.randint(1, 30)),
            sample.later(at, hours=24 * 30) if runs else None, runs, at, at,
        ))  # fmt: skip
    return rows


async def load(sample: Sample) -> None:
    fw = [r["id"] for r in await sample.conn.fetch(
        "SELECT id FROM compliance.compliance_frameworks WHERE is_active ORDER BY code")]  # fmt: skip
    people = users(sample)
    profiles = business_profiles(sample, people)
    owned = ["user_id", "business_profile_id", "framework_id"]
    await sample.copy("compliance.users", ["id", "email", "hashed_password", "is_active",
                      "is_superuser", "created_at", "updated_at"], people)  # fmt: skip
    await sample.copy(
        "compliance.business_profiles",
        ["id", "user_id", "company_name", "industry", "employee_count", "handles_personal_data",
         "processes_payments", "stores_health_data", "provides_financial_services",
         "operates_critical_infrastructure", "has_international_operations",
         "data_sensitivity", "created_at", "updated_at"],
        profiles,
    )  # fmt: skip
    await sample.copy(
        "compliance.assessment_sessions",
        ["id", *owned, "session_name", "status", "questions_answered", "progress_percentage",
         "completed_at", "created_at", "updated_at"],
        assessment_sessions(sample, profiles, fw),
    )  # fmt: skip
    await sample.copy(
        "compliance.evidence_items",
        ["id", *owned, "evidence_name", "description", "control_reference", "file_path",
         "file_type", "file_size", "status", "priority", "approved_at", "approved_by",
         "ai_metadata", "created_at", "updated_at"],
        evidence_items(sample, profiles, fw),
    )  # fmt: skip
    await sample.copy(
        "compliance.generated_policies",
        ["id", *owned, "policy_name", "policy_type", "version", "status", "content",
         "approved_at", "approved_by", "created_at", "updated_at"],
        generated_policies(sample, profiles, fw),
    )  # fmt: skip
    await sample.copy(
        "compliance.implementation_plans",
        ["id", *owned, "title", "status", "phases", "planned_start_date", "planned_end_date",
         "created_at", "updated_at"],
        implementation_plans(sample, profiles, fw),
    )  # fmt: skip
    await sample.copy(
        "compliance.readiness_assessments",
        ["id", *owned, "overall_score", "risk_level", "score_breakdown", "assessed_at",
         "created_at", "updated_at"],
        readiness_assessments(sample, profiles, fw),
    )  # fmt: skip
    await sample.copy(
        "compliance.chat_conversations",
        ["id", "user_id", "business_profile_id", "title", "status", "messages",
         "last_message_at", "created_at", "updated_at"],
        chat_conversations(sample, profiles),
    )  # fmt: skip
    await sample.copy(
        "compliance.integration_configurations",
        ["id", "user_id", "provider", "display_name", "credentials_encrypted",
         "credentials_updated_at", "settings", "is_active", "last_sync_at", "last_sync_status",
         "last_sync_error", "created_at", "updated_at"],
        integration_configurations(sample, people),
    )  # fmt: skip
    await sample.copy(
        "compliance.report_schedules",
        ["id", "user_id", "business_profile_id", "report_type", "frequency", "parameters",
         "recipients", "is_active", "next_run_at", "last_run_at", "run_count", "created_at",
         "updated_at"],
        report_schedules(sample, profiles),
    )  # fmt: skip
