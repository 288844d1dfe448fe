"""logistics users and customers: CRUD, password checks in the database, and every constraint
violated once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from logistics_support import BCRYPT, make_customer, make_user

from datalayer import Database, errors, logistics


async def test_user_crud_and_login(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert await logistics.get_user_by_username(conn, username="nobody") is None
        assert await logistics.get_user_by_id(conn, user_id=uuid4()) is None
        assert await logistics.update_user_last_login(conn, user_id=uuid4()) == 0
        # the first user needs no admin to create it (bootstrap); it is the admin
        admin = await make_user(conn, username="Wanjiru", role="admin")
    assert (admin.username, admin.role, admin.is_active, admin.is_superuser) == (
        "Wanjiru", "admin", True, False,
    )  # fmt: skip
    async with ldb.transaction(user_id=admin.id) as conn:
        assert await logistics.get_user_by_id(conn, user_id=admin.id) == admin
        other = await make_user(conn, username="zawadi")
        page = await logistics.list_users(conn, after_username=None, max_rows=1)
        assert [u.id for u in page] == [admin.id]
        page = await logistics.list_users(conn, after_username=page[-1].username, max_rows=5)
        assert [u.id for u in page] == [other.id]
        # by id, a user sees and changes only itself, even as an admin
        assert await logistics.get_user_by_id(conn, user_id=other.id) is None
        assert await logistics.update_user_last_login(conn, user_id=other.id) == 0
        assert await logistics.update_user_last_login(conn, user_id=admin.id) == 1
        again = await logistics.get_user_by_id(conn, user_id=admin.id)
        assert again is not None and again.last_login_at is not None
        assert await logistics.update_user_active(conn, user_id=uuid4(), is_active=False) == 0
    async with ldb.transaction() as conn:
        # sign-in works before any user is known; nothing is read by id without one
        assert await logistics.get_user_by_id(conn, user_id=admin.id) is None
        found = await logistics.get_user_by_username(conn, username="wanjiru")
        assert found is not None and found.id == admin.id
        assert (
            await logistics.get_user_password_hash_by_username(conn, username="WANJIRU") == BCRYPT
        )
    async with ldb.transaction(user_id=admin.id) as conn:
        assert await logistics.update_user_active(conn, user_id=other.id, is_active=False) == 1
    async with ldb.transaction() as conn:
        assert await logistics.get_user_password_hash_by_username(conn, username="zawadi") is None
        # no acting user: no users row of the audit trail
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM logistics.audit_log WHERE table_name = 'users'"
            )
            == 0
        )
    async with ldb.transaction(user_id=admin.id) as conn:
        audit = await conn.fetch(
            "SELECT new_values FROM logistics.audit_log WHERE table_name = 'users'"
        )
    # the acting user's own rows only: its insert and its login, not zawadi's insert or deactivation
    assert len(audit) == 2
    assert all("password_hash" not in r["new_values"] for r in audit)


async def test_only_an_active_admin_manages_users(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        admin = await make_user(conn, role="admin")
    async with ldb.transaction(user_id=admin.id) as conn:
        manager = await make_user(conn, role="manager")
        spare_admin = await make_user(conn, role="admin")
    calls = [
        lambda conn: make_user(conn),
        lambda conn: logistics.list_users(conn, after_username=None, max_rows=5),
        lambda conn: logistics.update_user_active(conn, user_id=admin.id, is_active=False),
    ]
    for acting in (None, manager.id, uuid4()):
        for call in calls:
            with pytest.raises(errors.PermissionDenied) as info:
                async with ldb.transaction(user_id=acting) as conn:
                    await call(conn)
            assert "only an active admin" in str(info.value)
    async with ldb.transaction(user_id=admin.id) as conn:
        assert await logistics.update_user_active(conn, user_id=spare_admin.id, is_active=False)
    with pytest.raises(errors.PermissionDenied):  # a deactivated admin is no admin
        async with ldb.transaction(user_id=spare_admin.id) as conn:
            await logistics.list_users(conn, after_username=None, max_rows=5)
    async with ldb.transaction(user_id=admin.id) as conn:
        users = await logistics.list_users(conn, after_username=None, max_rows=10)
    assert {u.id for u in users} == {admin.id, manager.id, spare_admin.id}


async def test_password_hashed_and_checked_in_the_database(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        admin = await logistics.create_user_with_password(
            conn, username="admin", email="admin@example.com", password="s3cret-Passphrase",
            role="admin", is_superuser=True,
        )  # fmt: skip
        assert admin.is_superuser and admin.role == "admin"
        stored = await logistics.get_user_password_hash_by_username(conn, username="admin")
        assert isinstance(stored, str) and stored.startswith("$2a$12$")
        assert "s3cret" not in stored
        ok = await logistics.exists_user_password(
            conn, username="admin", password="s3cret-Passphrase"
        )
        assert ok is True
        assert (
            await logistics.exists_user_password(conn, username="admin", password="wrong") is False
        )
        assert await logistics.exists_user_password(conn, username="ghost", password="x") is False


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"username": "a b"}, "users_username_check", "username"),
        ({"email": "not-an-email"}, "users_email_check", "email"),
        ({"password_hash": "admin123"}, "users_password_hash_check", "password_hash"),
        ({"role": "driver"}, "users_role_check", "role"),
    ],
)
async def test_user_checks(
    ldb: Database, overrides: dict[str, Any], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_user(conn, **overrides)
    assert info.value.constraint == constraint
    assert info.value.columns == (column,)
    assert (info.value.schema, info.value.table) == ("logistics", "users")


async def test_only_an_admin_can_be_a_superuser(ldb: Database) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_user(conn, role="manager", is_superuser=True)
    assert info.value.constraint == "users_superuser_check"
    assert "only an admin" in str(info.value)


@pytest.mark.parametrize(
    ("first", "second", "constraint"),
    [
        ({"username": "Kamau"}, {"username": "kamau"}, "users_username_key"),
        ({"email": "K@example.com"}, {"email": "k@EXAMPLE.com"}, "users_email_key"),
    ],
)
async def test_username_and_email_are_unique_whatever_their_case(
    ldb: Database, first: dict[str, str], second: dict[str, str], constraint: str
) -> None:
    async with ldb.transaction() as conn:
        admin = await make_user(conn, role="admin", **first)
    with pytest.raises(errors.UniqueViolation) as info:
        async with ldb.transaction(user_id=admin.id) as conn:
            await make_user(conn, **second)
    assert info.value.constraint == constraint


async def test_customer_crud(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        assert await logistics.get_customer_by_code(conn, customer_code="CUST-X") is None
        assert await logistics.get_customer_by_id(conn, customer_id=uuid4()) is None
        assert await logistics.list_customers(conn, after_customer_code=None, max_rows=5) == []
        a = await make_customer(conn, customer_code="ABC", customer_name="ABC Company")
        b = await make_customer(conn, customer_code="XYZ", email=None, phone=None, address=None)
        assert a.constraints == {"max_wait_hours": 24} and a.preferences == {}
        assert await logistics.get_customer_by_id(conn, customer_id=a.id) == a
        assert await logistics.get_customer_by_code(conn, customer_code="XYZ") == b
        page = await logistics.list_customers(conn, after_customer_code=None, max_rows=1)
        assert [c.customer_code for c in page] == ["ABC"]
        page = await logistics.list_customers(conn, after_customer_code="ABC", max_rows=5)
        assert [c.customer_code for c in page] == ["XYZ"]
        changed = await logistics.update_customer_settings(
            conn, customer_id=b.id, constraints={"max_wait_hours": 4},
            preferences={"preferred_vehicle_type": "10T Truck"},
        )  # fmt: skip
        assert changed is not None and changed.preferences == {
            "preferred_vehicle_type": "10T Truck"
        }
        assert changed.updated_at >= b.updated_at
        missing = await logistics.update_customer_settings(
            conn, customer_id=uuid4(), constraints={}, preferences={}
        )
        assert missing is None


@pytest.mark.parametrize(
    ("overrides", "constraint", "column"),
    [
        ({"customer_code": "no spaces"}, "customers_customer_code_check", "customer_code"),
        ({"customer_name": " "}, "customers_customer_name_check", "customer_name"),
        ({"email": "x@y"}, "customers_email_check", "email"),
        ({"phone": "0712 345 678"}, "customers_phone_check", "phone"),
        ({"constraints": [24]}, "customers_constraints_check", "constraints"),
        ({"preferences": "fast"}, "customers_preferences_check", "preferences"),
    ],
)
async def test_customer_checks(
    ldb: Database, overrides: dict[str, Any], constraint: str, column: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with ldb.transaction() as conn:
            await make_customer(conn, **overrides)
    assert info.value.constraint == constraint
    assert info.value.columns == (column,)


async def test_customer_code_is_unique(ldb: Database) -> None:
    async with ldb.transaction() as conn:
        await make_customer(conn, customer_code="DUP")
    with pytest.raises(errors.UniqueViolation) as info:
        async with ldb.transaction() as conn:
            await make_customer(conn, customer_code="DUP")
    assert info.value.constraint == "customers_customer_code_key"
    assert "already taken" in str(info.value)
