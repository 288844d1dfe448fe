"""Typed shapes of compliance's jsonb columns (used by ``-- @type`` in ``sql/compliance/``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, JsonValue

__all__ = [
    "ChatMessage",
    "ChatMessages",
    "PlanPhase",
    "PlanPhases",
    "PlanTask",
    "ProfileAssessmentSession",
    "ProfileAssessmentSessions",
    "ProfileEvidenceItem",
    "ProfileEvidenceItems",
]


class PlanTask(BaseModel):
    """A task of an implementation plan phase."""

    title: str
    status: Literal["not_started", "in_progress", "completed"]


class PlanPhase(BaseModel):
    """A phase of an implementation plan (``implementation_plans.phases`` holds a list of them)."""

    name: str
    tasks: list[PlanTask]


PlanPhases = list[PlanPhase]


class ChatMessage(BaseModel):
    """A message of a conversation (``chat_conversations.messages`` holds a list of them)."""

    role: Literal["user", "assistant"]
    content: str
    created_at: datetime


ChatMessages = list[ChatMessage]


class ProfileAssessmentSession(BaseModel):
    """An assessment session nested in a business profile (``get_business_profile_with_activity``)."""

    id: UUID
    framework_id: UUID
    session_name: str | None
    status: Literal["not_started", "in_progress", "completed", "abandoned"]
    questions_answered: dict[str, JsonValue]
    progress_percentage: Decimal
    completed_at: AwareDatetime | None
    created_at: AwareDatetime
    updated_at: AwareDatetime


ProfileAssessmentSessions = list[ProfileAssessmentSession]


class ProfileEvidenceItem(BaseModel):
    """An evidence item nested in a business profile (``get_business_profile_with_activity``)."""

    id: UUID
    framework_id: UUID
    evidence_name: str
    description: str | None
    control_reference: str | None
    file_path: str | None
    file_type: str | None
    file_size: int | None
    status: Literal["not_started", "in_progress", "collected", "approved", "rejected"]
    priority: Literal["low", "medium", "high", "critical"]
    approved_at: AwareDatetime | None
    approved_by: UUID | None
    ai_metadata: dict[str, JsonValue]
    created_at: AwareDatetime
    updated_at: AwareDatetime


ProfileEvidenceItems = list[ProfileEvidenceItem]
