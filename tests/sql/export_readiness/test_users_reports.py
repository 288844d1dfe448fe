"""export_readiness users (sign-up and sign-in through definer functions, phone encrypted at rest)
and reports: lifecycle, lookups by HS code, destination and required certification, keyset
pagination; as export_readiness_app acting for a user, so another user's rows are out of reach."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from export_readiness_support import BCRYPT, KEY, PHONE, REPORT_DATA, make_report, make_user
from pydantic import SecretStr

from datalayer import Database, errors
from datalayer import export_readiness as er
from datalayer.settings import Settings


async def test_user_crud_and_phone_encrypted_at_rest(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:  # sign-up: no user is acting yet
        user = await make_user(conn, "Priya@Example.in")
        assert user.phone == PHONE and user.business_type == "Manufacturing" and user.is_active
        assert not hasattr(user, "password_hash")
    async with owner_db.transaction() as conn:
        stored = await conn.fetchval(
            "SELECT phone_encrypted FROM export_readiness.users WHERE id = $1", user.id
        )
        assert isinstance(stored, bytes) and PHONE.encode() not in stored
        assert PHONE[3:].encode() not in stored
    async with edb.transaction() as conn:  # sign-in: the lookup by email, then act as the user
        login = await er.get_user_login_by_email(conn, email="priya@EXAMPLE.IN")
        assert login is not None and login.user_id == user.id and login.password_hash == BCRYPT
        assert await er.get_user_login_by_email(conn, email="nobody@x.in") is None
        assert await er.get_user_by_id(conn, user_id=user.id, encryption_key=KEY) is None
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.get_user_by_id(conn, user_id=user.id, encryption_key=KEY) == user
        changed = await er.update_user_profile(
            conn, user_id=user.id, company_name="Spice Route LLP", business_type="Merchant",
            company_size="Micro", iec_code=None, phone=None, profile={"state": "Goa"},
            encryption_key=KEY,
        )  # fmt: skip
        assert changed is not None and changed.phone is None and changed.iec_code is None
        assert changed.profile == {"state": "Goa"} and changed.company_size == "Micro"
        assert changed.updated_at >= user.updated_at
        assert await er.update_user_last_login(conn, user_id=user.id) == 1
    async with owner_db.transaction() as conn:
        audit = await conn.fetch(
            "SELECT new_values FROM core.audit_log WHERE table_name = 'users' AND schema_name = 'export_readiness'"
        )
        assert len(audit) == 3 and all(
            "phone_encrypted" not in r["new_values"] and "password_hash" not in r["new_values"]
            for r in audit
        )
    async with edb.transaction(user_id=user.id) as conn:
        assert await er.delete_user(conn, user_id=user.id) == 1
        assert await er.delete_user(conn, user_id=user.id) == 0
        assert await er.get_user_by_id(conn, user_id=user.id, encryption_key=KEY) is None
        assert await er.update_user_last_login(conn, user_id=user.id) == 0
        gone = await er.update_user_profile(
            conn, user_id=user.id, company_name="X", business_type="Merchant",
            company_size="Micro", iec_code=None, phone=None, profile={}, encryption_key=KEY,
        )  # fmt: skip
        assert gone is None
    async with edb.transaction() as conn:
        assert await er.get_user_login_by_email(conn, email="priya@example.in") is None


async def test_another_user_is_invisible_and_unchangeable(edb: Database) -> None:
    """Row-level security: acting as B, A's user row cannot be read, changed or deleted, even when
    the query is given A's id; with no user acting, nothing."""
    async with edb.transaction() as conn:
        alice = await make_user(conn)
        bob = await make_user(conn)
    async with edb.transaction(user_id=bob.id) as conn:
        assert await er.get_user_by_id(conn, user_id=alice.id, encryption_key=KEY) is None
        assert await er.update_user_last_login(conn, user_id=alice.id) == 0
        renamed = await er.update_user_profile(
            conn, user_id=alice.id, company_name="Taken Over", business_type="Merchant",
            company_size="Micro", iec_code=None, phone=None, profile={}, encryption_key=KEY,
        )  # fmt: skip
        assert renamed is None
        assert await er.delete_user(conn, user_id=alice.id) == 0
    async with edb.transaction() as conn:
        assert await er.get_user_by_id(conn, user_id=alice.id, encryption_key=KEY) is None
        assert await er.delete_user(conn, user_id=alice.id) == 0
    async with edb.transaction(user_id=alice.id) as conn:
        still = await er.get_user_by_id(conn, user_id=alice.id, encryption_key=KEY)
        assert still == alice and still.last_login_at is None


