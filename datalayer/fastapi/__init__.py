"""FastAPI integration (extra ``fastapi``): the pool's lifespan, request dependencies, errors as
``application/problem+json``, and HoardRun's health routes.

.. code-block:: python

    from typing import Annotated
    from fastapi import FastAPI
    from datalayer import fintech
    from datalayer.fastapi import health_router, install_error_handlers, lifespan, transaction
    from datalayer.queries import Connection

    app = FastAPI(lifespan=lifespan(require_migrations=True))
    install_error_handlers(app)
    app.include_router(health_router())
    Tx = Annotated[Connection, transaction(user_id=current_user_id)]

    @app.get("/api/accounts")
    async def accounts(conn: Tx, user: Annotated[UUID, Depends(current_user_id)]):
        return await fintech.list_accounts_by_user(conn, user_id=user)
"""

from .consistency import POSITION_COOKIE, POSITION_HEADER, ReadYourWrites
from .deps import DB, check_migrations, get_db, lifespan, transaction
from .health import health_router
from .problems import PROBLEM_JSON, install_error_handlers, problem_response

__all__ = [
    "DB",
    "POSITION_COOKIE",
    "POSITION_HEADER",
    "PROBLEM_JSON",
    "ReadYourWrites",
    "check_migrations",
    "get_db",
    "health_router",
    "install_error_handlers",
    "lifespan",
    "problem_response",
    "transaction",
]
