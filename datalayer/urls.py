"""Where a command connects: only where it is told.

``--database-url``, else ``DATABASE_URL`` (environment or ``.env``). Nothing else: a deploy that
forgets the variable fails with exit code 2 and a message, instead of creating a database of its
own. The embedded development cluster is started only on request (``datalayer dev up``, which
prints the ``export DATABASE_URL=…`` line, and the ``make`` targets that call it).
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError
from .settings import Settings

__all__ = ["NO_DATABASE", "resolve_migrate_url", "resolve_url"]

NO_DATABASE = (
    "no database to connect to: set DATABASE_URL (environment or .env; migrations use "
    "DATALAYER_MIGRATE_URL first) or pass --database-url. "
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


class _MigrateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    datalayer_migrate_url: SecretStr | None = None


def resolve_migrate_url(explicit: str | None) -> str:
    """Where migrations (and ``roles``, ``schema``) connect: ``explicit``, else
    ``DATALAYER_MIGRATE_URL`` (the owner's login), else ``DATABASE_URL``."""
    if explicit:
        return resolve_url(explicit)
    own = _MigrateSettings().datalayer_migrate_url
    if own is not None and own.get_secret_value():
        return resolve_url(own.get_secret_value())
    return resolve_url(None)
