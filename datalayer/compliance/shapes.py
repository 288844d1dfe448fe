"""Typed shapes of compliance's jsonb columns (used by ``-- @type`` in ``sql/compliance/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

__all__ = ["ChatMessage", "ChatMessages", "PlanPhase", "PlanPhases", "PlanTask"]


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
