"""export_readiness (ExportSathi): users, export-readiness reports, certification progress,
generated documents, 7-day action plans, chat sessions and messages, finance and logistics
analyses and user metrics, as typed query functions over ``sql/export_readiness/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here.
Sensitive columns (Requirement 17.2) are stored encrypted with pgcrypto: users' phone numbers,
generated documents' content and chat messages' text. The functions that write or return them take
``encryption_key`` (get it with :func:`encryption_key` from the settings,
``DATABASE_ENCRYPTION_KEY``) and return the values decrypted; a wrong key raises
:class:`~datalayer.errors.QueryError`. Deleting a user (``delete_user``) or a report
(``delete_report``) deletes everything that belongs to it.
"""

from datalayer.errors import ConfigurationError
from datalayer.settings import Settings

from . import _queries
from ._queries import *  # noqa: F403
from .shapes import Citation, Citations

__all__ = [*_queries.__all__, "Citation", "Citations", "encryption_key"]


def encryption_key(settings: Settings) -> str:
    """The pgcrypto key for the encrypted columns, from ``settings`` (``DATABASE_ENCRYPTION_KEY``).

    Raises :class:`~datalayer.errors.ConfigurationError` when it is not set.
    """
    if settings.encryption_key is None or not settings.encryption_key.get_secret_value():
        raise ConfigurationError(
            "DATABASE_ENCRYPTION_KEY is not set: export_readiness stores sensitive columns encrypted",
            variable="DATABASE_ENCRYPTION_KEY",
        )
    return settings.encryption_key.get_secret_value()
