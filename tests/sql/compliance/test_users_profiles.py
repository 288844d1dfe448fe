"""compliance users, frameworks and business profiles: CRUD, ownership, every constraint once."""

from __future__ import annotations

from typing import Any

import pytest
from compliance_support import (
    ARGON2,
    compliance,
    make_evidence,
    make_framework,
    make_owner,
    make_profile,
    make_user,
)

from datalayer import Database, errors


async def test_user_crud(cdb: Database) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn, "Ada@Example.com", hashed_password=ARGON2)
        assert user.email == "Ada@Example.com" and user.is_active and not user.is_superuser
        assert await compliance.get_user_by_id(conn, user_id=user.id) == user
        found = await compliance.get_user_by_email(conn, email="ada@EXAMPLE.com")
        assert found is not None and found.id == user.id
        assert await compliance.get_user_by_email(conn, email="nobody@example.com") is None
        assert (
            await compliance.get_user_hashed_password_by_email(conn, email="ADA@example.com")
            == ARGON2
        )
        assert await compliance.update_user_active(conn, user_id=user.id, is_active=False) == 1
        assert (
            await compliance.get_user_hashed_password_by_email(conn, email="ada@example.com")
            is None
        )
        assert await compliance.delete_user(conn, user_id=user.id) == 1
        assert await compliance.get_user_by_id(conn, user_id=user.id) is None
        assert await compliance.delete_user(conn, user_id=user.id) == 0
        assert await compliance.update_user_active(conn, user_id=user.id, is_active=True) == 0


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"email": "not-an-email"}, "users_email_check"),
        ({"hashed_password": "hunter2"}, "users_hashed_password_check"),
    ],
)
async def test_user_checks(cdb: Database, overrides: dict[str, str], constraint: str) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await make_user(conn, **overrides)
    assert info.value.constraint == constraint
    assert info.value.schema == "compliance" and info.value.table == "users"


async def test_email_is_unique_whatever_its_case(cdb: Database) -> None:
    async with cdb.transaction() as conn:
        await make_user(conn, "bob@example.com")
    with pytest.raises(errors.UniqueViolation) as info:
        async with cdb.transaction() as conn:
            await make_user(conn, "BOB@example.com")
    assert info.value.constraint == "users_email_key"


async def test_deleting_a_user_deletes_what_they_own(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await make_evidence(conn, user.id, profile.id, framework.id)
        assert await compliance.delete_user(conn, user_id=user.id) == 1
        assert await conn.fetchval("SELECT count(*) FROM compliance.business_profiles") == 0
        assert await conn.fetchval("SELECT count(*) FROM compliance.evidence_items") == 0
        assert await compliance.get_framework_by_code(conn, code=framework.code) is not None


async def test_frameworks(cdb: Database, owner: Database) -> None:
    shipped = ["gdpr", "hipaa", "iso27001", "pci-dss", "soc2"]  # migration 0030
    async with cdb.transaction() as conn:
        assert sorted(f.code for f in await compliance.list_frameworks_active(conn)) == shipped
        gdpr_shipped = await compliance.get_framework_by_code(conn, code="gdpr")
        assert gdpr_shipped is not None and gdpr_shipped.version == "Regulation (EU) 2016/679"
        assert await compliance.get_framework_by_code(conn, code="nist-csf") is None
        nist = await make_framework(owner, "nist-csf", name="NIST CSF")
        cis = await make_framework(owner, "cis", name="CIS", version=None, category=None)
        assert cis.version is None and nist.is_active
        assert await compliance.get_framework_by_code(conn, code="nist-csf") == nist
        assert sorted(f.code for f in await compliance.list_frameworks_active(conn)) == sorted(
            [*shipped, "cis", "nist-csf"]
        )
        async with owner.transaction() as admin:
            off = await compliance.update_framework_active(admin, code="cis", is_active=False)
        assert off is not None and not off.is_active
        assert sorted(f.code for f in await compliance.list_frameworks_active(conn)) == sorted(
            [*shipped, "nist-csf"]
        )
        async with owner.transaction() as admin:
            assert (
                await compliance.update_framework_active(admin, code="nope", is_active=True) is None
            )


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"code": "ISO 27001"}, "compliance_frameworks_code_check"),
        ({"name": " "}, "compliance_frameworks_name_check"),
        ({"version": ""}, "compliance_frameworks_version_check"),
        ({"category": "x" * 101}, "compliance_frameworks_category_check"),
    ],
)
async def test_framework_checks(
    cdb: Database, owner: Database, overrides: dict[str, str], constraint: str
) -> None:
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await make_framework(conn, **overrides)
    assert info.value.constraint == constraint


