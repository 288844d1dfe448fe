"""Sample data for export_readiness (``datalayer sample --app export_readiness``): exporters,
their readiness reports (most completed, with HS codes and risk scores), certification and
7-day action plan progress, generated documents, finance and logistics analyses, chats and each
user's metrics.

Encrypted columns (documents, chat messages, phone numbers) hold random bytes: they look like
ciphertext but no key opens them. One function per table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from datalayer.admin.sample import Sample

TABLES = (
    "export_readiness.users",
    "export_readiness.reports",
    "export_readiness.certification_progress",
    "export_readiness.action_plan_progress",
    "export_readiness.generated_documents",
    "export_readiness.finance_analysis",
    "export_readiness.logistics_analysis",
    "export_readiness.chat_sessions",
    "export_readiness.chat_messages",
    "export_readiness.user_metrics",
)

USERS_PER_SCALE = 25
Row = tuple[object, ...]
PRODUCTS = [("Organic turmeric powder", "091030"), ("Basmati rice", "100630"),
            ("Cotton t-shirts", "610910"), ("Leather handbags", "420221"),
            ("Brass handicrafts", "830629"), ("Invoice software licences", "998314")]  # fmt: skip
COUNTRIES = {"US": 0.35, "AE": 0.15, "GB": 0.12, "DE": 0.1, "SG": 0.08, "AU": 0.08, "NL": 0.06,
             "JP": 0.06}  # fmt: skip
CERTIFICATIONS = [("fda-registration", "FDA Food Facility Registration"), ("ce-marking", "CE Marking"),
                  ("reach", "REACH"), ("fssai", "FSSAI Export Licence"), ("bis", "BIS Certification")]  # fmt: skip
DOCUMENTS = ["commercial_invoice", "packing_list", "shipping_bill", "gst_lut", "softex",
             "certificate_of_origin"]  # fmt: skip
CATEGORIES = ["registration", "certification", "documentation", "logistics", "finance",
              "compliance", "other"]  # fmt: skip


def plan(scale: int) -> dict[str, int]:
    users = USERS_PER_SCALE * scale
    return {
        "export_readiness.users": users,
        "export_readiness.reports": users * 3,
        "export_readiness.certification_progress": users * 4,
        "export_readiness.action_plan_progress": users * 20,
        "export_readiness.generated_documents": users * 4,
        "export_readiness.finance_analysis": users * 2,
        "export_readiness.logistics_analysis": users * 2,
        "export_readiness.chat_sessions": users * 2,
        "export_readiness.chat_messages": users * 10,
        "export_readiness.user_metrics": users,
    }


def users(sample: Sample) -> list[Row]:
    rows: list[Row] = []
    for i in range(USERS_PER_SCALE * sample.scale):
        at = sample.moment(days=400)
        rows.append((
            sample.uuid(at), f"exports{i:05d}@firm{i % 53}.example.in", sample.password_hash(),
            f"Firm {i} Exports Pvt Ltd",
            sample.pick({"Manufacturing": 0.5, "Merchant": 0.35, "SaaS": 0.15}),
            sample.pick({"Micro": 0.5, "Small": 0.35, "Medium": 0.15}),
            sample.maybe("".join(sample.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                                 for _ in range(10)), 0.4),
            sample.maybe(sample.rng.randbytes(40), 0.5),
            {"city": sample.rng.choice(["Pune", "Surat", "Jaipur", "Chennai"])},
            sample.rng.random() > 0.04, sample.maybe(sample.moment(after=at), 0.2), at, at,
        ))  # fmt: skip
    return rows


def reports(sample: Sample, people: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for _ in range(len(people) * 3):
        user = sample.skewed(people)
        at = sample.moment(after=user[11])  # type: ignore[arg-type]
        product, hs = sample.rng.choice(PRODUCTS)
        status = sample.pick({"completed": 0.8, "processing": 0.05, "pending": 0.05,
                              "failed": 0.1})  # fmt: skip
        done = status == "completed"
        rows.append((
            sample.uuid(at), user[0], product, sample.maybe(f"{product}, export grade", 0.3),
            sample.maybe("see label", 0.7), sample.maybe("https://img.example.com/p.jpg", 0.6),
            hs if done else sample.maybe(hs, 0.7),
            Decimal(str(round(sample.rng.uniform(0.55, 0.99), 4))) if done else None,
            sample.pick(COUNTRIES), user[4], user[5],
            sample.maybe(sample.rng.randint(10, 50_000), 0.3),
            sample.rng.randint(5, 95) if done else None, status,
            {"summary": "ready with conditions"} if done else None,
            Decimal(sample.rng.randint(20_000, 900_000)) if done else None,
            sample.rng.randint(7, 180) if done else None,
            "classification service timed out" if status == "failed" else None, at, at,
        ))  # fmt: skip
    return rows


def _completed(reps: list[Row]) -> list[Row]:
    return [r for r in reps if r[13] == "completed"]


def certification_progress(sample: Sample, reps: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for r in _completed(reps):
        for cert_id, name in sample.rng.sample(CERTIFICATIONS, sample.rng.randint(0, 3)):
            at = sample.later(r[18], hours=48)  # type: ignore[arg-type]
            status = sample.pick({"not_started": 0.3, "in_progress": 0.3, "submitted": 0.15,
                                  "completed": 0.2, "rejected": 0.05})  # fmt: skip
            started = None if status == "not_started" else sample.later(at, hours=24 * 5)
            rows.append((
                sample.uuid(at), r[1], r[0], cert_id, name, status,
                ["application_form"] if started else [], sample.maybe("awaiting lab report", 0.7),
                sample.maybe(Decimal(sample.rng.randint(5_000, 300_000)), 0.3), started,
                sample.later(started, hours=24 * 40) if status == "completed" and started else None,
                at, at,
            ))  # fmt: skip
    return rows


def action_plan_progress(sample: Sample, reps: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for r in _completed(reps):
        for day in range(1, 8):
            for t in range(sample.rng.randint(0, 2)):
                at = r[18]
                assert isinstance(at, datetime)
                done = sample.rng.random() < 0.45
                rows.append((
                    sample.uuid(at), r[1], r[0], day, f"d{day}-t{t}", f"Day {day} task {t + 1}",
                    sample.maybe("Follow the checklist", 0.5), sample.rng.choice(CATEGORIES), done,
                    sample.later(at, hours=24 * day) if done else None, at, at,
                ))  # fmt: skip
    return rows


def generated_documents(sample: Sample, reps: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for r in _completed(reps):
        for kind in sample.rng.sample(DOCUMENTS, sample.rng.randint(0, 3)):
            at = sample.later(r[18], hours=72)  # type: ignore[arg-type]
            status = sample.pick({"pending": 0.2, "passed": 0.65, "failed": 0.15})
            rows.append((
                sample.uuid(at), r[1], r[0], kind, sample.rng.randbytes(sample.rng.randint(64, 512)),
                status, {"errors": ["missing IEC"]} if status == "failed" else {},
                None if status == "pending" else sample.later(at, hours=2), at, at,
            ))  # fmt: skip
    return rows


def finance_analysis(sample: Sample, reps: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for r in _completed(reps):
        if sample.rng.random() < 0.3:
            continue
        capital = Decimal(sample.rng.randint(50_000, 5_000_000))
        rows.append((
            sample.uuid(r[18]), r[0], {"days_of_credit": sample.rng.choice([30, 60, 90])},  # type: ignore[arg-type]
            {"rate_percent": round(sample.rng.uniform(0.5, 4.0), 2)}, {"refund_days": 30},
            [{"month": m, "net": sample.rng.randint(-100_000, 300_000)} for m in range(1, 4)],
            capital, r[18], r[18],
        ))  # fmt: skip
    return rows


def logistics_analysis(sample: Sample, reps: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for r in _completed(reps):
        if sample.rng.random() < 0.3:
            continue
        rows.append((
            sample.uuid(r[18]), r[0],  # type: ignore[arg-type]
            sample.pick({"LCL": 0.45, "FCL": 0.25, "air": 0.2, "courier": 0.1}),
            {"lcl_cost": sample.rng.randint(40_000, 200_000), "fcl_cost": sample.rng.randint(150_000, 600_000)},
            Decimal(str(round(sample.rng.uniform(2, 60), 2))), {"currency": "INR"}, r[18], r[18],
        ))  # fmt: skip
    return rows


def chats(sample: Sample, people: list[Row], reps: list[Row]) -> tuple[list[Row], list[Row]]:
    sessions: list[Row] = []
    messages: list[Row] = []
    by_user: dict[object, list[Row]] = {}
    for r in reps:
        by_user.setdefault(r[1], []).append(r)
    for _ in range(len(people) * 2):
        user = sample.skewed(people)
        at = sample.moment(after=user[11])  # type: ignore[arg-type]
        own = by_user.get(user[0], [])
        report = sample.rng.choice(own)[0] if own and sample.rng.random() < 0.7 else None
        session_id = sample.uuid(at)
        sessions.append((session_id, user[0], report, {"topic": "documentation"}, at, at))
        when = at
        for k in range(sample.count(5.0, high=40)):
            when = sample.later(when, hours=0.2)
            role = "user" if k % 2 == 0 else "assistant"
            sources = (
                [{"source": "dgft.gov.in"}]
                if role == "assistant" and sample.rng.random() < 0.5
                else []
            )
            messages.append((sample.uuid(when), session_id, role,
                             sample.rng.randbytes(sample.rng.randint(32, 400)), sources, when))  # fmt: skip
    return sessions, messages


def user_metrics(sample: Sample, people: list[Row], reps: list[Row], docs: list[Row],
                 certs: list[Row], tasks: list[Row]) -> list[Row]:  # fmt: skip
    def per_user(rows: list[Row], index: int, keep: object = None) -> dict[object, int]:
        out: dict[object, int] = {}
        for row in rows:
            if keep is None or keep(row):  # type: ignore[operator]
                out[row[index]] = out.get(row[index], 0) + 1
        return out

    made = per_user(reps, 1)
    documents = per_user(docs, 1)
    certified = per_user(certs, 1, lambda r: r[5] == "completed")
    done = per_user(tasks, 1, lambda r: r[8])
    rows: list[Row] = []
    for user in people:
        n = made.get(user[0], 0)
        rows.append((
            sample.uuid(user[11]), user[0], n, certified.get(user[0], 0),  # type: ignore[arg-type]
            documents.get(user[0], 0), done.get(user[0], 0), Decimal(n * sample.rng.randint(0, 40_000)),
            Decimal(str(round(n * sample.rng.uniform(0, 12), 2))), user[12] or user[11], user[11],
            user[11],
        ))  # fmt: skip
    return rows


#: The key id recorded with each (random, undecryptable) encrypted value: the first key's.
KEY_ID = "1"


async def load(sample: Sample) -> None:
    people = users(sample)
    reps = reports(sample, people)
    certs = certification_progress(sample, reps)
    tasks = action_plan_progress(sample, reps)
    docs = generated_documents(sample, reps)
    sessions, messages = chats(sample, people, reps)
    await sample.copy(
        "export_readiness.users",
        ["id", "email", "password_hash", "company_name", "business_type", "company_size",
         "iec_code", "phone_encrypted", "profile", "is_active", "last_login_at", "created_at",
         "updated_at", "phone_key_id"],
        [(*user, KEY_ID if user[7] is not None else None) for user in people],
    )  # fmt: skip
    await sample.copy(
        "export_readiness.reports",
        ["id", "user_id", "product_name", "product_description", "ingredients",
         "product_image_url", "hs_code", "hs_code_confidence", "destination_country",
         "business_type", "company_size", "monthly_volume", "risk_score", "status",
         "report_data", "estimated_cost", "estimated_timeline_days", "failure_reason",
         "created_at", "updated_at"],
        reps,
    )  # fmt: skip
    await sample.copy(
        "export_readiness.certification_progress",
        ["id", "user_id", "report_id", "certification_id", "certification_name", "status",
         "documents_completed", "notes", "estimated_cost", "started_at", "completed_at",
         "created_at", "updated_at"],
        certs,
    )  # fmt: skip
    await sample.copy(
        "export_readiness.action_plan_progress",
        ["id", "user_id", "report_id", "day_number", "task_id", "task_title",
         "task_description", "category", "completed", "completed_at", "created_at",
         "updated_at"],
        tasks,
    )  # fmt: skip
    await sample.copy(
        "export_readiness.generated_documents",
        ["id", "user_id", "report_id", "document_type", "content_encrypted",
         "validation_status", "validation_results", "validated_at", "created_at", "updated_at",
         "content_key_id"],
        [(*doc, KEY_ID) for doc in docs],
    )  # fmt: skip
    await sample.copy(
        "export_readiness.finance_analysis",
        ["id", "report_id", "working_capital_data", "rodtep_benefit_data", "gst_refund_data",
         "cash_flow_timeline", "total_working_capital", "created_at", "updated_at"],
        finance_analysis(sample, reps),
    )  # fmt: skip
    await sample.copy(
        "export_readiness.logistics_analysis",
        ["id", "report_id", "recommended_mode", "lcl_fcl_comparison", "rms_probability",
         "freight_estimate", "created_at", "updated_at"],
        logistics_analysis(sample, reps),
    )  # fmt: skip
    await sample.copy(
        "export_readiness.chat_sessions",
        ["id", "user_id", "report_id", "context_data", "created_at", "updated_at"], sessions,
    )  # fmt: skip
    await sample.copy(
        "export_readiness.chat_messages",
        ["id", "session_id", "role", "content_encrypted", "sources", "created_at",
         "content_key_id"],
        [(*message, KEY_ID) for message in messages],
    )  # fmt: skip
    await sample.copy(
        "export_readiness.user_metrics",
        ["id", "user_id", "reports_generated", "certifications_completed",
         "documents_generated", "action_tasks_completed", "cost_savings", "time_saved_hours",
         "last_activity_at", "created_at", "updated_at"],
        user_metrics(sample, people, reps, docs, certs, tasks),
    )  # fmt: skip
