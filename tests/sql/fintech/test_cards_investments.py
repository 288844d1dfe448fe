"""Cards (masked, token encrypted at rest) and investments (holdings, generated values)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fintech_support import make_account, make_user

from datalayer import Database, errors, fintech

KEY = "correct horse battery staple"
TOKEN = "tok_live_4242424242424242_abcdef"


async def _card(conn: Any, user: Any, account: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "user_id": user.id, "account_id": account.id, "brand": "visa", "card_type": "debit",
        "last4": "4242", "cardholder_name": "ADA LOVELACE", "token": TOKEN,
        "encryption_key": KEY, "expiry_month": 12, "expiry_year": 2030,
        "spending_limit": Decimal("250"),
    }  # fmt: skip
    fields.update(overrides)
    return await fintech.create_card(conn, **fields)


async def test_card_is_masked_and_its_token_encrypted(fdb: Database) -> None:
    user = await make_user(fdb)
    stranger = await make_user(fdb)
    account = await make_account(fdb, user.id)
    async with fdb.transaction(user_id=user.id) as conn:
        card = await _card(conn, user, account)
        assert card.masked_number == "**** **** **** 4242"
        assert not hasattr(card, "token") and not hasattr(card, "token_encrypted")
        stored = await conn.fetchval(
            "SELECT token_encrypted FROM fintech.cards WHERE id = $1", card.id
        )
        assert isinstance(stored, bytes) and TOKEN.encode() not in stored
        assert (
            await fintech.get_card_token(conn, card_id=card.id, user_id=user.id, encryption_key=KEY)
            == TOKEN
        )
        assert [c.id for c in await fintech.list_cards_by_user(conn, user_id=user.id)] == [card.id]
        frozen = await fintech.update_card_status(
            conn, card_id=card.id, user_id=user.id, status="frozen"
        )
        assert frozen is not None and frozen.status == "frozen"
        unlimited = await fintech.update_card_spending_limit(
            conn, card_id=card.id, user_id=user.id, spending_limit=None
        )
        assert unlimited is not None and unlimited.spending_limit is None
        audit = await conn.fetch(
            "SELECT new_values FROM fintech.audit_log WHERE table_name = 'cards'"
        )
        assert audit and all("token_encrypted" not in r["new_values"] for r in audit)
    async with fdb.transaction(user_id=stranger.id) as conn:
        for user_id in (stranger.id, user.id):  # the owner's id opens nothing either
            assert await fintech.get_card_by_id(conn, card_id=card.id, user_id=user_id) is None
            assert (
                await fintech.get_card_token(
                    conn, card_id=card.id, user_id=user_id, encryption_key=KEY
                )
                is None
            )
            assert (
                await fintech.update_card_status(
                    conn, card_id=card.id, user_id=user_id, status="cancelled"
                )
                is None
            )
        assert await fintech.list_cards_by_user(conn, user_id=user.id) == []
    with pytest.raises(errors.QueryError, match=r"[Ww]rong key"):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.get_card_token(
                conn, card_id=card.id, user_id=user.id, encryption_key="guess"
            )


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"last4": "424"}, "cards_last4_check"),
        ({"last4": "42a2"}, "cards_last4_check"),
        ({"cardholder_name": "4242424242424242"}, "cards_cardholder_name_check"),
        ({"brand": "diners"}, "cards_brand_check"),
        ({"card_type": "gold"}, "cards_card_type_check"),
        ({"expiry_month": 13}, "cards_expiry_month_check"),
        ({"expiry_year": 1999}, "cards_expiry_year_check"),
        ({"spending_limit": Decimal("-1")}, "cards_spending_limit_check"),
    ],
)
async def test_card_checks(fdb: Database, overrides: dict[str, Any], constraint: str) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await _card(conn, user, account, **overrides)
    assert info.value.constraint == constraint


async def test_card_status_and_owner_rules(fdb: Database) -> None:
    user = await make_user(fdb)
    account = await make_account(fdb, user.id)
    other = await make_user(fdb)
    async with fdb.transaction(user_id=user.id) as conn:
        card = await _card(conn, user, account)
    with pytest.raises(errors.CheckViolation) as status:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.update_card_status(conn, card_id=card.id, user_id=user.id, status="lost")
    assert status.value.constraint == "cards_status_check"
    with pytest.raises(errors.ForeignKeyViolation) as owner:
        async with fdb.transaction(user_id=other.id) as conn:
            await _card(conn, other, account)
    assert owner.value.constraint == "cards_account_id_fkey"
    with pytest.raises(errors.PermissionDenied):  # a card in another user's name: RLS
        async with fdb.transaction(user_id=other.id) as conn:
            await _card(conn, user, account)


async def test_investments_and_portfolio(fdb: Database, worker: Database) -> None:
    user = await make_user(fdb)
    nobody = await make_user(fdb)
    brokerage = await make_account(fdb, user.id, account_type="investment")
    async with fdb.transaction(user_id=user.id) as conn:
        first = await fintech.upsert_investment(
            conn, account_id=brokerage.id, symbol="ACME", asset_type="stock",
            quantity=Decimal("10"), unit_cost=Decimal("100"), current_price=Decimal("110"),
        )  # fmt: skip
        assert first.market_value == Decimal("1100") and first.cost_basis == Decimal("1000")
        more = await fintech.upsert_investment(
            conn, account_id=brokerage.id, symbol="ACME", asset_type="stock",
            quantity=Decimal("30"), unit_cost=Decimal("120"), current_price=Decimal("120"),
        )  # fmt: skip
        assert more.id == first.id and more.quantity == Decimal("40")
        assert more.average_cost == Decimal("115")
        await fintech.upsert_investment(
            conn, account_id=brokerage.id, symbol="BND.X", asset_type="bond",
            quantity=Decimal("1.5"), unit_cost=Decimal("1000"), current_price=Decimal("990"),
        )  # fmt: skip
    async with fdb.transaction(user_id=nobody.id) as conn:  # another user's holdings: untouched
        assert (
            await fintech.update_investment_prices(conn, symbol="ACME", current_price=Decimal("1"))
            == 0
        )
        assert await fintech.list_investments_by_account(conn, account_id=brokerage.id) == []
        assert await fintech.list_portfolio_values_by_user(conn, user_id=user.id) == []
    async with worker.transaction() as conn:  # the price feed updates every holding
        assert (
            await fintech.update_investment_prices(
                conn, symbol="ACME", current_price=Decimal("125")
            )
            == 1
        )
    async with fdb.transaction(user_id=user.id) as conn:
        holdings = await fintech.list_investments_by_account(conn, account_id=brokerage.id)
        assert [h.symbol for h in holdings] == ["ACME", "BND.X"]
        assert holdings[0].market_value == Decimal("5000")
        (portfolio,) = await fintech.list_portfolio_values_by_user(conn, user_id=user.id)
        assert portfolio.currency == "USD" and portfolio.holdings == 2
        assert portfolio.market_value == Decimal("5000") + Decimal("1485")
        assert portfolio.cost_basis == Decimal("4600") + Decimal("1500")
        assert portfolio.unrealised_gain == portfolio.market_value - portfolio.cost_basis
    async with fdb.transaction(user_id=nobody.id) as conn:
        assert await fintech.list_portfolio_values_by_user(conn, user_id=nobody.id) == []


@pytest.mark.parametrize(
    ("overrides", "error", "constraint"),
    [
        ({"symbol": "acme"}, errors.CheckViolation, "investments_symbol_check"),
        ({"asset_type": "nft"}, errors.CheckViolation, "investments_asset_type_check"),
        ({"quantity": Decimal("-1")}, errors.CheckViolation, "investments_quantity_check"),
        ({"unit_cost": Decimal("-1")}, errors.CheckViolation, "investments_average_cost_check"),
        (
            {"current_price": Decimal("-1")},
            errors.CheckViolation,
            "investments_current_price_check",
        ),
        ({"checking": True}, errors.ForeignKeyViolation, "investments_account_id_fkey"),
    ],
)
async def test_investment_checks(
    fdb: Database, overrides: dict[str, Any], error: type[errors.IntegrityError], constraint: str
) -> None:
    user = await make_user(fdb)
    kind = "checking" if overrides.pop("checking", False) else "investment"
    account = await make_account(fdb, user.id, account_type=kind)
    fields: dict[str, Any] = {
        "account_id": account.id, "symbol": "ACME", "asset_type": "stock",
        "quantity": Decimal("1"), "unit_cost": Decimal("1"), "current_price": Decimal("1"),
    }  # fmt: skip
    fields.update(overrides)
    with pytest.raises(error) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.upsert_investment(conn, **fields)
    assert info.value.constraint == constraint
