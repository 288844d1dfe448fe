"""The PostgreSQL client programs (pg_dump, pg_restore, psql) and how to hand them a URL.

The programs are found like the embedded cluster's server binaries (:func:`datalayer.devdb.find_bindir`:
PATH, ``pg_config --bindir``, the newest ``/usr/lib/postgresql/*/bin``). A URL never appears on
their command line (where ``ps`` would show its password): it is split into libpq's ``PG*``
environment variables.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import ConfigurationError, DataLayerError

__all__ = ["libpq_env", "program"]

#: URL query parameters that libpq reads from the environment as well.
_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


def program(name: str) -> str:
    """The path of ``pg_dump``, ``pg_restore`` or ``psql``, from the server's bindir first (so its
    version matches the server's), then PATH."""
    from ..devdb import find_bindir

    try:
        candidate = find_bindir() / name
        if candidate.is_file():
            return str(candidate)
    except (DataLayerError, OSError):  # no server binaries: try PATH
        pass
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(
            f"{name} was not found (install the PostgreSQL client programs, e.g. "
            "`apt-get install postgresql-client`)",
            variable="PATH",
        )
    return found


def libpq_env(url: str, **extra: str) -> dict[str, str]:
    """The process environment with the URL's parts as ``PGHOST``, ``PGPORT``, ``PGUSER``,
    ``PGPASSWORD``, ``PGDATABASE`` (and the query's sslmode, options, ...)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    parts = urlsplit(url)
    if parts.hostname:
        env["PGHOST"] = parts.hostname
    if parts.port:
        env["PGPORT"] = str(parts.port)
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    dbname = unquote(parts.path.lstrip("/"))
    if dbname:
        env["PGDATABASE"] = dbname
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        variable = _QUERY_ENV.get(key)
        if variable:
            env[variable] = value
    env.update(extra)
    return env


def size_text(path: Path) -> str:
    """``path``'s size for people: 1.2 MB."""
    size = float(path.stat().st_size)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