async def test_framework_code_is_unique_and_a_framework_in_use_cannot_be_deleted(
    cdb: Database,
    owner: Database,
) -> None:
    async with cdb.transaction() as conn:
        user, profile, framework = await make_owner(conn, owner)
        await make_evidence(conn, user.id, profile.id, framework.id)
    with pytest.raises(errors.UniqueViolation) as unique:
        async with owner.transaction() as conn:
            await make_framework(conn, framework.code)
    assert unique.value.constraint == "compliance_frameworks_code_key"
    assert "already exists" in str(unique.value)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(
                "DELETE FROM compliance.compliance_frameworks WHERE id = $1", framework.id
            )
    assert info.value.constraint == "evidence_items_framework_id_fkey"


async def test_business_profile_crud_and_ownership(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        owner = await make_user(conn)
        other = await make_user(conn)
        assert await compliance.list_business_profiles_by_user(conn, user_id=owner.id) == []
        profile = await make_profile(conn, owner.id, employee_count=None, industry=None)
        assert profile.handles_personal_data and profile.has_international_operations
        assert profile.data_sensitivity == "High" and profile.employee_count is None
        assert (
            await compliance.get_business_profile_by_id(
                conn, business_profile_id=profile.id, user_id=owner.id
            )
            == profile
        )
        assert (
            await compliance.get_business_profile_by_id(
                conn, business_profile_id=profile.id, user_id=other.id
            )
            is None
        )
        fields: dict[str, Any] = profile.model_dump(
            exclude={"id", "user_id", "created_at", "updated_at"}
        )
        fields.update(
            company_name="Acme Group", stores_health_data=True, data_sensitivity="Critical"
        )
        changed = await compliance.update_business_profile(
            conn, business_profile_id=profile.id, user_id=owner.id, **fields
        )
        assert changed is not None and changed.company_name == "Acme Group"
        assert changed.stores_health_data and changed.data_sensitivity == "Critical"
        assert (
            await compliance.update_business_profile(
                conn, business_profile_id=profile.id, user_id=other.id, **fields
            )
            is None
        )
        assert [
            p.id for p in await compliance.list_business_profiles_by_user(conn, user_id=owner.id)
        ] == [profile.id]
        assert (
            await compliance.delete_business_profile(
                conn, business_profile_id=profile.id, user_id=other.id
            )
            == 0
        )
        assert (
            await compliance.delete_business_profile(
                conn, business_profile_id=profile.id, user_id=owner.id
            )
            == 1
        )


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"employee_count": 0}, "business_profiles_employee_count_check"),
        ({"employee_count": -5}, "business_profiles_employee_count_check"),
        ({"data_sensitivity": "medium"}, "business_profiles_data_sensitivity_check"),
        ({"data_sensitivity": "Extreme"}, "business_profiles_data_sensitivity_check"),
        ({"company_name": ""}, "business_profiles_company_name_check"),
        ({"industry": " "}, "business_profiles_industry_check"),
    ],
)
async def test_business_profile_checks(
    cdb: Database, overrides: dict[str, Any], constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await make_profile(conn, user.id, **overrides)
    assert info.value.constraint == constraint
    assert info.value.table == "business_profiles"


async def test_business_profile_needs_an_existing_user(cdb: Database) -> None:
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await make_profile(conn, "00000000-0000-0000-0000-000000000001")
    assert info.value.constraint == "business_profiles_user_id_fkey"
