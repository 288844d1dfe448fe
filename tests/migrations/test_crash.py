"""Kill the runner (SIGKILL, a real process) before, during and after a migration's statements and
between a migration and its record; the next ``migrate`` completes, ``verify`` passes and the
advisory lock is never left held.

Each kill point is reached deterministically by watching the runner's sessions in
``pg_stat_activity`` (a statement running, a lock wait), not by sleeping and hoping.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from datalayer import migrate

PROJECT_ROOT = Path(migrate.__file__).resolve().parents[2]
RUNNER = (
    "import sys; from pathlib import Path; from datalayer import migrate\n"
    "extra = [Path(sys.argv[2])] if len(sys.argv) > 2 else None\n"
    "migrate.apply(sys.argv[1], migrations=extra, quiet=True)\n"
)


def write(directory: Path, migration_id: str, forward: str, backward: str, header: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{migration_id}.sql").write_text(
        header + "\n" + textwrap.dedent(forward).strip() + "\n", encoding="utf-8"
    )
    (directory / f"{migration_id}.rollback.sql").write_text(
        f"-- Undo {migration_id}.\n\n" + textwrap.dedent(backward).strip() + "\n", encoding="utf-8"
    )


def fixture_set(directory: Path) -> None:
    """A populated table; a slow transactional migration (it sleeps between two statements
    when the session says ``crash.slow = on``); a concurrent index."""
    write(
        directory,
        "0001.app.create-a",
        "CREATE TABLE public.a (id int); INSERT INTO public.a SELECT generate_series(1, 50000);",
        "DROP TABLE public.a;",
        "-- a table with rows",
    )
    write(
        directory,
        "0002.app.create-b-c",
        """
        CREATE TABLE public.b (id int);
        SELECT pg_sleep(CASE WHEN current_setting('crash.slow', true) = 'on' THEN 3 ELSE 0 END);
        CREATE TABLE public.c (id int);
        """,
        "DROP TABLE public.c; DROP TABLE public.b;",
        "-- two tables, slowly\n-- depends: 0001.app.create-a",
    )
    write(
        directory,
        "0003.app.create-a-id-idx",
        "CREATE INDEX CONCURRENTLY a_id_idx ON public.a (id);",
        "DROP INDEX CONCURRENTLY IF EXISTS public.a_id_idx;",
        "-- an index built concurrently\n-- depends: 0002.app.create-b-c\n-- transactional: false",
    )


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def runner_sessions(url: str, where: str = "true") -> list[tuple[Any, ...]]:
    return query(
        url,
        "SELECT pid, state, wait_event_type, query FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = %s AND ("
        + where.replace("%", "%%")
        + ")",
        (migrate.APPLICATION_NAME,),
    )


def lock_holders(url: str) -> int:
    return int(
        query(
            url,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = %s",
            ((migrate.LOCK_KEY >> 32) & 0xFFFFFFFF, migrate.LOCK_KEY & 0xFFFFFFFF),
        )[0][0]
    )


def wait_for(predicate: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def spawn(url: str, directory: Path | None) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", RUNNER, url] + ([str(directory)] if directory else [])
    return subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        cwd=PROJECT_ROOT,
    )


def kill(proc: subprocess.Popen[str], url: str) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def recorded(url: str) -> list[str]:
    if not query(url, "SELECT to_regclass('_yoyo_migration') IS NOT NULL")[0][0]:
        return []
    return [r[0] for r in query(url, "SELECT migration_id FROM _yoyo_migration ORDER BY 1")]


def exists(url: str, name: str) -> bool:
    return bool(query(url, "SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0])


def slow(url: str) -> str:
    return url + "?options=-c%20crash.slow%3Don"


def finish_and_verify(url: str, directory: Path) -> None:
    """After any kill: the runner's sessions go, the lock is free, a new run completes."""
    wait_for(lambda: not runner_sessions(url), "the killed runner's sessions to end")
    assert lock_holders(url) == 0
    migrate.apply(url, migrations=directory, quiet=True)
    assert recorded(url) == ["0001.app.create-a", "0002.app.create-b-c", "0003.app.create-a-id-idx"]
    assert exists(url, "public.c")
    valid = query(
        url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.a_id_idx'::regclass"
    )
    assert valid == [(True,)]
    migrate.verify(url, migrations=directory)
    assert lock_holders(url) == 0


