"""Key rotation of the encrypted columns: a key id stored with each value, both keys readable while
a rotation runs, and `datalayer export-readiness rotate-key` re-encrypting in batches, resumable
after being killed. Everything runs as export_readiness_app (the service's login, which holds the
keys); the owner's side only checks stored key ids and decrypts everything at the end."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
from typing import Any

import pytest
from export_readiness_support import KEY, act_as, make_report, make_user
from pydantic import SecretStr

from datalayer import Database, errors
from datalayer import export_readiness as er
from datalayer.export_readiness.cli import rotate
from datalayer.settings import Settings

OLD = KEY  # the key of id '1', what the values written before key ids carry
NEW = "a new key, long and random in real life"
BOTH = er.Keyring("2", {"1": OLD, "2": NEW})
ONLY_NEW = er.Keyring("2", {"2": NEW})
ONLY_OLD = er.Keyring("1", {"1": OLD})


async def _populate(db: Database, users: int, documents: int, messages: int) -> dict[str, Any]:
    """Users with distinct phones, one of them with ``documents`` documents and ``messages`` chat
    messages, all encrypted with the old key only; returns the plaintexts by table and id."""
    plain: dict[str, dict[Any, Any]] = {"users": {}, "generated_documents": {}, "chat_messages": {}}
    old = ONLY_OLD.text()
    async with db.transaction() as conn:
        made = []
        for n in range(users):
            phone = f"+9198{n:08d}"
            user = await make_user(conn, phone=phone, encryption_key=old)
            plain["users"][user.id] = phone
            made.append(user)
        owner = made[0]
        await act_as(conn, owner.id)
        report = await make_report(conn, owner.id)
        for n in range(documents):
            content = {"buyer": f"Buyer {n}", "bank_account": f"00{n:010d}"}
            doc = await er.create_generated_document(
                conn, user_id=owner.id, report_id=report.id, document_type="commercial_invoice",
                content=content, encryption_key=old,
            )  # fmt: skip
            plain["generated_documents"][doc.id] = content
        session = await er.create_chat_session(
            conn, user_id=owner.id, report_id=None, context_data={}
        )
        for n in range(messages):
            text = f"message {n}: our buyer pays 40 days after shipment"
            message = await er.create_chat_message(
                conn, session_id=session.id, user_id=owner.id, role="user", content=text,
                sources=[], encryption_key=old,
            )  # fmt: skip
            assert message is not None
            plain["chat_messages"][message.id] = text
    return plain


async def _usage(db: Database) -> dict[tuple[str, str], int]:
    async with db.transaction() as conn:
        rows = await er.list_encryption_key_usage(conn)
    return {(r.table_name, r.key_id): r.value_count for r in rows}


async def _decrypt_all(owner_db: Database, keyring: er.Keyring) -> dict[str, dict[Any, Any]]:
    """Owner's side: every stored value decrypted with ``keyring`` by its stored key id."""
    found: dict[str, dict[Any, Any]] = {}
    async with owner_db.transaction() as conn:
        for table, column, key_column in (
            ("users", "phone_encrypted", "phone_key_id"),
            ("generated_documents", "content_encrypted", "content_key_id"),
            ("chat_messages", "content_encrypted", "content_key_id"),
        ):
            rows = await conn.fetch(
                f"SELECT id, export_readiness.decrypt({column}, {key_column}, $1) AS value "
                f"FROM export_readiness.{table} WHERE {column} IS NOT NULL",
                keyring.text(),
            )
            found[table] = {
                r["id"]: json.loads(r["value"]) if table == "generated_documents" else r["value"]
                for r in rows
            }
    return found


