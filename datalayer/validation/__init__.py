"""validation (AI migration validation system): validation sessions with sharing, soft delete and
retention, their processing logs, results, discrepancies and behavioral tests, aggregated metrics,
and statistics, as typed query functions over ``sql/validation/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here,
with three hand-written helpers: :func:`search_sessions` (filters, a whitelisted sort, a page and
the total count), :func:`stream_session_export` and :func:`write_session_export` (a server-side
cursor: any number of sessions in bounded memory). Sessions follow pending -> processing ->
completed | failed (or cancelled); an illegal move raises
:class:`~datalayer.errors.CheckViolation` naming ``validation_sessions_status_transition_check``.
Soft-deleted sessions are invisible to every query except ``list_sessions_deleted`` and
``update_session_restored``. The ``datalayer validation`` commands (cleanup, export, stats) live in
:mod:`datalayer.validation.cli`.
"""

from ._queries import *  # noqa: F403
from ._queries import __all__ as _generated
from .export import ExportFormat, stream_session_export, write_session_export
from .search import SORT_COLUMNS, SessionFilter, SessionPage, SortColumn, search_sessions

__all__ = [
    *_generated,
    "SORT_COLUMNS",
    "ExportFormat",
    "SessionFilter",
    "SessionPage",
    "SortColumn",
    "search_sessions",
    "stream_session_export",
    "write_session_export",
]
