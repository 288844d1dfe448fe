"""Settings read from the environment (and ``.env``): the seeds' ``DATABASE_*`` variables.

Every malformed value raises :class:`~datalayer.errors.ConfigurationError` naming the variable; the
password in ``DATABASE_URL`` never appears in a repr, a log line or an error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

__all__ = ["Settings", "SslMode", "mask_url", "normalize_url"]

_SCHEMES = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "postgresql+asyncpg": "postgresql",
    "postgresql+psycopg": "postgresql",
    "postgresql+psycopg2": "postgresql",
}


class SslMode(StrEnum):
    """libpq's ``sslmode`` values (asyncpg accepts the same names)."""

    DISABLE = "disable"
    ALLOW = "allow"
    PREFER = "prefer"
    REQUIRE = "require"
    VERIFY_CA = "verify-ca"
    VERIFY_FULL = "verify-full"


def normalize_url(url: str) -> str:
    """Return a plain ``postgresql://`` URL; accepts SQLAlchemy-style ``postgresql+driver://``.

    Raises ``ValueError`` (without echoing the URL, which may hold a password) when malformed.
    """
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises on a non-numeric port
    except ValueError:
        raise ValueError(
            "not a URL of the form postgresql://user:password@host:port/dbname"
        ) from None
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise ValueError(
            f"unsupported scheme {parts.scheme!r}: expected postgresql:// (or postgres://, "
            "postgresql+asyncpg://)"
        )
    if not parts.path.strip("/") and not parts.hostname and "host=" not in parts.query:
        raise ValueError("a host or a database name is required")
    return urlunsplit(SplitResult(scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def mask_url(url: str) -> str:
    """``postgresql://user:secret@host:5432/db`` → ``postgresql://***@host:5432/db``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "postgresql://***"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"***@{host}" if (parts.username or parts.password) else host
    if port:
        netloc += f":{port}"
    scheme = _SCHEMES.get(parts.scheme.lower(), parts.scheme)
    return urlunsplit(SplitResult(scheme, netloc, parts.path, "", ""))


class Settings(BaseSettings):
    """Database settings. Build with :meth:`load` to get :class:`ConfigurationError` on bad input."""

    model_config = SettingsConfigDict(
        env_prefix="DATABASE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    url: SecretStr | None = Field(
        default=None, description="postgresql://user:password@host:port/db"
    )
    pool_size: int = Field(default=20, ge=1, description="connections kept open (pool min size)")
    max_overflow: int = Field(default=30, ge=0, description="extra connections above pool_size")
    pool_timeout: float = Field(default=30.0, gt=0, description="seconds to wait to acquire")
    pool_recycle: float = Field(
        default=3600.0,
        ge=0,
        description="seconds an idle connection above the floor is kept; 0 = forever",
    )
    pool_pre_ping: bool = Field(default=False, description="check each connection on acquire")
    echo: bool = Field(default=False, description="log every query (name, duration, rows)")
    echo_parameters: bool = Field(default=False, description="also log parameter values")
    slow_query_ms: float = Field(default=500.0, ge=0, description="log queries slower than this")
    ssl_mode: SslMode = Field(default=SslMode.PREFER)
    connect_timeout: float = Field(default=10.0, gt=0)
    command_timeout: float | None = Field(default=60.0, gt=0)
    statement_cache_size: int = Field(
        default=100, ge=0, description="0 behind a transaction-mode PgBouncer"
    )
    encryption_key: SecretStr | None = Field(
        default=None, description="pgcrypto key for columns encrypted at rest"
    )

    @field_validator("url", mode="before")
    @classmethod
    def _check_url(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return SecretStr(normalize_url(raw))

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Read the environment (and ``.env``); raise :class:`ConfigurationError` naming the variable."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            problems = []
            first: str | None = None
            for err in exc.errors(include_input=False, include_url=False):
                field = str(err["loc"][0]) if err["loc"] else "?"
                variable = f"DATABASE_{field.upper()}"
                first = first or variable
                problems.append(f"{variable}: {err['msg']}")
            raise ConfigurationError(
                "invalid settings: " + "; ".join(problems), variable=first
            ) from None

    # -- derived values -------------------------------------------------------------------------

    def require_url(self) -> str:
        """The database URL; :class:`ConfigurationError` when ``DATABASE_URL`` is unset."""
        if self.url is None:
            raise ConfigurationError(
                "DATABASE_URL is not set (e.g. postgresql://user:password@localhost:5432/app)",
                variable="DATABASE_URL",
            )
        return self.url.get_secret_value()

    @property
    def masked_url(self) -> str:
        return mask_url(self.url.get_secret_value()) if self.url else "(unset)"

    @property
    def pool_max_size(self) -> int:
        return self.pool_size + self.max_overflow

    @property
    def database_name(self) -> str:
        if self.url is None:
            return ""
        return unquote(urlsplit(self.url.get_secret_value()).path.lstrip("/"))

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield (name, self.masked_url) if name == "url" else (name, value)
