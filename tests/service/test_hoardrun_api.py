"""The example HoardRun service over HTTP against a real PostgreSQL: in-process (httpx +
asgi-lifespan), and once as `python -m hoardrun_api` under uvicorn on a real socket.

The service connects as a login of fintech_app, as it would in production: every request runs in a
transaction scoped to its user (row-level security), sign-up goes through the definer function
behind create_user, and money moves only through the posting functions. The books are checked
from the owner's side."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import rls_support
from hoardrun_api import create_app
from service_support import serve

from datalayer import Database, fintech
from datalayer.devdb import free_port
from datalayer.settings import Settings


def app_url(database_url: str) -> str:
    """The URL of the test login acting through fintech_app (the migration state it reads for
    readiness is readable by every role)."""
    return rls_support.app_url(database_url, "fintech")


HASH = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hoardrun_api"
_numbers = iter(range(1, 1_000_000))


def _settings(database_url: str) -> Settings:
    return Settings.load(url=app_url(database_url), pool_size=10, max_overflow=5, pool_timeout=30)


async def _user(http: httpx.AsyncClient) -> dict[str, str]:
    n = next(_numbers)
    response = await http.post(
        "/api/users",
        json={
            "email": f"u{n}-{uuid4().hex[:6]}@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password_hash": HASH,
        },
    )
    assert response.status_code == 201, response.text
    assert "password_hash" not in response.json()
    return {"x-user-id": response.json()["id"]}


async def _account(
    http: httpx.AsyncClient, user: dict[str, str], *, currency: str = "USD", fund: str = "0"
) -> str:
    response = await http.post(
        "/api/accounts",
        headers=user,
        json={
            "account_number": f"ACC{next(_numbers) + 5_000_000:010d}",
            "account_name": "Main",
            "currency": currency,
        },
    )
    assert response.status_code == 201, response.text
    account_id = str(response.json()["id"])
    if fund != "0":
        deposit = await http.post(
            f"/api/accounts/{account_id}/deposits", headers=user, json={"amount": fund}
        )
        assert deposit.status_code == 201, deposit.text
    return account_id


async def _balance(http: httpx.AsyncClient, user: dict[str, str], account_id: str) -> Decimal:
    response = await http.get(f"/api/accounts/{account_id}", headers=user)
    assert response.status_code == 200, response.text
    return Decimal(response.json()["balance"])


def _key() -> dict[str, str]:
    return {"idempotency-key": uuid4().hex}


async def test_accounts_transfers_and_payments(database_url: str) -> None:
    async with serve(create_app(_settings(database_url), require_migrations=True)) as http:
        alice, bob = await _user(http), await _user(http)
        a1 = await _account(http, alice, fund="100.00")
        a2 = await _account(http, alice)
        b1 = await _account(http, bob)
        listed = (await http.get("/api/accounts", headers=alice)).json()
        assert sorted(a["id"] for a in listed) == sorted([a1, a2])

        key = _key()
        body = {"from_account_id": a1, "to_account_id": a2, "amount": "30.00"}
        moved = await http.post("/api/transfers", headers=alice | key, json=body)
        assert moved.status_code == 201 and moved.json()["status"] == "completed"
        again = await http.post("/api/transfers", headers=alice | key, json=body)
        assert again.status_code == 201 and again.json()["id"] == moved.json()["id"]
        fetched = await http.get(f"/api/transfers/{moved.json()['id']}", headers=alice)
        assert fetched.json()["id"] == moved.json()["id"]
        # Bob, even naming Alice's transfer, gets nothing: row-level security under his user
        snooped = await http.get(f"/api/transfers/{moved.json()['id']}", headers=bob)
        assert snooped.status_code == 404
        stolen = await http.post(f"/api/accounts/{a1}/deposits", headers=bob, json={"amount": "1"})
        assert stolen.status_code == 404

        paid = await http.post(
            "/api/p2p",
            headers=alice | _key(),
            json={"from_account_id": a2, "to_account_id": b1, "amount": "10.00", "note": "lunch"},
        )
        assert paid.status_code == 201, paid.text
        seen_by_bob = await http.get(f"/api/p2p/{paid.json()['id']}", headers=bob)
        assert seen_by_bob.status_code == 200
        assert await _balance(http, alice, a1) == Decimal("70.00")
        assert await _balance(http, alice, a2) == Decimal("20.00")
        assert await _balance(http, bob, b1) == Decimal("10.00")


def _problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:datalayer:problem:{slug}"
    return body


async def test_error_responses(database_url: str) -> None:
    async with serve(create_app(_settings(database_url))) as http:
        alice, bob = await _user(http), await _user(http)
        a1 = await _account(http, alice, fund="5.00")
        a2 = await _account(http, alice)
        b1 = await _account(http, bob)
        _problem(await http.get("/api/accounts"), 401, "http-401")
        # Bob cannot see, nor move money out of, Alice's account.
        _problem(await http.get(f"/api/accounts/{a1}", headers=bob), 404, "not-found")
        stolen = {"from_account_id": a1, "to_account_id": b1, "amount": "1.00"}
        _problem(await http.post("/api/p2p", headers=bob | _key(), json=stolen), 404, "not-found")
        # Too much: the balance stays out of the answer.
        poor = await http.post(
            "/api/transfers",
            headers=alice | _key(),
            json={"from_account_id": a1, "to_account_id": a2, "amount": "999.00"},
        )
        _problem(poor, 422, "insufficient-funds")
        assert "5.00" not in poor.text and "999" not in poor.text
        # Same key, different request.
        key = _key()
        ok = {"from_account_id": a1, "to_account_id": a2, "amount": "1.00"}
        assert (await http.post("/api/transfers", headers=alice | key, json=ok)).status_code == 201
        other = ok | {"amount": "2.00"}
        _problem(
            await http.post("/api/transfers", headers=alice | key, json=other),
            409,
            "idempotency-conflict",
        )
        # A duplicate account number: a unique violation naming the constraint, not the number.
        listed = (await http.get(f"/api/accounts/{a1}", headers=alice)).json()
        dup = await http.post(
            "/api/accounts",
            headers=alice,
            json={"account_number": listed["account_number"], "account_name": "Again"},
        )
        body = _problem(dup, 409, "unique-violation")
        assert body["fields"] == ["account_number"] and listed["account_number"] not in dup.text
        # A currency the schema refuses: a check violation naming the field.
        bad = await http.post(
            "/api/accounts",
            headers=alice,
            json={"account_number": "ACC7777777777", "account_name": "X", "currency": "usd!"},
        )
        assert _problem(bad, 422, "check-violation")["fields"] == ["currency"]
        assert "usd!" not in bad.text


async def test_fifty_concurrent_transfers_conserve_money(database_url: str) -> None:
    async with serve(create_app(_settings(database_url))) as http:
        users = [await _user(http) for _ in range(5)]
        accounts = {
            i: [await _account(http, u, fund="100.00") for _ in range(2)]
            for i, u in enumerate(users)
        }
        before = sum(
            [await _balance(http, users[i], a) for i in accounts for a in accounts[i]], Decimal(0)
        )

        async def move(n: int) -> int:
            i = n % len(users)
            src, dst = accounts[i]
            if n % 3 == 0:  # a payment to the next user
                dst = accounts[(i + 1) % len(users)][0]
                response = await http.post(
                    "/api/p2p",
                    headers=users[i] | _key(),
                    json={"from_account_id": src, "to_account_id": dst, "amount": "7.25"},
                )
            else:
                if n % 2:
                    src, dst = dst, src
                response = await http.post(
                    "/api/transfers",
                    headers=users[i] | _key(),
                    json={"from_account_id": src, "to_account_id": dst, "amount": "12.50"},
                )
            return response.status_code

        codes = Counter(await asyncio.gather(*(move(n) for n in range(50))))
        assert set(codes) <= {201, 422}, codes  # moved, or refused for want of funds
        assert codes[201] >= 25
        after = sum(
            [await _balance(http, users[i], a) for i in accounts for a in accounts[i]], Decimal(0)
        )
        assert after == before == Decimal("1000.00")
    async with await Database.connect(Settings.load(url=database_url, pool_size=1)) as db:
        assert await db.call(fintech.list_balance_mismatches) == []
        assert await db.call(fintech.list_unbalanced_postings) == []


def test_under_uvicorn_on_a_real_socket(database_url: str) -> None:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": app_url(database_url),
        "PORT": str(port),
        "PYTHONPATH": str(EXAMPLE),
        "DATABASE_POOL_SIZE": "4",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "hoardrun_api"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(300):
                try:
                    if http.get("/api/health/liveness").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None:
                    pytest.fail(f"the service exited: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.1)
            else:
                pytest.fail("the service did not start within 30 s")
            assert http.get("/api/health/readiness").json()["status"] == "ready"
            user = http.post(
                "/api/users",
                json={
                    "email": "sock@example.com",
                    "first_name": "S",
                    "last_name": "K",
                    "password_hash": HASH,
                },
            )
            assert user.status_code == 201, user.text
            me = {"x-user-id": user.json()["id"]}
            opened = http.post(
                "/api/accounts",
                headers=me,
                json={"account_number": "ACC9000000001", "account_name": "M"},
            )
            assert opened.status_code == 201
            missing = http.get(f"/api/transfers/{uuid4()}", headers=me)
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate(timeout=5)
    # uvicorn shuts down gracefully on SIGTERM (closing the pool), then re-raises the signal.
    assert proc.returncode in (0, -15), output
    assert "Application shutdown complete" in output
