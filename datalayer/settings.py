"""Settings read from the environment (and ``.env``): the seeds' ``DATABASE_*`` variables.

Every malformed value raises :class:`~datalayer.errors.ConfigurationError` naming the variable; the
password in ``DATABASE_URL`` never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import ipaddress
import os
from enum import StrEnum
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit, urlunsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

__all__ = [
    "SEED_ALIASES",
    "Settings",
    "SslMode",
    "env_example",
    "is_local_host",
    "mask_url",
    "normalize_url",
]

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


def is_local_host(host: str) -> bool:
    """Whether a connection to ``host`` stays on this machine: a unix socket (a path, or no host
    at all), ``localhost`` or a loopback address."""
    if not host or host.startswith("/") or host.startswith("@"):
        return True
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


def _env(name: str, *aliases: str) -> AliasChoices:
    """Read ``DATABASE_<NAME>`` (then the seeds' other spellings); keyword ``name`` in code."""
    return AliasChoices(f"DATABASE_{name.upper()}", *aliases, name)


#: Spellings of the same settings used by the applications' seeds (ExportSathi: ``DB_POOL_SIZE``,
#: ``DB_MAX_OVERFLOW``), honoured after the ``DATABASE_*`` name.
SEED_ALIASES: dict[str, tuple[str, ...]] = {
    "pool_size": ("DB_POOL_SIZE",),
    "max_overflow": ("DB_MAX_OVERFLOW",),
}


class Settings(BaseSettings):
    """Database settings. Build with :meth:`load` to get :class:`ConfigurationError` on bad input."""

    model_config = SettingsConfigDict(
        env_prefix="DATABASE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
        populate_by_name=True,
    )

    url: SecretStr | None = Field(
        default=None,
        validation_alias=_env("url"),
        description="postgresql://user:password@host:port/db (postgresql+asyncpg:// is accepted)",
    )
    pool_size: int = Field(
        default=20,
        ge=1,
        validation_alias=_env("pool_size", *SEED_ALIASES["pool_size"]),
        description="connections the pool may hold before overflow (alias DB_POOL_SIZE)",
    )
    max_overflow: int = Field(
        default=30,
        ge=0,
        validation_alias=_env("max_overflow", *SEED_ALIASES["max_overflow"]),
        description="extra connections above DATABASE_POOL_SIZE under load (alias DB_MAX_OVERFLOW)",
    )
    pool_min_size: int = Field(
        default=1,
        ge=0,
        validation_alias=_env("pool_min_size"),
        description="connections opened at startup and always kept; the pool grows on demand",
    )
    pool_idle_timeout: float = Field(
        default=300.0,
        ge=0,
        validation_alias=_env("pool_idle_timeout"),
        description="seconds an idle connection above the minimum is kept; 0 = forever",
    )
    pool_timeout: float = Field(
        default=30.0,
        gt=0,
        validation_alias=_env("pool_timeout"),
        description="seconds to wait for a free connection before PoolTimeout",
    )
    pool_recycle: float = Field(
        default=3600.0,
        ge=0,
        validation_alias=_env("pool_recycle"),
        description="maximum age of a connection in seconds (replaced on acquire); 0 = no limit",
    )
    pool_pre_ping: bool = Field(
        default=False,
        validation_alias=_env("pool_pre_ping"),
        description="check each connection on acquire (one round trip) and replace a dead one",
    )
    echo: bool = Field(
        default=False,
        validation_alias=_env("echo"),
        description="log every query (name, duration, rows) at DEBUG on datalayer.query",
    )
    echo_parameters: bool = Field(
        default=False,
        validation_alias=_env("echo_parameters"),
        description="also log parameter values (secrets are always masked)",
    )
    slow_query_ms: float = Field(
        default=500.0,
        ge=0,
        validation_alias=_env("slow_query_ms"),
        description="log queries slower than this at WARNING; 0 = off",
    )
    ssl_mode: SslMode | None = Field(
        default=None,
        validation_alias=_env("ssl_mode"),
        description=(
            "disable, allow, prefer, require, verify-ca or verify-full; unset: the URL's sslmode, "
            "else prefer for localhost and unix sockets and require for any other host"
        ),
    )
    connect_timeout: float = Field(
        default=10.0,
        gt=0,
        validation_alias=_env("connect_timeout"),
        description="seconds to establish one connection",
    )
    connect_retries: int = Field(
        default=3,
        ge=0,
        validation_alias=_env("connect_retries"),
        description="retries of the first connection at startup (backoff with jitter)",
    )
    connect_retry_backoff: float = Field(
        default=0.5,
        gt=0,
        validation_alias=_env("connect_retry_backoff"),
        description="first retry delay in seconds, doubled per retry",
    )
    connect_retry_max_backoff: float = Field(
        default=8.0,
        gt=0,
        validation_alias=_env("connect_retry_max_backoff"),
        description="the longest delay between two connection attempts",
    )
    command_timeout: float | None = Field(
        default=60.0,
        gt=0,
        validation_alias=_env("command_timeout"),
        description="seconds a statement may run before QueryTimeout",
    )
    statement_cache_size: int = Field(
        default=100,
        ge=0,
        validation_alias=_env("statement_cache_size"),
        description="prepared statements cached per connection; 0 behind a transaction-mode PgBouncer",
    )
    read_urls: SecretStr | None = Field(
        default=None,
        validation_alias=_env("read_urls"),
        description=(
            "read replicas, comma-separated postgresql:// URLs: read-only transactions and "
            "db.read() go there, writes to DATABASE_URL"
        ),
    )
    read_wait: float = Field(
        default=1.0,
        ge=0,
        validation_alias=_env("read_wait"),
        description=(
            "seconds a read with a position token waits for a replica to replay it before it "
            "goes to the primary"
        ),
    )
    read_max_lag: float = Field(
        default=10.0,
        gt=0,
        validation_alias=_env("read_max_lag"),
        description="seconds of replay lag past which a replica is skipped",
    )
    read_retry_interval: float = Field(
        default=5.0,
        gt=0,
        validation_alias=_env("read_retry_interval"),
        description="seconds a replica that was down or lagging is left out before it is tried again",
    )
    pooler_prepared_statements: bool = Field(
        default=False,
        validation_alias=_env("pooler_prepared_statements"),
        description=(
            "the pooler in front of the server keeps prepared statements (PgBouncer >= 1.21 with "
            "max_prepared_statements, or session pooling): a statement cache is allowed behind it"
        ),
    )
    encryption_key: SecretStr | None = Field(
        default=None,
        validation_alias=_env("encryption_key"),
        description="pgcrypto key for columns encrypted at rest",
    )

    @model_validator(mode="after")
    def _check_sizes(self) -> Settings:
        if self.pool_min_size > self.pool_max_size:
            raise ValueError(
                "pool_min_size: larger than DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW "
                f"({self.pool_max_size})"
            )
        return self

    @field_validator("url", mode="before")
    @classmethod
    def _check_url(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return SecretStr(normalize_url(raw))

    @field_validator("read_urls", mode="before")
    @classmethod
    def _check_read_urls(cls, value: Any) -> Any:
        if value is None:
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        urls = [normalize_url(u) for u in raw.split(",") if u.strip()]
        return SecretStr(",".join(urls)) if urls else None

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Read the environment (and ``.env``); raise :class:`ConfigurationError` naming the variable."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            problems = []
            first: str | None = None
            for err in exc.errors(include_input=False, include_url=False):
                variable = _variable(err["loc"], err["msg"])
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
    def read_url_list(self) -> list[str]:
        """The replica URLs of ``DATABASE_READ_URLS`` (empty: every query goes to the primary)."""
        if self.read_urls is None:
            return []
        return self.read_urls.get_secret_value().split(",")

    @property
    def host(self) -> str:
        """The host the URL names (``host=`` in the query for a unix socket); "" when none."""
        if self.url is None:
            return ""
        parts = urlsplit(self.url.get_secret_value())
        if parts.hostname:
            return parts.hostname
        return parse_qs(parts.query).get("host", [""])[-1]

    @property
    def url_ssl_mode(self) -> str | None:
        """``sslmode`` given in the URL's query, if any."""
        if self.url is None:
            return None
        return parse_qs(urlsplit(self.url.get_secret_value()).query).get("sslmode", [None])[-1]

    def effective_ssl_mode(self) -> SslMode:
        """``DATABASE_SSL_MODE`` when set, else the URL's ``sslmode``, else ``prefer`` for a local
        host (loopback, unix socket) and ``require`` for any other host."""
        if self.ssl_mode is not None:
            return self.ssl_mode
        in_url = self.url_ssl_mode
        if in_url:
            try:
                return SslMode(in_url)
            except ValueError:
                raise ConfigurationError(
                    f"sslmode={in_url} in DATABASE_URL is not one of "
                    + ", ".join(m.value for m in SslMode),
                    variable="DATABASE_URL",
                ) from None
        return SslMode.PREFER if is_local_host(self.host) else SslMode.REQUIRE

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


def _variable(loc: tuple[int | str, ...], msg: str) -> str:
    """The environment variable a validation error is about."""
    if loc:
        field = str(loc[0])
        name = field.lower().removeprefix("database_") if field.isupper() else field
        variable = f"DATABASE_{name.upper()}"
        # The variable that supplied the value: the first spelling set in the environment.
        environ = {key.upper() for key in os.environ}
        for alias in (variable, *SEED_ALIASES.get(name, ())):
            if alias in environ:
                return alias
        return variable
    # A model-level check names its field first: "Value error, pool_min_size: ..."
    head = msg.split(",", 1)[-1].strip().split(":", 1)[0]
    return f"DATABASE_{head.upper()}" if head in Settings.model_fields else "DATABASE_*"


def env_example() -> str:
    """The text of ``.env.example``: every setting, its default and what it does."""
    lines = [
        "# datalayer settings: every variable, its default and what it does.",
        "# Generated from datalayer.settings.Settings (a test keeps it in sync):",
        "#   python -c 'from datalayer.settings import env_example; print(env_example(), end=\"\")'",
        "# Seed spellings also read: "
        + ", ".join(alias for aliases in SEED_ALIASES.values() for alias in aliases)
        + ".",
        "",
    ]
    for name, field in Settings.model_fields.items():
        variable = f"DATABASE_{name.upper()}"
        if field.description:
            lines.append(f"# {field.description}")
        default = field.default
        if name == "url":
            value = "postgresql://user:password@localhost:5432/app"
        elif default is None:
            value = ""
        elif isinstance(default, bool):
            value = "true" if default else "false"
        elif isinstance(default, float) and default.is_integer():
            value = str(int(default))
        else:
            value = str(default)
        lines.append(f"{variable}={value}" if name == "url" else f"# {variable}={value}")
        lines.append("")
    return "\n".join(lines)
