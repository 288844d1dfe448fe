"""One history per application: each app migrates alone, round-trips alone, can be added to a
database holding another app, and matches its committed ``schema/<app>.sql``; core cannot be rolled
back under an installed app; no app's migrations touch another app's schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
import pytest

from datalayer import apps, migrate
from datalayer.migrate import MigrationError

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(apps.registered())
SOURCES = migrate.resolve_sources()
HISTORIES = {h.name: h for h in SOURCES.histories}


def schemas(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname NOT IN ('information_schema', 'public')"
        ).fetchall()
    return {str(r[0]) for r in rows}


def dump(url: str, history: str, tmp_path: Path, label: str) -> str:
    out = tmp_path / f"{history}.{label}.sql"
    migrate.dump_history(url, out, HISTORIES[history])
    return out.read_text()


def committed(history: str) -> str:
    return (ROOT / "schema" / f"{history}.sql").read_text()


def test_the_five_applications_are_registered() -> None:
    assert APPS == ["compliance", "export_readiness", "fintech", "logistics", "validation"]
    assert SOURCES.histories[0].name == "core"
    assert set(HISTORIES) == {"core", *APPS}


def test_each_app_depends_on_core_only() -> None:
    for name in APPS:
        history = HISTORIES[name]
        assert history.files[0].number == 1
        external = set(history.external_depends)
        assert external, f"{name}'s first migration must depend on core"
        assert {d.split(".")[1] for d in external} == {"core"}, (name, external)


_COMMENT = re.compile(r"--[^\n]*")


@pytest.mark.parametrize("name", APPS)
def test_no_migration_references_another_apps_schema(name: str) -> None:
    others = [a for a in APPS if a != name]
    pattern = re.compile(r"\b(" + "|".join(others) + r")\s*\.\s*[a-z_]", re.I)
    for f in HISTORIES[name].files:
        for path in (f.path, f.rollback_path):
            code = _COMMENT.sub("", path.read_text())
            found = pattern.findall(code)
            assert not found, f"{path.name} references {sorted(set(found))}"


def test_a_reference_to_another_app_would_be_found(tmp_path: Path) -> None:
    """The check above can fail: a file naming another app's table is caught."""
    others = ["fintech"]
    pattern = re.compile(r"\b(" + "|".join(others) + r")\s*\.\s*[a-z_]", re.I)
    code = _COMMENT.sub("", "-- fintech.users in a comment is fine\nSELECT 1 FROM fintech.users;")
    assert pattern.findall(code) == ["fintech"]


@pytest.mark.parametrize("name", APPS)
def test_app_migrates_alone_and_round_trips(
    name: str, empty_database_url: str, tmp_path: Path
) -> None:
    url = empty_database_url
    migrate.apply(url, apps=[], quiet=True)  # core alone
    core_before = dump(url, "core", tmp_path, "core-before")
    assert core_before == committed("core"), "schema/core.sql is stale: run `make schema`"
    applied = migrate.apply(url, apps=[name], quiet=True)
    assert applied == [f.id for f in HISTORIES[name].files]
    assert schemas(url) == {"core", name}
    first = dump(url, name, tmp_path, "first")
    assert first == committed(name), f"schema/{name}.sql is stale: run `make schema`"

    undone = migrate.rollback(url, apps=[name], target="0", quiet=True)
    assert undone == [f.id for f in reversed(HISTORIES[name].files)]
    assert schemas(url) == {"core"}
    assert dump(url, "core", tmp_path, "core-after") == core_before
    st = migrate.status(url, apps=[name])
    assert st.pending == [f.id for f in HISTORIES[name].files] and st.ok

    assert migrate.apply(url, apps=[name], quiet=True) == [f.id for f in HISTORIES[name].files]
    assert dump(url, name, tmp_path, "again") == first
    migrate.verify(url, apps=[name])


@pytest.mark.parametrize("name", APPS)
def test_app_added_to_a_database_holding_another(
    name: str, empty_database_url: str, tmp_path: Path
) -> None:
    url = empty_database_url
    other = APPS[(APPS.index(name) + 1) % len(APPS)]
    migrate.apply(url, apps=[other], quiet=True)
    other_before = dump(url, other, tmp_path, "before")
    assert migrate.apply(url, apps=[name], quiet=True) == [f.id for f in HISTORIES[name].files]
    assert schemas(url) == {"core", other, name}
    assert dump(url, name, tmp_path, "added") == committed(name)
    assert dump(url, other, tmp_path, "after") == other_before
    # rolling one back leaves the other alone
    migrate.rollback(url, apps=[name], count=1, quiet=True)
    st = migrate.status(url, apps=[name])
    assert st.pending == [HISTORIES[name].files[-1].id]
    assert migrate.status(url, apps=[other]).pending == []


