"""ruleIQ as its old stack made it: the SQLAlchemy models seed 001 documents, with its flaws (the
truncated column names ``handles_persona`` … ``business_profil``, ``questions_answe``; no CHECK
on statuses, sensitivity or employee counts; no foreign key from ``assessment_sessions`` and
``generated_policies`` to ``business_profiles``; frameworks named by free text in
``framework_id VARCHAR(50)``), created with ``metadata.create_all`` plus an ``alembic_version``
row, and a generator that fills them (with rows the new schema refuses).
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
    Boolean,
    DateTime,
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

ALEMBIC_REVISION = "007_add_evidence_metadata"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool | None] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool | None] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class ComplianceFramework(Base):
    __tablename__ = "compliance_frameworks"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # 'GDPR', 'ISO 27001', ...
    display_name: Mapped[str] = mapped_column(String(255))
    version: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool | None] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class BusinessProfile(Base):
    __tablename__ = "business_profiles"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    company_name: Mapped[str] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(100))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    # The names early migrations truncated (seed 001: "Column Name Truncation Crisis").
    handles_persona: Mapped[bool | None] = mapped_column(Boolean)
    processes_payme: Mapped[bool | None] = mapped_column(Boolean)
    stores_health_d: Mapped[bool | None] = mapped_column(Boolean)
    provides_financ: Mapped[bool | None] = mapped_column(Boolean)
    operates_critic: Mapped[bool | None] = mapped_column(Boolean)
    has_internation: Mapped[bool | None] = mapped_column(Boolean)
    data_sensitivity: Mapped[str | None] = mapped_column(String(20), default="Medium")
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class AssessmentSession(Base):
    __tablename__ = "assessment_sessions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    business_profil: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # no foreign key
    framework_id: Mapped[str] = mapped_column(String(50))  # the framework's name, as text
    session_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(20), default="not_started")
    questions_answe: Mapped[object | None] = mapped_column(JSONB)
    progress_percentage: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), default=0)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class EvidenceItem(Base):
    __tablename__ = "evidence_items"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    business_profile_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_profiles.id")
    )
    framework_id: Mapped[str | None] = mapped_column(String(50))
    evidence_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    control_reference: Mapped[str | None] = mapped_column(String(100))
    file_path: Mapped[str | None] = mapped_column(String(500))
    file_type: Mapped[str | None] = mapped_column(String(50))
    file_size: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(20), default="not_started")
    priority: Mapped[str | None] = mapped_column(String(10), default="medium")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    ai_metadata: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class GeneratedPolicy(Base):
    __tablename__ = "generated_policies"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    business_profil: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # no foreign key
    framework_id: Mapped[str | None] = mapped_column(String(50))
    policy_name: Mapped[str] = mapped_column(String(255))
    policy_type: Mapped[str | None] = mapped_column(String(50))
    version: Mapped[int | None] = mapped_column(Integer, default=1)
    status: Mapped[str | None] = mapped_column(String(20), default="draft")
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


class ChatConversation(Base):
    __tablename__ = "chat_conversations"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    business_profile_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_profiles.id")
    )
    title: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(20), default="active")
    messages: Mapped[object | None] = mapped_column(JSONB)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=datetime.utcnow)


TABLES = (
    "users",
    "compliance_frameworks",
    "business_profiles",
    "assessment_sessions",
    "evidence_items",
    "generated_policies",
    "chat_conversations",
)


def create_schema(url: str, schema: str) -> None:
    """What the old stack made: ``create_all`` in ``schema`` and Alembic's version row."""
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


BCRYPT = "$2b$12$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
FRAMEWORKS = [
    ("GDPR", "General Data Protection Regulation", "2016/679", "privacy"),
    ("ISO 27001", "ISO/IEC 27001", "2022", "security"),
    ("SOC 2", "SOC 2 Type II", "2017", "security"),
    ("HIPAA", "Health Insurance Portability and Accountability Act", "1996", "health"),
    ("PCI DSS", "Payment Card Industry Data Security Standard", "4.0", "payments"),
    ("Cyber Essentials", "Cyber Essentials", "3.1", "security"),
]
INDUSTRIES = ["Software", "Retail", "Healthcare", "Finance", "Manufacturing", "Education"]


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


