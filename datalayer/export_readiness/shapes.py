"""Typed shapes of the export_readiness JSON columns that queries return as models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Citation", "Citations"]


class Citation(BaseModel):
    """One source an answer cites (an element of ``chat_messages.sources``)."""

    model_config = ConfigDict(extra="allow")

    #: The cited document's id in the knowledge base (required by chat_messages_sources_check).
    source: str
    title: str | None = None
    url: str | None = None
    page: int | None = None
    excerpt: str | None = None


#: ``chat_messages.sources``: the citations of an answer; empty for a question.
Citations = list[Citation]
