"""An application's conversion files: how its old (SQLAlchemy/Alembic) tables become its schema.

An application ships them in ``<package>/adopt/`` or ``<adopt root>/<app>/`` (:mod:`datalayer.apps`),
one file per legacy table, applied in file-name order::

    -- legacy: users                 the legacy table (also the quarantine table's name)
    -- key: id                       the legacy row's key, an expression over the alias l
    -- name: refuse
    SELECT l.id::text AS legacy_key, CASE WHEN ... THEN 'reason' END AS reason
    FROM __legacy__.users AS l
    -- name: convert
    INSERT INTO fintech.users (...) SELECT ... FROM __legacy__.users AS l
    WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.id::text)
      AND NOT EXISTS (SELECT FROM fintech.users AS n WHERE n.id = l.id)
    -- name: converted
    SELECT count(*) FROM __legacy__.users AS l WHERE EXISTS (...)

``refuse`` lists the rows that will not convert, with why (rows whose reason is null convert); it
may read the refusals of every table (``pg_temp.adopt_refused_<legacy table>``), which are
recomputed until nothing changes, so a refusal spreads to whatever depends on the refused row.
``convert`` copies what is neither refused nor converted already (so a second run does nothing);
``converted`` counts the legacy rows present in the new schema. An optional ``prepare`` section
runs once before any other (e.g. ``pg_temp`` helper functions that parse legacy text safely). ``__legacy__`` stands for the
legacy schema; ``current_setting('datalayer.adopt_key')`` is the encryption key when one is given,
and ``current_setting('datalayer.adopt_keyring')`` the same key as a one-key keyring, the JSON text
``{"current": "<key id>", "keys": {"<key id>": "<key>"}}`` that an application's keyring functions
take (export_readiness.encrypt and current_key_id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..errors import ConfigurationError

__all__ = ["KEYRING_SETTING", "KEY_SETTING", "LEGACY", "Conversion", "read_conversions"]

LEGACY: Final = "__legacy__"
KEY_SETTING: Final = "datalayer.adopt_key"
KEYRING_SETTING: Final = "datalayer.adopt_keyring"
_SECTIONS: Final = ("refuse", "convert", "converted")
_OPTIONAL: Final = ("prepare",)
_IDENT: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_HEADER: Final = re.compile(r"^--\s*(legacy|key):\s*(.+?)\s*$")
_NAME: Final = re.compile(r"^--\s*name:\s*([a-z_]+)\s*$")


@dataclass(frozen=True, slots=True)
class Conversion:
    """One legacy table's conversion."""

    path: Path
    legacy: str
    key: str
    refuse: str
    convert: str
    converted: str
    prepare: str = ""

    @property
    def refused_table(self) -> str:
        return f"adopt_refused_{self.legacy}"

    @property
    def needs_key(self) -> bool:
        return KEY_SETTING in self.convert  # also a prefix of KEYRING_SETTING


def _parse(path: Path) -> Conversion:
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        named = _NAME.match(line)
        if named:
            name = named.group(1)
            if name not in (*_SECTIONS, *_OPTIONAL) or name in sections:
                raise ConfigurationError(f"{path}: unexpected or repeated section {name!r}")
            current = sections[name] = []
            continue
        if current is None:
            found = _HEADER.match(line)
            if found:
                header[found.group(1)] = found.group(2)
            continue
        current.append(line)
    missing = [s for s in _SECTIONS if not "".join(sections.get(s, [])).strip()]
    if missing or "legacy" not in header or "key" not in header:
        raise ConfigurationError(
            f"{path}: a conversion file needs `-- legacy:`, `-- key:` and the sections "
            f"{', '.join(_SECTIONS)} (missing: {', '.join(missing) or 'a header line'})"
        )
    if not _IDENT.fullmatch(header["legacy"]):
        raise ConfigurationError(f"{path}: legacy table {header['legacy']!r} is not a plain name")
    body = {s: "\n".join(sections[s]).strip().rstrip(";") for s in _SECTIONS}
    body["prepare"] = "\n".join(sections.get("prepare", [])).strip()
    return Conversion(path=path, legacy=header["legacy"], key=header["key"], **body)


def read_conversions(directory: Path) -> tuple[Conversion, ...]:
    """Every ``*.sql`` conversion of ``directory`` in file-name order."""
    if not directory.is_dir():
        raise ConfigurationError(f"no conversion files in {directory}")
    found = tuple(_parse(p) for p in sorted(directory.glob("*.sql")))
    if not found:
        raise ConfigurationError(f"no conversion files in {directory}")
    names = [c.legacy for c in found]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"{directory}: two files convert the same legacy table")
    return found
