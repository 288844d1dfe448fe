"""datalayer.sync: the typed query functions called from plain threads, no event loop in sight."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from datalayer import errors, fintech
from datalayer.settings import Settings
from datalayer.sync import SyncDatabase

HASH = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"


def _in_a_thread(fn: Any) -> Any:
    """Run ``fn()`` in a plain thread; return its result or raise its exception."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    if "error" in box:
        raise box["error"]
    return box["result"]


def test_query_functions_from_a_plain_thread(database_url: str) -> None:
    def script() -> tuple[Decimal, int]:
        settings = Settings.load(url=database_url, pool_size=2, max_overflow=2)
        with SyncDatabase.connect(settings) as db:
            with db.transaction(actor="nightly-job") as tx:
                user = tx.call(
                    fintech.create_user,
                    email="sync@example.com",
                    first_name="S",
                    last_name="Y",
                    phone_number=None,
                    password_hash=HASH,
                )
            with db.transaction(actor="nightly-job", user_id=user.id) as tx:
                account = tx.call(
                    fintech.create_account,
                    user_id=user.id,
                    account_number="ACC0000000777",
                    account_name="Main",
                    account_type="checking",
                    currency="USD",
                    credit_limit=Decimal(0),
                )
                tx.call(
                    fintech.create_deposit,
                    account_id=account.id,
                    amount=Decimal("12.5"),
                    description=None,
                )
            found = db.call(fintech.get_account_by_id, account_id=account.id, user_id=user.id)
            assert found is not None
            # A typed error crosses the thread boundary; the failed block wrote nothing.
            with pytest.raises(errors.UniqueViolation) as info, db.transaction() as tx:
                tx.call(
                    fintech.create_account,
                    user_id=user.id,
                    account_number="ACC0000000888",
                    account_name="Second",
                    account_type="savings",
                    currency="USD",
                    credit_limit=Decimal(0),
                )
                tx.call(
                    fintech.create_account,
                    user_id=user.id,
                    account_number="ACC0000000888",
                    account_name="Third",
                    account_type="savings",
                    currency="USD",
                    credit_limit=Decimal(0),
                )
            assert info.value.constraint == "accounts_account_number_key"
            accounts = db.call(fintech.list_accounts_by_user, user_id=user.id)
            assert db.health().status == "healthy"
            return found.balance, len(accounts)

    assert _in_a_thread(script) == (Decimal("12.5"), 1)


def test_threads_share_one_facade(database_url: str) -> None:
    with SyncDatabase.connect(Settings.load(url=database_url, pool_size=2, max_overflow=2)) as db:
        with db.transaction() as tx:
            user = tx.call(
                fintech.create_user,
                email="many@example.com",
                first_name="M",
                last_name="T",
                phone_number=None,
                password_hash=HASH,
            )
        results: list[UUID | None] = []
        lock = threading.Lock()

        def worker() -> None:
            for _ in range(10):
                found = db.call(fintech.get_user_by_id, user_id=user.id)
                with lock:
                    results.append(None if found is None else found.id)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert results == [user.id] * 80
        assert db.pool_info().max_size == 4


async def test_refused_inside_async_code(database_url: str) -> None:
    db = _in_a_thread(lambda: SyncDatabase.connect(Settings.load(url=database_url, pool_size=1)))
    try:
        with pytest.raises(errors.ConfigurationError, match="async code"):
            db.call(fintech.list_currency_totals)
    finally:
        _in_a_thread(db.close)
