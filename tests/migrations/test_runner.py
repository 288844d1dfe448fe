"""The migration runner (datalayer.migrate) against a real PostgreSQL.

Most tests write their own small migration set into ``tmp_path`` and migrate a fresh empty database
(``empty_database_url``); one applies, rolls back and re-applies the project's real migrations.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from datalayer import migrate
from datalayer.migrate import MigrationError

PROJECT_ROOT = Path(migrate.__file__).resolve().parents[2]


# -- helpers -------------------------------------------------------------------------------------


def write(
    directory: Path,
    migration_id: str,
    forward: str,
    backward: str,
    *,
    depends: str | None = None,
    transactional: bool = True,
    header: str | None = None,
) -> Path:
    """Write ``<id>.sql`` and ``<id>.rollback.sql``; return the migration's path."""
    directory.mkdir(parents=True, exist_ok=True)
    if header is None:
        header = f"-- {migration_id}: a test migration.\n"
        if depends:
            header += f"-- depends: {depends}\n"
        if not transactional:
            header += "-- transactional: false\n"
    path = directory / f"{migration_id}.sql"
    path.write_text(header + "\n" + textwrap.dedent(forward).strip() + "\n", encoding="utf-8")
    (directory / f"{migration_id}.rollback.sql").write_text(
        f"-- Undo {migration_id}.\n\n" + textwrap.dedent(backward).strip() + "\n", encoding="utf-8"
    )
    return path


