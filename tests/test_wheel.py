"""The package works when installed as a wheel: sql/ and migrations/ ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import asyncio, json, sys
import datalayer
from datalayer import Database, ops, paths

async def main() -> None:
    async with await Database.connect(url=sys.argv[1]) as db:
        async with db.transaction() as conn:
            info = await ops.get_server_info(conn)
        health = await db.health()
    print(json.dumps({
        "package": datalayer.__file__,
        "migrations": str(paths.migrations_dir()),
        "sql": str(paths.sql_dir()),
        "database": info.database_name,
        "pending": health.database.migrations.pending,
    }))

asyncio.run(main())
"""


@pytest.mark.slow
def test_wheel_installs_migrates_and_queries(tmp_path: Path, empty_database_url: str) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("datalayer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "datalayer/_migrations/core/0001.core.create-extensions.sql" in names
    assert "datalayer/_migrations/core/0001.core.create-extensions.rollback.sql" in names
    assert "datalayer/_migrations/fintech/0001.fintech.create-users.sql" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "fintech = datalayer.fintech" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "datalayer/_sql/ops/health.sql" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DATALAYER_"))}
    env["PYTHONPATH"] = ""
    migrate = subprocess.run(
        [
            str(venv / "bin" / "datalayer"),
            "migrate",
            "--database-url",
            empty_database_url,
            "--app",
            "fintech",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert "0003.core.create-audit-log" in migrate.stdout
    assert "applied 0008.fintech.create-posting-functions" in migrate.stdout
    assert ".logistics." not in migrate.stdout  # only core and the app asked for

    run = subprocess.run(
        [str(venv / "bin" / "python"), "-c", SCRIPT, empty_database_url],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    import json

    out = json.loads(run.stdout)
    site = str(venv)
    assert out["package"].startswith(site)
    assert out["migrations"].startswith(site) and out["migrations"].endswith("_migrations")
    assert out["sql"].startswith(site) and out["sql"].endswith("_sql")
    assert out["database"] == empty_database_url.rsplit("/", 1)[1]
    assert out["pending"] == []