async def test_each_value_is_read_with_its_own_key_during_a_rotation(edb: Database) -> None:
    async with edb.transaction() as conn:
        before = await make_user(conn, phone="+911111111111", encryption_key=ONLY_OLD.text())
        assert before.phone == "+911111111111"
        after = await make_user(conn, phone="+912222222222", encryption_key=BOTH.text())
    assert await _usage(edb) == {("users", "1"): 1, ("users", "2"): 1}
    async with edb.transaction(user_id=before.id) as conn:  # the old value, with both keys
        got = await er.get_user_by_id(conn, user_id=before.id, encryption_key=BOTH.text())
        assert got is not None and got.phone == "+911111111111"
    async with edb.transaction(user_id=after.id) as conn:
        got = await er.get_user_by_id(conn, user_id=after.id, encryption_key=ONLY_NEW.text())
        assert got is not None and got.phone == "+912222222222"
        changed = await er.update_user_profile(
            conn, user_id=after.id, company_name="Renamed", business_type="SaaS",
            company_size="Micro", iec_code=None, phone="+913333333333", profile={},
            encryption_key=BOTH.text(),
        )  # fmt: skip
        assert changed is not None and changed.phone == "+913333333333"
    with pytest.raises(errors.DataError, match='no key with id "1"') as info:
        async with edb.transaction(user_id=before.id) as conn:
            await er.get_user_by_id(conn, user_id=before.id, encryption_key=ONLY_NEW.text())
    assert NEW not in str(info.value) and OLD not in str(info.value)
    # a bare key is a keyring of one key with id '1', as callers passed it before key ids
    async with edb.transaction(user_id=before.id) as conn:
        got = await er.get_user_by_id(conn, user_id=before.id, encryption_key=OLD)
        assert got is not None and got.phone == "+911111111111"


@pytest.mark.parametrize(
    "keyring",
    [
        '{"current": "2", "keys": {"2": "secret-material"',  # not JSON
        '{"current": "3", "keys": {"2": "secret-material"}}',  # current key missing
        '{"current": "2", "keys": ["secret-material"]}',
        '{"current": "bad id", "keys": {"bad id": "secret-material"}}',
    ],
)
async def test_a_malformed_keyring_is_refused_without_quoting_it(
    edb: Database, keyring: str
) -> None:
    with pytest.raises(errors.DataError, match="not a keyring") as info:
        async with edb.transaction() as conn:
            await make_user(conn, encryption_key=keyring)
    assert "secret-material" not in str(info.value)
    assert "secret-material" not in repr(info.value.__dict__)


def test_the_keyring_comes_from_the_environment() -> None:
    settings = Settings.load(url="postgresql://u@h/db", encryption_key=SecretStr(NEW))
    env = {"DATABASE_ENCRYPTION_KEY_ID": "2", "DATABASE_ENCRYPTION_PREVIOUS_KEY": OLD}
    keyring = er.keyring_from_settings(settings, env)
    assert keyring == BOTH and NEW not in repr(keyring) and OLD not in repr(keyring)
    assert json.loads(er.encryption_key(settings, env)) == {
        "current": "2",
        "keys": {"1": OLD, "2": NEW},
    }
    with pytest.raises(errors.ConfigurationError) as info:
        er.keyring_from_settings(settings, {"DATABASE_ENCRYPTION_PREVIOUS_KEY": OLD})
    assert info.value.variable == "DATABASE_ENCRYPTION_PREVIOUS_KEY_ID"
    assert OLD not in str(info.value) and NEW not in str(info.value)
    with pytest.raises(errors.ConfigurationError) as info:
        er.keyring_from_settings(settings, {"DATABASE_ENCRYPTION_KEY_ID": "two/2"})
    assert info.value.variable == "DATABASE_ENCRYPTION_KEY_ID"


