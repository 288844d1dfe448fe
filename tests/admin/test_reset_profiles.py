"""datalayer reset (guarded) and the environment profiles."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from admin_support import scalar

from datalayer import migrate
from datalayer.admin import profiles
from datalayer.admin.profiles import Profile, load_settings
from datalayer.admin.reset import _confirm
from datalayer.cli import main
from datalayer.db import Database
from datalayer.errors import ConfigurationError
from datalayer.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


async def _seed_logistics(url: str) -> None:
    from datalayer.logistics.cli import seed

    db = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
    async with db, db.transaction(actor="test") as conn:
        await seed(conn)


def _fintech_user(url: str) -> None:
    with_sql = (
        "INSERT INTO fintech.users (email, password_hash, first_name, last_name)"
        " VALUES ('kept@example.com', '$2b$12$' || repeat('a', 53), 'Kept', 'User')"
    )
    scalar(url, with_sql + " RETURNING 1")


def test_reset_empties_one_application_only(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGISTICS_ADMIN_PASSWORD", "a-long-test-password")
    monkeypatch.delenv("DATALAYER_ENV", raising=False)
    asyncio.run(_seed_logistics(database_url))
    _fintech_user(database_url)
    assert scalar(database_url, "SELECT count(*) FROM logistics.orders") == 3

    code = main(["reset", "--app", "logistics", "--yes", "--database-url", database_url])

    assert code == 0
    assert scalar(database_url, "SELECT count(*) FROM logistics.orders") == 0
    assert scalar(database_url, "SELECT count(*) FROM fintech.users") == 1
    assert migrate.status(database_url).ok
    assert not migrate.status(database_url).pending


def test_reset_is_refused_in_production_and_without_confirmation(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fintech_user(database_url)
    monkeypatch.setenv("DATALAYER_ENV", "production")
    code = main(["reset", "--app", "fintech", "--yes", "--database-url", database_url])
    assert code == 2
    assert "refused when DATALAYER_ENV=production" in capsys.readouterr().err
    monkeypatch.setenv("DATALAYER_ENV", "development")
    # stdin is not a terminal under pytest: no --yes, no reset
    assert main(["reset", "--app", "fintech", "--database-url", database_url]) == 2
    assert scalar(database_url, "SELECT count(*) FROM fintech.users") == 1
    assert main(["reset", "--app", "core", "--yes", "--database-url", database_url]) == 2
    assert not _confirm("shop", "postgresql://h/shop", "fintech", lambda _: "shop2")
    assert _confirm("shop", "postgresql://h/shop", "fintech", lambda _: " shop\n")


def test_profiles_give_defaults_below_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("DATABASE_POOL_SIZE", "DB_POOL_SIZE", "DATABASE_SSL_MODE", "DATALAYER_ENV"):
        monkeypatch.delenv(variable, raising=False)
    assert profiles.current() is Profile.DEVELOPMENT
    assert load_settings(Profile.TEST).pool_size == 2
    assert load_settings(Profile.PRODUCTION).ssl_mode == "require"
    assert load_settings(Profile.PRODUCTION).pool_pre_ping
    monkeypatch.setenv("DB_POOL_SIZE", "9")
    assert load_settings(Profile.TEST).pool_size == 9
    assert load_settings(Profile.TEST, pool_size=3).pool_size == 3
    monkeypatch.setenv("DATALAYER_ENV", "staging")
    with pytest.raises(ConfigurationError, match="DATALAYER_ENV must be one of") as info:
        profiles.current()
    assert info.value.variable == "DATALAYER_ENV"


@pytest.mark.parametrize("profile", list(Profile))
def test_env_examples_are_in_sync(profile: Profile) -> None:
    path = profiles.example_path(ROOT, profile)
    assert path.read_text(encoding="utf-8") == profiles.env_example(profile), (
        f"{path.name} is stale: run python -m datalayer.admin.profiles"
    )