def generate(
    url: str, schema: str, evidence: int, *, seed: int = 1, defects: bool = True
) -> Expected:
    """Fill the legacy tables around ``evidence`` evidence items (the largest table), with COPY.
    ``defects`` plants rows the new schema refuses (about 1 in 40 of each table)."""
    rng = random.Random(seed)
    planted: dict[str, int] = {}

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def plant(what: str, every: int, i: int) -> bool:
        if defects and i % every == every // 2:
            planted[what] = planted.get(what, 0) + 1
            return True
        return False

    base = datetime(2024, 3, 1)
    frameworks = [
        (new_id(), name, display, version, category, f"{display}.", True, base, base)
        for name, display, version, category in FRAMEWORKS
    ]
    n_users = max(evidence // 50, 20)
    users = []
    for i in range(n_users):
        email = f"officer{i}@company{i}.example"
        pw = BCRYPT
        if plant("users: duplicate email", 41, i):
            email = users[i - 1][1].upper()
        elif plant("users: password hash format", 43, i + 7):
            pw = "sha1$" + "ab" * 20
        created = base + timedelta(hours=i)
        users.append((new_id(), email, pw, True, i == 0, created, created))
    profiles = []
    owner = {}
    for i, u in enumerate(users):
        count: int | None = rng.randint(2, 5000)
        sensitivity: str | None = rng.choice(["Low", "Medium", "High", "Critical"])
        if plant("business_profiles: employee count", 37, i):
            count = 0
        elif plant("business_profiles: data sensitivity", 37, i + 9):
            sensitivity = "medium"
        pid = new_id()
        owner[pid] = u[0]
        flags = [rng.random() < 0.5 for _ in range(6)]
        profiles.append(
            (
                pid,
                u[0],
                f"Company {i} Ltd",
                rng.choice(INDUSTRIES),
                count,
                *flags,
                sensitivity,
                u[5],
                u[5],
            )
        )
    profile_ids = [p[0] for p in profiles]
    sessions = []
    for i in range(max(evidence // 5, 10)):
        pid = rng.choice(profile_ids)
        uid = owner[pid]
        fw = rng.choice(frameworks)[1]
        answers: object = {"q1": "yes", "q2": rng.randint(1, 5)}
        status = rng.choice(["not_started", "in_progress", "completed", "abandoned"])
        progress = Decimal(100 if status == "completed" else rng.randint(0, 99))
        profile: uuid.UUID = pid
        if plant("assessment_sessions: orphan profile", 41, i):
            profile = new_id()
        elif plant("assessment_sessions: unknown framework", 41, i + 10):
            fw = "HIPPA"
        elif plant("assessment_sessions: answers not an object", 41, i + 20):
            answers = ["q1", "yes"]
        elif plant("assessment_sessions: invalid status", 41, i + 30):
            status = "done"
        when = base + timedelta(days=10, minutes=i)
        sessions.append(
            (
                new_id(),
                uid,
                profile,
                fw.lower() if i % 3 else fw,
                f"{fw} review {i}",
                status,
                Jsonb(answers),
                progress,
                when,
                when,
            )
        )
    items = []
    for i in range(evidence):
        pid = profile_ids[i % len(profile_ids)]
        uid = owner[pid]
        status = rng.choice(["not_started", "in_progress", "collected", "approved", "rejected"])
        approved_at = approved_by = None
        if status == "approved":
            approved_at, approved_by = base + timedelta(days=20), uid
        priority = rng.choice(["low", "medium", "high", "critical"])
        if plant("evidence_items: invalid status", 40, i):
            status = "pending_review"
        elif plant("evidence_items: approved without approver", 40, i + 10):
            status, approved_at, approved_by = "approved", None, None
        elif plant("evidence_items: invalid priority", 40, i + 20):
            priority = "urgent"
        when = base + timedelta(days=15, seconds=i)
        items.append(
            (
                new_id(),
                uid,
                pid,
                rng.choice(frameworks)[1],
                f"Evidence {i}",
                "Screenshot of the access review",
                f"A.{i % 18}.{i % 7}",
                f"/evidence/{uid}/{i}.pdf",
                "pdf",
                rng.randint(1000, 10**7),
                status,
                priority,
                approved_at,
                approved_by,
                Jsonb({"confidence": rng.random()}),
                when,
                when,
            )
        )
    policies = []
    for i in range(max(evidence // 10, 10)):
        pid = rng.choice(profile_ids)
        ptype = "data_protection"
        profile = pid
        if plant("generated_policies: orphan profile", 39, i):
            profile = new_id()
        elif plant("generated_policies: policy type", 39, i + 13):
            ptype = "Data Protection"
        when = base + timedelta(days=30, minutes=i)
        policies.append(
            (
                new_id(),
                owner[pid],
                profile,
                rng.choice(frameworks)[1],
                f"Policy {i}",
                ptype,
                1,
                "draft",
                "The organisation protects personal data.",
                when,
                when,
            )
        )
    chats = []
    for i in range(max(evidence // 10, 10)):
        pid = rng.choice(profile_ids)
        messages = [
            {"role": "user", "content": "What does GDPR need?"},
            {"role": "assistant", "content": "A lawful basis."},
        ]
        if plant("chat_conversations: unknown message role", 38, i):
            messages.append({"role": "system", "content": "prompt"})
        when = base + timedelta(days=40, minutes=i)
        chats.append(
            (new_id(), owner[pid], pid, f"Chat {i}", "active", Jsonb(messages), when, when)
        )

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _copy(
            conn,
            schema,
            "users",
            [
                "id",
                "email",
                "hashed_password",
                "is_active",
                "is_superuser",
                "created_at",
                "updated_at",
            ],
            users,
        )
        _copy(
            conn,
            schema,
            "compliance_frameworks",
            [
                "id",
                "name",
                "display_name",
                "version",
                "category",
                "description",
                "is_active",
                "created_at",
                "updated_at",
            ],
            frameworks,
        )
        _copy(
            conn,
            schema,
            "business_profiles",
            [
                "id",
                "user_id",
                "company_name",
                "industry",
                "employee_count",
                "handles_persona",
                "processes_payme",
                "stores_health_d",
                "provides_financ",
                "operates_critic",
                "has_internation",
                "data_sensitivity",
                "created_at",
                "updated_at",
            ],
            profiles,
        )
        _copy(
            conn,
            schema,
            "assessment_sessions",
            [
                "id",
                "user_id",
                "business_profil",
                "framework_id",
                "session_name",
                "status",
                "questions_answe",
                "progress_percentage",
                "created_at",
                "updated_at",
            ],
            sessions,
        )
        _copy(
            conn,
            schema,
            "evidence_items",
            [
                "id",
                "user_id",
                "business_profile_id",
                "framework_id",
                "evidence_name",
                "description",
                "control_reference",
                "file_path",
                "file_type",
                "file_size",
                "status",
                "priority",
                "approved_at",
                "approved_by",
                "ai_metadata",
                "created_at",
                "updated_at",
            ],
            items,
        )
        _copy(
            conn,
            schema,
            "generated_policies",
            [
                "id",
                "user_id",
                "business_profil",
                "framework_id",
                "policy_name",
                "policy_type",
                "version",
                "status",
                "content",
                "created_at",
                "updated_at",
            ],
            policies,
        )
        _copy(
            conn,
            schema,
            "chat_conversations",
            [
                "id",
                "user_id",
                "business_profile_id",
                "title",
                "status",
                "messages",
                "created_at",
                "updated_at",
            ],
            chats,
        )
    rows = {
        "users": len(users),
        "compliance_frameworks": len(frameworks),
        "business_profiles": len(profiles),
        "assessment_sessions": len(sessions),
        "evidence_items": len(items),
        "generated_policies": len(policies),
        "chat_conversations": len(chats),
    }
    return Expected(rows=rows, planted=planted)
