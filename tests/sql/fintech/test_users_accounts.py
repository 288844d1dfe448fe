"""fintech users and accounts: CRUD, ownership, and every constraint violated once, as fintech_app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fintech_support import ARGON2, make_account, make_user

from datalayer import Database, errors, fintech


async def test_user_crud(fdb: Database) -> None:
    user = await make_user(fdb, "Ada@Example.com", password_hash=ARGON2)
    assert user.email == "Ada@Example.com" and user.is_active and user.role == "customer"
    async with fdb.transaction() as conn:  # sign-in: no user known yet
        by_email = await fintech.get_user_by_email(conn, email="ada@EXAMPLE.com")
        assert by_email is not None and by_email.id == user.id
        assert await fintech.get_user_by_email(conn, email="nobody@example.com") is None
        assert (
            await fintech.get_user_password_hash_by_email(conn, email="ADA@example.com") == ARGON2
        )
        assert await fintech.get_user_by_id(conn, user_id=user.id) is None  # no user: no rows
    async with fdb.transaction(user_id=user.id) as conn:
        assert await fintech.get_user_by_id(conn, user_id=user.id) == user
        changed = await fintech.update_user_profile(
            conn, user_id=user.id, first_name="Augusta", last_name="King", phone_number=None
        )
        assert (
            changed is not None and changed.first_name == "Augusta" and changed.phone_number is None
        )
        assert await fintech.update_user_password_hash(conn, user_id=user.id, password_hash=ARGON2)
        assert await fintech.update_user_last_login(conn, user_id=user.id) == 1
        assert await fintech.update_user_active(conn, user_id=user.id, is_active=False) == 1
    async with fdb.transaction() as conn:
        assert await fintech.get_user_password_hash_by_email(conn, email="ada@example.com") is None
    async with fdb.transaction(user_id=user.id) as conn:
        assert await fintech.delete_user(conn, user_id=user.id) == 1
        assert await fintech.get_user_by_id(conn, user_id=user.id) is None
        assert await fintech.delete_user(conn, user_id=user.id) == 0


async def test_a_user_sees_and_changes_only_itself(fdb: Database, owner: Database) -> None:
    ada, bob = await make_user(fdb), await make_user(fdb)
    async with fdb.transaction(user_id=bob.id) as conn:
        assert await fintech.get_user_by_id(conn, user_id=ada.id) is None
        assert (
            await fintech.update_user_profile(
                conn, user_id=ada.id, first_name="Eve", last_name="X", phone_number=None
            )
            is None
        )
        assert await fintech.update_user_active(conn, user_id=ada.id, is_active=False) == 0
        assert await fintech.update_user_last_login(conn, user_id=ada.id) == 0
        assert (
            await fintech.update_user_password_hash(conn, user_id=ada.id, password_hash=ARGON2) == 0
        )
        assert await fintech.delete_user(conn, user_id=ada.id) == 0
    async with owner.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT first_name, is_active, last_login_at FROM fintech.users WHERE id = $1", ada.id
        )
    assert row is not None and tuple(row) == ("Ada", True, None)


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"email": "not-an-email"}, "users_email_check", "email"),
        ({"phone_number": "0415 555 0100"}, "users_phone_number_check", "phone_number"),
        ({"password_hash": "hunter2"}, "users_password_hash_check", "password_hash"),
        ({"password_hash": "$2b$12$short"}, "users_password_hash_check", "password_hash"),
        ({"first_name": "  "}, "users_first_name_check", "first_name"),
        ({"last_name": "x" * 101}, "users_last_name_check", "last_name"),
    ],
)
async def test_user_checks(
    fdb: Database, overrides: dict[str, str], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        await make_user(fdb, **overrides)
    assert info.value.constraint == constraint
    assert info.value.columns == (column,)
    assert info.value.table == "users" and info.value.schema == "fintech"


async def test_role_is_given_by_an_administrator_only(fdb: Database, owner: Database) -> None:
    user = await make_user(fdb)
    assert user.role == "customer"
    with pytest.raises(errors.PermissionDenied):
        async with fdb.transaction(user_id=user.id) as conn:
            await conn.execute("UPDATE fintech.users SET role = 'admin' WHERE id = $1", user.id)
    with pytest.raises(errors.PermissionDenied):  # no way round the sign-up function's role
        async with fdb.transaction() as conn:
            await conn.execute(
                "INSERT INTO fintech.users (email, first_name, last_name, password_hash, role)"
                " VALUES ('eve@example.com', 'Eve', 'X', $1, 'admin')",
                ARGON2,
            )
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute("UPDATE fintech.users SET role = 'root' WHERE id = $1", user.id)
    assert info.value.constraint == "users_role_check"
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT role FROM fintech.users WHERE id = $1", user.id) == (
            "customer"
        )


async def test_email_is_unique_whatever_its_case(fdb: Database) -> None:
    await make_user(fdb, "bob@example.com")
    with pytest.raises(errors.UniqueViolation) as info:
        await make_user(fdb, "BOB@example.com")
    assert info.value.constraint == "users_email_key"


async def test_a_user_with_accounts_cannot_be_deleted(fdb: Database) -> None:
    user = await make_user(fdb)
    await make_account(fdb, user.id)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.delete_user(conn, user_id=user.id)
    assert info.value.constraint == "accounts_user_id_fkey"
    async with fdb.transaction(user_id=user.id) as conn:
        assert await fintech.get_user_by_id(conn, user_id=user.id) is not None


async def test_account_lifecycle_and_ownership(fdb: Database, worker: Database) -> None:
    owner = await make_user(fdb)
    other = await make_user(fdb)
    account = await make_account(fdb, owner.id)
    assert account.balance == Decimal("0") and account.status == "active"
    assert account.closed_at is None
    async with fdb.transaction(user_id=other.id) as conn:
        # neither the owner's id nor the caller's opens another user's account
        for user_id in (owner.id, other.id):
            assert (
                await fintech.get_account_by_id(conn, account_id=account.id, user_id=user_id)
                is None
            )
            assert (
                await fintech.update_account_name(
                    conn, account_id=account.id, user_id=user_id, account_name="Mine now"
                )
                is None
            )
            assert (
                await fintech.update_account_closed(conn, account_id=account.id, user_id=user_id)
                is None
            )
        assert await fintech.list_accounts_by_user(conn, user_id=owner.id) == []
        assert await fintech.list_accounts_by_user(conn, user_id=other.id) == []
        assert await fintech.update_account_frozen(conn, account_id=account.id, frozen=True) is None
    async with fdb.transaction(user_id=owner.id) as conn:
        assert [a.id for a in await fintech.list_accounts_by_user(conn, user_id=owner.id)] == [
            account.id
        ]
        renamed = await fintech.update_account_name(
            conn, account_id=account.id, user_id=owner.id, account_name="Bills"
        )
        assert renamed is not None and renamed.account_name == "Bills"
        frozen = await fintech.update_account_frozen(conn, account_id=account.id, frozen=True)
        assert frozen is not None and frozen.status == "frozen"
        thawed = await fintech.update_account_frozen(conn, account_id=account.id, frozen=False)
        assert thawed is not None and thawed.status == "active"
    async with worker.transaction() as conn:  # the back office freezes any account
        frozen = await fintech.update_account_frozen(conn, account_id=account.id, frozen=True)
        assert frozen is not None and frozen.status == "frozen"
        thawed = await fintech.update_account_frozen(conn, account_id=account.id, frozen=False)
        assert thawed is not None and thawed.status == "active"
    async with fdb.transaction(user_id=owner.id) as conn:
        closed = await fintech.update_account_closed(conn, account_id=account.id, user_id=owner.id)
        assert closed is not None and closed.status == "closed" and closed.closed_at is not None
        assert await fintech.update_account_frozen(conn, account_id=account.id, frozen=True) is None


async def test_an_account_with_money_cannot_be_closed(fdb: Database) -> None:
    owner = await make_user(fdb)
    account = await make_account(fdb, owner.id, balance=Decimal("10"))
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=owner.id) as conn:
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
async def test_account_checks(fdb: Database, owner: Database, sql: str, constraint: str) -> None:
    user = await make_user(fdb)
    await make_account(fdb, user.id)
    # the owner's side: fintech_app may write none of these columns this way
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute("SELECT set_config('fintech.posting', 'on', true)")  # past the guard
            await conn.execute(sql)
    assert info.value.constraint == constraint


async def test_account_name_check_as_the_user(fdb: Database) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.update_account_name(
                conn, account_id=account.id, user_id=user.id, account_name=" "
            )
    assert info.value.constraint == "accounts_account_name_check"


async def test_account_number_is_unique(fdb: Database) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    with pytest.raises(errors.UniqueViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_account(
                conn, user_id=user.id, account_number=account.account_number,
                account_name="Twin", account_type="savings", currency="USD",
                credit_limit=Decimal(0),
            )  # fmt: skip
    assert info.value.constraint == "accounts_account_number_key"


async def test_an_account_is_opened_for_the_transaction_user_only(
    fdb: Database, owner: Database
) -> None:
    ada, bob = await make_user(fdb), await make_user(fdb)
    with pytest.raises(errors.PermissionDenied):  # row-level security's WITH CHECK
        async with fdb.transaction(user_id=bob.id) as conn:
            await fintech.create_account(
                conn, user_id=ada.id, account_number="ACC8888888888", account_name="Spy",
                account_type="checking", currency="USD", credit_limit=Decimal(0),
            )  # fmt: skip
    async with owner.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM fintech.accounts") == 0


async def test_credit_account_may_go_down_to_its_limit(fdb: Database) -> None:
    user = await make_user(fdb)
    credit = await make_account(fdb, user.id, account_type="credit", credit_limit=Decimal("500"))
    async with fdb.transaction(user_id=user.id) as conn:
        entry = await fintech.create_withdrawal(
            conn, account_id=credit.id, amount=Decimal("500"), description=None
        )
        assert entry is not None and entry.balance_after == Decimal("-500")
    with pytest.raises(errors.InsufficientFunds):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_withdrawal(
                conn, account_id=credit.id, amount=Decimal("0.0001"), description=None
            )


async def test_statement_keyset_pagination(fdb: Database) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    for i in range(1, 24):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.create_deposit(
                conn, account_id=account.id, amount=Decimal(i), description=f"d{i}"
            )
    async with fdb.transaction(user_id=user.id) as conn:
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
    stranger = await make_user(fdb)
    async with fdb.transaction(user_id=stranger.id) as conn:
        assert (
            await fintech.list_account_statement(
                conn, account_id=account.id, before_created_at=None, before_id=None, max_rows=50
            )
            == []
        )


async def test_the_users_audit_images_hold_no_password_hash(fdb: Database) -> None:
    """fintech.users is audited (core.tg__audit leaving password_hash out): neither the column nor
    either hash appears in any image, while the other changes are recorded."""
    user = await make_user(fdb)
    async with fdb.transaction(user_id=user.id) as conn:
        stored_before = await conn.fetchval(
            "SELECT new_values::text FROM fintech.audit_log WHERE table_name = 'users'"
            " AND row_id = $1 AND operation = 'INSERT'",
            str(user.id),
        )
        await fintech.update_user_password_hash(conn, user_id=user.id, password_hash=ARGON2)
        await fintech.update_user_profile(
            conn, user_id=user.id, first_name="Grace", last_name="Hopper", phone_number=None
        )
        images = await conn.fetch(
            "SELECT operation, old_values::text AS old, new_values::text AS new, changed_columns"
            " FROM fintech.audit_log WHERE table_name = 'users' AND row_id = $1 ORDER BY id",
            str(user.id),
        )
    assert stored_before is not None and "Ada" in stored_before  # the image is there...
    # the two updates share the transaction's time: which comes first in id order is chance
    assert sorted(r["operation"] for r in images) == ["INSERT", "UPDATE", "UPDATE"]
    assert any("first_name" in (r["changed_columns"] or []) for r in images)
    for r in images:  # ...without the hash, old or new
        for text in (r["old"], r["new"]):
            assert text is None or ("password_hash" not in text and "$2b$" not in text
                                    and "$argon2" not in text)  # fmt: skip