async def test_sign_in_lookup_skips_deactivated_users(edb: Database, owner_db: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn, "ravi@example.in")
    async with owner_db.transaction() as conn:  # the service has no UPDATE on is_active
        await conn.execute(
            "UPDATE export_readiness.users SET is_active = false WHERE id = $1", user.id
        )
    async with edb.transaction() as conn:
        assert await er.get_user_login_by_email(conn, email="RAVI@example.in") is None


async def test_wrong_key_cannot_decrypt(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
    with pytest.raises(errors.QueryError, match=r"[Ww]rong key"):
        async with edb.transaction(user_id=user.id) as conn:
            await er.get_user_by_id(conn, user_id=user.id, encryption_key="guess")


def test_encryption_key_comes_from_the_settings() -> None:
    settings = Settings.load(url="postgresql://u@h/db", encryption_key=SecretStr(KEY))
    assert json.loads(er.encryption_key(settings, {})) == {"current": "1", "keys": {"1": KEY}}
    with pytest.raises(errors.ConfigurationError) as info:
        er.encryption_key(Settings.load(url="postgresql://u@h/db", encryption_key=None), {})
    assert info.value.variable == "DATABASE_ENCRYPTION_KEY"


async def test_email_is_unique_whatever_its_case(edb: Database) -> None:
    async with edb.transaction() as conn:
        await make_user(conn, "ravi@example.in")
    with pytest.raises(errors.UniqueViolation) as info:
        async with edb.transaction() as conn:
            await make_user(conn, "RAVI@example.in")
    assert info.value.constraint == "users_email_key"


async def test_report_lifecycle(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn, business_type="SaaS", company_size="Micro")
        stranger = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        report = await make_report(conn, user.id, hs_code=None)
        assert report.status == "pending" and report.hs_code is None and report.risk_score is None
        assert report.business_type == "SaaS" and report.company_size == "Micro"
    async with edb.transaction(user_id=stranger.id) as conn:
        assert await er.get_report_by_id(conn, report_id=report.id, user_id=stranger.id) is None
        # the stranger naming the owner gets nothing either: the acting user decides
        assert await er.get_report_by_id(conn, report_id=report.id, user_id=user.id) is None
        assert await er.update_report_processing(conn, report_id=report.id) is None
        assert await er.update_report_failed(conn, report_id=report.id, failure_reason="x") is None
        assert await er.delete_report(conn, report_id=report.id, user_id=user.id) == 0
    async with edb.transaction(user_id=user.id) as conn:
        processing = await er.update_report_processing(conn, report_id=report.id)
        assert processing is not None and processing.status == "processing"
        assert await er.update_report_processing(conn, report_id=report.id) is None
        done = await er.update_report_completed(
            conn, report_id=report.id, hs_code="998314", hs_code_confidence=None, risk_score=20,
            report_data=REPORT_DATA, estimated_cost=None, estimated_timeline_days=None,
        )  # fmt: skip
        assert done is not None and done.status == "completed" and done.report_data == REPORT_DATA
        assert await er.update_report_failed(conn, report_id=report.id, failure_reason="x") is None
        again = await er.update_report_completed(
            conn, report_id=report.id, hs_code="998313", hs_code_confidence=None, risk_score=90,
            report_data={}, estimated_cost=None, estimated_timeline_days=None,
        )  # fmt: skip
        assert again is None
        other = await make_report(conn, user.id, hs_code=None)
        failed = await er.update_report_failed(
            conn, report_id=other.id, failure_reason="HS code not found"
        )
        assert failed is not None and failed.status == "failed"
        assert await er.get_report_by_id(conn, report_id=report.id, user_id=user.id) == done
        assert await er.delete_report(conn, report_id=report.id, user_id=stranger.id) == 0
        assert await er.delete_report(conn, report_id=report.id, user_id=user.id) == 1
        assert await er.get_report_by_id(conn, report_id=report.id, user_id=user.id) is None


async def test_create_report_for_a_missing_or_other_user_returns_none(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
    async with edb.transaction(user_id=stranger.id) as conn:
        report = await er.create_report(
            conn, user_id=user.id, product_name="Tea", product_description=None,
            ingredients=None, product_image_url=None, destination_country="GB", monthly_volume=None,
        )  # fmt: skip
        assert report is None
    async with edb.transaction(user_id=user.id) as conn:
        await er.delete_user(conn, user_id=user.id)
        report = await er.create_report(
            conn, user_id=user.id, product_name="Tea", product_description=None,
            ingredients=None, product_image_url=None, destination_country="GB", monthly_volume=None,
        )  # fmt: skip
        assert report is None


async def test_reports_by_user_keyset_pages(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
        other = await make_user(conn)
    made = []
    for _ in range(7):
        async with edb.transaction(user_id=user.id) as conn:
            made.append((await make_report(conn, user.id)).id)
    async with edb.transaction(user_id=user.id) as conn:
        pages = []
        before_created_at, before_id = None, None
        while page := await er.list_reports_by_user(
            conn, user_id=user.id, before_created_at=before_created_at, before_id=before_id,
            max_rows=3,
        ):  # fmt: skip
            pages.append([r.id for r in page])
            before_created_at, before_id = page[-1].created_at, page[-1].id
        assert [len(p) for p in pages] == [3, 3, 1]
        assert [i for p in pages for i in p] == made[::-1]
    async with edb.transaction(user_id=other.id) as conn:
        for whose in (other.id, user.id):
            assert (
                await er.list_reports_by_user(
                    conn, user_id=whose, before_created_at=None, before_id=None, max_rows=3
                )
                == []
            )


async def test_reports_by_hs_code_and_destination(edb: Database, readonly_db: Database) -> None:
    """Across users for reporting (export_readiness_readonly); the service sees the acting user's
    reports only."""
    async with edb.transaction() as conn:
        user = await make_user(conn)
        other = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        turmeric_us = await make_report(conn, user.id, hs_code="09103030", risk_score=30)
        software = await make_report(conn, user.id, hs_code="998314", risk_score=10)
        await make_report(conn, user.id, hs_code=None)  # pending: never listed
    async with edb.transaction(user_id=other.id) as conn:
        pepper_de = await make_report(
            conn, other.id, hs_code="090411", destination_country="DE", risk_score=60
        )

    async def by_hs(conn: Any, prefix: str) -> set[object]:
        rows = await er.list_reports_by_hs_code(
            conn, hs_code_prefix=prefix, before_created_at=None, before_id=None, max_rows=10
        )
        return {r.id for r in rows}

    async with readonly_db.transaction() as conn:
        assert await by_hs(conn, "09") == {turmeric_us.id, pepper_de.id}
        assert await by_hs(conn, "0910") == {turmeric_us.id}
        assert await by_hs(conn, "998314") == {software.id}
        assert await by_hs(conn, "85") == set()
        us = await er.list_reports_by_destination_country(
            conn, destination_country="US", before_created_at=None, before_id=None, max_rows=10
        )
        assert {r.id for r in us} == {turmeric_us.id, software.id}
        assert (
            await er.list_reports_by_destination_country(
                conn, destination_country="JP", before_created_at=None, before_id=None, max_rows=10
            )
            == []
        )
        stats = await er.list_destination_country_stats(conn)
        assert [(s.destination_country, s.reports) for s in stats] == [("US", 2), ("DE", 1)]
        assert stats[0].average_risk_score == Decimal("20.0") and stats[0].max_risk_score == 30
    async with edb.transaction(user_id=user.id) as conn:
        assert await by_hs(conn, "09") == {turmeric_us.id}
        stats = await er.list_destination_country_stats(conn)
        assert [(s.destination_country, s.reports) for s in stats] == [("US", 2)]
    async with edb.transaction() as conn:  # nobody acting: nothing
        assert await by_hs(conn, "09") == set()
        assert await er.list_destination_country_stats(conn) == []


async def test_destination_stats_empty(edb: Database, readonly_db: Database) -> None:
    async with readonly_db.transaction() as conn:
        assert await er.list_destination_country_stats(conn) == []
    async with edb.transaction() as conn:
        assert await er.list_destination_country_stats(conn) == []


async def test_reports_requiring_a_certification_use_report_data(edb: Database) -> None:
    async with edb.transaction() as conn:
        user = await make_user(conn)
    async with edb.transaction(user_id=user.id) as conn:
        fda = await make_report(conn, user.id)
        await make_report(conn, user.id, report_data={"certifications": [{"id": "ce-marking"}]})
        rows = await er.list_reports_requiring_certification(
            conn, user_id=user.id, certification_id="fda-food-facility"
        )
        assert [r.id for r in rows] == [fda.id]
        assert (
            await er.list_reports_requiring_certification(
                conn, user_id=user.id, certification_id="reach"
            )
            == []
        )