@pytest.fixture
def fx(tmp_path: Path) -> Iterator[Path]:
    fixture_set(tmp_path / "app")
    yield tmp_path / "app"


def test_killed_while_waiting_for_the_lock(empty_database_url: str, fx: Path) -> None:
    url = empty_database_url
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (migrate.LOCK_KEY,))
        proc = spawn(url, fx)
        wait_for(lambda: runner_sessions(url), "the runner to connect")
        time.sleep(0.3)  # polling the lock, nothing applied
        kill(proc, url)
        assert recorded(url) == [] and not exists(url, "public.a")
    finish_and_verify(url, fx)


def test_killed_during_a_transactional_migrations_statements(
    empty_database_url: str, fx: Path
) -> None:
    url = empty_database_url
    proc = spawn(slow(url), fx)
    wait_for(lambda: runner_sessions(url, "query LIKE '%pg_sleep%'"), "0002 to be half done")
    assert exists(url, "public.a") and recorded(url) == ["0001.app.create-a"]
    kill(proc, url)
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    # public.b was created in 0002's transaction: gone with it, and 0002 is not recorded
    assert not exists(url, "public.b")
    assert recorded(url) == ["0001.app.create-a"]
    finish_and_verify(url, fx)


def test_killed_between_a_migrations_statements_and_its_record(
    empty_database_url: str, fx: Path
) -> None:
    url = empty_database_url
    migrate.apply(url, migrations=fx, target="0001.app.create-a", quiet=True)
    proc = spawn(slow(url), fx)
    wait_for(lambda: runner_sessions(url, "query LIKE '%pg_sleep%'"), "0002 to sleep")
    with psycopg.connect(url) as blocker:
        # the record's INSERT will wait for this lock: every statement of 0002 has run by then
        blocker.execute("LOCK TABLE _yoyo_migration IN ACCESS EXCLUSIVE MODE")
        wait_for(
            lambda: runner_sessions(
                url, "wait_event_type = 'Lock' AND query LIKE '%_yoyo_migration%'"
            ),
            "the record to wait",
        )
        assert exists(url, "public.c") is False  # not visible: uncommitted
        kill(proc, url)
        blocker.rollback()
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    assert not exists(url, "public.b") and not exists(url, "public.c")
    assert recorded(url) == ["0001.app.create-a"]
    finish_and_verify(url, fx)


def test_killed_after_a_migration_committed(empty_database_url: str, fx: Path) -> None:
    url = empty_database_url
    proc = spawn(url, fx)
    wait_for(lambda: "0002.app.create-b-c" in recorded(url), "0002 to be recorded")
    kill(proc, url)
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    assert exists(url, "public.c")  # what was recorded is there
    assert set(recorded(url)) >= {"0001.app.create-a", "0002.app.create-b-c"}
    finish_and_verify(url, fx)


def test_killed_during_a_concurrent_index_build(empty_database_url: str, fx: Path) -> None:
    url = empty_database_url
    migrate.apply(url, migrations=fx, target="0002.app.create-b-c", quiet=True)
    with psycopg.connect(url) as writer:
        # an open writer makes CREATE INDEX CONCURRENTLY wait after it created the index entry
        writer.execute("INSERT INTO public.a VALUES (0)")
        proc = spawn(url, fx)
        wait_for(
            lambda: runner_sessions(url, "query LIKE 'CREATE INDEX CONCURRENTLY%'"),
            "the index build to start",
        )
        kill(proc, url)
        # the server connection dies with the runner (as on a lost deploy host)
        query(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            (migrate.APPLICATION_NAME,),
        )
        writer.rollback()
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    assert query(
        url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.a_id_idx'::regclass"
    ) == [(False,)]
    st = migrate.status(url, migrations=fx)
    assert st.started == ["0003.app.create-a-id-idx"]
    with pytest.raises(migrate.MigrationError) as info:
        migrate.verify(url, migrations=fx)
    assert "started and not finished" in str(info.value)
    assert "index a_id_idx is INVALID" in str(info.value)
    finish_and_verify(url, fx)


