"""Rows into models without validation where the database guarantees the types (``Rows``), and
where it cannot: a None in a field typed non-null still raises, enums and composites are still
validated, and ``validate_rows(True)`` (``DATALAYER_VALIDATE_ROWS=1``) validates every row."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from types import ModuleType

import asyncpg
import pytest
from gen_support import Generated
from pydantic import ValidationError

from datalayer import fintech
from datalayer.db import Database
from datalayer.fintech import _queries as fintech_queries
from datalayer.gen.runtime import Rows, full_validation, validate_rows
from datalayer.settings import Settings


@pytest.fixture
async def fx_db(fixture_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(Settings.load(url=fixture_url, pool_size=1, max_overflow=1))
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def full() -> Iterator[None]:
    """Full validation for one test, then back to what it was."""
    before = full_validation()
    validate_rows(True)
    try:
        yield
    finally:
        validate_rows(before)


def _all_rows(module: ModuleType) -> dict[str, Rows[object]]:  # type: ignore[type-var]
    return {n: v for n, v in vars(module).items() if isinstance(v, Rows)}


async def _owners(g: ModuleType, conn: object) -> tuple[object, list[object], list[object]]:
    ada = await g.create_owner(conn, name="Ada", email="ada@example.com", nickname=None)
    await g.create_owner(conn, name="Bob", email=None, nickname="b")
    account = await g.create_account(
        conn,
        owner_id=ada.id,
        status=g.AccountStatus.FROZEN,
        limit_amount=Decimal("100.5"),
        settings={"currency": "EUR"},
        metadata=None,
    )
    owners = sorted(await g.list_owners(conn), key=lambda o: o.name)
    accounts = await g.list_accounts_by_status(conn, statuses=[g.AccountStatus.FROZEN])
    assert accounts and accounts[0].id == account.id
    return ada, owners, accounts


async def test_trusted_rows_equal_validated_rows(
    generated: Generated, fx_db: Database, full: None
) -> None:
    """The same queries with and without validation give equal models of the same types."""
    g = generated.module
    async with fx_db.transaction() as conn:
        validated = await _owners(g, conn)
        ids = [o.id for o in validated[1]]
        validate_rows(False)
        fast_one = await g.get_owner(conn, id=ids[0])
        fast_list = sorted(await g.list_owners(conn), key=lambda o: o.name)
        fast_accounts = await g.list_accounts_by_status(conn, statuses=[g.AccountStatus.FROZEN])
        validate_rows(True)
        slow_list = sorted(await g.list_owners(conn), key=lambda o: o.name)
        slow_accounts = await g.list_accounts_by_status(conn, statuses=[g.AccountStatus.FROZEN])
    assert fast_one == slow_list[0]
    assert fast_list == slow_list and len(fast_list) == 2
    for fast, slow in zip(fast_list, slow_list, strict=True):
        assert fast.model_dump() == slow.model_dump()
        assert fast.model_fields_set == slow.model_fields_set
        assert {k: type(v) for k, v in fast.__dict__.items()} == {
            k: type(v) for k, v in slow.__dict__.items()
        }
    # enum fields: still validated, so the enum member, not its text
    assert fast_accounts == slow_accounts
    assert fast_accounts[0].status is g.AccountStatus.FROZEN


def test_generator_trusts_only_types_asyncpg_guarantees(generated: Generated) -> None:
    rows = _all_rows(generated.module._queries)
    assert rows, "the fixture module has models"
    by_model = {r._model.__name__: r._trusted for r in rows.values()}
    assert by_model["Owner"] is True  # uuid, text, nullable text
    assert by_model["Account"] is False  # an enum, an @type-annotated jsonb, an array
    assert by_model["AccountBrief"] is False  # an enum, an array with nullable elements


async def test_null_in_a_non_null_field_raises_on_the_fast_path(gen_db_url: str) -> None:
    """Every generated fintech model: a record of NULLs in every column raises for the models
    with a non-null field, one row or in a list (also when only a later row is bad); so does a
    timestamptz 'infinity' (naive from asyncpg) in an AwareDatetime field."""
    conn = await asyncpg.connect(gen_db_url)
    try:
        checked = 0
        for rows in _all_rows(fintech_queries).values():
            width = len(rows._fields)
            nulls = await conn.fetchrow(
                "SELECT " + ", ".join(f"NULL AS c{i}" for i in range(width))
            )
            if rows._suspect is None:  # every field nullable: None is a valid value
                assert rows.one(nulls) is not None
                continue
            with pytest.raises(ValidationError):
                rows.one(nulls)
            with pytest.raises(ValidationError):
                rows.many([nulls])
            checked += 1
        assert checked >= 10
        account = await conn.fetchrow(_ACCOUNT_SQL)
        good = fintech_queries._Account_ROWS.many([account])
        assert isinstance(good[0], fintech.Account) and good[0].closed_at is None
        broken = await conn.fetchrow(_ACCOUNT_SQL.replace("now() AS updated_at", "NULL AS u"))
        with pytest.raises(ValidationError) as caught:
            fintech_queries._Account_ROWS.many([account, broken])
        assert "updated_at" in str(caught.value)
        # asyncpg returns timestamptz 'infinity' as a naive datetime: not an AwareDatetime
        endless = await conn.fetchrow(
            _ACCOUNT_SQL.replace("now() AS created_at", "'infinity'::timestamptz AS c")
        )
        with pytest.raises(ValidationError, match="created_at"):
            fintech_queries._Account_ROWS.one(endless)
        closed = await conn.fetchrow(
            _ACCOUNT_SQL.replace("NULL::timestamptz AS closed_at", "'-infinity'::timestamptz")
        )
        with pytest.raises(ValidationError, match="closed_at"):
            fintech_queries._Account_ROWS.many([account, closed])
    finally:
        await conn.close()


async def test_validate_rows_switch_validates_every_row(gen_db_url: str, full: None) -> None:
    """With the switch on, a record whose value is not the declared type is refused even for a
    trusted model (the fast path would take it as it is)."""
    conn = await asyncpg.connect(gen_db_url)
    try:
        wrong = await conn.fetchrow(_ACCOUNT_SQL.replace("12.5::numeric", "'twelve'::text"))
    finally:
        await conn.close()
    with pytest.raises(ValidationError):
        fintech_queries._Account_ROWS.one(wrong)
    with pytest.raises(ValidationError):
        fintech_queries._Account_ROWS.many([wrong])
    validate_rows(False)
    assert fintech_queries._Account_ROWS.one(wrong).balance == "twelve"  # type: ignore[comparison-overlap]


_ACCOUNT_SQL = """
SELECT gen_random_uuid() AS id, gen_random_uuid() AS user_id, 'ACC0000000001' AS account_number,
       'main' AS account_name, 'checking' AS account_type, 'USD' AS currency,
       12.5::numeric AS balance, 0::numeric AS credit_limit, 'active' AS status,
       NULL::timestamptz AS closed_at, now() AS created_at, now() AS updated_at
"""
