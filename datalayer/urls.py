"""Where a command connects: only where it is told.

``--database-url``, else ``DATABASE_URL`` (environment or ``.env``). Nothing else: a deploy that
forgets the variable fails with exit code 2 and a message, instead of creating a database of its
own. The embedded development cluster is started only on request (``datalayer dev up``, which
prints the ``export DATABASE_URL=…`` line, and the ``make`` targets that call it).
"""

from __future__ import annotations

from .errors import ConfigurationError
from .settings import Settings

__all__ = ["NO_DATABASE", "resolve_url"]

NO_DATABASE = (
    "no database to connect to: set DATABASE_URL (environment or .env) or pass --database-url. "
    "For a local development database run `datalayer dev up` and export the DATABASE_URL it "
    'prints (`eval "$(datalayer dev up)"`).'
)


def resolve_url(explicit: str | None) -> str:
    """``explicit`` (``--database-url``), else ``DATABASE_URL``; :class:`ConfigurationError`
    naming ``DATABASE_URL`` and ``datalayer dev up`` when neither is set."""
    if explicit:
        return Settings.load(url=explicit).require_url()
    settings = Settings.load()
    if settings.url is None:
        raise ConfigurationError(NO_DATABASE, variable="DATABASE_URL")
    return settings.require_url()
