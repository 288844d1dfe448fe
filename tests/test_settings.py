"""Settings: the seeds' DATABASE_* variables, validation naming the variable, masked passwords."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from datalayer.errors import ConfigurationError
from datalayer.settings import Settings, SslMode, mask_url

URL = "postgresql://app:s3cret-pw@db.example:6543/shop"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(__import__("os").environ):
        if key.startswith(("DATABASE_", "DB_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_reads_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "DATABASE_URL": URL,
        "DATABASE_POOL_SIZE": "5",
        "DATABASE_MAX_OVERFLOW": "7",
        "DATABASE_POOL_TIMEOUT": "3.5",
        "DATABASE_POOL_RECYCLE": "120",
        "DATABASE_POOL_PRE_PING": "true",
        "DATABASE_ECHO": "true",
        "DATABASE_SSL_MODE": "verify-full",
        "DATABASE_CONNECT_TIMEOUT": "4",
        "DATABASE_COMMAND_TIMEOUT": "9",
        "DATABASE_STATEMENT_CACHE_SIZE": "0",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s = Settings.load()
    assert s.require_url() == URL
    assert (s.pool_size, s.max_overflow, s.pool_max_size) == (5, 7, 12)
    assert s.pool_timeout == 3.5 and s.pool_recycle == 120
    assert s.pool_pre_ping is True and s.echo is True
    assert s.ssl_mode is SslMode.VERIFY_FULL
    assert s.connect_timeout == 4 and s.command_timeout == 9
    assert s.statement_cache_size == 0
    assert s.database_name == "shop"


def test_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DATABASE_URL={URL}\nDATABASE_POOL_SIZE=3\n")
    s = Settings.load()
    assert s.pool_size == 3 and s.require_url() == URL


def test_sqlalchemy_style_url_is_normalised() -> None:
    s = Settings.load(url="postgresql+asyncpg://u:p@h:5432/d")
    assert s.require_url() == "postgresql://u:p@h:5432/d"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://u:p@h/d"),
        ("DATABASE_URL", "postgresql://u:p@h:notaport/d"),
        ("DATABASE_SSL_MODE", "sometimes"),
        ("DATABASE_POOL_SIZE", "-1"),
        ("DATABASE_MAX_OVERFLOW", "-3"),
        ("DATABASE_POOL_TIMEOUT", "0"),
        ("DATABASE_COMMAND_TIMEOUT", "soon"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        Settings.load()
    assert info.value.variable == variable
    assert variable in str(info.value)


def test_password_never_shown(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    s = Settings.load()
    assert "s3cret-pw" not in repr(s)
    assert "s3cret-pw" not in str(s)
    assert s.masked_url == "postgresql://***@db.example:6543/shop"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("t").info("settings: %s", s)
    assert "s3cret-pw" not in caplog.text
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:s3cret-pw@h:bad/d")
    with pytest.raises(ConfigurationError) as info:
        Settings.load()
    assert "s3cret-pw" not in str(info.value)


def test_missing_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings.load().require_url()
    assert info.value.variable == "DATABASE_URL"


def test_mask_url_variants() -> None:
    assert mask_url("postgresql://h/d") == "postgresql://h/d"
    assert mask_url("postgres://u@h:1/d?sslmode=require") == "postgresql://***@h:1/d"
    assert mask_url("postgresql://u:p@[::1]:5/d") == "postgresql://***@[::1]:5/d"


def test_seed_spellings_are_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "3")
    s = Settings.load()
    assert (s.pool_size, s.max_overflow, s.pool_max_size) == (7, 3, 10)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "9")  # the DATABASE_* name wins
    assert Settings.load().pool_size == 9
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    monkeypatch.setenv("DB_POOL_SIZE", "-2")
    with pytest.raises(ConfigurationError) as info:
        Settings.load()
    assert info.value.variable == "DB_POOL_SIZE"  # the variable that was actually set


def test_the_pool_starts_small() -> None:
    s = Settings.load()
    assert (s.pool_min_size, s.pool_max_size) == (1, 50)
    with pytest.raises(ConfigurationError) as info:
        Settings.load(pool_min_size=5, pool_size=2, max_overflow=1)
    assert info.value.variable == "DATABASE_POOL_MIN_SIZE"


@pytest.mark.parametrize(
    ("url", "mode"),
    [
        ("postgresql://u@localhost/d", SslMode.PREFER),
        ("postgresql://u@127.0.0.1:5/d", SslMode.PREFER),
        ("postgresql://u@[::1]:5/d", SslMode.PREFER),
        ("postgresql:///d?host=/var/run/postgresql", SslMode.PREFER),
        ("postgresql:///d", SslMode.PREFER),
        ("postgresql://u@db.internal:5432/d", SslMode.REQUIRE),
        ("postgresql://u@10.1.2.3/d", SslMode.REQUIRE),
        ("postgresql://u@db.internal/d?sslmode=disable", SslMode.DISABLE),
    ],
)
def test_ssl_defaults_to_require_off_this_machine(url: str, mode: SslMode) -> None:
    assert Settings.load(url=url).effective_ssl_mode() is mode


def test_explicit_ssl_mode_wins() -> None:
    s = Settings.load(url="postgresql://u@db.internal/d", ssl_mode="prefer")
    assert s.effective_ssl_mode() is SslMode.PREFER


def test_env_example_is_in_sync() -> None:
    from datalayer.settings import env_example

    path = Path(__file__).resolve().parents[1] / ".env.example"
    assert path.read_text() == env_example(), (
        ".env.example is stale: regenerate it from datalayer.settings.env_example()"
    )
    for name in Settings.model_fields:
        assert f"DATABASE_{name.upper()}=" in path.read_text()
