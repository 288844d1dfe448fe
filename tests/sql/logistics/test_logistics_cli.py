"""`datalayer logistics seed|check`: demo data without a fixed password, idempotent; the seed
runs as the service (``logistics_app``: the first user needs no admin), the checks as the owner."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from datalayer.cli import main


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM logistics.{table}").fetchone()
    assert row is not None
    return int(row[0])


def _password_ok(url: str, username: str, password: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT password_hash = public.crypt(%s, password_hash) FROM logistics.users "
            "WHERE username = %s AND role = 'admin' AND is_superuser",
            (password, username),
        ).fetchone()
    return bool(row and row[0])


def test_seed_generates_the_admin_password_and_shows_it_once(
    database_url: str,
    app_dsn: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOGISTICS_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("LOGISTICS_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("LOGISTICS_USER_PASSWORD", raising=False)
    assert main(["logistics", "seed", "--database-url", app_dsn]) == 0
    out = capsys.readouterr().out
    user = re.search(r"created user 'user' with password (\S+) \(shown once\)", out)
    assert user is not None, out
    assert len(user.group(1)) >= 20 and user.group(1) not in ("admin123", "user123")
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT password_hash = public.crypt(%s, password_hash) AND role = 'user'"
            " AND NOT is_superuser FROM logistics.users WHERE username = 'user'",
            (user.group(1),),
        ).fetchone()
    assert row == (True,)
    match = re.search(r"created admin 'admin' with password (\S+) \(shown once\)", out)
    assert match is not None, out
    password = match.group(1)
    assert len(password) >= 20 and password not in ("admin123", "user123")
    assert _password_ok(database_url, "admin", password)
    assert "created vehicle KDA-001T" in out and "created order ORD-DEMO-3" in out
    assert [_count(database_url, t) for t in ("users", "customers", "vehicles", "orders")] == [
        2, 2, 2, 3,
    ]  # fmt: skip
    assert main(["logistics", "seed", "--database-url", app_dsn]) == 0
    again = capsys.readouterr().out
    assert "nothing to add" in again and password not in again and user.group(1) not in again
    assert _count(database_url, "orders") == 3
    assert main(["logistics", "check", "--database-url", database_url]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "healthy"
    assert report["tables"]["vehicles"] == 2 and report["tables"]["routes"] == 0


def test_seed_takes_the_admin_password_from_the_environment(
    database_url: str,
    app_dsn: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOGISTICS_ADMIN_PASSWORD", "short")
    assert main(["logistics", "seed", "--database-url", app_dsn]) == 2
    err = capsys.readouterr().err
    assert "LOGISTICS_ADMIN_PASSWORD" in err and "short" not in err
    assert _count(database_url, "users") == 0  # nothing was written
    secret = "correct-horse-battery-staple"
    monkeypatch.setenv("LOGISTICS_ADMIN_PASSWORD", secret)
    monkeypatch.setenv("LOGISTICS_ADMIN_USERNAME", "ops-admin")
    monkeypatch.setenv("LOGISTICS_USER_PASSWORD", "another-long-secret")
    assert main(["logistics", "seed", "--database-url", app_dsn]) == 0
    out = capsys.readouterr().out
    assert secret not in out and "password from LOGISTICS_ADMIN_PASSWORD" in out
    assert "another-long-secret" not in out and "password from LOGISTICS_USER_PASSWORD" in out
    assert _password_ok(database_url, "ops-admin", secret)
