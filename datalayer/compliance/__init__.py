"""compliance (ruleIQ): users, business profiles, assessment sessions, evidence with trigram and
full-text search, AI chat conversations, versioned generated policies, compliance frameworks,
implementation plans, readiness assessments, third-party integrations and report schedules, as
typed query functions over ``sql/compliance/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here; the
typed jsonb shapes (plan phases, chat messages) live in :mod:`datalayer.compliance.shapes`.
Integration credentials are encrypted with pgcrypto: pass ``encryption_key`` from
``Settings.encryption_key``; only ``get_integration_credentials`` returns them in clear.
``update_due_report_schedules`` is a work queue: concurrent workers each claim different due
schedules (``FOR UPDATE SKIP LOCKED``) and the claim moves the schedule to its next run time.
Refusals arrive as :class:`~datalayer.errors.CheckViolation`,
:class:`~datalayer.errors.ForeignKeyViolation` and :class:`~datalayer.errors.UniqueViolation`
naming the constraint (e.g. ``evidence_items_approval_check``).
"""

from ._queries import *  # noqa: F403
from ._queries import __all__ as __all__
