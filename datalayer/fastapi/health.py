"""HoardRun's five health routes (seed 004) as a router.

* ``GET /api/health/`` — basic: the process answers (no database call).
* ``GET /api/health/detailed`` — service, versions, uptime, and the database section.
* ``GET /api/health/database`` — :meth:`Database.health`: status, timestamp, masked URL, server
  version, latency, pool figures, migrations; 503 when the database cannot be reached.
* ``GET /api/health/readiness`` — 200 when the database answers and no migration is pending,
  else 503 (what a Kubernetes readiness probe wants).
* ``GET /api/health/liveness`` — 200 while the process runs; never touches the database.
"""

import platform
import time
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .. import __version__
from ..db import DatabaseHealth, Health
from .deps import get_db

__all__ = ["Detailed", "Liveness", "Readiness", "Status", "health_router"]

_STARTED = time.monotonic()


class Status(BaseModel):
    status: Literal["healthy"]
    timestamp: datetime
    service: str


class Liveness(BaseModel):
    status: Literal["alive"]
    timestamp: datetime


class ReadinessChecks(BaseModel):
    database: bool
    migrations: bool


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    timestamp: datetime
    checks: ReadinessChecks
    pending_migrations: list[str]


class SystemInfo(BaseModel):
    python_version: str
    platform: str
    datalayer_version: str
    uptime_seconds: float


class Detailed(BaseModel):
    status: Literal["healthy", "degraded", "unhealthy"]
    timestamp: datetime
    service: str
    version: str
    system: SystemInfo
    database: DatabaseHealth


def health_router(
    *, prefix: str = "/api/health", service: str = "api", version: str = "0.0.0"
) -> APIRouter:
    """The five routes under ``prefix``; ``service`` and ``version`` describe the application."""
    router = APIRouter(prefix=prefix, tags=["health"])

    @router.get("/", response_model=Status)
    async def basic() -> Status:
        return Status(status="healthy", timestamp=datetime.now(UTC), service=service)

    @router.get("/liveness", response_model=Liveness)
    async def liveness() -> Liveness:
        return Liveness(status="alive", timestamp=datetime.now(UTC))

    @router.get("/database", response_model=Health, responses={503: {"model": Health}})
    async def database(request: Request) -> JSONResponse:
        health = await get_db(request).health()
        code = 503 if health.status == "unhealthy" else 200
        return JSONResponse(health.model_dump(mode="json"), status_code=code)

    @router.get("/readiness", response_model=Readiness, responses={503: {"model": Readiness}})
    async def readiness(request: Request) -> JSONResponse:
        health = await get_db(request).health()
        reachable = health.database.connection_healthy
        migrations = health.database.migrations
        migrated = reachable and migrations is not None and not migrations.pending
        body = Readiness(
            status="ready" if migrated else "not_ready",
            timestamp=health.timestamp,
            checks=ReadinessChecks(database=reachable, migrations=migrated),
            pending_migrations=migrations.pending if migrations else [],
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=200 if migrated else 503)

    @router.get("/detailed", response_model=Detailed, responses={503: {"model": Detailed}})
    async def detailed(request: Request) -> JSONResponse:
        health = await get_db(request).health()
        body = Detailed(
            status=health.status,
            timestamp=health.timestamp,
            service=service,
            version=version,
            system=SystemInfo(
                python_version=platform.python_version(),
                platform=platform.platform(terse=True),
                datalayer_version=__version__,
                uptime_seconds=round(time.monotonic() - _STARTED, 3),
            ),
            database=health.database,
        )
        code = 503 if health.status == "unhealthy" else 200
        return JSONResponse(body.model_dump(mode="json"), status_code=code)

    return router
