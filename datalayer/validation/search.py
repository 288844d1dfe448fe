"""Session search: filters, a whitelisted sort, and a page with the total count.

The SQL never contains user strings: the sort column travels as a parameter that the query
compares with a fixed set of names (``list_sessions_search``), and :func:`search_sessions` refuses
any other name before a query is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args
from uuid import UUID

from pydantic import BaseModel

from datalayer.errors import QueryParameterError
from datalayer.queries import Connection

from ._queries import Session, count_sessions_search, list_sessions_search

__all__ = ["SORT_COLUMNS", "SessionFilter", "SessionPage", "SortColumn", "search_sessions"]

SortColumn = Literal[
    "created_at",
    "updated_at",
    "finished_at",
    "status",
    "source_technology",
    "target_technology",
    "owner_id",
]
SORT_COLUMNS: Final[frozenset[str]] = frozenset(get_args(SortColumn))
MAX_PAGE_SIZE: Final = 500


class SessionFilter(BaseModel):
    """What to match; ``None`` (or an empty ``statuses``) matches everything."""

    statuses: list[str] | None = None
    source_technology: str | None = None
    target_technology: str | None = None
    created_from: datetime | None = None
    """Inclusive lower bound of ``created_at``."""
    created_to: datetime | None = None
    """Exclusive upper bound of ``created_at``."""
    owner_id: UUID | None = None
    visible_to: UUID | None = None
    """Sessions owned by, or shared with, this user."""


class SessionPage(BaseModel):
    """One page of a search and the number of sessions matching in all."""

    items: list[Session]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.page_size)


async def search_sessions(
    conn: Connection,
    filters: SessionFilter | None = None,
    *,
    sort_by: SortColumn = "created_at",
    descending: bool = True,
    page: int = 1,
    page_size: int = 50,
) -> SessionPage:
    """Live sessions matching ``filters``, sorted, page ``page`` (from 1) of ``page_size``.

    Runs the page and the count on ``conn``; run it in a repeatable-read transaction when the two
    must agree under concurrent writes.
    """
    if sort_by not in SORT_COLUMNS:
        raise QueryParameterError(
            f"cannot sort sessions by {sort_by!r}; choose one of {', '.join(sorted(SORT_COLUMNS))}"
        )
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise QueryParameterError(f"page must be >= 1 and page_size in 1..{MAX_PAGE_SIZE}")
    f = filters or SessionFilter()
    statuses = f.statuses or None
    items = await list_sessions_search(
        conn,
        statuses=statuses,
        source_technology=f.source_technology,
        target_technology=f.target_technology,
        created_from=f.created_from,
        created_to=f.created_to,
        owner_id=f.owner_id,
        visible_to=f.visible_to,
        sort_by=sort_by,
        descending=descending,
        page_size=page_size,
        page_offset=(page - 1) * page_size,
    )
    total = await count_sessions_search(
        conn,
        statuses=statuses,
        source_technology=f.source_technology,
        target_technology=f.target_technology,
        created_from=f.created_from,
        created_to=f.created_to,
        owner_id=f.owner_id,
        visible_to=f.visible_to,
    )
    return SessionPage(items=items, total=total, page=page, page_size=page_size)
