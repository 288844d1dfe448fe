"""The package works when installed as a wheel with only its declared dependencies: sql/ and
migrations/ ship inside it, `datalayer migrate` migrates, `datalayer gen` (extra `gen`) types a
user's own query folder, and the generated function runs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from datalayer.gen.cli import run_gen
from datalayer.migrate import apply, scratch_database

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
    (wheel,) = dist.glob("datalayer_pg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "datalayer/_migrations/core/0001.core.create-extensions.sql" in names
    assert "datalayer/_migrations/core/0001.core.create-extensions.rollback.sql" in names
    assert "datalayer/_migrations/fintech/0001.fintech.create-users.sql" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "fintech = datalayer.fintech" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "datalayer/_sql/ops/health.sql" in names
    # the applications' conversions of their old tables (datalayer adopt), found by the registry
    assert "datalayer/_adopt/fintech/01.users.sql" in names
    assert (
        "datalayer/_adopt/compliance/in_place/0001.compliance_in_place.rename-truncated-columns.sql"
        in names
    )
    assert "datalayer/py.typed" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[gen]"],
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

    version = subprocess.run(
        [str(venv / "bin" / "datalayer"), "--version"], capture_output=True, text=True, env=env
    )
    assert version.returncode == 0 and version.stdout.startswith("datalayer ")

    # a user's own queries, typed by gen (against a scratch database it migrates itself)
    user_sql = tmp_path / "user" / "sql" / "myqueries"
    user_sql.mkdir(parents=True)
    (user_sql / "accounts.sql").write_text(
        "-- name: count_accounts_in(currency)$\n"
        "-- How many accounts hold this currency.\n"
        "SELECT count(*) AS n\nFROM fintech.accounts\nWHERE currency = :currency;\n"
    )
    out = tmp_path / "user" / "pkg"
    gen = subprocess.run(
        [
            str(venv / "bin" / "datalayer"), "gen", "myqueries",
            "--sql-dir", str(tmp_path / "user" / "sql"), "--out-dir", str(out),
        ],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**env, "DATABASE_URL": empty_database_url},
    )  # fmt: skip
    assert gen.returncode == 0, gen.stdout + gen.stderr
    module = (out / "myqueries" / "_queries.py").read_text()
    assert "async def count_accounts_in(" in module and "currency: str" in module
    # byte-identical to what the project's own environment generates from the same folder
    here = tmp_path / "user" / "pkg2"  # the same place relative to the sql folder
    with scratch_database(empty_database_url, suffix="_wheelgen") as scratch:
        apply(scratch, quiet=True)
        code = run_gen(
            scratch, ["myqueries"], False, sql_root=tmp_path / "user" / "sql", out_root=here,
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert code == 0
    assert (here / "myqueries" / "_queries.py").read_text().replace(str(here), str(out)) == module
    call = subprocess.run(
        [
            str(venv / "bin" / "python"), "-c",
            "import asyncio, sys\n"
            "from datalayer import Database\n"
            "from myqueries import count_accounts_in\n"
            "async def main():\n"
            "    async with await Database.connect(url=sys.argv[1]) as db:\n"
            "        async with db.transaction() as conn:\n"
            "            print(await count_accounts_in(conn, currency='USD'))\n"
            "asyncio.run(main())\n",
            empty_database_url,
        ],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={**env, "PYTHONPATH": str(out)},
    )  # fmt: skip
    assert call.returncode == 0, call.stderr
    assert call.stdout.strip() == "0"

    # a type checker sees the real return types of the installed package (py.typed)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "mypy"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    user_file = tmp_path / "user_code.py"
    user_file.write_text(
        "from uuid import UUID\n"
        "from datalayer import fintech\n"
        "from datalayer.queries import Connection\n"
        "async def f(conn: Connection, a: UUID, u: UUID) -> None:\n"
        "    account = await fintech.get_account_by_id(conn, account_id=a, user_id=u)\n"
        "    reveal_type(account)\n"
    )
    checked = subprocess.run(
        [str(venv / "bin" / "mypy"), "--strict", str(user_file)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env,
    )  # fmt: skip
    assert 'Revealed type is "datalayer.fintech._queries.Account | None"' in checked.stdout, (
        checked.stdout + checked.stderr
    )
