"""datalayer: a raw-SQL, typed, async data access layer for PostgreSQL.

Queries live in ``sql/<schema>/*.sql`` (loaded by aiosql), run on an asyncpg pool, and come back as
pydantic models; the schema lives in numbered yoyo migrations (``migrations/``).
"""

from . import errors, ops
from .db import Database, Health, PoolInfo, TransactionContext
from .queries import Connection, Query, QuerySet, load
from .settings import Settings

__all__ = [
    "Connection",
    "Database",
    "Health",
    "PoolInfo",
    "Query",
    "QuerySet",
    "Settings",
    "TransactionContext",
    "errors",
    "load",
    "ops",
]

__version__ = "0.1.0"
