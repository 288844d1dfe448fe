"""Operations on a whole database or one application's part of it.

Backup and restore (:mod:`.backup`), a guarded reset (:mod:`.reset`), environment profiles
(:mod:`.profiles`) and sample data at any scale (:mod:`.sample`); ``datalayer optimize``
(statistics, VACUUM and REINDEX where the numbers call for them), ``datalayer check`` (integrity
checks constraints cannot express), ``datalayer monitor`` (the ``sql/ops/`` figures) and
``datalayer docs`` (a data dictionary per application from the catalog and its COMMENTs). Each
command module adds itself to the CLI through ``register(subparsers)``.

Per-application behaviour comes through the registry (:mod:`datalayer.apps`): an application's
checks are the named queries of its ``checks.sql``, its sample data its ``sample`` module; no
application is imported by the toolkit to learn about it.
"""

from __future__ import annotations

__all__: list[str] = []
