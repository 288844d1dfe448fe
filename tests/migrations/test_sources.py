"""Stacked sources (a service's own history on top of an app's) and databases migrated under the
former linear ids (``migrations/renamed.json``), carried over without running anything again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from yoyo import get_backend, read_migrations

from datalayer import migrate
from datalayer.migrate import MigrationError

ROOT = Path(__file__).resolve().parents[2]
RENAMED = json.loads((ROOT / "migrations" / "renamed.json").read_text())


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def recorded(url: str) -> list[str]:
    return [r[0] for r in query(url, "SELECT migration_id FROM _yoyo_migration ORDER BY 1")]


# -- a service's own history -------------------------------------------------------------------


def billing(directory: Path) -> Path:
    folder = directory / "db"
    folder.mkdir(parents=True)
    (folder / "0001.billing.create-invoices.sql").write_text(
        "-- billing: invoices for fintech accounts.\n"
        "-- depends: 0002.fintech.create-accounts\n\n"
        "CREATE SCHEMA billing;\n\n"
        "CREATE TABLE billing.invoices (\n"
        "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
        "    account_id uuid NOT NULL REFERENCES fintech.accounts (id) ON DELETE RESTRICT\n"
        ");\n"
    )
    (folder / "0001.billing.create-invoices.rollback.sql").write_text(
        "-- Undo.\n\nDROP TABLE billing.invoices;\n\nDROP SCHEMA billing;\n"
    )
    (folder / "0002.billing.add-invoices-note.sql").write_text(
        "-- billing: a note.\n-- depends: 0001.billing.create-invoices\n\n"
        "ALTER TABLE billing.invoices ADD COLUMN note text;\n"
    )
    (folder / "0002.billing.add-invoices-note.rollback.sql").write_text(
        "-- Undo.\n\nALTER TABLE billing.invoices DROP COLUMN note;\n"
    )
    return folder


def test_a_service_history_stacks_on_an_app(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    own = billing(tmp_path)
    applied = migrate.apply(url, apps=["fintech"], extra=[own], quiet=True)
    assert applied[-2:] == ["0001.billing.create-invoices", "0002.billing.add-invoices-note"]
    assert not any(".logistics." in i for i in applied)
    st = migrate.status(url, apps=["fintech"], extra=[own])
    assert st.pending == [] and st.ok
    assert [i for i, _ in st.applied][-2:] == applied[-2:]

    # fintech cannot go while billing needs it; billing rolls back alone
    with pytest.raises(MigrationError, match="needed by billing"):
        migrate.rollback(url, apps=["fintech"], target="0", extra=[own], quiet=True)
    assert migrate.rollback(url, apps=["billing"], count=1, extra=[own], quiet=True) == [
        "0002.billing.add-invoices-note"
    ]
    # without the service's folder, what depends on fintech cannot be known: refused
    with pytest.raises(MigrationError, match=r"history billing is applied .* pass its folder"):
        migrate.rollback(url, apps=["fintech"], count=1, quiet=True)
    assert "note" in migrate.format_status(migrate.status(url, apps=["fintech"]))
    assert migrate.rollback(url, apps=["billing"], target="0", extra=[own], quiet=True) == [
        "0001.billing.create-invoices"
    ]
    assert query(url, "SELECT to_regnamespace('billing') IS NULL") == [(True,)]
    assert query(url, "SELECT to_regclass('fintech.accounts') IS NOT NULL") == [(True,)]


def test_the_cli_adds_a_folder_and_shows_it(empty_database_url: str, tmp_path: Path) -> None:
    own = billing(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DATALAYER_"))}
    env["DATABASE_URL"] = empty_database_url

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "datalayer.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=tempfile.gettempdir(),
        )

    done = run("migrate", "--app", "fintech", "--migrations", str(own))
    assert done.returncode == 0, done.stderr
    status = run("status", "--app", "fintech", "--migrations", str(own))
    assert "0002.billing.add-invoices-note" in status.stdout
    assert "0 pending" in status.stdout
    env["DATALAYER_MIGRATIONS"] = str(own)
    back = run("rollback", "--app", "billing", "--count", "2")
    assert back.returncode == 0, back.stderr
    assert "rolled back 0001.billing.create-invoices" in back.stdout


def test_a_history_of_files_with_mixed_names_is_refused(tmp_path: Path) -> None:
    folder = billing(tmp_path)
    shutil.copy(folder / "0002.billing.add-invoices-note.sql", folder / "0003.other.add-x.sql")
    shutil.copy(
        folder / "0002.billing.add-invoices-note.rollback.sql",
        folder / "0003.other.add-x.rollback.sql",
    )
    with pytest.raises(MigrationError, match="belongs to history 'billing'"):
        migrate.load_sources(extra=[folder])


# -- databases migrated under the former linear ids ---------------------------------------------


def released_tree(directory: Path) -> list[str]:
    """The migrations as the former linear history shipped them, rebuilt from today's files (only
    the `-- depends:` line differs); returns their ids in order. Each rebuilt file's sha256 must be
    the one recorded in renamed.json for it, which proves the rebuild is byte-exact."""
    by_new = {v["id"]: old for old, v in RENAMED.items()}
    sources = migrate.resolve_sources()
    first_renamed = min(int(old[:4]) for old in RENAMED)
    core = [f.id for f in sources.history("core").files if f.number < first_renamed]
    old_ids = sorted(core + list(RENAMED), key=lambda i: i[:4])
    directory.mkdir()
    for f in sources.files:
        old = by_new.get(f.id, f.id)
        if old not in old_ids:
            continue  # added after the linear history
        text = f.path.read_text()
        if old in RENAMED:
            previous = old_ids[old_ids.index(old) - 1]
            text = re.sub(r"^-- depends: .*$", f"-- depends: {previous}", text, count=1, flags=re.M)
            assert hashlib.sha256(text.encode()).hexdigest() == RENAMED[old]["sha256"], old
        (directory / f"{old}.sql").write_text(text)
        shutil.copy(f.rollback_path, directory / f"{old}.rollback.sql")
    return old_ids


def migrate_as_released(url: str, directory: Path) -> None:
    """What the released runner did: yoyo applies, then a checksum row per file."""
    backend = get_backend(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with backend.lock():
            backend.apply_migrations(backend.to_apply(read_migrations(str(directory))))
    finally:
        backend.connection.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE _datalayer_migration (migration_id text PRIMARY KEY,"
            " sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for path in sorted(directory.glob("*.sql")):
            if path.name.endswith(".rollback.sql"):
                continue
            conn.execute(
                "INSERT INTO _datalayer_migration (migration_id, sha256) VALUES (%s, %s)",
                (path.name[:-4], hashlib.sha256(path.read_bytes()).hexdigest()),
            )


def test_a_database_under_the_former_ids_is_carried_over(
    empty_database_url: str, pg_server: Any, tmp_path: Path
) -> None:
    url = empty_database_url
    old_ids = released_tree(tmp_path / "released")
    assert len(old_ids) == 49
    migrate_as_released(url, tmp_path / "released")
    assert recorded(url) == old_ids

    # read-only commands already see the new ids: pending are only migrations added since
    released = {v["id"] for v in RENAMED.values()} | {i for i in old_ids if ".core." in i}
    added = [f.id for f in migrate.resolve_sources().files if f.id not in released]
    st = migrate.status(url)
    assert st.pending == added and st.ok
    assert any("recorded under former ids" in n for n in st.notes)

    assert migrate.apply(url, quiet=True) == added  # nothing released is applied again
    new_ids = sorted(f.id for f in migrate.resolve_sources().files)
    assert recorded(url) == new_ids
    applies = query(url, "SELECT count(*) FROM _yoyo_log WHERE operation = 'apply'")[0][0]
    assert applies == 49 + len(added)  # the released runner's, then only the added ones
    sums = dict(query(url, "SELECT migration_id, sha256 FROM _datalayer_migration"))
    assert sums == {f.id: f.sha256 for f in migrate.resolve_sources().files}
    migrate.verify(url)
    # and it is an ordinary database now: one app rolls back alone
    migrate.rollback(url, apps=["validation"], count=1, quiet=True)
    last = migrate.resolve_sources().history("validation").files[-1].id
    assert migrate.status(url).pending == [last]


def test_a_record_whose_file_was_edited_is_not_carried_over(
    empty_database_url: str, tmp_path: Path
) -> None:
    url = empty_database_url
    released_tree(tmp_path / "released")
    migrate_as_released(url, tmp_path / "released")
    query(
        url,
        "UPDATE _datalayer_migration SET sha256 = repeat('0', 64) "
        "WHERE migration_id = '0004.fintech.create-users'",
    )
    with pytest.raises(MigrationError, match=r"0004\.fintech\.create-users\.sql: was edited"):
        migrate.apply(url, quiet=True)
    assert "0004.fintech.create-users" in recorded(url)  # nothing changed
    assert "0001.fintech.create-users" not in recorded(url)
