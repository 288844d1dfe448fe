"""Read replicas against a real streaming replica: a small primary of its own, a hot standby made
by ``pg_basebackup -R`` and started next to it, both run as the unprivileged user.

Proves: reads go to the replica and writes to the primary (never the other way), read-your-writes
under concurrent writes (within a task and across tasks with a position token), the bounded wait
then the primary when the replica is behind, fallback when the replica is stopped mid-run and its
return afterwards, and the replica's lag in the health report."""

from __future__ import annotations

import asyncio
import contextvars
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated

import psycopg
import pytest
from fastapi import FastAPI
from service_support import serve

from datalayer import Database, errors
from datalayer.devdb import Cluster
from datalayer.fastapi import ReadYourWrites, lifespan, transaction
from datalayer.queries import Connection
from datalayer.replicas import current_position, parse_position, read_after
from datalayer.settings import Settings

LOGIN = "replica_test_app"


def _base() -> Path:
    return Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())


@pytest.fixture(scope="module")
def primary() -> Iterator[Cluster]:
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="dl-primary-", dir=_base())), "app", fast=True)
    cluster.up()
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {LOGIN} LOGIN")
        conn.execute(
            "CREATE TABLE note (id uuid PRIMARY KEY, writer int NOT NULL, body text NOT NULL)"
        )
        conn.execute(f"GRANT SELECT, INSERT ON note TO {LOGIN}")
    try:
        yield cluster
    finally:
        cluster.destroy()


def _standby(primary: Cluster) -> Cluster:
    standby = primary.replica(Path(tempfile.mkdtemp(prefix="dl-replica-", dir=_base())))
    standby.up()
    return standby


@pytest.fixture(scope="module")
def replica(primary: Cluster) -> Iterator[Cluster]:
    standby = _standby(primary)
    try:
        yield standby
    finally:
        standby.destroy()


def _login_url(cluster: Cluster) -> str:
    return f"postgresql://{LOGIN}@127.0.0.1:{cluster.port}/app"


@pytest.fixture
async def db(primary: Cluster, replica: Cluster) -> AsyncIterator[Database]:
    settings = Settings.load(
        url=_login_url(primary),
        read_urls=_login_url(replica),
        pool_size=4,
        max_overflow=4,
        read_wait=2.0,
        read_retry_interval=0.5,
    )
    async with await Database.connect(settings) as database:
        yield database


async def _insert(conn: Connection, writer: int) -> uuid.UUID:
    note = uuid.uuid4()
    await conn.execute("INSERT INTO note VALUES ($1, $2, 'x')", note, writer)
    return note


async def _find(conn: Connection, note: uuid.UUID) -> tuple[bool, bool]:
    """(the note is visible, this server is a standby)."""
    row = await conn.fetchrow(
        "SELECT EXISTS (SELECT FROM note WHERE id = $1), pg_is_in_recovery()", note
    )
    assert row is not None
    return bool(row[0]), bool(row[1])


async def test_reads_see_the_tasks_own_writes_under_concurrent_writes(db: Database) -> None:
    async def writer(n: int) -> tuple[int, int]:
        on_replica = 0
        for _ in range(15):
            tx = db.transaction()
            async with tx as conn:
                in_recovery = await conn.fetchval("SELECT pg_is_in_recovery()")
                assert in_recovery is False  # a write transaction runs on the primary
                note = await _insert(conn, n)
            assert tx.position is not None and current_position() is not None
            assert parse_position(current_position() or "") >= parse_position(tx.position)
            # The next reads of this task wait for the replica to replay the write.
            seen, standby = await db.read(_find, note)
            assert seen, "a read in the writing task missed its write"
            on_replica += standby
            async with db.transaction(readonly=True) as conn:
                seen, standby = await _find(conn, note)
            assert seen, "a read-only transaction in the writing task missed its write"
            on_replica += standby
        return on_replica, 30

    results = await asyncio.gather(*(writer(n) for n in range(6)))
    on_replica = sum(r[0] for r in results)
    router = db.router
    assert router is not None
    # Reads went to the standby (a fallback to the primary is allowed, never a stale read).
    assert on_replica > 0
    assert router.stats.replica_reads == on_replica
    assert router.stats.waits > 0  # the replica was behind at least once and was waited for


