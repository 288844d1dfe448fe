"""The validation system as its old stack made it: seed 002's SQLAlchemy models, written to run on
SQLite first (ids as 36-character strings, JSON kept as text, scores as floats, dates as strings,
a soft-delete flag, the processing log as a JSON list inside the session row, the owner only
inside the user context), created on PostgreSQL with ``metadata.create_all`` plus an
``alembic_version`` row. The generator plants rows the new schema refuses: ids that are not UUIDs,
JSON text that does not parse, sessions without an owner, results for a missing session (no
foreign keys were declared: SQLite did not enforce them), scores above 1, dates that do not exist.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from psycopg import sql
from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ALEMBIC_REVISION = "002_add_soft_delete"


class Base(DeclarativeBase):
    pass


class ValidationSessionModel(Base):
    __tablename__ = "validation_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(50), index=True)
    source_technology: Mapped[str] = mapped_column(String(100))
    target_technology: Mapped[str] = mapped_column(String(100))
    validation_scope: Mapped[str] = mapped_column(String(50))
    request_data: Mapped[str] = mapped_column(Text)  # JSON, as text
    result_data: Mapped[str | None] = mapped_column(Text)
    processing_log: Mapped[str | None] = mapped_column(Text)  # JSON list of entries
    user_context: Mapped[str | None] = mapped_column(Text)  # JSON; holds user_id
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(255))


class ValidationResultModel(Base):
    __tablename__ = "validation_results"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), index=True)  # no FK (SQLite)
    overall_status: Mapped[str] = mapped_column(String(50))
    fidelity_score: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    execution_time_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class DiscrepancyModel(Base):
    __tablename__ = "discrepancies"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    result_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    component: Mapped[str | None] = mapped_column(String(255))
    source_element: Mapped[str | None] = mapped_column(Text)
    target_element: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class BehavioralTestResultModel(Base):
    __tablename__ = "behavioral_test_results"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), index=True)
    scenario_name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    execution_time: Mapped[float] = mapped_column(Float)  # seconds
    details: Mapped[str | None] = mapped_column(Text)  # JSON, as text
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


class ValidationMetricsModel(Base):
    __tablename__ = "validation_metrics"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    metric_date: Mapped[str] = mapped_column(String(10))  # 'YYYY-MM-DD'
    source_technology: Mapped[str] = mapped_column(String(100))
    target_technology: Mapped[str] = mapped_column(String(100))
    total_sessions: Mapped[int] = mapped_column(Integer, default=0)
    completed_sessions: Mapped[int] = mapped_column(Integer, default=0)
    failed_sessions: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_sessions: Mapped[int] = mapped_column(Integer, default=0)
    avg_fidelity_score: Mapped[float | None] = mapped_column(Float)
    avg_execution_time_ms: Mapped[float | None] = mapped_column(Float)
    critical_discrepancies: Mapped[int] = mapped_column(Integer, default=0)
    warning_discrepancies: Mapped[int] = mapped_column(Integer, default=0)
    info_discrepancies: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)


TABLES = (
    "validation_sessions",
    "validation_results",
    "discrepancies",
    "behavioral_test_results",
    "validation_metrics",
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


PAIRS = [("react", "vue"), ("angular", "react"), ("django", "fastapi"), ("jquery", "react")]
SCOPES = ["full_system", "ui_layout", "backend_functionality", "api_endpoints", "business_logic"]


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


def generate(url: str, schema: str, discrepancies: int, *, seed: int = 2) -> Expected:
    """Fill the legacy tables around ``discrepancies`` rows (the largest table), with COPY."""
    rng = random.Random(seed)
    planted: dict[str, int] = {}

    def plant(what: str) -> None:
        planted[what] = planted.get(what, 0) + 1

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    base = datetime(2025, 3, 1, 9, 0)
    owners = [uid() for _ in range(max(discrepancies // 100, 5))]
    sessions = []
    results = []
    found = []
    behavioral = []
    n_sessions = max(discrepancies // 5, 10)
    for i in range(n_sessions):
        sid = uid()
        src, tgt = PAIRS[i % len(PAIRS)]
        status = ["completed", "completed", "failed", "processing", "pending"][i % 5]
        created = base + timedelta(minutes=7 * i)
        log = [
            {
                "timestamp": (created + timedelta(seconds=s)).isoformat(),
                "level": "INFO",
                "message": f"step {s}",
            }
            for s in range(3)
        ]
        context: dict[str, object] = {"user_id": owners[i % len(owners)], "ip": "10.0.0.1"}
        request = json.dumps({"source_technology": src, "target_technology": tgt})
        log_text = json.dumps(log)
        if i % 71 == 3:
            sid = f"sess-{i}"  # an id from before ids were UUIDs
            plant("sessions: id not a UUID")
        elif i % 71 == 9:
            request = '{"source_technology": "react",'  # cut off mid-write
            plant("sessions: request data not JSON")
        elif i % 71 == 15:
            context = {"ip": "10.0.0.1"}
            plant("sessions: no owner")
        elif i % 71 == 21:
            log_text = json.dumps([{"level": "TRACE", "message": "x", "timestamp": "yesterday"}])
            plant("sessions: malformed log")
        error = "timeout after 300 s" if status == "failed" else None
        finished = created + timedelta(minutes=3) if status in ("completed", "failed") else None
        deleted = i % 29 == 0
        sessions.append(
            (
                sid,
                f"req-{i:07d}",
                status,
                src.title() if i % 2 else src,
                tgt,
                SCOPES[i % len(SCOPES)],
                request,
                json.dumps({"ok": True}) if status == "completed" else None,
                log_text,
                json.dumps(context),
                error,
                created,
                finished or created,
                finished,
                deleted,
                created + timedelta(days=1) if deleted else None,
                "admin@example.com" if deleted else None,
            )
        )
        if status == "completed":
            rid = uid()
            score = round(rng.uniform(0.5, 1.0), 4)
            session_ref = sid
            if i % 67 == 5:
                score = 1.25
                plant("results: score above 1")
            elif i % 67 == 11:
                session_ref = uid()  # its session is gone
                plant("results: orphan")
            results.append(
                (
                    rid,
                    session_ref,
                    "approved" if score > 0.8 else "approved_with_warnings",
                    score,
                    "Layouts match.",
                    rng.randint(100, 90000),
                    finished,
                )
            )
            for _ in range(rng.randint(3, 7)):
                if len(found) >= discrepancies:
                    break
                severity = rng.choice(["critical", "warning", "info"])
                kind = "missing_field"
                if len(found) % 83 == 40:
                    severity = "major"
                    plant("discrepancies: invalid severity")
                found.append(
                    (
                        uid(),
                        rid,
                        kind,
                        severity,
                        "Field email missing on form",
                        "SignupForm",
                        "input#email",
                        None,
                        "Add the field",
                        round(rng.random(), 4),
                        finished,
                    )
                )
            behavioral.append(
                (
                    uid(),
                    sid,
                    f"checkout scenario {i}",
                    "passed",
                    round(rng.uniform(0.5, 30), 3),
                    json.dumps({"steps": 12}),
                    None,
                    created + timedelta(minutes=1),
                )
            )
        if len(found) >= discrepancies and i > 10:
            break
    while len(found) < discrepancies and results:
        rid = results[len(found) % len(results)][0]
        found.append(
            (
                uid(),
                rid,
                "style_difference",
                "info",
                "Button colour differs",
                "Header",
                None,
                None,
                None,
                0.5,
                base,
            )
        )
    metrics = []
    for d in range(max(discrepancies // 200, 5)):
        for src, tgt in PAIRS:
            day = (base.date() + timedelta(days=d)).isoformat()
            if d == 2 and src == "react":
                day = "2025-02-30"
                plant("metrics: date that does not exist")
            metrics.append((uid(), day, src, tgt, 10, 6, 2, 1, 0.91, 1234.5, 3, 5, 9, base, base))

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _copy(
            conn,
            schema,
            "validation_sessions",
            [
                "id",
                "request_id",
                "status",
                "source_technology",
                "target_technology",
                "validation_scope",
                "request_data",
                "result_data",
                "processing_log",
                "user_context",
                "error_message",
                "created_at",
                "updated_at",
                "completed_at",
                "is_deleted",
                "deleted_at",
                "deleted_by",
            ],
            sessions,
        )
        _copy(
            conn,
            schema,
            "validation_results",
            [
                "id",
                "session_id",
                "overall_status",
                "fidelity_score",
                "summary",
                "execution_time_ms",
                "created_at",
            ],
            results,
        )
        _copy(
            conn,
            schema,
            "discrepancies",
            [
                "id",
                "result_id",
                "type",
                "severity",
                "description",
                "component",
                "source_element",
                "target_element",
                "recommendation",
                "confidence",
                "created_at",
            ],
            found,
        )
        _copy(
            conn,
            schema,
            "behavioral_test_results",
            [
                "id",
                "session_id",
                "scenario_name",
                "status",
                "execution_time",
                "details",
                "error_message",
                "created_at",
            ],
            behavioral,
        )
        _copy(
            conn,
            schema,
            "validation_metrics",
            [
                "id",
                "metric_date",
                "source_technology",
                "target_technology",
                "total_sessions",
                "completed_sessions",
                "failed_sessions",
                "cancelled_sessions",
                "avg_fidelity_score",
                "avg_execution_time_ms",
                "critical_discrepancies",
                "warning_discrepancies",
                "info_discrepancies",
                "created_at",
                "updated_at",
            ],
            metrics,
        )
    rows = {
        "validation_sessions": len(sessions),
        "validation_results": len(results),
        "discrepancies": len(found),
        "behavioral_test_results": len(behavioral),
        "validation_metrics": len(metrics),
    }
    return Expected(rows=rows, planted=planted)
