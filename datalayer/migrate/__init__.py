"""The migration runner: one numbered history per application, over yoyo-migrations.

Migrations are plain SQL files, one folder per history::

    migrations/core/NNNN.core.<verb>-<object>.sql          the toolkit's own (extensions, audit)
    migrations/<app>/NNNN.<app>.<verb>-<object>.sql        one application; depends on core only
    <service folder>/NNNN.<name>.<verb>-<object>.sql       a service's own, stacked on top

each with a ``….rollback.sql`` that restores the previous schema exactly. yoyo reads the files
(statement splitting, header directives) and owns the format of the bookkeeping tables; this
package runs them with what yoyo lacks: per-application selection and dependency checks, crash
safety (a migration and its record commit together), an advisory lock, checksums of applied
files, refusal of out-of-order files, repair of interrupted non-transactional migrations, and
``verify`` checks of the catalog.

* :mod:`.files` — one history folder, validated; :mod:`.sources` — which histories a run uses;
* :mod:`.state` — connections, lock, bookkeeping; :mod:`.runner` — apply and roll back;
* :mod:`.checks` — status and verify; :mod:`.dump` — new files and schema dumps.
"""

from __future__ import annotations

from .checks import MigrationStatus, format_status, pending_ids, status, verify
from .dump import (
    SCHEMA_HEADER,
    dump_history,
    dump_schema,
    new,
    scratch_database,
    write_schema_files,
)
from .files import History, MigrationError, MigrationFile, read_history
from .runner import apply, resolve_sources, rollback
from .sources import Sources, load_sources
from .state import APPLICATION_NAME, BOOKKEEPING_TABLES, CHECKSUM_TABLE, LOCK_KEY, MIGRATION_TABLE

__all__ = [
    "APPLICATION_NAME",
    "BOOKKEEPING_TABLES",
    "CHECKSUM_TABLE",
    "LOCK_KEY",
    "MIGRATION_TABLE",
    "SCHEMA_HEADER",
    "History",
    "MigrationError",
    "MigrationFile",
    "MigrationStatus",
    "Sources",
    "apply",
    "dump_history",
    "dump_schema",
    "format_status",
    "load_sources",
    "new",
    "pending_ids",
    "read_history",
    "resolve_sources",
    "rollback",
    "scratch_database",
    "status",
    "verify",
    "write_schema_files",
]
