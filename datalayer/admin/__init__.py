"""Operations commands over a migrated database: ``datalayer optimize`` (statistics, VACUUM and
REINDEX where the numbers call for them), ``datalayer check`` (integrity checks constraints cannot
express), ``datalayer monitor`` (the ``sql/ops/`` figures) and ``datalayer docs`` (a data
dictionary per application from the catalog and its COMMENTs).

Per-application behaviour comes through the registry (:mod:`datalayer.apps`): an application's
checks are the named queries of its ``checks.sql``; no application is imported.
"""

from __future__ import annotations

__all__: list[str] = []
