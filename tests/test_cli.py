"""The `datalayer` command and the embedded cluster, run as a user would (subprocesses)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from datalayer.devdb import Cluster, find_bindir
from datalayer.errors import ConfigurationError

DATALAYER = [sys.executable, "-m", "datalayer.cli"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    return subprocess.run(
        [*DATALAYER, *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
        cwd=tempfile.gettempdir(),
    )


def test_migrate_status_with_database_url(empty_database_url: str) -> None:
    env = {"DATABASE_URL": empty_database_url}
    before = _run("status", "--exit-code", env=env)
    assert before.returncode == 3, before.stderr
    assert "pending" in before.stdout
    dry = _run("migrate", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert _run("status", "--exit-code", env=env).returncode == 3  # dry run changed nothing
    done = _run("migrate", env=env)
    assert done.returncode == 0, done.stderr
    assert "0001.core.create-extensions" in done.stdout
    after = _run("status", "--exit-code", env=env)
    assert after.returncode == 0, after.stdout + after.stderr
    assert _run("verify", env=env).returncode == 0
    back = _run("rollback", "--count", "1", env=env)
    assert back.returncode == 0, back.stderr
    assert _run("status", "--exit-code", env=env).returncode == 3
    assert _run("rollback", env=env).returncode != 0  # never everything without a target


def test_errors_are_one_line_without_password() -> None:
    result = _run("status", env={"DATABASE_URL": "postgresql://u:pw-secret-789@127.0.0.1:1/x"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "pw-secret-789" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_bad_setting_names_the_variable(empty_database_url: str) -> None:
    result = _run("status", env={"DATABASE_URL": empty_database_url, "DATABASE_SSL_MODE": "nah"})
    assert result.returncode == 2 and "DATABASE_SSL_MODE" in result.stderr


def test_without_a_database_url_nothing_is_created() -> None:
    """A deploy that forgets DATABASE_URL fails with exit code 2; no cluster appears."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="datalayer-cli-", dir=base))
    env = {"DATALAYER_PGDATA": str(root / "pgdata")}
    try:
        for command in (
            ["migrate"],
            ["status"],
            ["verify"],
            ["rollback", "--count", "1"],
            ["health"],
        ):
            result = _run(*command, env=env)
            assert result.returncode == 2, (command, result.stdout, result.stderr)
            assert "DATABASE_URL" in result.stderr and "datalayer dev up" in result.stderr
            assert "Traceback" not in result.stderr
        assert not (root / "pgdata").exists()
    finally:
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_embedded_cluster_only_when_asked_for() -> None:
    """`datalayer dev up` prints the export line; migrating then uses that URL (what `make
    migrate` does when DATABASE_URL is unset)."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="datalayer-cli-", dir=base))
    root.chmod(0o755)  # the cluster may run as another user (postgres, when we are root)
    env = {"DATALAYER_PGDATA": str(root / "pgdata")}
    try:
        up = _run("dev", "up", env=env)
        assert up.returncode == 0, up.stderr
        line = up.stdout.strip()
        assert line.startswith("export DATABASE_URL=")
        url = shlex.split(line.split("=", 1)[1])[0]
        assert url.startswith("postgresql://postgres@127.0.0.1:")
        with_url = {**env, "DATABASE_URL": url}
        assert _run("dev", "up", "--if-unset", env=with_url).stdout == ""
        first = _run("migrate", "--app", "fintech", env=with_url)
        assert first.returncode == 0, first.stderr
        assert "applied 0008.fintech.create-posting-functions" in first.stdout
        assert ".logistics." not in first.stdout
        again = _run("migrate", env={**with_url, "DATALAYER_APPS": "fintech"})
        assert again.returncode == 0 and "nothing to apply" in again.stdout
        assert _run("dev", "url", env=env).stdout.strip() == url
        assert _run("dev", "down", env=env).returncode == 0
        assert _run("dev", "url", env=env).returncode == 1
        restarted = _run("dev", "up", env=env)  # data survives a restart
        assert restarted.returncode == 0
        assert "nothing to apply" in _run("migrate", "--app", "fintech", env=with_url).stdout
    finally:
        Cluster(root / "pgdata", bindir=find_bindir()).destroy()
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_every_command_documents_its_options() -> None:
    for command, options in {
        "migrate": ["--app", "--migrations", "--database-url", "--dry-run", "--target"],
        "rollback": ["--app", "--migrations", "--count", "--target"],
        "status": ["--app", "--migrations", "--exit-code"],
        "verify": ["--app", "--migrations"],
        "schema": ["--app", "--output"],
        "dev": ["--if-unset"],
    }.items():
        result = _run(command, "--help")
        assert result.returncode == 0, result.stderr
        for option in options:
            assert option in result.stdout, (command, option)
    top = _run("--help")
    assert "logistics" in top.stdout and "validation" in top.stdout
    assert "exit codes" in top.stdout


def test_an_apps_commands_run_through_the_registry(database_url: str) -> None:
    result = _run("logistics", "check", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr


def test_missing_server_binaries_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import glob

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(glob, "glob", lambda pattern: [])
    with pytest.raises(ConfigurationError, match="apt-get install postgresql"):
        find_bindir()


def test_new_migration_files(tmp_path: Path) -> None:
    result = _run("new", "fintech", "create-accounts", "--migrations", str(tmp_path))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "0001.fintech.create-accounts.rollback.sql",
        "0001.fintech.create-accounts.sql",
    ]
