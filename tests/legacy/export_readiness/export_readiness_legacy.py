"""ExportSathi as its old stack made it: seed 000's SQLAlchemy models (UUID keys, JSONB, CHECKs on
the enumerations, cascading foreign keys), with what the new schema encrypts kept in clear (the
user's phone, a generated document's content, a chat message's text: the seed's requirement 17.2
"encrypt sensitive data at rest" met only on paper) and emails unique only as typed; created with
``metadata.create_all`` plus an ``alembic_version`` row (the ten tables of the seed). The generator plants rows the new
schema refuses: emails differing in case, identity numbers in the free-form profile, countries by
name, completed reports without their HS code, chat sources that name no source, a message from
the system role, a child row whose user is not its report's.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Uuid,
    create_engine,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ALEMBIC_REVISION = "001_initial_schema"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("business_type IN ('Manufacturing', 'SaaS', 'Merchant')"),
        CheckConstraint("company_size IN ('Micro', 'Small', 'Medium', 'Large')"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    company_name: Mapped[str] = mapped_column(String(255))
    business_type: Mapped[str] = mapped_column(String(50))
    company_size: Mapped[str] = mapped_column(String(50))
    iec_code: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))  # in clear
    profile: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("risk_score BETWEEN 0 AND 100"),
        CheckConstraint("status IN ('pending', 'processing', 'completed', 'failed')"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    product_name: Mapped[str] = mapped_column(String(255))
    product_description: Mapped[str | None] = mapped_column(Text)
    hs_code: Mapped[str | None] = mapped_column(String(20), index=True)
    hs_code_confidence: Mapped[float | None] = mapped_column(Float)
    destination_country: Mapped[str] = mapped_column(String(100), index=True)
    business_type: Mapped[str] = mapped_column(String(50))
    company_size: Mapped[str] = mapped_column(String(50))
    monthly_volume: Mapped[int | None] = mapped_column(Integer)
    risk_score: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    report_data: Mapped[object | None] = mapped_column(JSONB)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    estimated_timeline_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class CertificationProgress(Base):
    __tablename__ = "certification_progress"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    certification_id: Mapped[str] = mapped_column(String(100))
    certification_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    documents_completed: Mapped[object | None] = mapped_column(JSONB)
    notes: Mapped[str | None] = mapped_column(Text)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class GeneratedDocument(Base):
    __tablename__ = "generated_documents"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    document_type: Mapped[str] = mapped_column(String(50))
    content: Mapped[object] = mapped_column(JSONB)  # in clear
    validation_status: Mapped[str] = mapped_column(String(20), default="pending")
    validation_results: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class ChatSession(Base):
    __tablename__ = "chat_sessions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE")
    )
    context_data: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)  # in clear
    sources: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class ActionPlanProgress(Base):
    __tablename__ = "action_plan_progress"
    __table_args__ = (CheckConstraint("day_number BETWEEN 1 AND 7"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    day_number: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str] = mapped_column(String(100))
    task_title: Mapped[str] = mapped_column(String(500))
    task_description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(50))
    completed: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class FinanceAnalysis(Base):
    __tablename__ = "finance_analysis"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    working_capital_data: Mapped[object] = mapped_column(JSONB)
    rodtep_benefit_data: Mapped[object] = mapped_column(JSONB)
    gst_refund_data: Mapped[object] = mapped_column(JSONB)
    cash_flow_timeline: Mapped[object | None] = mapped_column(JSONB)
    total_working_capital: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class LogisticsAnalysis(Base):
    __tablename__ = "logistics_analysis"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    recommended_mode: Mapped[str] = mapped_column(String(20))
    lcl_fcl_comparison: Mapped[object] = mapped_column(JSONB)
    rms_probability: Mapped[float] = mapped_column(Float)
    freight_estimate: Mapped[object] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class UserMetrics(Base):
    __tablename__ = "user_metrics"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    reports_generated: Mapped[int] = mapped_column(Integer, default=0)
    certifications_completed: Mapped[int] = mapped_column(Integer, default=0)
    documents_generated: Mapped[int] = mapped_column(Integer, default=0)
    action_tasks_completed: Mapped[int] = mapped_column(Integer, default=0)
    cost_savings: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    time_saved_hours: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


TABLES = (
    "users",
    "reports",
    "certification_progress",
    "generated_documents",
    "chat_sessions",
    "chat_messages",
    "action_plan_progress",
    "finance_analysis",
    "logistics_analysis",
    "user_metrics",
)


def create_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": f"-c search_path={schema}"},
    )
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {t} (version_num varchar(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); "
                "INSERT INTO {t} VALUES ('" + ALEMBIC_REVISION + "')"
            ).format(t=sql.Identifier(schema, "alembic_version"))
        )


ARGON = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"
COUNTRIES = ["US", "DE", "AE", "GB", "SG", "JP"]
DOCS = ["commercial_invoice", "packing_list", "shipping_bill", "gst_lut"]


@dataclass
class Expected:
    rows: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)


def _copy(
    conn: psycopg.Connection[tuple[object, ...]],
    schema: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor().copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


def generate(url: str, schema: str, messages: int, *, seed: int = 0) -> Expected:
    """Fill the legacy tables around ``messages`` chat messages (the largest table), with COPY."""
    rng = random.Random(seed)
    planted: dict[str, int] = {}

    def plant(what: str) -> None:
        planted[what] = planted.get(what, 0) + 1

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    base = datetime(2025, 6, 1, 10, 0)
    users = []
    n_users = max(messages // 40, 10)
    for i in range(n_users):
        email = f"founder{i}@exporter{i}.in"
        profile: dict[str, object] = {"state": "Kerala", "products": ["spices"]}
        size = ["Micro", "Small", "Medium"][i % 3]
        if i % 37 == 7:
            email = users[i - 1][1].upper()
            plant("users: duplicate email")
        elif i % 37 == 13:
            profile["pan"] = "ABCDE1234F"
            plant("users: identity number in profile")
        elif i % 37 == 19:
            size = "Large"
            plant("users: company size")
        users.append(
            (
                uid(),
                email,
                ARGON,
                f"Exporter {i} Pvt Ltd",
                "Manufacturing",
                size,
                f"AB{i:08d}",
                f"+9198{i:08d}",
                Jsonb(profile),
                base,
                base,
            )
        )
    reports = []
    for i in range(max(messages // 10, 10)):
        u = users[i % n_users]
        status = ["completed", "completed", "failed", "pending"][i % 4]
        country = COUNTRIES[i % len(COUNTRIES)]
        hs: str | None = "090411" if status == "completed" else None
        if i % 43 == 5:
            country = "United States"
            plant("reports: country by name")
        elif i % 43 == 17 and status == "completed":
            hs = None
            plant("reports: completed without HS code")
        reports.append(
            (
                uid(),
                u[0],
                f"Black pepper {i}",
                "Malabar grade",
                hs,
                0.93,
                country,
                "Manufacturing",
                "Small",
                500,
                42 if status == "completed" else None,
                status,
                Jsonb({"steps": 7}) if status == "completed" else None,
                Decimal("45000.00"),
                45,
                base + timedelta(hours=i),
                base + timedelta(hours=i),
            )
        )
    certs = []
    docs = []
    sessions = []
    for i, r in enumerate(reports):
        owner = r[1]
        status = ["not_started", "in_progress", "completed"][i % 3]
        certs.append(
            (
                uid(),
                owner,
                r[0],
                "fssai",
                "FSSAI licence",
                status,
                Jsonb(["form_b"]),
                None,
                Decimal("7500.00"),
                base if status != "not_started" else None,
                base + timedelta(days=9) if status == "completed" else None,
                base,
                base,
            )
        )
        doc_owner = owner
        if i % 47 == 8:
            doc_owner = users[(i + 1) % n_users][0]  # the document's user is not its report's
            plant("documents: user not the report's")
        docs.append(
            (
                uid(),
                doc_owner,
                r[0],
                DOCS[i % len(DOCS)],
                Jsonb({"invoice_no": f"INV-{i}", "amount": 1000 + i}),
                ["pending", "passed"][i % 2],
                Jsonb({}),
                base,
                base + timedelta(minutes=5),
            )
        )
        sessions.append((uid(), owner, r[0], Jsonb({"topic": "documents"}), base, base))
    msgs = []
    while len(msgs) < messages:
        s = sessions[len(msgs) % len(sessions)]
        k = len(msgs)
        role = "user" if k % 2 == 0 else "assistant"
        sources: list[object] = [] if role == "user" else [{"source": "DGFT handbook", "page": 12}]
        if k % 89 == 30:
            role = "system"
            plant("messages: system role")
        elif k % 89 == 61 and role == "assistant":
            sources = [{"title": "no source named"}]
            plant("messages: source without name")
        msgs.append(
            (
                uid(),
                s[0],
                role,
                f"message {k}: what does RoDTEP pay on pepper?",
                Jsonb(sources),
                base + timedelta(seconds=k),
            )
        )

    tasks = []
    finance = []
    freight = []
    for i, r in enumerate(reports):
        for day in (1, 2, 3):
            category = ["registration", "certification", "documentation"][day - 1]
            done = (i + day) % 2 == 0
            if i % 53 == 9 and day == 2:
                category = "marketing"
                plant("tasks: category")
            tasks.append(
                (
                    uid(),
                    r[1],
                    r[0],
                    day,
                    f"task-{day}",
                    f"Day {day} task",
                    None,
                    category,
                    done,
                    base + timedelta(days=day) if done else None,
                    base,
                    base,
                )
            )
        mode = ["LCL", "FCL", "air"][i % 3]
        probability = 12.5
        if i % 59 == 3:
            mode = "rail"
            plant("logistics: mode")
        elif i % 59 == 7:
            probability = 112.0
            plant("logistics: probability")
        freight.append(
            (
                uid(),
                r[0],
                mode,
                Jsonb({"lcl": 41000, "fcl": 98000}),
                probability,
                Jsonb({"usd": 1200}),
                base,
                base,
            )
        )
        timeline: object = [{"day": 30, "amount": 120000}]
        if i % 61 == 5:
            timeline = {"day": 30}
            plant("finance: timeline not a list")
        finance.append(
            (
                uid(),
                r[0],
                Jsonb({"days": 90}),
                Jsonb({"rate": 0.9}),
                Jsonb({"igst": 1}),
                Jsonb(timeline),
                Decimal("250000.00"),
                base,
                base,
            )
        )
    metrics = []
    for i, u in enumerate(users):
        saved = Decimal("18000.00")
        if i % 41 == 11:
            saved = Decimal("-5.00")
            plant("metrics: negative savings")
        metrics.append((uid(), u[0], 4, 1, 3, 9, saved, Decimal("12.50"), base, base, base))

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _copy(
            conn,
            schema,
            "users",
            [
                "id",
                "email",
                "password_hash",
                "company_name",
                "business_type",
                "company_size",
                "iec_code",
                "phone",
                "profile",
                "created_at",
                "updated_at",
            ],
            users,
        )
        _copy(
            conn,
            schema,
            "reports",
            [
                "id",
                "user_id",
                "product_name",
                "product_description",
                "hs_code",
                "hs_code_confidence",
                "destination_country",
                "business_type",
                "company_size",
                "monthly_volume",
                "risk_score",
                "status",
                "report_data",
                "estimated_cost",
                "estimated_timeline_days",
                "created_at",
                "updated_at",
            ],
            reports,
        )
        _copy(
            conn,
            schema,
            "certification_progress",
            [
                "id",
                "user_id",
                "report_id",
                "certification_id",
                "certification_name",
                "status",
                "documents_completed",
                "notes",
                "estimated_cost",
                "started_at",
                "completed_at",
                "created_at",
                "updated_at",
            ],
            certs,
        )
        _copy(
            conn,
            schema,
            "generated_documents",
            [
                "id",
                "user_id",
                "report_id",
                "document_type",
                "content",
                "validation_status",
                "validation_results",
                "created_at",
                "updated_at",
            ],
            docs,
        )
        _copy(
            conn,
            schema,
            "chat_sessions",
            ["id", "user_id", "report_id", "context_data", "created_at", "updated_at"],
            sessions,
        )
        _copy(
            conn,
            schema,
            "chat_messages",
            ["id", "session_id", "role", "content", "sources", "created_at"],
            msgs,
        )
        _copy(
            conn,
            schema,
            "action_plan_progress",
            [
                "id",
                "user_id",
                "report_id",
                "day_number",
                "task_id",
                "task_title",
                "task_description",
                "category",
                "completed",
                "completed_at",
                "created_at",
                "updated_at",
            ],
            tasks,
        )
        _copy(
            conn,
            schema,
            "finance_analysis",
            [
                "id",
                "report_id",
                "working_capital_data",
                "rodtep_benefit_data",
                "gst_refund_data",
                "cash_flow_timeline",
                "total_working_capital",
                "created_at",
                "updated_at",
            ],
            finance,
        )
        _copy(
            conn,
            schema,
            "logistics_analysis",
            [
                "id",
                "report_id",
                "recommended_mode",
                "lcl_fcl_comparison",
                "rms_probability",
                "freight_estimate",
                "created_at",
                "updated_at",
            ],
            freight,
        )
        _copy(
            conn,
            schema,
            "user_metrics",
            [
                "id",
                "user_id",
                "reports_generated",
                "certifications_completed",
                "documents_generated",
                "action_tasks_completed",
                "cost_savings",
                "time_saved_hours",
                "last_activity",
                "created_at",
                "updated_at",
            ],
            metrics,
        )
    rows = {
        "users": len(users),
        "reports": len(reports),
        "certification_progress": len(certs),
        "generated_documents": len(docs),
        "chat_sessions": len(sessions),
        "chat_messages": len(msgs),
        "action_plan_progress": len(tasks),
        "finance_analysis": len(finance),
        "logistics_analysis": len(freight),
        "user_metrics": len(metrics),
    }
    return Expected(rows=rows, planted=planted)
