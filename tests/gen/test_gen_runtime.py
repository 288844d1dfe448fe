"""The generated functions run against PostgreSQL and return validated models; the hash guard
refuses queries whose SQL changed since generation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from uuid import uuid4

import pytest
from gen_support import SCHEMA, Generated, copy_sql, forget, import_fresh

from datalayer.db import Database
from datalayer.errors import CheckViolation, StaleQueryError
from datalayer.gen.cli import run_gen
from datalayer.gen.runtime import StaleQuery
from datalayer.settings import Settings


@pytest.fixture
async def fx_db(fixture_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(Settings.load(url=fixture_url, pool_size=1, max_overflow=1))
    try:
        yield database
    finally:
        await database.close()


async def test_round_trip(generated: Generated, fx_db: Database) -> None:
    g: ModuleType = generated.module
    async with fx_db.transaction() as conn:
        assert await g.count_owners(conn) == 0
        assert await g.get_account_stats(conn) == g.AccountStat(
            accounts=0, total=None, total_or_zero=Decimal(0), last_closed_at=None
        )
        ada = await g.create_owner(conn, name="Ada", email="ada@example.com", nickname=None)
        bob = await g.create_owner(conn, name="Bob", email=None, nickname="b")
        assert isinstance(ada, g.Owner) and ada.email == "ada@example.com" and ada.nickname is None
        assert await g.get_owner(conn, id=ada.id) == ada
        assert await g.get_owner(conn, id=uuid4()) is None
        assert sorted(await g.list_owners(conn), key=lambda o: o.name) == [ada, bob]
        assert await g.count_owners(conn) == 2
        assert await g.exists_owner(conn, name="Ada") is True
        assert await g.get_owner_email(conn, id=bob.id) is None
        assert [o.name for o in await g.search_owners(conn, email=None)] == ["Ada", "Bob"]
        assert [o.name for o in await g.search_owners(conn, email="ada@example.com")] == ["Ada"]
        assert len(await g.list_owners_since(conn, since=None)) == 2
        assert [o.name for o in await g.list_owner_names(conn, limit_rows=None)] == ["Ada", "Bob"]
        assert [o.name for o in await g.list_owner_names(conn, limit_rows=1)] == ["Ada"]
        assert await g.update_owner_nickname(conn, id=ada.id, nickname="A") == 1
        assert await g.update_owner_nickname(conn, id=uuid4(), nickname=None) == 0
        await g.rename_owners(
            conn,
            rows=[
                g.RenameOwnersParams(id=ada.id, name="Ada L."),
                g.RenameOwnersParams(id=bob.id, name="Bob M."),
            ],
        )
        assert sorted(o.name for o in await g.list_owners(conn)) == ["Ada L.", "Bob M."]

        account = await g.create_account(
            conn,
            owner_id=ada.id,
            status=g.AccountStatus.FROZEN,
            limit_amount=Decimal("100.5"),
            settings={"currency": "EUR"},
            metadata=None,
        )
        assert account.status is g.AccountStatus.FROZEN
        assert account.settings.currency == "EUR" and account.settings.overdraft is False
        assert account.limit_amount == Decimal("100.5000") and account.tags == []
        raw = await g.get_account_raw(conn, id=account.id)
        assert raw is not None and raw.settings == {"currency": "EUR"}
        transfer_id = await g.create_transfer(
            conn, account_id=account.id, amount=Decimal("7.25"), memo=None
        )
        assert isinstance(transfer_id, int)
        await g.add_transfers(
            conn,
            rows=[
                g.AddTransfersParams(account_id=account.id, amount=Decimal(1), memo="one"),
                g.AddTransfersParams(account_id=account.id, amount=Decimal(2), memo=None),
            ],
        )
        facts = await g.list_account_facts(conn)
        assert len(facts) == 1
        assert facts[0].has_transfers is True
        assert facts[0].largest_transfer == Decimal("7.25")
        assert facts[0].metadata == {} and facts[0].grace is None
        assert facts[0].statuses == [g.AccountStatus.FROZEN]
        left = await g.list_owners_left_accounts(conn)
        assert {(r.name, r.account_id) for r in left} == {
            ("Ada L.", account.id),
            ("Bob M.", None),  # the null-extended side really is None
        }
        by_status = await g.list_accounts_by_status(conn, statuses=[g.AccountStatus.FROZEN])
        assert [a.id for a in by_status] == [account.id]
        counts = {r.name: r.transfers for r in await g.list_owner_transfer_counts(conn)}
        assert counts == {"Ada L.": 3}
        pairs = await g.list_account_pairs(conn)
        assert pairs == [g.AccountPair(id=account.id, pair=g.MoneyPair(amount=0, currency="EUR"))]
        rollup = {r.status: r.accounts for r in await g.list_status_rollup(conn)}
        assert rollup == {g.AccountStatus.FROZEN: 1, None: 1}
        annotated = await g.get_account_annotated(conn, id=account.id)
        assert annotated is not None and annotated.balance_text == "0.0000"
        assert await g.delete_transfers_of(conn, account_id=account.id) == 3


async def test_errors_are_mapped(generated: Generated, fx_db: Database) -> None:
    g = generated.module
    with pytest.raises(CheckViolation):
        async with fx_db.transaction() as conn:
            await g.create_owner(conn, name="x", email="not-an-email", nickname=None)


async def test_interval_and_unnest(generated: Generated, fx_db: Database) -> None:
    g = generated.module
    async with fx_db.transaction() as conn:
        assert [r.u for r in await g.list_unnested(conn, ids=[3, 1])] == [3, 1]
        owner = await g.create_owner(conn, name="c", email=None, nickname=None)
        account = await g.create_account(
            conn,
            owner_id=owner.id,
            status=g.AccountStatus.ACTIVE,
            limit_amount=Decimal(1),
            settings={"currency": "USD", "overdraft": True},
            metadata={"k": [1, 2]},
        )
        assert account.metadata == {"k": [1, 2]}
        await conn.execute("UPDATE genfx.accounts SET grace = '2 days'")
        raw = await g.get_account_raw(conn, id=account.id)
        assert raw is not None and raw.grace == timedelta(days=2)


async def test_stale_query_is_refused(gen_db_url: str, tmp_path: Path, fixture_url: str) -> None:
    sql = copy_sql(tmp_path)
    out = tmp_path / "out"
    assert run_gen(gen_db_url, [SCHEMA], False, sql_root=sql, out_root=out) == 0
    owners = sql / SCHEMA / "owners.sql"
    owners.write_text(owners.read_text().replace("ORDER BY created_at, id;", "ORDER BY id;"))
    module = import_fresh(out, SCHEMA)
    try:
        with pytest.raises(StaleQueryError, match=r"genfx\.list_owners.*datalayer gen"):
            module.verify()
        database = await Database.connect(Settings.load(url=fixture_url, pool_size=1))
        try:
            async with database.transaction() as conn:
                with pytest.raises(StaleQueryError, match="datalayer gen"):
                    await module.list_owners(conn)
                assert await module.count_owners(conn) == 0  # unchanged queries still run
        finally:
            await database.close()
        q = module._queries._list_owners
        assert isinstance(q, StaleQuery)  # decided once, at import
    finally:
        forget(SCHEMA)


async def test_removed_query_is_refused(gen_db_url: str, tmp_path: Path) -> None:
    sql = copy_sql(tmp_path)
    out = tmp_path / "out"
    assert run_gen(gen_db_url, [SCHEMA], False, sql_root=sql, out_root=out) == 0
    transfers = sql / SCHEMA / "transfers.sql"
    text = transfers.read_text()
    transfers.write_text(text[: text.index("-- name: delete_transfers_of")])
    module = import_fresh(out, SCHEMA)
    try:
        with pytest.raises(StaleQueryError, match="delete_transfers_of"):
            module.verify()
    finally:
        forget(SCHEMA)
