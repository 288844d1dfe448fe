"""export_readiness (ExportSathi): users, export-readiness reports, certification progress,
generated documents, 7-day action plans, chat sessions and messages, finance and logistics
analyses and user metrics, as typed query functions over ``sql/export_readiness/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here.
Sensitive columns (Requirement 17.2) are stored encrypted with pgcrypto: users' phone numbers,
generated documents' content and chat messages' text, each with the id of its key. The functions
that write or return them take ``encryption_key``, the keyring (get it with :func:`encryption_key`
from the settings: ``DATABASE_ENCRYPTION_KEY``, ``DATABASE_ENCRYPTION_KEY_ID`` and, during a key
rotation, ``DATABASE_ENCRYPTION_PREVIOUS_KEY``/``_ID``; see :mod:`.keys`), and return the values
decrypted; a wrong key raises :class:`~datalayer.errors.QueryError`. ``datalayer export-readiness
rotate-key`` re-encrypts every value with the current key.

Deleting a user (``delete_user``) or a report (``delete_report``) is a soft delete: the rows and
everything that belongs to them become invisible to every query at once,
``update_user_restored`` and ``update_report_restored`` bring them back within 30 days, and
``delete_users_and_reports_past_retention`` (run by the owner; ``datalayer export-readiness
purge-deleted``) removes them for good after that.
"""

from . import _queries
from ._queries import *  # noqa: F403
from .keys import Keyring, encryption_key, keyring_from_settings
from .shapes import Citation, Citations

__all__ = [
    *_queries.__all__,
    "Citation",
    "Citations",
    "Keyring",
    "encryption_key",
    "keyring_from_settings",
]
