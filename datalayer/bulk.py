"""Bulk loading through PostgreSQL's binary COPY (asyncpg ``copy_records_to_table``).

COPY is the fastest way in: about 4x ``executemany`` and an order of magnitude over row-by-row
INSERTs. Constraints and triggers still run on every row; a failure rolls back the whole COPY and is
mapped to :mod:`datalayer.errors` like any other statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence

from . import errors
from .errors import translate
from .queries import Connection

__all__ = ["copy_records"]


async def copy_records(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    records: Iterable[Sequence[object]] | AsyncIterable[Sequence[object]],
) -> int:
    """COPY ``records`` (tuples in ``columns`` order) into ``schema.table``; return the row count."""
    schema, _, name = table.rpartition(".")
    try:
        status = await conn.copy_records_to_table(
            name, records=records, columns=list(columns), schema_name=schema or None
        )
    except Exception as exc:
        if errors.is_driver_error(exc):
            raise translate(exc, errors.CATALOG) from exc
        raise
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