def test_killed_after_a_concurrent_index_was_built_before_its_record(
    empty_database_url: str, fx: Path
) -> None:
    url = empty_database_url
    migrate.apply(url, migrations=fx, target="0002.app.create-b-c", quiet=True)
    with psycopg.connect(url) as blocker:
        blocker.execute("LOCK TABLE _yoyo_log IN ACCESS EXCLUSIVE MODE")
        proc = spawn(url, fx)
        wait_for(
            lambda: runner_sessions(url, "wait_event_type = 'Lock' AND query LIKE '%_yoyo_log%'"),
            "the record to wait",
        )
        kill(proc, url)
        blocker.rollback()
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    assert query(
        url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.a_id_idx'::regclass"
    ) == [(True,)]
    assert "0003.app.create-a-id-idx" not in recorded(url)
    assert migrate.status(url, migrations=fx).started == ["0003.app.create-a-id-idx"]
    finish_and_verify(url, fx)


def test_killed_at_random_points_of_the_real_migrations(
    empty_database_url: str, tmp_path: Path
) -> None:
    """The project's own histories, killed at random moments: every next run completes and the
    schema is the one an uninterrupted run builds."""
    url = empty_database_url
    reference = tmp_path / "reference.sql"
    migrate.apply(url, quiet=True)  # uninterrupted, for the reference
    migrate.dump_schema(url, reference)
    migrate.rollback(url, target="0", quiet=True)
    rng = random.Random(20261204)
    kills = 0
    for _ in range(6):
        proc = spawn(url, None)
        time.sleep(rng.uniform(0.4, 2.5))
        if proc.poll() is None:
            kill(proc, url)
            kills += 1
        else:
            proc.communicate(timeout=30)
        wait_for(lambda: not runner_sessions(url), "the sessions to end")
        assert lock_holders(url) == 0
        migrate.apply(url, quiet=True)
        migrate.verify(url)
        after = tmp_path / "after.sql"
        migrate.dump_schema(url, after)
        assert after.read_text() == reference.read_text()
        migrate.rollback(url, target="0", quiet=True)
    assert kills >= 3, "the delays should kill most runs before they finish"


def test_killed_during_a_non_transactional_rollback(empty_database_url: str, fx: Path) -> None:
    url = empty_database_url
    migrate.apply(url, migrations=fx, quiet=True)
    rollback = (
        "import sys; from pathlib import Path; from datalayer import migrate\n"
        "migrate.rollback(sys.argv[1], migrations=Path(sys.argv[2]), count=1, quiet=True)\n"
    )
    with psycopg.connect(url) as writer:
        # an open writer makes DROP INDEX CONCURRENTLY wait
        writer.execute("INSERT INTO public.a VALUES (0)")
        proc = subprocess.Popen(
            [sys.executable, "-c", rollback, url, str(fx)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
            cwd=PROJECT_ROOT,
        )
        wait_for(
            lambda: runner_sessions(url, "query LIKE 'DROP INDEX CONCURRENTLY%'"),
            "the index drop to start",
        )
        kill(proc, url)
        query(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            (migrate.APPLICATION_NAME,),
        )
        writer.rollback()
    wait_for(lambda: not runner_sessions(url), "the sessions to end")
    assert "0003.app.create-a-id-idx" in recorded(url)  # still recorded as applied
    st = migrate.status(url, migrations=fx)
    assert any("its rollback began and did not finish" in p for p in st.problems)
    with pytest.raises(migrate.MigrationError, match="its rollback began"):
        migrate.apply(url, migrations=fx, quiet=True)  # nothing is built over a half-undone one
    # running the rollback again finishes it
    assert migrate.rollback(url, migrations=fx, count=1, quiet=True) == ["0003.app.create-a-id-idx"]
    assert not exists(url, "public.a_id_idx")
    migrate.verify(url, migrations=fx)
    finish_and_verify(url, fx)
