"""datalayer backup / restore: round trips, refusals, damaged archives."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_support import fingerprints, scalar
from pytest_postgresql.janitor import DatabaseJanitor

from datalayer import migrate
from datalayer.admin.backup import BackupError, backup, restore
from datalayer.db import Database
from datalayer.settings import Settings

_counter = itertools.count()


@pytest.fixture
def another_empty(pg_server: Any) -> Iterator[str]:
    name = f"restore_{next(_counter)}"
    janitor: DatabaseJanitor = pg_server.janitor(name)
    with janitor:
        yield pg_server.url(name)


async def _seed_logistics(url: str) -> None:
    from datalayer.logistics.cli import seed

    db = await Database.connect(Settings.load(url=url, pool_size=1, max_overflow=0))
    async with db, db.transaction(actor="test") as conn:
        await seed(conn)


def test_app_backup_round_trips_into_an_empty_database(
    database_url: str, empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGISTICS_ADMIN_PASSWORD", "a-long-test-password")
    asyncio.run(_seed_logistics(database_url))
    archive = backup(database_url, tmp_path / "logistics.dump", apps=["logistics"])
    assert archive.schemas == ("core", "logistics")
    assert archive.size > 0

    restore(empty_database_url, archive.path)

    schemas = ["core", "logistics"]
    before, after = fingerprints(database_url, schemas), fingerprints(empty_database_url, schemas)
    assert after == before
    assert before["logistics.orders"][0] == 3
    assert before["core.audit_log"][0] > 0
    st = migrate.status(empty_database_url, apps=["logistics"])
    assert st.ok and not st.pending and not st.problems
    # other applications' audit rows and migration records stayed behind
    assert scalar(empty_database_url, "SELECT count(*) FROM core.audit_log"
                  " WHERE schema_name <> 'logistics'") == 0  # fmt: skip
    assert scalar(empty_database_url, "SELECT to_regnamespace('fintech')") is None


def test_restore_refuses_a_database_that_is_not_empty(
    database_url: str, empty_database_url: str, another_empty: str, tmp_path: Path
) -> None:
    archive = backup(database_url, tmp_path / "fintech.dump", apps=["fintech"])
    with pytest.raises(BackupError, match=r"not empty: it holds .*fintech \(0 rows\)"):
        restore(database_url, archive.path)
    # --clean over a database that holds other applications names them
    with pytest.raises(BackupError, match=r"also holds compliance, export_readiness, logistics"):
        restore(database_url, archive.path, clean=True)
    # --clean over the same application replaces it
    restore(empty_database_url, archive.path)
    result = restore(empty_database_url, archive.path, clean=True)
    assert set(result.replaced) == {"core", "fintech"}
    schemas = ["core", "fintech"]
    assert fingerprints(empty_database_url, schemas) == fingerprints(database_url, schemas)


@pytest.mark.parametrize("damage", ["truncated", "corrupted", "not an archive"])
def test_a_damaged_archive_changes_nothing(
    database_url: str, empty_database_url: str, tmp_path: Path, damage: str
) -> None:
    archive = backup(database_url, tmp_path / "all.dump")
    data = archive.path.read_bytes()
    broken = tmp_path / "broken.dump"
    if damage == "truncated":
        broken.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "corrupted":
        middle = len(data) // 2
        broken.write_bytes(data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64])
                           + data[middle + 64 :])  # fmt: skip
    else:
        broken.write_bytes(b"-- not a dump\n")
    with pytest.raises(
        BackupError, match=r"nothing was restored|nothing changed|not a datalayer backup"
    ):
        restore(empty_database_url, broken)
    assert scalar(empty_database_url, "SELECT to_regnamespace('core')") is None
    assert scalar(empty_database_url, "SELECT to_regclass('_yoyo_migration')") is None


async def _sample_every_app(url: str) -> None:
    from datalayer.admin.sample import load_sample
    from datalayer.apps import registered

    settings = Settings.load(url=url, pool_size=1, max_overflow=0, command_timeout=None)
    db = await Database.connect(settings)
    async with db:
        for app in registered():
            async with db.transaction(actor="test sample") as conn:
                await load_sample(conn, app, scale=1, seed=11)


def test_every_app_round_trips_with_its_data(
    pg_server: Any,
    database_url: str,
    empty_database_url: str,
    tmp_path: Path,
) -> None:
    from datalayer.apps import registered

    asyncio.run(_sample_every_app(database_url))
    apps = sorted(registered())
    everything = ["core", *apps]

    whole = backup(database_url, tmp_path / "all.dump")
    assert whole.schemas == tuple(everything)
    restore(empty_database_url, whole.path)
    source = fingerprints(database_url, everything)
    assert fingerprints(empty_database_url, everything) == source
    assert all(source[f"{a}.users"][0] > 0 for a in apps if f"{a}.users" in source)
    st = migrate.status(empty_database_url)
    assert st.ok and not st.pending

    for app in apps:
        name = f"restore_{app}_{next(_counter)}"
        with pg_server.janitor(name):
            target = pg_server.url(name)
            archive = backup(database_url, tmp_path / f"{app}.dump", apps=[app])
            restore(target, archive.path)
            schemas = ["core", app]
            assert fingerprints(target, schemas) == fingerprints(database_url, schemas), app
            assert scalar(target, "SELECT count(*) FROM core.audit_log") == scalar(
                database_url, "SELECT count(*) FROM core.audit_log WHERE schema_name = %s", app
            )
            st = migrate.status(target, apps=[app])
            assert st.ok and not st.pending, app
