"""No secret or personal value in errors, logs or health output.

Every failing path below is fed canary values (a password, a key, a card number, an email, a name);
query logging is on with parameters. Then every captured log line, error message (and its detail
and repr) and the health report is scanned for the canaries. Errors must still name the query, the
``:parameter``, the constraint and the column.
"""

from __future__ import annotations

import json
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from datalayer import Database, errors, fintech
from datalayer.queries import configure_logging
from datalayer.settings import Settings

CANARY_PASSWORD = "CanaryPassw0rdXYZZY"
CANARY_KEY = "canary-key-Plugh-0042"
CANARY_CARD = "4111222233334444"
CANARY_EMAIL = "canary.frobozz@example.com"
CANARY_NAME = "Canary Grue" + "x" * 200
# shaped like a bcrypt hash, so it passes the column's CHECK and reaches the logs
CANARY_HASH = "$2b$12$" + ("CanaryHashZork" * 4)[:53]
#: never anywhere: secrets
SECRETS = (CANARY_PASSWORD, CANARY_KEY, CANARY_CARD, "CanaryHashZork")
#: never in errors or health: any value, personal data included (logs with parameters switched on
#: show ordinary values such as an email, by the operator's choice; secrets stay masked there)
VALUES = (*SECRETS, CANARY_EMAIL, "Canary Grue")


@pytest.fixture
def query_logging() -> object:
    configure_logging(echo=True, parameters=True, slow_ms=500)
    yield None
    configure_logging(echo=False, parameters=False, slow_ms=500)


async def _expect(
    seen: list[BaseException], call: Callable[[], Awaitable[object]], kind: type[BaseException]
) -> BaseException:
    with pytest.raises(kind) as info:
        await call()
    seen.append(info.value)
    return info.value


def _texts(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc)]
    for attr in ("detail", "message", "table", "constraint"):
        value = getattr(exc, attr, None)
        if value:
            out.append(str(value))
    # what a traceback prints (logger.exception, an error tracker): the chain included
    out.append("".join(traceback.format_exception(exc)))
    return out


async def test_errors_logs_and_health_carry_no_canary(
    db: Database, query_logging: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="datalayer")
    seen: list[BaseException] = []
    async with db.transaction() as conn:
        user = await fintech.create_user(
            conn, email=CANARY_EMAIL, first_name="Ada", last_name="Lovelace",
            phone_number=None, password_hash=CANARY_HASH,
        )  # fmt: skip
        account = await fintech.create_account(
            conn, user_id=user.id, account_number="ACC0000000042", account_name="Main",
            account_type="checking", currency="USD", credit_limit=Decimal(0),
        )  # fmt: skip

    # a CHECK refuses the row: the failing row (with the password) is not repeated
    exc = await _expect(
        seen,
        lambda: _in_tx(
            db,
            lambda c: fintech.create_user(
                c,
                email="ok@example.com",
                first_name="A",
                last_name="B",
                phone_number=None,
                password_hash=CANARY_PASSWORD,
            ),
        ),
        errors.CheckViolation,
    )
    assert isinstance(exc, errors.CheckViolation)
    assert exc.constraint == "users_password_hash_check" and exc.columns
    assert "fintech.create_user" in str(exc)

    # a unique key: the key's value (the email) is not repeated
    exc = await _expect(
        seen,
        lambda: _in_tx(
            db,
            lambda c: fintech.create_user(
                c,
                email=CANARY_EMAIL.upper(),
                first_name="A",
                last_name="B",
                phone_number=None,
                password_hash=CANARY_HASH,
            ),
        ),
        errors.UniqueViolation,
    )
    assert isinstance(exc, errors.UniqueViolation) and exc.constraint == "users_email_key"

    # a name too long: refused, the name not repeated
    exc = await _expect(
        seen,
        lambda: _in_tx(
            db,
            lambda c: fintech.create_user(
                c,
                email="long@example.com",
                first_name=CANARY_NAME,
                last_name="B",
                phone_number=None,
                password_hash=CANARY_HASH,
            ),
        ),
        errors.CheckViolation,
    )
    assert "first_name" in str(exc)

    # the driver cannot encode an argument: named by its :parameter, its value not shown
    exc = await _expect(
        seen,
        lambda: _in_tx(db, lambda c: fintech.get_user_by_id(c, user_id=CANARY_PASSWORD)),  # type: ignore[arg-type]
        errors.DataError,
    )
    assert ":user_id" in str(exc) and "$1" not in str(exc)
    assert "fintech.get_user_by_id" in str(exc)

    # a card with its number and key: stored, logged without either
    async with db.transaction(user_id=user.id) as conn:
        card = await fintech.create_card(
            conn, user_id=user.id, account_id=account.id, brand="visa", card_type="debit",
            last4="4444", cardholder_name="Ada Lovelace", token=CANARY_CARD,
            encryption_key=CANARY_KEY, expiry_month=12, expiry_year=2031, spending_limit=None,
        )  # fmt: skip
        assert card is not None
    # the wrong key: refused without repeating either key
    exc = await _expect(
        seen,
        lambda: _in_tx(
            db,
            lambda c: fintech.get_card_token(
                c, card_id=card.id, user_id=user.id, encryption_key=CANARY_KEY + "-wrong"
            ),
        ),
        errors.DataLayerError,
    )

    # a connection that cannot be made: the password is not repeated
    bad = Settings.load(
        url=f"postgresql://someone:{CANARY_PASSWORD}@127.0.0.1:1/nowhere", connect_retries=0
    )
    exc = await _expect(seen, lambda: Database.connect(bad), errors.DataLayerError)

    health = (await db.health()).model_dump(mode="json")
    record_texts = [r.getMessage() for r in caplog.records] + [
        json.dumps(getattr(r, "__dict__", {}), default=str) for r in caplog.records
    ]
    assert any("fintech.create_user" in t for t in record_texts), "query logging was on"
    assert any("params=" in t for t in record_texts)
    haystacks = {
        "logs": ("\n".join(record_texts), SECRETS),
        "errors": ("\n".join(t for e in seen for t in _texts(e)), VALUES),
        "health": (json.dumps(health), VALUES),
    }
    for where, (text, canaries) in haystacks.items():
        for canary in canaries:
            assert canary not in text, f"{canary!r} appears in the {where}"
    assert len(seen) == 6


async def _in_tx(db: Database, call: Callable[[object], Awaitable[object]]) -> object:
    async with db.transaction(user_id=uuid.uuid4()) as conn:
        return await call(conn)
