"""The application: routes over the typed fintech functions, one transaction per request."""

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from datalayer import fintech
from datalayer.errors import NotFound
from datalayer.fastapi import (
    health_router,
    install_error_handlers,
    lifespan,
    problem_response,
    transaction,
)
from datalayer.queries import Connection
from datalayer.settings import Settings

__all__ = ["create_app"]

VERSION = "0.1.0"


def current_user(x_user_id: Annotated[UUID | None, Header()] = None) -> UUID:
    """The caller. A stand-in for real authentication (which would verify a token)."""
    if x_user_id is None:
        raise HTTPException(status_code=401, detail="X-User-Id header required")
    return x_user_id


User = Annotated[UUID, Depends(current_user)]
#: One connection, one transaction per request, scoped to the caller (datalayer.user_id).
Tx = Annotated[Connection, transaction(user_id=current_user)]
ReadTx = Annotated[Connection, transaction(user_id=current_user, readonly=True)]
#: Sign-up has no caller yet.
SignupTx = Annotated[Connection, transaction()]
IdempotencyKey = Annotated[str, Header(min_length=8, max_length=100)]


class NewUser(BaseModel):
    email: str
    first_name: str
    last_name: str
    phone_number: str | None = None
    password_hash: str = Field(description="argon2 or bcrypt hash from the authentication service")


class NewAccount(BaseModel):
    account_number: str
    account_name: str
    account_type: str = "checking"
    currency: str = "USD"
    credit_limit: Decimal = Decimal("0")


class NewDeposit(BaseModel):
    amount: Decimal
    description: str | None = None


class NewTransfer(BaseModel):
    from_account_id: UUID
    to_account_id: UUID
    amount: Decimal
    fx_rate: Decimal | None = None
    description: str | None = None


class NewPayment(BaseModel):
    from_account_id: UUID
    to_account_id: UUID
    amount: Decimal
    fx_rate: Decimal | None = None
    note: str | None = None


def create_app(settings: Settings | None = None, *, require_migrations: bool = False) -> FastAPI:
    """The service; settings from the environment (``DATABASE_URL`` ...) unless given."""
    app = FastAPI(
        title="HoardRun (datalayer example)",
        version=VERSION,
        lifespan=lifespan(settings, require_migrations=require_migrations),
    )
    install_error_handlers(app)
    app.include_router(health_router(service="hoardrun-api", version=VERSION))

    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, exc: HTTPException) -> JSONResponse:
        return problem_response(
            request, exc.status_code, f"http-{exc.status_code}", str(exc.detail), str(exc.detail)
        )

    @app.post("/api/users", status_code=201)
    async def sign_up(conn: SignupTx, body: NewUser) -> fintech.User:
        return await fintech.create_user(conn, **body.model_dump())

    @app.get("/api/accounts")
    async def list_accounts(conn: ReadTx, user: User) -> list[fintech.Account]:
        return await fintech.list_accounts_by_user(conn, user_id=user)

    @app.post("/api/accounts", status_code=201)
    async def open_account(conn: Tx, user: User, body: NewAccount) -> fintech.Account:
        account = await fintech.create_account(conn, user_id=user, **body.model_dump())
        if account is None:  # a BEFORE trigger may drop a row; fintech.accounts' never do
            raise NotFound("the account was not created")
        return account

    @app.get("/api/accounts/{account_id}")
    async def get_account(conn: ReadTx, user: User, account_id: UUID) -> fintech.Account:
        account = await fintech.get_account_by_id(conn, account_id=account_id, user_id=user)
        if account is None:
            raise NotFound("no such account for this user")
        return account

    @app.post("/api/accounts/{account_id}/deposits", status_code=201)
    async def deposit(conn: Tx, user: User, account_id: UUID, body: NewDeposit) -> fintech.Deposit:
        if await fintech.get_account_by_id(conn, account_id=account_id, user_id=user) is None:
            raise NotFound("no such account for this user")
        return await fintech.create_deposit(conn, account_id=account_id, **body.model_dump())

    @app.post("/api/transfers", status_code=201)
    async def transfer(
        conn: Tx, user: User, idempotency_key: IdempotencyKey, body: NewTransfer
    ) -> fintech.Transfer:
        return await fintech.create_transfer(
            conn, user_id=user, idempotency_key=idempotency_key, **body.model_dump()
        )

    @app.get("/api/transfers/{transfer_id}")
    async def get_transfer(conn: ReadTx, user: User, transfer_id: UUID) -> fintech.Transfer:
        found = await fintech.get_transfer_by_id(conn, transfer_id=transfer_id, user_id=user)
        if found is None:
            raise NotFound("no such transfer for this user")
        return found

    @app.post("/api/p2p", status_code=201)
    async def pay(
        conn: Tx, user: User, idempotency_key: IdempotencyKey, body: NewPayment
    ) -> fintech.P2pPayment:
        return await fintech.create_p2p_payment(
            conn, sender_id=user, idempotency_key=idempotency_key, **body.model_dump()
        )

    @app.get("/api/p2p/{payment_id}")
    async def get_payment(conn: ReadTx, user: User, payment_id: UUID) -> fintech.P2pPayment:
        found = await fintech.get_p2p_payment_by_id(
            conn, p2p_transaction_id=payment_id, user_id=user
        )
        if found is None:
            raise NotFound("no such payment for this user")
        return found

    return app
