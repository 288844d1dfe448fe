"""The keyring for export_readiness's encrypted columns, from the environment.

Every query that encrypts or decrypts takes ``encryption_key``: a keyring, the JSON text
``{"current": "<id>", "keys": {"<id>": "<key>", ...}}``. Values are encrypted with the current key and
store its id next to them (``users.phone_key_id``, ``generated_documents.content_key_id``,
``chat_messages.content_key_id``); each is decrypted with the key of its own id, so while a rotation
runs the keyring holds the previous key and the new one and every value stays readable.

The keys come from environment variables (or ``.env``, as the settings read it), never from the
command line:

* ``DATABASE_ENCRYPTION_KEY``: the current key; ``DATABASE_ENCRYPTION_KEY_ID`` its id (default
  ``1``, the id the values written before key ids carry);
* during a rotation, ``DATABASE_ENCRYPTION_PREVIOUS_KEY`` and ``DATABASE_ENCRYPTION_PREVIOUS_KEY_ID``
  (default ``1``): the key being replaced.

A key never appears in a repr, a log line or an error: the keyring is a plain ``str`` only when it
is handed to a query (whose ``encryption_key`` parameter is masked in query logs), and the
database functions report a malformed keyring without quoting it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from datalayer.errors import ConfigurationError
from datalayer.settings import Settings

__all__ = [
    "DEFAULT_KEY_ID",
    "KEY_ID_VARIABLE",
    "KEY_VARIABLE",
    "PREVIOUS_KEY_ID_VARIABLE",
    "PREVIOUS_KEY_VARIABLE",
    "Keyring",
    "encryption_key",
    "keyring_from_settings",
]

KEY_VARIABLE: Final = "DATABASE_ENCRYPTION_KEY"
KEY_ID_VARIABLE: Final = "DATABASE_ENCRYPTION_KEY_ID"
PREVIOUS_KEY_VARIABLE: Final = "DATABASE_ENCRYPTION_PREVIOUS_KEY"
PREVIOUS_KEY_ID_VARIABLE: Final = "DATABASE_ENCRYPTION_PREVIOUS_KEY_ID"
#: The id of the key the values written before key ids existed are encrypted with.
DEFAULT_KEY_ID: Final = "1"
_KEY_ID: Final = re.compile(r"[A-Za-z0-9_.-]{1,32}")


@dataclass(frozen=True)
class Keyring:
    """The current key and, during a rotation, the previous one. ``repr`` shows the ids only."""

    current_id: str
    keys: Mapping[str, str] = field(repr=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise ConfigurationError(
                    f"key id {key_id!r} must be 1 to 32 letters, digits, dots, dashes or "
                    "underscores",
                    variable=KEY_ID_VARIABLE,
                )
            if not key:
                raise ConfigurationError(f"the key with id {key_id!r} is empty")
        if self.current_id not in self.keys:
            raise ConfigurationError(
                f"the current key id {self.current_id!r} has no key", variable=KEY_ID_VARIABLE
            )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.keys))

    def text(self) -> str:
        """The keyring as the queries take it (``encryption_key=``)."""
        return json.dumps({"current": self.current_id, "keys": dict(self.keys)})


def _environment() -> Mapping[str, str]:
    """The process environment over ``.env`` (read the way the settings read it)."""
    from dotenv import dotenv_values

    found = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    return {**found, **os.environ}


def keyring_from_settings(settings: Settings, environ: Mapping[str, str] | None = None) -> Keyring:
    """The keyring: the current key from ``settings`` (``DATABASE_ENCRYPTION_KEY``), its id and the
    previous key from ``environ`` (default: the process environment, over ``.env``).

    Raises :class:`~datalayer.errors.ConfigurationError` (naming the variable, never a key) when the
    current key is missing, an id is malformed, or the previous key has the current key's id.
    """
    env = _environment() if environ is None else environ
    if settings.encryption_key is None or not settings.encryption_key.get_secret_value():
        raise ConfigurationError(
            f"{KEY_VARIABLE} is not set: export_readiness stores sensitive columns encrypted",
            variable=KEY_VARIABLE,
        )
    current_id = env.get(KEY_ID_VARIABLE) or DEFAULT_KEY_ID
    keys = {current_id: settings.encryption_key.get_secret_value()}
    previous = env.get(PREVIOUS_KEY_VARIABLE)
    if previous:
        previous_id = env.get(PREVIOUS_KEY_ID_VARIABLE) or DEFAULT_KEY_ID
        if previous_id == current_id:
            raise ConfigurationError(
                f"{PREVIOUS_KEY_ID_VARIABLE} ({previous_id!r}) must differ from {KEY_ID_VARIABLE} "
                f"({current_id!r}): give the new key a new id",
                variable=PREVIOUS_KEY_ID_VARIABLE,
            )
        keys[previous_id] = previous
    return Keyring(current_id, keys)


def encryption_key(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The keyring text the queries' ``encryption_key`` parameter takes (see
    :func:`keyring_from_settings`)."""
    return keyring_from_settings(settings, environ).text()