def test_rolling_back_core_under_an_installed_app_is_refused(empty_database_url: str) -> None:
    url = empty_database_url
    migrate.apply(url, apps=["fintech"], quiet=True)
    needed = sorted(
        SOURCES.requires(HISTORIES["fintech"].files[-1].id)
        & {f.id for f in HISTORIES["core"].files}
    )
    newest_needed = max(needed)
    with pytest.raises(MigrationError) as info:
        migrate.rollback(url, apps=["core"], target="0001.core.create-extensions", quiet=True)
    message = str(info.value)
    assert f"{newest_needed}: needed by fintech" in message
    assert "roll back fintech first" in message
    with pytest.raises(MigrationError, match="needed by fintech"):
        migrate.rollback(url, apps=["core"], target="0", quiet=True)
    assert schemas(url) == {"core", "fintech"}
    # once fintech is gone, core can go too
    migrate.rollback(url, apps=["fintech"], target="0", quiet=True)
    assert migrate.rollback(url, apps=["core"], target="0", quiet=True) == [
        f.id for f in reversed(HISTORIES["core"].files)
    ]
    assert schemas(url) == set()


def test_rollback_count_touches_only_the_named_app(empty_database_url: str) -> None:
    url = empty_database_url
    migrate.apply(url, apps=["fintech", "logistics"], quiet=True)
    # logistics was applied last; --app fintech --count 1 still rolls back fintech's newest
    assert migrate.rollback(url, apps=["fintech"], count=1, quiet=True) == [
        HISTORIES["fintech"].files[-1].id
    ]
    assert migrate.status(url, apps=["logistics"]).pending == []


def test_all_apps_apply_roll_back_and_apply_again(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    empty = tmp_path / "empty.sql"
    migrate.dump_schema(url, empty)
    ids = [f.id for f in SOURCES.files]
    assert migrate.apply(url, quiet=True) == ids
    full = tmp_path / "full.sql"
    migrate.dump_schema(url, full)
    undone = migrate.rollback(url, target="0", quiet=True)
    core = [f.id for f in reversed(HISTORIES["core"].files)]
    assert sorted(undone) == sorted(ids) and undone[-len(core) :] == core
    after = tmp_path / "after.sql"
    migrate.dump_schema(url, after)
    assert after.read_text() == empty.read_text()
    assert migrate.apply(url, quiet=True) == ids
    again = tmp_path / "again.sql"
    migrate.dump_schema(url, again)
    assert again.read_text() == full.read_text()
    migrate.verify(url)


def test_schema_files_are_what_datalayer_schema_writes(pg_server: Any, tmp_path: Path) -> None:
    written = migrate.write_schema_files(pg_server.url("postgres"), tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{h}.sql" for h in HISTORIES)
    for path in written:
        assert path.read_text() == committed(path.stem), f"schema/{path.name} is stale"
    assert sorted(p.name for p in (ROOT / "schema").glob("*.sql")) == sorted(
        p.name for p in written
    )


def test_unknown_app_is_refused(empty_database_url: str) -> None:
    with pytest.raises(MigrationError, match="unknown application nope"):
        migrate.apply(empty_database_url, apps=["nope"], quiet=True)


def test_roles_sql_and_a_service_login_with_the_groups_defaults(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from urllib.parse import urlsplit, urlunsplit

    from datalayer.cli import main

    assert main(["roles", "--app", "fintech"]) == 0
    printed = capsys.readouterr().out
    for role in ("datalayer_owner", "fintech_app", "fintech_worker", "fintech_readonly"):
        assert f"CREATE ROLE {role} NOLOGIN" in printed
    assert "logistics_app" not in printed

    login = "roles_probe_service_login"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN CREATE ROLE {login} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    args = ["roles", "--app", "fintech", "--member", "fintech_app", login, "--apply"]
    assert main([*args, "--database-url", database_url]) == 0
    parts = urlsplit(database_url)
    as_login = urlunsplit(parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}"))
    with psycopg.connect(as_login) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone() == ("1min",)
        assert conn.execute(
            "SELECT pg_has_role(current_user, 'fintech_app', 'MEMBER')"
        ).fetchone() == (True,)


def test_an_application_role_may_not_migrate(database_url: str) -> None:
    from rls_support import app_url

    with pytest.raises(
        MigrationError, match=r"refusing to migrate .* as role fintech_app_test_login"
    ):
        migrate.apply(app_url(database_url, "fintech"), quiet=True)


def test_a_second_login_of_the_owner_role_migrates_after_the_first(
    empty_database_url: str,
) -> None:
    """The bookkeeping belongs to datalayer_owner, not to the login that created it: another
    member of the owner role (no superuser, no CREATEROLE) adds an application later."""
    from urllib.parse import urlsplit, urlunsplit

    url = empty_database_url
    migrate.apply(url, apps=["logistics"], quiet=True)  # as the superuser
    login = "second_deploy_login"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN CREATE ROLE {login} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        conn.execute(f"GRANT datalayer_owner TO {login}")
    from datalayer.cli import main

    # roles belong to the cluster: an administrator creates fintech's (this login may not)
    assert main(["roles", "--app", "fintech", "--apply", "--database-url", url]) == 0
    parts = urlsplit(url)
    as_login = urlunsplit(parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}"))
    applied = migrate.apply(as_login, apps=["fintech"], quiet=True)
    assert applied == [f.id for f in HISTORIES["fintech"].files]
    migrate.verify(as_login, apps=["fintech"])
