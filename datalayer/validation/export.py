"""Streaming export of sessions through a server-side cursor, in bounded memory.

:func:`stream_session_export` yields typed rows; :func:`write_session_export` writes JSON lines or
CSV straight from the cursor's records (no per-row model validation, which would only slow a dump
down). Both need ``conn`` to be inside a transaction (a cursor lives in one); a repeatable-read,
read-only transaction gives a consistent snapshot for the whole export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, TextIO
from uuid import UUID

from datalayer.queries import Connection

from ._queries import SessionExport, _list_sessions_for_export, _SessionExport_FIELDS

__all__ = ["EXPORT_COLUMNS", "ExportFormat", "stream_session_export", "write_session_export"]

ExportFormat = Literal["jsonl", "csv"]
EXPORT_COLUMNS: tuple[str, ...] = _SessionExport_FIELDS
_JSON_COLUMNS = frozenset({"request_data", "response_data", "user_context"})


async def stream_session_export(
    conn: Connection, *, created_since: datetime | None, prefetch: int = 1000
) -> AsyncIterator[SessionExport]:
    """Live sessions created since ``created_since`` (all when None), oldest first, one at a time."""
    async for record in _list_sessions_for_export.cursor(
        conn, prefetch=prefetch, created_since=created_since
    ):
        yield SessionExport.model_validate(dict(zip(EXPORT_COLUMNS, record, strict=True)))


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"cannot export a {type(value).__name__}")


def _csv_cell(name: str, value: object) -> object:
    if value is None:
        return ""
    if name in _JSON_COLUMNS:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


async def write_session_export(
    conn: Connection,
    out: TextIO,
    *,
    fmt: ExportFormat = "jsonl",
    created_since: datetime | None = None,
    prefetch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the export to ``out`` as JSON lines (one object per session) or CSV with a header
    (jsonb columns as JSON text); return the number of sessions written."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r}: jsonl or csv")
    written = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(EXPORT_COLUMNS)
    async for record in _list_sessions_for_export.cursor(
        conn, prefetch=prefetch, created_since=created_since
    ):
        if writer is not None:
            writer.writerow([_csv_cell(n, v) for n, v in zip(EXPORT_COLUMNS, record, strict=True)])
        else:
            row = dict(zip(EXPORT_COLUMNS, record, strict=True))
            out.write(json.dumps(row, default=_plain, separators=(",", ":"), ensure_ascii=False))
            out.write("\n")
        written += 1
        if progress is not None and written % prefetch == 0:
            progress(written)
    return written