async def test_a_position_token_carries_a_write_to_another_task(db: Database) -> None:
    tx = db.transaction()
    async with tx as conn:
        note = await _insert(conn, 99)
    token = tx.position
    assert token is not None

    async def other_request(token: str | None) -> tuple[bool, bool]:
        # A fresh context: nothing of the writing task's state, only the token it was given.
        with read_after(token):
            return await db.read(_find, note)

    seen, _ = await asyncio.create_task(other_request(token), context=contextvars.Context())
    assert seen
    async with db.transaction(readonly=True, after=token) as conn:
        assert (await _find(conn, note))[0]


async def test_no_write_reaches_a_replica(db: Database, replica: Cluster) -> None:
    async def write(conn: Connection) -> None:
        await conn.execute("INSERT INTO note VALUES ($1, 1, 'read path')", uuid.uuid4())

    with pytest.raises(errors.DataLayerError) as on_read:
        await db.read(write)
    assert on_read.value.sqlstate == "25006"  # read-only: the standby (or READ ONLY) refuses
    with pytest.raises(errors.DataLayerError) as in_ro:
        async with db.transaction(readonly=True) as conn:
            await write(conn)
    assert in_ro.value.sqlstate == "25006"
    with psycopg.connect(replica.url(), autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FROM note WHERE body = 'read path'").fetchone()
        assert row == (0,)
        # The standby never committed a transaction of its own that wrote: it is in recovery.
        assert admin.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)


async def test_a_replica_behind_is_waited_for_then_the_primary_answers(
    db: Database, replica: Cluster
) -> None:
    router = db.router
    assert router is not None
    router.wait = 0.3
    with psycopg.connect(replica.url(), autocommit=True) as admin:
        admin.execute("SELECT pg_wal_replay_pause()")
        try:
            tx = db.transaction()
            async with tx as conn:
                note = await _insert(conn, 7)
            before = router.stats.primary_fallbacks
            seen, standby = await db.read(_find, note)
            assert seen and not standby  # waited 0.3 s, then read from the primary
            assert router.stats.primary_fallbacks == before + 1
        finally:
            admin.execute("SELECT pg_wal_replay_resume()")
    seen, _ = await db.read(_find, note)
    assert seen