def simple_set(directory: Path) -> list[str]:
    """Two migrations: a table, then a column. Returns their ids."""
    write(
        directory,
        "0001.app.create-thing",
        "CREATE TABLE public.thing (id int PRIMARY KEY);",
        "DROP TABLE public.thing;",
    )
    write(
        directory,
        "0002.app.add-thing-label",
        "ALTER TABLE public.thing ADD COLUMN label text;",
        "ALTER TABLE public.thing DROP COLUMN label;",
        depends="0001.app.create-thing",
    )
    return ["0001.app.create-thing", "0002.app.add-thing-label"]


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def table_exists(url: str, name: str) -> bool:
    return query(url, "SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0] is True


def columns(url: str, table: str) -> list[str]:
    return [
        r[0]
        for r in query(
            url,
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            (table,),
        )
    ]


def applied_ids(url: str) -> list[str]:
    if not table_exists(url, migrate.MIGRATION_TABLE):
        return []
    return [r[0] for r in query(url, "SELECT migration_id FROM _yoyo_migration ORDER BY 1")]


def checksums(url: str) -> dict[str, str]:
    if not table_exists(url, migrate.CHECKSUM_TABLE):
        return {}
    rows = query(url, "SELECT migration_id, sha256 FROM _datalayer_migration")
    return {str(r[0]): str(r[1]) for r in rows}


def apply_count(url: str, migration_id: str) -> int:
    return int(
        query(
            url,
            "SELECT count(*) FROM _yoyo_log WHERE migration_id = %s AND operation = 'apply'",
            (migration_id,),
        )[0][0]
    )


def advisory_lock_holders(url: str) -> int:
    return int(
        query(
            url,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s",
            ((migrate.LOCK_KEY >> 32) & 0xFFFFFFFF, migrate.LOCK_KEY & 0xFFFFFFFF),
        )[0][0]
    )


def wait_for(predicate: Any, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


_RUNNER = (
    "import sys; from pathlib import Path; from datalayer import migrate\n"
    "ids = migrate.apply(sys.argv[1], migrations=Path(sys.argv[2]), quiet=sys.argv[3] == 'quiet')\n"
    "print('RESULT=' + ','.join(ids), flush=True)\n"
)


def spawn_apply(url: str, directory: Path, *, quiet: bool = True) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", _RUNNER, url, str(directory), "quiet" if quiet else "loud"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )


def result_of(out: str) -> list[str]:
    line = next(line for line in out.splitlines() if line.startswith("RESULT="))
    value = line[len("RESULT=") :]
    return value.split(",") if value else []


def migrate_sessions(url: str) -> int:
    return int(
        query(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            (migrate.APPLICATION_NAME,),
        )[0][0]
    )


# -- apply, checksums, status --------------------------------------------------------------------


def test_apply_records_yoyo_rows_and_file_checksums(
    empty_database_url: str, tmp_path: Path
) -> None:
    ids = simple_set(tmp_path)

    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == ids

    assert columns(empty_database_url, "public.thing") == ["id", "label"]
    assert applied_ids(empty_database_url) == ids
    expected = {i: hashlib.sha256((tmp_path / f"{i}.sql").read_bytes()).hexdigest() for i in ids}
    assert checksums(empty_database_url) == expected
    assert {f.id: f.sha256 for f in list(migrate.read_history(tmp_path).files)} == expected
    # a second run has nothing to do, and the history verifies
    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == []
    migrate.verify(empty_database_url, migrations=tmp_path)
    st = migrate.status(empty_database_url, migrations=tmp_path)
    assert [i for i, _ in st.applied] == ids
    assert all(when.tzinfo is not None for _, when in st.applied)
    assert st.pending == [] and st.problems == []
    assert apply_count(empty_database_url, ids[0]) == 1


def test_apply_up_to_target_and_status_lists_pending(
    empty_database_url: str, tmp_path: Path
) -> None:
    ids = simple_set(tmp_path)

    st = migrate.status(empty_database_url, migrations=tmp_path)
    assert st.applied == [] and st.pending == ids
    # status is read-only: it created no bookkeeping tables
    assert not table_exists(empty_database_url, migrate.MIGRATION_TABLE)

    assert migrate.apply(empty_database_url, migrations=tmp_path, target="0001", quiet=True) == [
        ids[0]
    ]
    assert columns(empty_database_url, "public.thing") == ["id"]
    st = migrate.status(empty_database_url, migrations=tmp_path)
    assert [i for i, _ in st.applied] == [ids[0]] and st.pending == [ids[1]]
    text = migrate.format_status(st)
    assert "applied  " in text and ids[0] in text
    assert "pending" in text and ids[1] in text
    assert text.splitlines()[-1] == "1 applied, 1 pending, no problems"


def test_progress_output_names_each_migration_with_its_duration(
    empty_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = simple_set(tmp_path)

    migrate.apply(empty_database_url, migrations=tmp_path)
    out = capsys.readouterr().out
    for migration_id in ids:
        assert re.search(rf"^applied {re.escape(migration_id)} \(\d+\.\d\d s\)$", out, re.M), out
    assert out.rstrip().splitlines()[-1] == "2 applied, 0 pending, no problems"
    assert "***" in out or "@" not in out  # the URL is shown masked, never with credentials

    migrate.rollback(empty_database_url, count=1, migrations=tmp_path)
    out = capsys.readouterr().out
    assert re.search(rf"^rolled back {re.escape(ids[1])} \(\d+\.\d\d s\)$", out, re.M), out
    assert out.rstrip().splitlines()[-1] == "1 applied, 1 pending, no problems"
    assert columns(empty_database_url, "public.thing") == ["id"]


def test_edited_applied_file_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    edited = tmp_path / f"{ids[0]}.sql"
    edited.write_text(edited.read_text() + "\nCOMMENT ON TABLE public.thing IS 'sneaky';\n")
    write(
        tmp_path,
        "0003.app.create-other",
        "CREATE TABLE public.other (id int);",
        "DROP TABLE public.other;",
        depends=ids[1],
    )

    with pytest.raises(MigrationError, match="checksum mismatch") as info:
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert f"{ids[0]}.sql" in str(info.value)
    assert not table_exists(empty_database_url, "public.other")  # nothing ran
    with pytest.raises(MigrationError, match=re.escape(f"{ids[0]}.sql: checksum mismatch")):
        migrate.verify(empty_database_url, migrations=tmp_path)
    problems = migrate.status(empty_database_url, migrations=tmp_path).problems
    assert len(problems) == 1 and problems[0].startswith(f"{ids[0]}.sql: checksum mismatch")


def test_editing_a_rollback_file_is_allowed(empty_database_url: str, tmp_path: Path) -> None:
    """Documented choice: the checksum covers the forward file only."""
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    rb = tmp_path / f"{ids[1]}.rollback.sql"
    rb.write_text(rb.read_text().replace("DROP COLUMN label", "DROP COLUMN IF EXISTS label"))

    migrate.verify(empty_database_url, migrations=tmp_path)
    assert migrate.rollback(empty_database_url, count=1, migrations=tmp_path, quiet=True) == [
        ids[1]
    ]
    assert columns(empty_database_url, "public.thing") == ["id"]


def test_renamed_applied_file_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    (tmp_path / f"{ids[1]}.sql").rename(tmp_path / "0002.app.add-thing-title.sql")
    (tmp_path / f"{ids[1]}.rollback.sql").rename(tmp_path / "0002.app.add-thing-title.rollback.sql")

    with pytest.raises(MigrationError) as info:
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    message = str(info.value)
    assert f"{ids[1]}.sql: applied to this database but the file is missing" in message
    assert "renamed to 0002.app.add-thing-title.sql?" in message
    assert applied_ids(empty_database_url) == ids  # the renamed file was not applied again
    assert apply_count(empty_database_url, ids[1]) == 1
    with pytest.raises(MigrationError, match="file is missing"):
        migrate.verify(empty_database_url, migrations=tmp_path)


def test_deleted_applied_file_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    (tmp_path / f"{ids[1]}.sql").unlink()
    (tmp_path / f"{ids[1]}.rollback.sql").unlink()

    problems = migrate.status(empty_database_url, migrations=tmp_path).problems
    assert problems == [
        f"{ids[1]}.sql: applied to this database but the file is missing (renamed or deleted?); "
        "restore it under its original name (never rename or delete a landed migration)"
    ]
    with pytest.raises(MigrationError, match=re.escape(ids[1])):
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    with pytest.raises(MigrationError, match=re.escape(ids[1])):
        migrate.rollback(empty_database_url, count=1, migrations=tmp_path, quiet=True)
    assert columns(empty_database_url, "public.thing") == ["id", "label"]


def test_out_of_order_pending_file_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    write(tmp_path, "0001.app.create-a", "CREATE TABLE public.a (id int);", "DROP TABLE public.a;")
    write(
        tmp_path,
        "0003.app.create-c",
        "CREATE TABLE public.c (id int);",
        "DROP TABLE public.c;",
        depends="0001.app.create-a",
    )
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    write(  # lands later from another branch, with a lower number
        tmp_path,
        "0002.app.create-b",
        "CREATE TABLE public.b (id int);",
        "DROP TABLE public.b;",
        depends="0001.app.create-a",
    )

    with pytest.raises(MigrationError, match=r"0002\.app\.create-b\.sql: out of order"):
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert not table_exists(empty_database_url, "public.b")
    with pytest.raises(MigrationError, match="out of order"):
        migrate.verify(empty_database_url, migrations=tmp_path)
    # rolling back past it resolves the situation, then everything applies in file order
    assert migrate.rollback(
        empty_database_url, target="0001.app.create-a", migrations=tmp_path, quiet=True
    ) == ["0003.app.create-c"]
    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == [
        "0002.app.create-b",
        "0003.app.create-c",
    ]


def test_unrecorded_checksum_is_reported_then_adopted(
    empty_database_url: str, tmp_path: Path
) -> None:
    """The crash window between yoyo's bookkeeping and ours (or a yoyo CLI run)."""
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    query(empty_database_url, "DELETE FROM _datalayer_migration WHERE migration_id = %s", (ids[1],))

    problems = migrate.status(empty_database_url, migrations=tmp_path).problems
    assert len(problems) == 1 and "applied without a recorded checksum" in problems[0]
    with pytest.raises(MigrationError, match="recorded checksum"):
        migrate.verify(empty_database_url, migrations=tmp_path)

    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == []
    assert (
        checksums(empty_database_url)[ids[1]]
        == list(migrate.read_history(tmp_path).files)[1].sha256
    )
    migrate.verify(empty_database_url, migrations=tmp_path)


# -- timeouts ------------------------------------------------------------------------------------


def test_default_timeouts_apply_and_set_local_overrides(
    empty_database_url: str, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "0001.app.record-settings",
        """
        CREATE TABLE public.seen AS
            SELECT current_setting('lock_timeout') AS lt,
                   current_setting('statement_timeout') AS st;
        """,
        "DROP TABLE public.seen;",
    )
    write(
        tmp_path,
        "0002.app.record-local-settings",
        """
        SET LOCAL lock_timeout = '7s';

        INSERT INTO public.seen
            SELECT current_setting('lock_timeout'), current_setting('statement_timeout');
        """,
        "DELETE FROM public.seen WHERE lt = '7s';",
        depends="0001.app.record-settings",
    )

    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert query(empty_database_url, "SELECT lt, st FROM public.seen ORDER BY lt") == [
        ("5s", "15min"),
        ("7s", "15min"),
    ]


@pytest.fixture
def locked_table(empty_database_url: str, tmp_path: Path) -> Iterator[psycopg.Connection[Any]]:
    """0001 applied (table public.t), 0002 (ALTER TABLE public.t) pending, and a connection
    holding ACCESS EXCLUSIVE on public.t in an open transaction."""
    write(tmp_path, "0001.app.create-t", "CREATE TABLE public.t (id int);", "DROP TABLE public.t;")
    write(
        tmp_path,
        "0002.app.add-t-note",
        "ALTER TABLE public.t ADD COLUMN note text;",
        "ALTER TABLE public.t DROP COLUMN note;",
        depends="0001.app.create-t",
    )
    migrate.apply(empty_database_url, migrations=tmp_path, target="0001", quiet=True)
    blocker = psycopg.connect(empty_database_url)
    blocker.execute("LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE")
    try:
        yield blocker
    finally:
        blocker.close()


def test_lock_timeout_is_retried_then_fails(
    empty_database_url: str,
    tmp_path: Path,
    locked_table: psycopg.Connection[Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(MigrationError) as info:
        migrate.apply(empty_database_url, migrations=tmp_path, lock_timeout="200ms", lock_retries=2)
    message = str(info.value)
    assert message.startswith(
        "0002.app.add-t-note.sql: lock timeout (SQLSTATE 55P03) after 3 attempts"
    )
    assert "ALTER TABLE public.t ADD COLUMN note text" in message
    assert info.value.sqlstate == "55P03"
    assert (
        len(
            re.findall(
                r"^lock timeout in 0002\.app\.add-t-note\.sql, retrying",
                capsys.readouterr().out,
                re.M,
            )
        )
        == 2
    )
    locked_table.rollback()
    assert applied_ids(empty_database_url) == ["0001.app.create-t"]
    assert columns(empty_database_url, "public.t") == ["id"]
    assert "0002.app.add-t-note" not in checksums(empty_database_url)


def test_lock_timeout_retry_succeeds_once_the_blocker_lets_go(
    empty_database_url: str,
    tmp_path: Path,
    locked_table: psycopg.Connection[Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    release = threading.Timer(0.6, locked_table.rollback)
    release.start()
    try:
        ids = migrate.apply(
            empty_database_url, migrations=tmp_path, lock_timeout="200ms", lock_retries=5
        )
    finally:
        release.join()
    assert ids == ["0002.app.add-t-note"]
    assert "retrying (1/5)" in capsys.readouterr().out
    assert columns(empty_database_url, "public.t") == ["id", "note"]


# -- failure atomicity ---------------------------------------------------------------------------


def test_failing_migration_leaves_the_database_as_it_was(
    empty_database_url: str, tmp_path: Path
) -> None:
    mig = tmp_path / "m"
    write(mig, "0001.app.create-a", "CREATE TABLE public.a (id int);", "DROP TABLE public.a;")
    write(
        mig,
        "0002.app.create-x",
        """
        CREATE TABLE public.x (id int PRIMARY KEY, label text);

        ALTER TABLE public.a ADD COLUMN extra int;

        INSERT INTO public.x (id, label) VALUES (1, 'first');

        INSERT INTO public.x (id, label) VALUES (1, 'second');
        """,
        "DROP TABLE public.x; ALTER TABLE public.a DROP COLUMN extra;",
        depends="0001.app.create-a",
    )
    migrate.apply(empty_database_url, migrations=mig, target="0001", quiet=True)
    before = tmp_path / "before.sql"
    after = tmp_path / "after.sql"
    migrate.dump_schema(empty_database_url, before)

    with pytest.raises(MigrationError) as info:
        migrate.apply(empty_database_url, migrations=mig, quiet=True)

    message = str(info.value)
    assert message.startswith("0002.app.create-x.sql: failed (SQLSTATE 23505): duplicate key value")
    assert "statement: INSERT INTO public.x (id, label) VALUES (1, 'second')" in message
    assert info.value.sqlstate == "23505"
    migrate.dump_schema(empty_database_url, after)
    assert after.read_text() == before.read_text()
    assert not table_exists(empty_database_url, "public.x")
    assert columns(empty_database_url, "public.a") == ["id"]
    assert applied_ids(empty_database_url) == ["0001.app.create-a"]
    assert set(checksums(empty_database_url)) == {"0001.app.create-a"}


def test_failed_concurrent_index_is_reported_then_repaired(
    empty_database_url: str, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "0001.app.create-dup",
        "CREATE TABLE public.dup (v int); INSERT INTO public.dup VALUES (1), (1);",
        "DROP TABLE public.dup;",
    )
    write(
        tmp_path,
        "0002.app.create-dup-v-key",
        "CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON public.dup (v);",
        "DROP INDEX CONCURRENTLY IF EXISTS public.dup_v_key;",
        depends="0001.app.create-dup",
        transactional=False,
    )

    with pytest.raises(MigrationError) as info:
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)

    message = str(info.value)
    assert message.startswith("0002.app.create-dup-v-key.sql: failed (SQLSTATE 23505)")
    assert "this file is not transactional" in message
    assert "it is recorded as started, and the next run repairs it" in message
    assert "INVALID indexes now: dup_v_key" in message
    assert "1 migration finished earlier in this run remain in effect" in message
    assert applied_ids(empty_database_url) == ["0001.app.create-dup"]
    assert query(
        empty_database_url,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.dup_v_key'::regclass",
    ) == [(False,)]
    st = migrate.status(empty_database_url, migrations=tmp_path)
    assert st.started == ["0002.app.create-dup-v-key"] and st.pending == []
    with pytest.raises(MigrationError) as verified:
        migrate.verify(empty_database_url, migrations=tmp_path)
    assert "0002.app.create-dup-v-key.sql: started and not finished" in str(verified.value)
    assert "index dup_v_key is INVALID" in str(verified.value)

    # once the data allows it, the next run drops the INVALID index and builds it again
    query(
        empty_database_url, "DELETE FROM public.dup WHERE ctid = (SELECT max(ctid) FROM public.dup)"
    )
    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == [
        "0002.app.create-dup-v-key"
    ]
    assert query(
        empty_database_url,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.dup_v_key'::regclass",
    ) == [(True,)]
    migrate.verify(empty_database_url, migrations=tmp_path)


def test_failure_message_cuts_long_statements(empty_database_url: str, tmp_path: Path) -> None:
    long_list = ", ".join(f"col_{i} int" for i in range(80))
    write(
        tmp_path,
        "0001.app.create-wide",
        f"CREATE TABLE public.wide ({long_list}, col_0 int);",
        "DROP TABLE public.wide;",
    )
    with pytest.raises(MigrationError) as info:
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    statement = str(info.value).split("statement: ", 1)[1].splitlines()[0]
    assert statement.startswith("CREATE TABLE public.wide (col_0 int, col_1 int")
    assert len(statement) == 200 and statement.endswith("…")
    assert 'column "col_0" specified more than once' in str(info.value)
    assert applied_ids(empty_database_url) == []


# -- advisory lock -------------------------------------------------------------------------------


def test_concurrent_runs_wait_for_each_other_and_apply_once(
    empty_database_url: str, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "0001.app.create-side-effect",
        """
        CREATE TABLE public.side_effect (id int PRIMARY KEY);

        INSERT INTO public.side_effect VALUES (1);

        SELECT pg_sleep(1.5);
        """,
        "DROP TABLE public.side_effect;",
    )
    # A CREATE INDEX CONCURRENTLY waits for every snapshot older than its own: a runner blocked
    # inside pg_advisory_lock() would hold one and hang both runs (flyway#1654). Ours polls.
    write(
        tmp_path,
        "0002.app.create-side-effect-idx",
        "CREATE INDEX CONCURRENTLY side_effect_id_idx ON public.side_effect (id);",
        "DROP INDEX CONCURRENTLY IF EXISTS public.side_effect_id_idx;",
        depends="0001.app.create-side-effect",
        transactional=False,
    )
    with psycopg.connect(empty_database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (migrate.LOCK_KEY,))
        procs = [spawn_apply(empty_database_url, tmp_path, quiet=False) for _ in range(2)]
        try:
            wait_for(lambda: migrate_sessions(empty_database_url) >= 2, what="both runners")
            time.sleep(0.3)
            # both wait (neither failed, nothing applied) while someone holds the lock
            assert [p.poll() for p in procs] == [None, None]
            assert applied_ids(empty_database_url) == []
            holder.execute("SELECT pg_advisory_unlock(%s)", (migrate.LOCK_KEY,))
            outputs = [p.communicate(timeout=60) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()

    assert [p.returncode for p in procs] == [0, 0], outputs
    results = sorted((result_of(out) for out, _ in outputs), key=len)
    ids = ["0001.app.create-side-effect", "0002.app.create-side-effect-idx"]
    assert results == [[], ids]
    for out, _ in outputs:
        assert "waiting for another migration run" in out
    for migration_id in ids:
        assert apply_count(empty_database_url, migration_id) == 1
    assert query(empty_database_url, "SELECT id FROM public.side_effect") == [(1,)]
    assert query(
        empty_database_url,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.side_effect_id_idx'::regclass",
    ) == [(True,)]
    assert advisory_lock_holders(empty_database_url) == 0


def test_sigkilled_run_leaves_no_stale_lock(empty_database_url: str, tmp_path: Path) -> None:
    write(
        tmp_path,
        "0001.app.slow",
        """
        SELECT pg_sleep(2);

        CREATE TABLE public.after_sleep (id int);
        """,
        "DROP TABLE public.after_sleep;",
    )
    proc = spawn_apply(empty_database_url, tmp_path)
    try:
        wait_for(
            lambda: (
                query(
                    empty_database_url,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s AND state = 'active' "
                    "AND query LIKE 'SELECT pg_sleep%%'",
                    (migrate.APPLICATION_NAME,),
                )[0][0]
                == 1
            ),
            what="the migration to be sleeping",
        )
        assert advisory_lock_holders(empty_database_url) == 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    started = time.monotonic()
    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == ["0001.app.slow"]
    assert time.monotonic() - started < 9  # no stale lock to time out on (yoyo's would take 10 s)
    assert table_exists(empty_database_url, "public.after_sleep")
    assert apply_count(empty_database_url, "0001.app.slow") == 1
    assert query(empty_database_url, "SELECT count(*) FROM yoyo_lock") == [(0,)]
    assert advisory_lock_holders(empty_database_url) == 0


# -- dry run, rollback ---------------------------------------------------------------------------


def test_dry_run_changes_nothing(
    empty_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = simple_set(tmp_path)

    assert migrate.apply(empty_database_url, migrations=tmp_path, dry_run=True) == ids
    out = capsys.readouterr().out
    assert f"-- would apply {ids[0]}" in out and "CREATE TABLE public.thing" in out
    assert query(
        empty_database_url,
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
    ) == [(0,)]
    assert migrate.status(empty_database_url, migrations=tmp_path).pending == ids

    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert migrate.rollback(
        empty_database_url, target="0", migrations=tmp_path, dry_run=True, quiet=True
    ) == list(reversed(ids))
    assert applied_ids(empty_database_url) == ids
    assert set(checksums(empty_database_url)) == set(ids)
    assert columns(empty_database_url, "public.thing") == ["id", "label"]


def test_rollback_needs_an_explicit_count_or_target(
    empty_database_url: str, tmp_path: Path
) -> None:
    ids = simple_set(tmp_path)
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)

    with pytest.raises(MigrationError, match="exactly one of count"):
        migrate.rollback(empty_database_url, migrations=tmp_path, quiet=True)
    with pytest.raises(MigrationError, match="exactly one of count"):
        migrate.rollback(empty_database_url, count=1, target="0", migrations=tmp_path, quiet=True)
    with pytest.raises(MigrationError, match="at least 1"):
        migrate.rollback(empty_database_url, count=0, migrations=tmp_path, quiet=True)
    with pytest.raises(MigrationError, match="only 2 applied"):
        migrate.rollback(empty_database_url, count=3, migrations=tmp_path, quiet=True)
    with pytest.raises(MigrationError, match="matches no migration"):
        migrate.rollback(empty_database_url, target="0009", migrations=tmp_path, quiet=True)
    assert applied_ids(empty_database_url) == ids
    assert columns(empty_database_url, "public.thing") == ["id", "label"]


def test_rollback_newest_first_and_forgets_checksums(
    empty_database_url: str, tmp_path: Path
) -> None:
    ids = simple_set(tmp_path)
    write(
        tmp_path,
        "0003.app.create-other",
        "CREATE TABLE public.other (id int);",
        "DROP TABLE public.other;",
        depends=ids[1],
    )
    ids.append("0003.app.create-other")
    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)

    assert migrate.rollback(empty_database_url, count=1, migrations=tmp_path, quiet=True) == [
        ids[2]
    ]
    assert not table_exists(empty_database_url, "public.other")
    assert set(checksums(empty_database_url)) == set(ids[:2])

    migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert migrate.rollback(empty_database_url, target=ids[0], migrations=tmp_path, quiet=True) == [
        ids[2],
        ids[1],
    ]
    assert columns(empty_database_url, "public.thing") == ["id"]
    assert applied_ids(empty_database_url) == [ids[0]]
    assert set(checksums(empty_database_url)) == {ids[0]}
    rolled = [
        r[0]
        for r in query(
            empty_database_url,
            "SELECT migration_id FROM _yoyo_log WHERE operation = 'rollback' "
            "ORDER BY created_at_utc",
        )
    ]
    assert rolled == [ids[2], ids[2], ids[1]]

    assert migrate.rollback(empty_database_url, target="zero", migrations=tmp_path, quiet=True) == [
        ids[0]
    ]
    assert applied_ids(empty_database_url) == [] and checksums(empty_database_url) == {}
    assert not table_exists(empty_database_url, "public.thing")


# -- yoyo's migration cache ----------------------------------------------------------------------


def test_two_folders_with_the_same_ids_in_one_process(
    empty_database_url: str, pg_server: Any, tmp_path: Path
) -> None:
    def make(directory: Path, suffix: str) -> None:
        write(
            directory,
            "0001.app.create-thing",
            f"CREATE TABLE public.thing_{suffix} (id int);",
            f"DROP TABLE public.thing_{suffix};",
        )
        write(
            directory,
            "0002.app.create-thing2",
            f"CREATE TABLE public.thing2_{suffix} (id int);",
            f"DROP TABLE public.thing2_{suffix};",
            depends="0001.app.create-thing",
        )

    dir_a, dir_b = tmp_path / "a", tmp_path / "b"
    make(dir_a, "a")
    make(dir_b, "b")

    other = f"cache_{os.getpid()}"
    with pg_server.janitor(other):
        other_url = pg_server.url(other)
        migrate.apply(empty_database_url, migrations=dir_a, quiet=True)
        migrate.apply(other_url, migrations=dir_b, quiet=True)
        assert table_exists(empty_database_url, "public.thing2_a")
        assert not table_exists(empty_database_url, "public.thing_b")
        assert table_exists(other_url, "public.thing_b") and table_exists(
            other_url, "public.thing2_b"
        )
        assert not table_exists(other_url, "public.thing_a")
        assert migrate.rollback(other_url, target="0", migrations=dir_b, quiet=True) == [
            "0002.app.create-thing2",
            "0001.app.create-thing",
        ]
        assert not table_exists(other_url, "public.thing_b")
        assert table_exists(empty_database_url, "public.thing_a")


# -- malformed files -----------------------------------------------------------------------------


def test_migration_without_rollback_file_is_rejected(
    empty_database_url: str, tmp_path: Path
) -> None:
    simple_set(tmp_path)
    (tmp_path / "0002.app.add-thing-label.rollback.sql").unlink()

    with pytest.raises(
        MigrationError,
        match=r"0002\.app\.add-thing-label\.sql: missing its rollback file "
        r"0002\.app\.add-thing-label\.rollback\.sql",
    ):
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert applied_ids(empty_database_url) == []  # validated before touching the database
    assert not table_exists(empty_database_url, "public.thing")


def test_block_comment_before_the_header_is_rejected(
    empty_database_url: str, tmp_path: Path
) -> None:
    write(tmp_path, "0001.app.create-a", "CREATE TABLE public.a (id int);", "DROP TABLE public.a;")
    write(
        tmp_path,
        "0002.app.create-b",
        "CREATE INDEX CONCURRENTLY b_idx ON public.a (id);",
        "DROP INDEX CONCURRENTLY public.b_idx;",
        header=(
            "/* Licensed under MIT. */\n-- depends: 0001.app.create-a\n-- transactional: false\n"
        ),
    )

    with pytest.raises(
        MigrationError, match=r"0002\.app\.create-b\.sql, line 1: a /\* \*/ comment"
    ):
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert applied_ids(empty_database_url) == []
    assert not table_exists(empty_database_url, "public.a")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"0001.app.create-a.sql": "-- a\nCREATE TABLE public.a (id int);\n-- depends: x\n"},
            r"0001\.app\.create-a\.sql, line 3: `-- depends: x` after the first SQL line",
            id="directive-after-sql",
        ),
        pytest.param(
            {
                "0001.app.create-a.sql": (
                    "-- a\n-- transactional: no\nCREATE TABLE public.a (id int);\n"
                )
            },
            r"`-- transactional: no` must be `true` or `false`",
            id="bad-transactional",
        ),
        pytest.param(
            {
                "0001.app.create-a.sql": "-- a\nCREATE TABLE public.a (id int);\n",
                "0002.app.create-b.sql": "-- b\nCREATE TABLE public.b (id int);\n",
            },
            r"0002\.app\.create-b\.sql: the header needs `-- depends: 0001\.app\.create-a`",
            id="missing-depends",
        ),
        pytest.param(
            {
                "0001.app.create-a.sql": "-- a\n-- depends: 0002.app.create-b\nSELECT 1;\n",
                "0002.app.create-b.sql": "-- b\nCREATE TABLE public.b (id int);\n",
            },
            r"`-- depends: 0002\.app\.create-b` does not name an earlier migration",
            id="depends-on-later",
        ),
        pytest.param(
            {"1.app.create-a.sql": "-- a\nCREATE TABLE public.a (id int);\n"},
            r"1\.app\.create-a\.sql: migration files are named NNNN",
            id="bad-name",
        ),
        pytest.param(
            {
                "0001.app.create-a.sql": "-- a\nCREATE TABLE public.a (id int);\n",
                "0001.app.create-b.sql": "-- b\n-- depends: 0001.app.create-a\nSELECT 1;\n",
            },
            r"number 0001 is already used by 0001\.app\.create-a\.sql",
            id="duplicate-number",
        ),
        pytest.param(
            {"0001.app.create-a.sql": "-- a\n-- only comments\n"},
            r"0001\.app\.create-a\.sql: no SQL statement",
            id="empty",
        ),
    ],
)
def test_malformed_migration_sets_are_rejected(
    empty_database_url: str, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        (tmp_path / name.replace(".sql", ".rollback.sql")).write_text("-- undo\nSELECT 1;\n")

    with pytest.raises(MigrationError, match=message):
        migrate.apply(empty_database_url, migrations=tmp_path, quiet=True)
    assert applied_ids(empty_database_url) == []
    assert query(
        empty_database_url,
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
    ) == [(0,)]


def test_orphan_rollback_file_is_rejected(tmp_path: Path) -> None:
    simple_set(tmp_path)
    (tmp_path / "0002.app.add-thing-label.sql").unlink()
    with pytest.raises(
        MigrationError, match=r"rollback file without 0002\.app\.add-thing-label\.sql"
    ):
        list(migrate.read_history(tmp_path).files)


# -- new -----------------------------------------------------------------------------------------


def test_new_creates_the_next_numbered_pair_that_applies(
    empty_database_url: str, tmp_path: Path
) -> None:
    first, first_rb = migrate.new("fintech", "create-accounts", migrations=tmp_path)
    second, second_rb = migrate.new("fintech", "add-accounts-status-idx", migrations=tmp_path)

    assert first.name == "0001.fintech.create-accounts.sql"
    assert first_rb.name == "0001.fintech.create-accounts.rollback.sql"
    assert second.name == "0002.fintech.add-accounts-status-idx.sql"
    assert "-- depends:" not in first.read_text()
    assert "-- depends: 0001.fintech.create-accounts\n" in second.read_text()
    assert second_rb.read_text().startswith("-- Undo 0002.fintech.add-accounts-status-idx")
    files = list(migrate.read_history(tmp_path).files)
    assert [f.id for f in files] == [
        "0001.fintech.create-accounts",
        "0002.fintech.add-accounts-status-idx",
    ]
    assert files[1].depends == ("0001.fintech.create-accounts",)

    # the untouched templates are valid migrations
    assert migrate.apply(empty_database_url, migrations=tmp_path, quiet=True) == [
        f.id for f in files
    ]
    assert migrate.rollback(empty_database_url, target="0", migrations=tmp_path, quiet=True) == [
        files[1].id,
        files[0].id,
    ]


@pytest.mark.parametrize(
    ("schema", "slug"),
    [
        ("Fintech", "create-accounts"),
        ("fin-tech", "create-accounts"),
        ("fintech", "Create-Accounts"),
        ("fintech", "accounts"),
        ("fintech", "create accounts"),
        ("fintech", "create-"),
    ],
)
def test_new_validates_schema_and_slug(tmp_path: Path, schema: str, slug: str) -> None:
    with pytest.raises(MigrationError):
        migrate.new(schema, slug, migrations=tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- schema dump, errors -------------------------------------------------------------------------


def test_dump_schema_is_stable_and_leaves_out_bookkeeping(
    empty_database_url: str, tmp_path: Path
) -> None:
    simple_set(tmp_path / "m")
    migrate.apply(empty_database_url, migrations=tmp_path / "m", quiet=True)
    first, second = tmp_path / "one.sql", tmp_path / "two.sql"

    migrate.dump_schema(empty_database_url, first)
    migrate.dump_schema(empty_database_url, second)

    text = first.read_text()
    assert text == second.read_text()
    assert text.startswith("-- Code generated by `datalayer schema`. DO NOT EDIT.\n")
    assert "CREATE TABLE public.thing (" in text and "label text" in text
    for noise in (
        "_yoyo",
        "yoyo_lock",
        "_datalayer_migration",
        "Dumped from",
        "Dumped by",
        "\\restrict",
    ):
        assert noise not in text
    assert "OWNER TO" not in text and "GRANT " not in text


def test_errors_never_show_the_password(pg_server: Any) -> None:
    url = (
        f"postgresql://{pg_server.user}:hunter2-secret@{pg_server.host}:{pg_server.port}/no_such_db"
    )
    with pytest.raises(MigrationError) as info:
        migrate.status(url)
    message = str(info.value)
    assert "no_such_db" in message and "does not exist" in message
    assert "hunter2" not in message and "***@" in message