async def test_rotate_re_encrypts_every_users_values_deleted_ones_included(
    edb: Database, owner_db: Database
) -> None:
    plain = await _populate(edb, users=6, documents=4, messages=5)
    deleted = next(iter(plain["users"]))
    async with edb.transaction(user_id=deleted) as conn:
        assert await er.delete_user(conn, user_id=deleted) == 1
    out = io.StringIO()
    assert await rotate(edb, BOTH, batch_size=4, out=out) == 0
    assert await _usage(edb) == {
        ("users", "2"): 6,
        ("generated_documents", "2"): 4,
        ("chat_messages", "2"): 5,
    }
    assert await _decrypt_all(owner_db, ONLY_NEW) == plain
    lines = out.getvalue().splitlines()
    assert (
        "users.phone_encrypted: 4/6 (66%)" in lines and "users.phone_encrypted: 6/6 (100%)" in lines
    )
    assert "chat_messages.content_encrypted: 5/5 (100%)" in lines
    assert NEW not in out.getvalue() and OLD not in out.getvalue()
    again = io.StringIO()  # nothing left: a second run changes nothing
    assert await rotate(edb, BOTH, batch_size=4, out=again) == 0
    assert "users.phone_encrypted: nothing to re-encrypt" in again.getvalue()
    async with edb.transaction(user_id=deleted) as conn:  # restored, readable with the new key
        assert await er.update_user_restored(conn, user_id=deleted) == 1
        user = await er.get_user_by_id(conn, user_id=deleted, encryption_key=ONLY_NEW.text())
        assert user is not None and user.phone == plain["users"][deleted]


async def test_rotate_refuses_a_keyring_without_the_old_key(edb: Database) -> None:
    await _populate(edb, users=1, documents=0, messages=0)
    with pytest.raises(errors.ConfigurationError, match="key id\\(s\\) '1'") as info:
        await rotate(edb, ONLY_NEW, batch_size=10, out=io.StringIO())
    assert NEW not in str(info.value)
    assert await _usage(edb) == {("users", "1"): 1}


async def test_a_wrong_old_key_changes_nothing(edb: Database) -> None:
    await _populate(edb, users=2, documents=0, messages=0)
    wrong = er.Keyring("2", {"1": "not the old key", "2": NEW})
    with pytest.raises(errors.QueryError, match=r"[Ww]rong key") as info:
        await rotate(edb, wrong, batch_size=10, out=io.StringIO())
    assert "not the old key" not in str(info.value) and NEW not in str(info.value)
    assert await _usage(edb) == {("users", "1"): 2}


async def test_the_command_resumes_after_being_killed(
    edb: Database, owner_db: Database, app_database_url: str
) -> None:
    """Killed (SIGKILL) after its first batch, then run again: every value ends under the new key,
    readable with it alone, none lost; the keys reach the command through the environment only and
    appear in none of its output."""
    plain = await _populate(edb, users=30, documents=10, messages=20)
    env = {
        **os.environ,
        "DATABASE_URL": app_database_url,
        "DATABASE_ENCRYPTION_KEY": NEW,
        "DATABASE_ENCRYPTION_KEY_ID": "2",
        "DATABASE_ENCRYPTION_PREVIOUS_KEY": OLD,
        "DATABASE_ENCRYPTION_PREVIOUS_KEY_ID": "1",
    }
    command = [sys.executable, "-m", "datalayer.cli", "export-readiness", "rotate-key"]
    pipe = asyncio.subprocess.PIPE
    first = await asyncio.create_subprocess_exec(
        *command, "--batch-size", "5", "--pause", "0.3", env=env, stdout=pipe, stderr=pipe
    )
    assert first.stdout is not None
    seen = []
    while line := (await asyncio.wait_for(first.stdout.readline(), 30)).decode():
        seen.append(line)
        if "/" in line:  # the first batch is committed
            first.send_signal(signal.SIGKILL)
            break
    await asyncio.wait_for(first.wait(), 30)
    assert first.returncode == -signal.SIGKILL, seen
    usage = await _usage(edb)
    assert usage[("users", "2")] >= 5 and usage[("users", "1")] > 0, usage  # stopped halfway
    second = await asyncio.create_subprocess_exec(
        *command, "--batch-size", "7", env=env, stdout=pipe, stderr=pipe
    )
    out, err = (b.decode() for b in await asyncio.wait_for(second.communicate(), 120))
    assert second.returncode == 0, err
    for text in ("".join(seen), out, err):
        assert NEW not in text and OLD not in text
    assert "every encrypted value is under key '2'" in out
    assert await _usage(edb) == {
        ("users", "2"): 30,
        ("generated_documents", "2"): 10,
        ("chat_messages", "2"): 20,
    }
    assert await _decrypt_all(owner_db, ONLY_NEW) == plain
