"""fintech users and accounts: CRUD, ownership, and every constraint violated once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fintech_support import ARGON2, make_account, make_user

from datalayer import Database, errors, fintech


async def test_user_crud(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        user = await make_user(conn, "Ada@Example.com", password_hash=ARGON2)
        assert user.email == "Ada@Example.com" and user.is_active and user.role == "customer"
        assert await fintech.get_user_by_id(conn, user_id=user.id) == user
        by_email = await fintech.get_user_by_email(conn, email="ada@EXAMPLE.com")
        assert by_email is not None and by_email.id == user.id
        assert await fintech.get_user_by_email(conn, email="nobody@example.com") is None
        assert (
            await fintech.get_user_password_hash_by_email(conn, email="ADA@example.com") == ARGON2
        )
        changed = await fintech.update_user_profile(
            conn, user_id=user.id, first_name="Augusta", last_name="King", phone_number=None
        )
        assert (
            changed is not None and changed.first_name == "Augusta" and changed.phone_number is None
        )
        assert await fintech.update_user_last_login(conn, user_id=user.id) == 1
        assert await fintech.update_user_active(conn, user_id=user.id, is_active=False) == 1
        assert await fintech.get_user_password_hash_by_email(conn, email="ada@example.com") is None
        assert await fintech.delete_user(conn, user_id=user.id) == 1
        assert await fintech.get_user_by_id(conn, user_id=user.id) is None
        assert await fintech.delete_user(conn, user_id=user.id) == 0


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"email": "not-an-email"}, "users_email_check", "email"),
        ({"phone_number": "0415 555 0100"}, "users_phone_number_check", "phone_number"),
        ({"password_hash": "hunter2"}, "users_password_hash_check", "password_hash"),
        ({"password_hash": "$2b$12$short"}, "users_password_hash_check", "password_hash"),
        ({"role": "root"}, "users_role_check", "role"),
        ({"first_name": "  "}, "users_first_name_check", "first_name"),
        ({"last_name": "x" * 101}, "users_last_name_check", "last_name"),
    ],
)
async def test_user_checks(
    fdb: Database, overrides: dict[str, str], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction() as conn:
            await make_user(conn, **overrides)
    assert info.value.constraint == constraint
    assert info.value.columns == (column,)
    assert info.value.table == "users" and info.value.schema == "fintech"


async def test_email_is_unique_whatever_its_case(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        await make_user(conn, "bob@example.com")
    with pytest.raises(errors.UniqueViolation) as info:
        async with fdb.transaction() as conn:
            await make_user(conn, "BOB@example.com")
    assert info.value.constraint == "users_email_key"


async def test_a_user_with_accounts_cannot_be_deleted(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        user = await make_user(conn)
        await make_account(conn, user.id)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with fdb.transaction() as conn:
            await fintech.delete_user(conn, user_id=user.id)
    assert info.value.constraint == "accounts_user_id_fkey"
    async with fdb.transaction() as conn:
        assert await fintech.get_user_by_id(conn, user_id=user.id) is not None


async def test_account_lifecycle_and_ownership(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        other = await make_user(conn)
        account = await make_account(conn, owner.id)
        assert account.balance == Decimal("0") and account.status == "active"
        assert account.closed_at is None
        assert (
            await fintech.get_account_by_id(conn, account_id=account.id, user_id=other.id) is None
        )
        assert [a.id for a in await fintech.list_accounts_by_user(conn, user_id=owner.id)] == [
            account.id
        ]
        assert await fintech.list_accounts_by_user(conn, user_id=other.id) == []
        renamed = await fintech.update_account_name(
            conn, account_id=account.id, user_id=owner.id, account_name="Bills"
        )
        assert renamed is not None and renamed.account_name == "Bills"
        assert (
            await fintech.update_account_name(
                conn, account_id=account.id, user_id=other.id, account_name="Mine now"
            )
            is None
        )
        frozen = await fintech.update_account_frozen(conn, account_id=account.id, frozen=True)
        assert frozen is not None and frozen.status == "frozen"
        thawed = await fintech.update_account_frozen(conn, account_id=account.id, frozen=False)
        assert thawed is not None and thawed.status == "active"
        closed = await fintech.update_account_closed(conn, account_id=account.id, user_id=owner.id)
        assert closed is not None and closed.status == "closed" and closed.closed_at is not None
        assert await fintech.update_account_frozen(conn, account_id=account.id, frozen=True) is None


async def test_an_account_with_money_cannot_be_closed(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        account = await make_account(conn, owner.id, balance=Decimal("10"))
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction() as conn:
            await fintech.update_account_closed(conn, account_id=account.id, user_id=owner.id)
    assert info.value.constraint == "accounts_closed_balance_check"
    assert "zero balance" in str(info.value)


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE fintech.accounts SET account_number = 'ACC12'", "accounts_account_number_check"),
        ("UPDATE fintech.accounts SET account_name = ''", "accounts_account_name_check"),
        ("UPDATE fintech.accounts SET account_type = 'crypto'", "accounts_account_type_check"),
        ("UPDATE fintech.accounts SET currency = 'usd'", "accounts_currency_check"),
        ("UPDATE fintech.accounts SET credit_limit = 100", "accounts_credit_limit_check"),
        ("UPDATE fintech.accounts SET balance = -0.0001", "accounts_balance_check"),
        ("UPDATE fintech.accounts SET status = 'gone'", "accounts_status_check"),
        ("UPDATE fintech.accounts SET closed_at = now()", "accounts_closed_at_check"),
    ],
)
async def test_account_checks(fdb: Database, sql: str, constraint: str) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        await make_account(conn, owner.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction() as conn:
            await conn.execute("SELECT set_config('fintech.posting', 'on', true)")  # past the guard
            await conn.execute(sql)
    assert info.value.constraint == constraint


async def test_account_number_is_unique(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        account = await make_account(conn, owner.id)
    with pytest.raises(errors.UniqueViolation) as info:
        async with fdb.transaction() as conn:
            await fintech.create_account(
                conn, user_id=owner.id, account_number=account.account_number,
                account_name="Twin", account_type="savings", currency="USD",
                credit_limit=Decimal(0),
            )  # fmt: skip
    assert info.value.constraint == "accounts_account_number_key"


async def test_credit_account_may_go_down_to_its_limit(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        credit = await make_account(
            conn, owner.id, account_type="credit", credit_limit=Decimal("500")
        )
        entry = await fintech.create_withdrawal(
            conn, account_id=credit.id, amount=Decimal("500"), description=None
        )
        assert entry is not None and entry.balance_after == Decimal("-500")
    with pytest.raises(errors.InsufficientFunds):
        async with fdb.transaction() as conn:
            await fintech.create_withdrawal(
                conn, account_id=credit.id, amount=Decimal("0.0001"), description=None
            )


async def test_statement_keyset_pagination(fdb: Database) -> None:
    async with fdb.transaction() as conn:
        owner = await make_user(conn)
        account = await make_account(conn, owner.id)
    for i in range(1, 24):
        async with fdb.transaction() as conn:
            await fintech.create_deposit(
                conn, account_id=account.id, amount=Decimal(i), description=f"d{i}"
            )
    async with fdb.transaction() as conn:
        pages = []
        before_created_at = None
        before_id = None
        while True:
            page = await fintech.list_account_statement(
                conn, account_id=account.id, before_created_at=before_created_at,
                before_id=before_id, max_rows=5,
            )  # fmt: skip
            if not page:
                break
            pages.append(page)
            before_created_at, before_id = page[-1].created_at, page[-1].id
        rows = [r for page in pages for r in page]
        assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
        assert [r.description for r in rows] == [f"d{i}" for i in range(23, 0, -1)]
        assert rows[0].balance_after == Decimal(sum(range(1, 24)))
        assert len({r.id for r in rows}) == 23
