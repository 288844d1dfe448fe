"""datalayer.fastapi: lifespan, dependencies that commit before the response, problem+json errors,
and the health routes, over HTTP against a real PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID, uuid4

import asyncpg
import pytest
from fastapi import FastAPI, Header
from service_support import serve

from datalayer import Database, errors
from datalayer.fastapi import DB, health_router, install_error_handlers, lifespan, transaction
from datalayer.queries import Connection
from datalayer.settings import Settings

SECRET = "s3cr3t-value-77"

SETUP = """
CREATE TABLE public.items (
    id int PRIMARY KEY,
    name text NOT NULL,
    parent int REFERENCES public.items (id) ON DELETE CASCADE,
    code text,
    qty int CONSTRAINT items_qty_check CHECK (qty >= 0),
    CONSTRAINT items_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX items_parent_idx ON public.items (parent);
COMMENT ON CONSTRAINT items_qty_check ON public.items IS 'quantity cannot be negative';
"""


def caller(x_user_id: Annotated[UUID, Header()]) -> UUID:
    return x_user_id


Tx = Annotated[Connection, transaction(user_id=caller)]
ReadTx = Annotated[Connection, transaction(readonly=True)]


def make_app(settings: Settings, *, require_migrations: bool = False) -> FastAPI:
    app = FastAPI(lifespan=lifespan(settings, require_migrations=require_migrations))
    install_error_handlers(app, retry_after=2)
    app.include_router(health_router(service="test-api", version="1.2.3"))

    @app.post("/items", status_code=201)
    async def create(
        conn: Tx,
        id: int,
        name: str | None = None,
        code: str | None = None,
        qty: int = 0,
        parent: int | None = None,
    ) -> dict[str, object]:
        await conn.execute(
            "INSERT INTO public.items (id, name, code, qty, parent) VALUES ($1, $2, $3, $4, $5)",
            id,
            name,
            code,
            qty,
            parent,
        )
        return {
            "id": id,
            "user": await conn.fetchval("SELECT current_setting('datalayer.user_id')"),
        }

    @app.get("/items/{item_id}")
    async def read(conn: ReadTx, item_id: int) -> dict[str, object]:
        row = await conn.fetchrow("SELECT id, name FROM public.items WHERE id = $1", item_id)
        if row is None:
            raise errors.NotFound("no such item")
        return dict(row)

    @app.get("/bad-uuid")
    async def bad_uuid(conn: ReadTx) -> object:
        return await conn.fetchval("SELECT $1::text::uuid", SECRET)

    @app.get("/slow")
    async def slow(conn: ReadTx) -> object:
        await conn.execute("SET LOCAL statement_timeout = '20ms'")
        return await conn.fetchval("SELECT pg_sleep(2)::text")

    @app.get("/lost")
    async def lost(conn: ReadTx) -> object:
        return await conn.fetchval("SELECT pg_terminate_backend(pg_backend_pid())")

    @app.get("/busy")
    async def busy(conn: ReadTx, db: DB) -> object:
        async with db.acquire(timeout=0.2) as other:
            return await other.fetchval("SELECT 1")

    return app


def _settings(url: str, **extra: object) -> Settings:
    return Settings.load(**{"url": url, "pool_size": 1, "max_overflow": 1, **extra})


@pytest.fixture
async def items_url(database_url: str) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(SETUP)
    finally:
        await conn.close()
    return database_url


async def _count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM public.items"))
    finally:
        await conn.close()


def _is_problem(response: object, status: int, slug: str) -> dict[str, object]:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:datalayer:problem:{slug}" and body["status"] == status
    assert {"title", "detail", "instance"} <= set(body)
    assert SECRET not in response.text and "Failing row" not in response.text
    return dict(body)


async def test_a_commit_that_fails_is_an_error_response_not_a_201(items_url: str) -> None:
    user = uuid4()
    async with serve(make_app(_settings(items_url))) as http:
        first = await http.post(
            "/items",
            params={"id": 1, "name": "a", "code": SECRET},
            headers={"x-user-id": str(user)},
        )
        assert first.status_code == 201 and first.json() == {"id": 1, "user": str(user)}
        # The duplicate code passes the INSERT (the constraint is deferred) and fails at COMMIT.
        second = await http.post(
            "/items",
            params={"id": 2, "name": "b", "code": SECRET},
            headers={"x-user-id": str(user)},
        )
        body = _is_problem(second, 409, "unique-violation")
        assert body["constraint"] == "items_code_key" and body["fields"] == ["code"]
        assert body["table"] == "public.items"
    assert await _count(items_url) == 1


async def test_errors_map_to_problem_details(items_url: str) -> None:
    user = {"x-user-id": str(uuid4())}
    async with serve(make_app(_settings(items_url, pool_pre_ping=True, max_overflow=0))) as http:
        assert (
            await http.post("/items", params={"id": 1, "name": "a"}, headers=user)
        ).status_code == 201
        _is_problem(await http.get("/items/99"), 404, "not-found")
        dup = _is_problem(
            await http.post("/items", params={"id": 1, "name": SECRET}, headers=user),
            409,
            "unique-violation",
        )
        assert dup["constraint"] == "items_pkey" and dup["fields"] == ["id"]
        fk = _is_problem(
            await http.post("/items", params={"id": 5, "name": "x", "parent": 77}, headers=user),
            422,
            "foreign-key-violation",
        )
        assert fk["constraint"] == "items_parent_fkey" and fk["fields"] == ["parent"]
        check = _is_problem(
            await http.post("/items", params={"id": 6, "name": SECRET, "qty": -5}, headers=user),
            422,
            "check-violation",
        )
        assert check["constraint"] == "items_qty_check" and check["fields"] == ["qty"]
        null = _is_problem(
            await http.post("/items", params={"id": 7}, headers=user), 422, "not-null-violation"
        )
        assert null["fields"] == ["name"] and null["table"] == "public.items"
        data = _is_problem(await http.get("/bad-uuid"), 422, "data-error")
        assert data["sqlstate"] == "22P02"
        timeout = _is_problem(await http.get("/slow"), 504, "query-timeout")
        assert timeout["error"] == "QueryTimeout"
        lost = _is_problem(await http.get("/lost"), 503, "retryable-error")
        assert lost["error"] == "ConnectionLost"
        busy = await http.get("/busy")
        _is_problem(busy, 503, "pool-timeout")
        assert busy.headers["retry-after"] == "2"
        invalid = _is_problem(
            await http.post("/items", params={"id": SECRET}, headers=user),
            422,
            "request-validation",
        )
        assert invalid["errors"]
        # After every failure the service still answers.
        assert (await http.get("/items/1")).json() == {"id": 1, "name": "a"}
    assert await _count(items_url) == 1


async def test_startup_is_refused_while_a_migration_is_pending(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "DELETE FROM public._yoyo_migration WHERE migration_id = "
            "(SELECT max(migration_id) FROM public._yoyo_migration)"
        )
    finally:
        await conn.close()
    with pytest.raises(errors.ConfigurationError, match="1 migration"):
        async with serve(make_app(_settings(database_url), require_migrations=True)):
            pass
    # Without the requirement the service starts, and readiness says why it is not ready.
    async with serve(make_app(_settings(database_url))) as http:
        ready = await http.get("/api/health/readiness")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"database": True, "migrations": False}
        assert len(ready.json()["pending_migrations"]) == 1
        assert (await http.get("/api/health/database")).json()["status"] == "degraded"


async def test_health_routes(database_url: str) -> None:
    async with serve(make_app(_settings(database_url), require_migrations=True)) as http:
        basic = await http.get("/api/health/")
        assert basic.status_code == 200
        assert set(basic.json()) == {"status", "timestamp", "service"}
        live = await http.get("/api/health/liveness")
        assert live.status_code == 200 and live.json()["status"] == "alive"
        db = (await http.get("/api/health/database")).json()
        assert db["status"] == "healthy" and set(db) == {"status", "timestamp", "database"}
        section = db["database"]
        assert section["database_url"].startswith("postgresql://***@")
        assert section["database_version"].startswith("PostgreSQL ")
        assert section["connection_healthy"] is True
        assert {"pool_size", "checked_in", "checked_out", "overflow"} <= set(section["pool_info"])
        ready = await http.get("/api/health/readiness")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        detailed = (await http.get("/api/health/detailed")).json()
        assert detailed["service"] == "test-api" and detailed["version"] == "1.2.3"
        assert detailed["database"]["connection_healthy"] is True
        assert "python_version" in detailed["system"]


async def test_readiness_while_the_database_is_down(pg_server: object, database_url: str) -> None:
    """The database refuses new connections and its sessions are killed: readiness and the
    database route answer 503, liveness and the basic route keep answering 200."""
    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    admin = await asyncpg.connect(admin_url)
    try:
        async with serve(make_app(_settings(database_url))) as http:
            assert (await http.get("/api/health/readiness")).status_code == 200
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            await asyncio.sleep(0.05)
            for _ in range(2):  # the dead pooled connection, then a refused new one
                ready = await http.get("/api/health/readiness")
                assert ready.status_code == 503
                assert ready.json()["checks"]["database"] is False
            down = await http.get("/api/health/database")
            assert down.status_code == 503 and down.json()["status"] == "unhealthy"
            assert (await http.get("/api/health/liveness")).status_code == 200
            assert (await http.get("/api/health/")).status_code == 200
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            assert (await http.get("/api/health/readiness")).status_code == 200
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


async def test_get_db_without_the_lifespan_is_a_configuration_error() -> None:
    app = FastAPI()

    @app.get("/x")
    async def x(db: DB) -> int:
        return 1

    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        with pytest.raises(errors.ConfigurationError, match="lifespan"):
            await c.get("/x")


def test_database_is_exported() -> None:
    assert Database.__name__ == "Database"
