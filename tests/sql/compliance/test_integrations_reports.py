"""Integrations (credentials encrypted with pgcrypto) and report schedules (the work queue)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from compliance_support import KEY, act_as, app_url, compliance, make_owner, make_user

from datalayer import Database, errors
from datalayer.settings import Settings

SECRET = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG"}


async def _integration(conn: Any, user: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user.id, "provider": "aws", "display_name": "Production AWS",
        "credentials": SECRET, "encryption_key": KEY, "settings": {"regions": ["eu-west-1"]},
    }  # fmt: skip
    fields.update(overrides)
    return await compliance.create_integration(conn, **fields)


async def test_integration_credentials_are_encrypted(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn)
        stranger = await make_user(conn)
        assert await compliance.list_integrations_by_user(conn, user_id=user.id) == []
        integration = await _integration(conn, user)
        assert not hasattr(integration, "credentials")
        assert not hasattr(integration, "credentials_encrypted")
        assert integration.settings == {"regions": ["eu-west-1"]} and integration.is_active
    async with owner.acquire() as check:
        stored = await check.fetchval(
            "SELECT credentials_encrypted FROM compliance.integration_configurations WHERE id = $1",
            integration.id,
        )
    assert isinstance(stored, bytes) and b"AKIAEXAMPLE" not in stored
    async with cdb.transaction() as conn:
        assert (
            await compliance.get_integration_credentials(
                conn, integration_id=integration.id, user_id=user.id, encryption_key=KEY
            )
            == SECRET
        )
        assert (
            await compliance.get_integration_credentials(
                conn, integration_id=integration.id, user_id=stranger.id, encryption_key=KEY
            )
            is None
        )
    async with cdb.transaction() as conn:  # a later transaction: a later credentials_updated_at
        rotated = await compliance.update_integration_credentials(
            conn, integration_id=integration.id, user_id=user.id,
            credentials={"token": "new"}, encryption_key=KEY,
        )  # fmt: skip
        assert rotated is not None and rotated.id == integration.id
        assert rotated.credentials_updated_at > integration.credentials_updated_at
        assert await compliance.get_integration_credentials(
            conn, integration_id=integration.id, user_id=user.id, encryption_key=KEY
        ) == {"token": "new"}  # fmt: skip
        assert (
            await compliance.update_integration_credentials(
                conn,
                integration_id=integration.id,
                user_id=stranger.id,
                credentials={},
                encryption_key=KEY,
            )
            is None
        )
        listed = await compliance.list_integrations_by_user(conn, user_id=user.id)
        assert [i.id for i in listed] == [integration.id]
    async with cdb.transaction(user_id=user.id) as conn:  # the service reads its user's audit rows
        audit = await conn.fetch(
            "SELECT old_values, new_values FROM core.audit_log"
            " WHERE table_name = 'integration_configurations'"
        )
        assert len(audit) == 2  # the rotation is recorded, the credentials are not
        for row in audit:
            for values in (row["old_values"], row["new_values"]):
                assert values is None or "credentials_encrypted" not in values
    with pytest.raises(errors.QueryError, match=r"[Ww]rong key"):
        async with cdb.transaction() as conn:
            await compliance.get_integration_credentials(
                conn, integration_id=integration.id, user_id=user.id, encryption_key="guess"
            )


async def test_integration_sync_and_delete(cdb: Database) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn)
        integration = await _integration(conn, user)
        assert integration.last_sync_at is None and integration.last_sync_status is None
        ok = await compliance.update_integration_sync(
            conn, integration_id=integration.id, user_id=user.id, last_sync_error=None
        )
        assert ok is not None and ok.last_sync_status == "success" and ok.last_sync_at is not None
        failed = await compliance.update_integration_sync(
            conn, integration_id=integration.id, user_id=user.id, last_sync_error="403 Forbidden"
        )
        assert failed is not None and failed.last_sync_status == "failed"
        assert failed.last_sync_error == "403 Forbidden"
        stranger = await make_user(conn)
        assert (
            await compliance.update_integration_sync(
                conn, integration_id=integration.id, user_id=stranger.id, last_sync_error=None
            )
            is None
        )
        assert (
            await compliance.delete_integration(
                conn, integration_id=integration.id, user_id=stranger.id
            )
            == 0
        )
        assert (
            await compliance.delete_integration(
                conn, integration_id=integration.id, user_id=user.id
            )
            == 1
        )
        assert await compliance.list_integrations_by_user(conn, user_id=user.id) == []


async def test_one_integration_per_user_and_provider(cdb: Database) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn)
        await _integration(conn, user)
    with pytest.raises(errors.UniqueViolation) as info:
        async with cdb.transaction() as conn:
            await _integration(conn, user, display_name="Staging AWS")
    assert info.value.constraint == "integration_configurations_user_id_provider_key"


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("provider = 'AWS'", "integration_configurations_provider_check"),
        ("display_name = ''", "integration_configurations_display_name_check"),
        ("credentials_encrypted = ''::bytea", "integration_configurations_credentials_encrypted_check"),
        ("settings = '[]'", "integration_configurations_settings_check"),
        ("last_sync_status = 'ok', last_sync_at = now()", "integration_configurations_last_sync_status_check"),
        ("last_sync_status = 'success'", "integration_configurations_last_sync_check"),
        ("last_sync_status = 'failed', last_sync_at = now()", "integration_configurations_last_sync_check"),
        ("last_sync_status = 'success', last_sync_at = now(), last_sync_error = 'x'",
         "integration_configurations_last_sync_check"),
    ],
)  # fmt: skip
async def test_integration_checks(
    cdb: Database, owner: Database, assignment: str, constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user = await make_user(conn)
        await _integration(conn, user)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(f"UPDATE compliance.integration_configurations SET {assignment}")
    assert info.value.constraint == constraint


async def _schedule(conn: Any, user: Any, profile: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user.id, "business_profile_id": profile.id, "report_type": "executive_summary",
        "frequency": "weekly", "parameters": {"frameworks": ["iso27001"]},
        "recipients": ["ciso@example.com"], "next_run_at": datetime.now(UTC) - timedelta(hours=1),
    }  # fmt: skip
    fields.update(overrides)
    return await compliance.create_report_schedule(conn, **fields)


async def test_report_schedule_crud_and_claim(
    cdb: Database, owner: Database, worker_db: Database
) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
        assert await compliance.list_report_schedules_by_user(conn, user_id=user.id) == []
    async with worker_db.transaction() as wconn:
        assert await compliance.update_due_report_schedules(wconn, max_rows=10) == []
    async with cdb.transaction() as conn:
        await act_as(conn, user.id)
        due_at = datetime.now(UTC) - timedelta(hours=1)
        due = await _schedule(conn, user, profile, next_run_at=due_at)
        later = await _schedule(
            conn, user, profile, next_run_at=datetime.now(UTC) + timedelta(days=1)
        )
        paused = await _schedule(conn, user, profile, frequency="daily")
        off = await compliance.update_report_schedule_active(
            conn, report_schedule_id=paused.id, user_id=user.id, is_active=False
        )
        assert off is not None and not off.is_active
        assert due.recipients == ["ciso@example.com"] and due.run_count == 0
        assert [s.id for s in await compliance.list_report_schedules_by_user(conn, user_id=user.id)] == [
            due.id, paused.id, later.id,
        ]  # fmt: skip
    async with worker_db.transaction() as wconn:
        claimed = await compliance.update_due_report_schedules(wconn, max_rows=10)
        assert [c.id for c in claimed] == [due.id]
        assert claimed[0].scheduled_for == due_at
        assert claimed[0].next_run_at == due_at + timedelta(days=7)
        assert claimed[0].run_count == 1 and claimed[0].parameters == {"frameworks": ["iso27001"]}
    async with worker_db.transaction() as wconn:
        assert await compliance.update_due_report_schedules(wconn, max_rows=10) == []
    async with cdb.transaction() as conn:
        stranger = await make_user(conn)
        assert (
            await compliance.update_report_schedule_active(
                conn, report_schedule_id=due.id, user_id=stranger.id, is_active=False
            )
            is None
        )
        assert (
            await compliance.delete_report_schedule(
                conn, report_schedule_id=due.id, user_id=stranger.id
            )
            == 0
        )
        assert (
            await compliance.delete_report_schedule(
                conn, report_schedule_id=due.id, user_id=user.id
            )
            == 1
        )


@pytest.mark.parametrize(
    ("due", "frequency", "now", "expected"),
    [
        ("2026-01-10 09:00Z", "daily", "2026-01-10 09:00Z", "2026-01-11 09:00Z"),
        ("2026-01-10 09:00Z", "daily", "2026-01-13 21:00Z", "2026-01-14 09:00Z"),
        ("2026-01-10 09:00Z", "weekly", "2026-01-10 10:00Z", "2026-01-17 09:00Z"),
        ("2026-01-31 09:00Z", "monthly", "2026-02-01 00:00Z", "2026-02-28 09:00Z"),
        ("2026-01-31 09:00Z", "monthly", "2026-03-01 00:00Z", "2026-03-31 09:00Z"),
        ("2026-01-15 09:00Z", "quarterly", "2026-01-16 00:00Z", "2026-04-15 09:00Z"),
    ],
)
async def test_next_run_keeps_the_schedule_grid(
    worker_db: Database, due: str, frequency: str, now: str, expected: str
) -> None:
    async with worker_db.acquire() as conn:
        got = await conn.fetchval(
            "SELECT compliance.next_report_run_at($1::text::timestamptz, $2, $3::text::timestamptz)"
            " = $4::text::timestamptz",
            due, frequency, now, expected,
        )  # fmt: skip
    assert got is True


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"report_type": "weekly_digest"}, "report_schedules_report_type_check"),
        ({"frequency": "hourly"}, "report_schedules_frequency_check"),
        ({"parameters": ["iso"]}, "report_schedules_parameters_check"),
        ({"recipients": []}, "report_schedules_recipients_check"),
        ({"recipients": ["a@example.com", None]}, "report_schedules_recipients_check"),
        (
            {"recipients": [f"r{n}@example.com" for n in range(51)]},
            "report_schedules_recipients_check",
        ),
    ],
)
async def test_report_schedule_checks(
    cdb: Database, owner: Database, overrides: dict[str, Any], constraint: str
) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
    with pytest.raises(errors.CheckViolation) as info:
        async with cdb.transaction() as conn:
            await _schedule(conn, user, profile, **overrides)
    assert info.value.constraint == constraint


async def test_report_schedule_run_count_check(cdb: Database, owner: Database) -> None:
    async with cdb.transaction() as conn:
        user, profile, _ = await make_owner(conn, owner)
        await _schedule(conn, user, profile)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute("UPDATE compliance.report_schedules SET run_count = -1")
    assert info.value.constraint == "report_schedules_run_count_check"


async def test_report_schedule_of_another_users_profile_is_refused(
    cdb: Database, owner: Database
) -> None:
    async with cdb.transaction() as conn:
        user, _, _ = await make_owner(conn, owner)
        _, foreign, _ = await make_owner(conn, owner)
    with pytest.raises(errors.ForeignKeyViolation) as info:
        async with cdb.transaction() as conn:
            await _schedule(conn, user, foreign)
    assert info.value.constraint == "report_schedules_business_profile_id_fkey"


WORKERS = 10
DUE = 200


async def test_ten_workers_claim_each_due_schedule_exactly_once(
    database_url: str, cdb: Database, owner: Database
) -> None:
    db = await Database.connect(
        Settings.load(
            url=app_url(database_url, "compliance", "worker"),
            pool_size=WORKERS,
            max_overflow=2,
            pool_timeout=60,
        )
    )
    try:
        now = datetime.now(UTC)
        async with cdb.transaction() as conn:
            user, profile, _ = await make_owner(conn, owner)
            due_ids = set()
            for n in range(DUE):
                frequency = ("daily", "weekly", "monthly", "quarterly")[n % 4]
                s = await _schedule(
                    conn, user, profile, frequency=frequency,
                    next_run_at=now - timedelta(minutes=n + 1),
                )  # fmt: skip
                due_ids.add(s.id)
            future = await _schedule(conn, user, profile, next_run_at=now + timedelta(hours=1))
            paused = await _schedule(conn, user, profile)
            await compliance.update_report_schedule_active(
                conn, report_schedule_id=paused.id, user_id=user.id, is_active=False
            )
        claims: list[tuple[int, Any]] = []
        start = asyncio.Event()

        async def worker(n: int) -> None:
            await start.wait()
            while True:
                async with db.transaction() as conn:
                    batch = await compliance.update_due_report_schedules(conn, max_rows=3)
                    claims.extend((n, s.id) for s in batch)
                    await asyncio.sleep(0.005)  # "run" the reports while holding the claim
                if not batch:
                    return

        tasks = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
        start.set()
        await asyncio.gather(*tasks)

        claimed = Counter(sid for _, sid in claims)
        assert set(claimed) == due_ids
        assert max(claimed.values()) == 1, "a schedule was claimed twice"
        assert len({n for n, _ in claims}) > 1, "only one worker did any work"
        async with owner.transaction() as conn:
            rows = await conn.fetch(
                "SELECT id, run_count, next_run_at > now() AS ahead, last_run_at IS NOT NULL AS ran"
                " FROM compliance.report_schedules"
            )
        by_id = {r["id"]: r for r in rows}
        assert all(
            by_id[i]["run_count"] == 1 and by_id[i]["ahead"] and by_id[i]["ran"] for i in due_ids
        )
        assert by_id[future.id]["run_count"] == 0 and by_id[paused.id]["run_count"] == 0
    finally:
        await db.close()
