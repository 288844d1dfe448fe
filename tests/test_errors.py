"""Every mapped SQLSTATE class, provoked on a real server: no asyncpg exception escapes."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from datalayer import Database, errors
from datalayer.queries import Query

SCHEMA = """
CREATE TABLE public.parents (
    id int PRIMARY KEY,
    email text NOT NULL,
    age int,
    during tstzrange,
    CONSTRAINT parents_email_key UNIQUE (email),
    CONSTRAINT parents_age_check CHECK (age >= 0),
    CONSTRAINT parents_during_excl EXCLUDE USING gist (during WITH &&)
);
COMMENT ON CONSTRAINT parents_age_check ON public.parents IS 'age cannot be negative';
CREATE TABLE public.children (
    id int PRIMARY KEY,
    parent_id int NOT NULL,
    CONSTRAINT children_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parents (id)
        ON DELETE RESTRICT
);
INSERT INTO public.parents (id, email, age, during)
VALUES (1, 'a@example.com', 30, tstzrange('2026-01-01', '2026-02-01'));
"""


@pytest.fixture
async def sdb(db: Database) -> Database:
    async with db.transaction() as conn:
        await conn.execute(SCHEMA)
    await db.refresh_catalog()
    return db


async def _fail(db: Database, sql: str, *args: object) -> errors.DataLayerError:
    with pytest.raises(errors.DataLayerError) as info:
        async with db.transaction() as conn:
            await conn.execute(sql, *args)
    assert not isinstance(info.value, asyncpg.PostgresError)
    # the driver's error is not chained: its text repeats the values (a traceback would print it)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    return info.value


@pytest.mark.parametrize(
    ("sql", "cls", "constraint", "columns"),
    [
        (
            "INSERT INTO public.parents (id, email) VALUES (2, 'a@example.com')",
            errors.UniqueViolation,
            "parents_email_key",
            ("email",),
        ),
        (
            "INSERT INTO public.parents (id, email, age) VALUES (2, 'b@example.com', -1)",
            errors.CheckViolation,
            "parents_age_check",
            ("age",),
        ),
        (
            "INSERT INTO public.parents (id, email) VALUES (2, NULL)",
            errors.NotNullViolation,
            None,
            ("email",),
        ),
        (
            "INSERT INTO public.children (id, parent_id) VALUES (1, 999)",
            errors.ForeignKeyViolation,
            "children_parent_id_fkey",
            ("parent_id",),
        ),
        (
            "INSERT INTO public.parents (id, email, during) "
            "VALUES (2, 'c@example.com', tstzrange('2026-01-15', '2026-03-01'))",
            errors.ExclusionViolation,
            "parents_during_excl",
            ("during",),
        ),
    ],
)
async def test_integrity_errors(
    sdb: Database,
    sql: str,
    cls: type[errors.IntegrityError],
    constraint: str | None,
    columns: tuple[str, ...],
) -> None:
    exc = await _fail(sdb, sql)
    assert type(exc) is cls
    assert isinstance(exc, errors.IntegrityError)
    assert exc.sqlstate is not None and exc.sqlstate.startswith("23")
    assert exc.schema == "public"
    assert exc.table in {"parents", "children"}
    assert exc.constraint == constraint
    assert exc.columns == columns
    if constraint:
        assert constraint in str(exc)


async def test_integrity_message_comes_from_the_constraint_comment(sdb: Database) -> None:
    exc = await _fail(sdb, "UPDATE public.parents SET age = -5")
    assert isinstance(exc, errors.CheckViolation)
    assert str(exc).startswith("age cannot be negative")
    assert exc.column == "age"


async def test_restrict_on_delete_is_a_foreign_key_violation(sdb: Database) -> None:
    async with sdb.transaction() as conn:
        await conn.execute("INSERT INTO public.children (id, parent_id) VALUES (1, 1)")
    exc = await _fail(sdb, "DELETE FROM public.parents WHERE id = 1")
    assert isinstance(exc, errors.ForeignKeyViolation)
    assert exc.constraint == "children_parent_id_fkey"
    async with sdb.acquire() as conn:  # nothing was lost
        assert await conn.fetchval("SELECT count(*) FROM public.parents") == 1


@pytest.mark.parametrize(
    ("sql", "args", "cls", "sqlstate"),
    [
        ("SELECT 1 / 0", (), errors.DataError, "22012"),
        ("SELECT 'x'::int", (), errors.DataError, "22P02"),
        ("SELECT $1::int", ("not an int",), errors.DataError, None),  # refused client-side
        ("SELEC 1", (), errors.QueryError, "42601"),
        ("SELECT * FROM public.no_such_table", (), errors.QueryError, "42P01"),
        (
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT 1; "
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            (),
            errors.QueryError,
            "25001",
        ),
    ],
)
async def test_other_classes(
    sdb: Database,
    sql: str,
    args: tuple[object, ...],
    cls: type[errors.DataLayerError],
    sqlstate: str | None,
) -> None:
    exc = await _fail(sdb, sql, *args)
    assert type(exc) is cls
    if sqlstate:
        assert exc.sqlstate == sqlstate


async def test_permission_denied(sdb: Database, database_url: str) -> None:
    async with sdb.acquire() as conn:
        await conn.execute(
            "DROP ROLE IF EXISTS dl_reader; CREATE ROLE dl_reader LOGIN;"
            "GRANT USAGE ON SCHEMA public TO dl_reader;"
        )
    try:
        reader = await Database.connect(url=database_url.replace("postgres@", "dl_reader@"))
        try:
            with pytest.raises(errors.PermissionDenied) as info:
                async with reader.transaction() as conn:
                    await conn.fetch("SELECT id FROM public.parents")
            assert info.value.sqlstate == "42501"
        finally:
            await reader.close()
    finally:
        async with sdb.acquire() as conn:
            await conn.execute("REVOKE ALL ON SCHEMA public FROM dl_reader; DROP ROLE dl_reader")


async def test_statement_timeout_is_query_timeout(sdb: Database) -> None:
    exc = await _fail(sdb, "SET LOCAL statement_timeout = '50ms'; SELECT pg_sleep(2)")
    assert type(exc) is errors.QueryTimeout and exc.sqlstate == "57014"


async def test_command_timeout_is_query_timeout(sdb: Database) -> None:
    with pytest.raises(errors.QueryTimeout):
        async with sdb.transaction() as conn:
            await conn.execute("SELECT pg_sleep(2)", timeout=0.1)


async def test_lock_timeout_is_lock_timeout(sdb: Database) -> None:
    async with sdb.transaction() as holder:
        await holder.execute("LOCK TABLE public.parents IN ACCESS EXCLUSIVE MODE")
        exc = await _fail(
            sdb, "SET LOCAL lock_timeout = '50ms'; SELECT count(*) FROM public.parents"
        )
    assert type(exc) is errors.LockTimeout and exc.sqlstate == "55P03"
    assert isinstance(exc, errors.QueryTimeout)


async def test_serialization_failure_and_deadlock_are_retryable(sdb: Database) -> None:
    # Two serializable transactions that each read what the other writes: one must fail.
    ready = asyncio.Event()
    go = asyncio.Event()

    async def writer(my_id: int, other_id: int) -> None:
        async with sdb.transaction(isolation="serializable") as conn:
            await conn.fetchval("SELECT age FROM public.parents WHERE id = $1", other_id)
            if my_id == 1:
                ready.set()
                await go.wait()
            else:
                await ready.wait()
            await conn.execute("UPDATE public.parents SET age = age + 1 WHERE id = $1", my_id)
            if my_id == 2:
                go.set()

    async with sdb.transaction() as conn:
        await conn.execute("INSERT INTO public.parents (id, email, age) VALUES (2, 'b@x', 1)")
    results = await asyncio.gather(writer(1, 2), writer(2, 1), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1
    assert type(failures[0]) is errors.SerializationFailure
    assert isinstance(failures[0], errors.RetryableError)
    assert failures[0].sqlstate == "40001"

    # A deadlock: each transaction locks one row, then wants the other's.
    first_locked = asyncio.Event()
    second_locked = asyncio.Event()

    async def locker(mine: int, theirs: int, me: asyncio.Event, them: asyncio.Event) -> None:
        async with sdb.transaction() as conn:
            await conn.execute("SET LOCAL deadlock_timeout = '50ms'")
            await conn.execute("UPDATE public.parents SET age = 0 WHERE id = $1", mine)
            me.set()
            await them.wait()
            await conn.execute("UPDATE public.parents SET age = 0 WHERE id = $1", theirs)

    results = await asyncio.gather(
        locker(1, 2, first_locked, second_locked),
        locker(2, 1, second_locked, first_locked),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1
    assert type(failures[0]) is errors.DeadlockDetected and failures[0].sqlstate == "40P01"


async def test_connection_lost(sdb: Database) -> None:
    with pytest.raises(errors.ConnectionLost) as info:
        async with sdb.transaction() as conn:
            await conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    assert isinstance(info.value, errors.RetryableError)
    # the pool replaces the dead connection
    async with sdb.transaction() as conn:
        assert await conn.fetchval("SELECT 1") == 1


async def test_pool_timeout(database_url: str) -> None:
    from datalayer.settings import Settings

    tiny = await Database.connect(
        Settings.load(url=database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    )
    try:
        async with tiny.transaction():
            with pytest.raises(errors.PoolTimeout):
                async with tiny.transaction():
                    pass
    finally:
        await tiny.close()


async def test_query_functions_map_errors_too(sdb: Database) -> None:
    q = Query(
        schema="t",
        name="add_parent",
        operation=__import__("datalayer").queries.Operation.EXECUTE,
        sql="INSERT INTO public.parents (id, email) VALUES ($1, $2)",
        params=("id", "email"),
        doc="",
        path=__import__("pathlib").Path("t.sql"),
    )
    async with sdb.acquire() as conn:
        with pytest.raises(errors.UniqueViolation) as info:
            await q.execute(conn, id=1, email="z@example.com")
    assert info.value.constraint == "parents_pkey"


def test_translate_leaves_our_errors_alone() -> None:
    err = errors.NotFound("nope")
    assert errors.translate(err) is err
    assert isinstance(errors.translate(ConnectionResetError("reset")), errors.ConnectionLost)
    assert isinstance(errors.translate(TimeoutError()), errors.QueryTimeout)


def test_a_closed_connection_is_a_retryable_connection_loss() -> None:
    import asyncpg as pg

    for exc in (
        pg.InterfaceError("cannot perform operation: connection is closed"),
        pg.exceptions.ConnectionDoesNotExistError(
            "connection was closed in the middle of operation"
        ),
        ConnectionResetError(104, "Connection reset by peer"),
    ):
        mapped = errors.translate(exc)
        assert isinstance(mapped, errors.ConnectionLost) and isinstance(
            mapped, errors.RetryableError
        )
    assert not isinstance(
        errors.translate(pg.InterfaceError("pool is closing")), errors.RetryableError
    )
