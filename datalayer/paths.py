"""Where the SQL files live: in a wheel, inside the package; in a source checkout, the checkout's own."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _pick(env: str | None, shipped: str, checkout: str) -> Path:
    override = os.environ.get(env) if env else None
    if override:
        return Path(override).resolve()
    packaged = _PACKAGE / shipped
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / checkout


def migrations_dir() -> Path:
    """The packaged histories' root: the copy shipped in the wheel, else ``<checkout>/migrations``.

    (``DATALAYER_MIGRATIONS`` adds folders of a service's own; it never replaces this.)"""
    return _pick(None, "_migrations", "migrations")


def sql_dir() -> Path:
    """``DATALAYER_SQL``, else the copy shipped in the wheel, else ``<checkout>/sql``."""
    return _pick("DATALAYER_SQL", "_sql", "sql")


def adopt_dir() -> Path:
    """The applications' conversions of their old tables: the wheel's copy, else ``<checkout>/adopt``."""
    return _pick(None, "_adopt", "adopt")


def project_root() -> Path:
    """The source checkout (where ``.pgdata/`` and ``schema.sql`` live); the working directory otherwise."""
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "migrations").is_dir():
        return _CHECKOUT
    return Path.cwd()