async def test_a_lagging_replica_is_skipped_and_health_shows_its_lag(
    primary: Cluster, replica: Cluster
) -> None:
    settings = Settings.load(
        url=_login_url(primary),
        read_urls=_login_url(replica),
        read_max_lag=0.2,
        read_retry_interval=60,
    )
    async with await Database.connect(settings) as db:
        health = await db.health()
        (entry,) = health.database.replicas
        assert entry.healthy and entry.lag_seconds is not None and entry.replay_position
        assert "***" not in entry.url or "@" in entry.url
        with psycopg.connect(replica.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_wal_replay_pause()")
            try:
                async with db.transaction() as conn:
                    await _insert(conn, 8)
                await asyncio.sleep(0.5)  # the unreplayed commit ages past DATABASE_READ_MAX_LAG
                async with db.transaction() as conn:
                    await _insert(conn, 8)
                health = await db.health()
                (entry,) = health.database.replicas
                assert not entry.healthy and entry.lag_seconds is not None
                assert entry.lag_seconds > 0.2 and (entry.lag_bytes or 0) > 0
                assert health.status == "degraded"
                router = db.router
                assert router is not None
                async with db.transaction(readonly=True) as conn:
                    assert await conn.fetchval("SELECT pg_is_in_recovery()") is False
            finally:
                admin.execute("SELECT pg_wal_replay_resume()")


async def test_a_replica_stopped_mid_run_falls_back_to_the_primary_and_returns(
    primary: Cluster,
) -> None:
    standby = _standby(primary)
    try:
        settings = Settings.load(
            url=_login_url(primary),
            read_urls=_login_url(standby),
            pool_size=3,
            max_overflow=0,
            read_retry_interval=0.5,
            connect_timeout=2,
        )
        async with await Database.connect(settings) as db:
            router = db.router
            assert router is not None
            stop = asyncio.Event()
            served = {"replica": 0, "primary": 0}

            async def reader() -> None:
                while not stop.is_set():
                    tx = db.transaction()
                    async with tx as conn:
                        note = await _insert(conn, 5)
                    seen, standby_answered = await db.transaction(readonly=True, retries=3).run(
                        _find, note
                    )
                    assert seen
                    served["replica" if standby_answered else "primary"] += 1

            readers = [asyncio.create_task(reader()) for _ in range(3)]
            await asyncio.sleep(0.5)
            assert served["replica"] > 0
            await asyncio.to_thread(
                standby._run,
                str(standby.bindir / "pg_ctl"),
                "stop",
                "-m",
                "immediate",
                "-D",
                str(standby.datadir),
            )
            before = dict(served)
            await asyncio.sleep(1.0)
            assert served["primary"] > before["primary"]  # reads kept working, on the primary
            health = await db.health()
            assert not health.database.replicas[0].healthy
            assert health.status == "degraded"
            await asyncio.to_thread(standby.up)
            await asyncio.sleep(1.5)  # past DATABASE_READ_RETRY_INTERVAL: tried again
            back = served["replica"]
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.gather(*readers)
            assert served["replica"] > back  # the replica serves reads again
            assert router.stats.skipped_down > 0
    finally:
        standby.destroy()


def test_a_position_token_is_checked() -> None:
    assert parse_position("16/B374D848") == 0x16 << 32 | 0xB374D848
    for bad in ("", "16", "x/1", "1/2; DROP TABLE note", "123456789/1"):
        with pytest.raises(errors.ConfigurationError):
            parse_position(bad)


Write = Annotated[Connection, transaction()]
Read = Annotated[Connection, transaction(readonly=True)]


def _notes_app(settings: Settings) -> FastAPI:
    app = FastAPI(lifespan=lifespan(settings))
    app.add_middleware(ReadYourWrites, cookie_secure=False)

    @app.post("/notes")
    async def create(conn: Write) -> dict[str, str]:
        return {"id": str(await _insert(conn, 42))}

    @app.get("/notes/{note}")
    async def get(note: uuid.UUID, conn: Read) -> dict[str, bool]:
        seen, standby = await _find(conn, note)
        return {"seen": seen, "standby": standby}

    return app


async def test_the_middleware_carries_the_position_in_a_cookie_and_a_header(
    primary: Cluster, replica: Cluster
) -> None:
    settings = Settings.load(url=_login_url(primary), read_urls=_login_url(replica), read_wait=2.0)
    async with serve(_notes_app(settings)) as client:
        standby_answers = 0
        for _ in range(10):
            created = await client.post("/notes")
            token = created.headers["X-DB-Position"]
            parse_position(token)
            assert client.cookies["db_position"] == token
            note = created.json()["id"]
            # The same client (its cookie) reads its write.
            got = (await client.get(f"/notes/{note}")).json()
            assert got["seen"]
            standby_answers += got["standby"]
            # A read without a write sends no new token.
            assert "X-DB-Position" not in (await client.get(f"/notes/{note}")).headers
        assert standby_answers > 0
        # Another client given only the header reads the write too.
        created = await client.post("/notes")
        token, note = created.headers["X-DB-Position"], created.json()["id"]
        client.cookies.clear()
        got = (await client.get(f"/notes/{note}", headers={"X-DB-Position": token})).json()
        assert got["seen"]
        # A malformed token is ignored, not an error.
        bad = await client.get(f"/notes/{note}", headers={"X-DB-Position": "nonsense"})
        assert bad.status_code == 200
