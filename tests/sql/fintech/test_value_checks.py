"""Bad input refused by the database: NaN and infinities in every numeric column, money with more
than 4 decimals where the column itself can refuse it, and a length bound on every unbounded text
column. As fintech_app where the service writes the column, from the owner's side where only the
posting functions do (with the posting switch on, as buggy posting code would)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fintech_support import ARGON2, make_account, make_user, user_fields

from datalayer import Database, errors, fintech

D = Decimal
NAN = D("NaN")
INF = D("Infinity")
POSTING = "SELECT set_config('fintech.posting', 'on', true)"
LONG = "x" * 501


async def _setup(fdb: Database) -> tuple[fintech.User, fintech.Account, fintech.Account]:
    user = await make_user(fdb)
    a = await make_account(fdb, user.id, balance=D("100"))
    brokerage = await make_account(fdb, user.id, account_type="investment")
    return user, a, brokerage


def _card(user: fintech.User, account: fintech.Account, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "user_id": user.id, "account_id": account.id, "brand": "visa", "card_type": "debit",
        "last4": "4242", "cardholder_name": "ADA LOVELACE", "token": "tok", "encryption_key": "k",
        "expiry_month": 12, "expiry_year": 2030, "spending_limit": D("250"),
    }  # fmt: skip
    return fields | overrides


def _holding(account: fintech.Account, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "account_id": account.id, "symbol": "ACME", "asset_type": "stock",
        "quantity": D("1"), "unit_cost": D("10"), "current_price": D("10"),
    }  # fmt: skip
    return fields | overrides


def _account(user: fintech.User, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "user_id": user.id, "account_number": "ACC0900000001", "account_name": "Card",
        "account_type": "credit", "currency": "USD", "credit_limit": D("500"),
    }  # fmt: skip
    return fields | overrides


# (query function, its arguments given the user, a funded account and a brokerage account, constraint)
APP_CASES = [
    (fintech.create_account, lambda u, a, b: _account(u, credit_limit=INF), "accounts_credit_limit_finite_check"),
    (fintech.create_account, lambda u, a, b: _account(u, credit_limit=D("500.00001")), "accounts_credit_limit_scale_check"),
    (fintech.create_account, lambda u, a, b: _account(u, credit_limit=D("1e15")), "accounts_credit_limit_scale_check"),
    (fintech.create_card, lambda u, a, b: _card(u, a, spending_limit=NAN), "cards_spending_limit_finite_check"),
    (fintech.create_card, lambda u, a, b: _card(u, a, spending_limit=INF), "cards_spending_limit_finite_check"),
    (fintech.create_card, lambda u, a, b: _card(u, a, spending_limit=D("9.99999")), "cards_spending_limit_scale_check"),
    (fintech.upsert_investment, lambda u, a, b: _holding(b, quantity=NAN), "investments_quantity_finite_check"),
    (fintech.upsert_investment, lambda u, a, b: _holding(b, unit_cost=NAN), "investments_average_cost_finite_check"),
    (fintech.upsert_investment, lambda u, a, b: _holding(b, current_price=NAN), "investments_current_price_finite_check"),
    (fintech.create_deposit, lambda u, a, b: {"account_id": a.id, "amount": D("1"), "description": LONG}, "transactions_description_length_check"),
    (fintech.create_transfer, lambda u, a, b: {"user_id": u.id, "from_account_id": a.id, "to_account_id": b.id,
        "amount": D("1"), "idempotency_key": "long", "fx_rate": None, "description": LONG}, "transfers_description_length_check"),
]  # fmt: skip


@pytest.mark.parametrize(("fn", "kwargs", "constraint"), APP_CASES)
async def test_the_service_cannot_write_bad_values(
    fdb: Database, owner: Database, fn: Any, kwargs: Any, constraint: str
) -> None:
    user, a, brokerage = await _setup(fdb)
    before = await _counts(owner)
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fn(conn, **kwargs(user, a, brokerage))
    assert info.value.constraint == constraint
    assert info.value.schema == "fintech" and constraint.startswith(f"{info.value.table}_")
    assert await _counts(owner) == before


async def _counts(owner: Database) -> tuple[Any, ...]:
    async with owner.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM fintech.accounts), (SELECT count(*) FROM fintech.cards),"
            " (SELECT count(*) FROM fintech.investments), (SELECT count(*) FROM fintech.transactions),"
            " (SELECT count(*) FROM fintech.transfers), (SELECT sum(balance) FROM fintech.accounts)"
        )
    assert row is not None
    return tuple(row)


async def test_a_sub_precision_limit_is_refused_on_update_too(fdb: Database) -> None:
    user, a, _ = await _setup(fdb)
    async with fdb.transaction(user_id=user.id) as conn:
        card = await fintech.create_card(conn, **_card(user, a, spending_limit=D("12.3456")))
        assert card.spending_limit == D("12.3456")  # four decimals are kept as given
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.update_card_spending_limit(
                conn, card_id=card.id, user_id=user.id, spending_limit=D("12.34567")
            )
    assert info.value.constraint == "cards_spending_limit_scale_check"
    assert "4 decimals" in str(info.value)
    async with fdb.transaction(user_id=user.id) as conn:
        again = await fintech.get_card_by_id(conn, card_id=card.id, user_id=user.id)
    assert again is not None and again.spending_limit == D("12.3456")


async def test_nan_never_reaches_the_ledger_through_the_posting_functions(
    fdb: Database, owner: Database
) -> None:
    user, a, b = await _setup(fdb)
    other = await make_account(fdb, user.id, currency="EUR")
    before = await _counts(owner)
    for fn, kwargs in [
        (fintech.create_deposit, {"account_id": a.id, "amount": NAN, "description": None}),
        (fintech.create_withdrawal, {"account_id": a.id, "amount": NAN, "description": None}),
        (
            fintech.create_transfer,
            {"user_id": user.id, "from_account_id": a.id, "to_account_id": b.id, "amount": NAN,
             "idempotency_key": "nan", "fx_rate": None, "description": None},
        ),
        (
            fintech.create_transfer,
            {"user_id": user.id, "from_account_id": a.id, "to_account_id": other.id, "amount": D("1"),
             "idempotency_key": "nan-rate", "fx_rate": NAN, "description": None},
        ),
    ]:  # fmt: skip
        with pytest.raises(errors.CheckViolation) as info:
            async with fdb.transaction(user_id=user.id) as conn:
                await fn(conn, **kwargs)  # type: ignore[operator]
        assert info.value.constraint is not None
        assert info.value.constraint.endswith("_finite_check"), info.value.constraint
    assert await _counts(owner) == before


# Columns only the posting functions write: the checks hold for their owner too.
OWNER_CASES = [
    (
        "UPDATE fintech.accounts SET balance = 'NaN' WHERE id = $1",
        "accounts_balance_finite_check",
    ),
    (
        "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after)"
        " VALUES (core.uuid_v7(), $1, 'NaN', 'USD', 'deposit', 105)",
        "transactions_amount_finite_check",
    ),
    (
        "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after)"
        " VALUES (core.uuid_v7(), $1, 5, 'USD', 'deposit', 'NaN')",
        "transactions_balance_after_finite_check",
    ),
    (
        "INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after,"
        " description) VALUES (core.uuid_v7(), $1, 5, 'USD', 'deposit', 105, repeat('x', 501))",
        "transactions_description_length_check",
    ),
]
for _table in ("transfers", "p2p_transactions"):
    _cols = (
        "user_id, from_account_id, to_account_id"
        if _table == "transfers"
        else "sender_id, recipient_id, from_account_id, to_account_id"
    )
    _who = "a.user_id, a.id, b.id" if _table == "transfers" else "a.user_id, b.user_id, a.id, b.id"
    _extra = "note" if _table == "p2p_transactions" else "description"
    for _values, _constraint in [
        (
            "'NaN', 'USD', NULL, 'NaN', 'USD', 'pending', NULL, NULL",
            f"{_table}_amount_finite_check",
        ),
        (
            "1, 'USD', NULL, 'NaN', 'USD', 'pending', NULL, NULL",
            f"{_table}_credited_amount_finite_check",
        ),
        (
            "1, 'USD', NULL, 1, 'USD', 'failed', repeat('x', 501), NULL",
            f"{_table}_failure_reason_length_check",
        ),
        (
            "1, 'USD', NULL, 1, 'USD', 'pending', NULL, repeat('x', 501)",
            f"{_table}_{_extra}_length_check",
        ),
    ]:
        OWNER_CASES.append(
            (
                f"INSERT INTO fintech.{_table} ({_cols}, amount, currency, fx_rate, credited_amount,"
                f" credited_currency, status, failure_reason, {_extra}, idempotency_key)"
                f" SELECT {_who}, {_values}, 'k' FROM fintech.accounts a, fintech.accounts b"
                " WHERE a.id = $1 AND b.id = $2",
                _constraint,
            )
        )


@pytest.mark.parametrize(("sql", "constraint"), OWNER_CASES)
async def test_the_posting_columns_refuse_bad_values(
    fdb: Database, owner: Database, sql: str, constraint: str
) -> None:
    _user, a, _ = await _setup(fdb)
    payee = await make_user(fdb)
    b = await make_account(fdb, payee.id)
    with pytest.raises(errors.CheckViolation) as info:
        async with owner.transaction() as conn:
            await conn.execute(POSTING)
            await conn.execute(sql, *((a.id, b.id) if "$2" in sql else (a.id,)))
    assert info.value.constraint == constraint


@pytest.mark.parametrize("table", ["transfers", "p2p_transactions"])
async def test_a_nan_rate_is_refused(fdb: Database, owner: Database, table: str) -> None:
    """fx_rate's own finite check can never be the first to fail: a NaN rate makes the credited
    amount NaN (its finite check, named earlier) or unequal to amount x rate (fx_rate_check). The
    rate is refused either way; the catalog test below proves the check exists and is valid."""
    _user, a, _ = await _setup(fdb)
    payee = await make_user(fdb)
    b = await make_account(fdb, payee.id, currency="EUR")
    cols, who = (
        ("user_id, from_account_id, to_account_id", "a.user_id, a.id, b.id")
        if table == "transfers"
        else (
            "sender_id, recipient_id, from_account_id, to_account_id",
            "a.user_id, b.user_id, a.id, b.id",
        )
    )
    for credited in ("'NaN'", "1"):
        with pytest.raises(errors.CheckViolation) as info:
            async with owner.transaction() as conn:
                await conn.execute(POSTING)
                await conn.execute(
                    f"INSERT INTO fintech.{table} ({cols}, amount, currency, fx_rate,"
                    " credited_amount, credited_currency, idempotency_key)"
                    f" SELECT {who}, 1, 'USD', 'NaN', {credited}, 'EUR', 'k'"
                    " FROM fintech.accounts a, fintech.accounts b WHERE a.id = $1 AND b.id = $2",
                    a.id,
                    b.id,
                )
        assert info.value.constraint in (
            f"{table}_credited_amount_finite_check",
            f"{table}_fx_rate_check",
        )


async def test_infinity_in_a_fixed_scale_column_is_a_data_error(fdb: Database) -> None:
    user, _a, brokerage = await _setup(fdb)
    with pytest.raises(errors.DataError):
        async with fdb.transaction(user_id=user.id) as conn:
            await fintech.upsert_investment(conn, **_holding(brokerage, current_price=INF))


async def test_password_hash_length(fdb: Database) -> None:
    long_hash = ARGON2.rsplit("$", 1)[0] + "$" + "A" * 300
    with pytest.raises(errors.CheckViolation) as info:
        async with fdb.transaction() as conn:
            await fintech.create_user(conn, **user_fields(password_hash=long_hash))
    assert info.value.constraint == "users_password_hash_length_check"
    assert "255" in str(info.value)


async def test_every_numeric_and_text_column_is_bounded(owner: Database) -> None:
    """From the catalog, so a column added later without its check fails here."""
    async with owner.acquire() as conn:
        columns = await conn.fetch(
            "SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod)"
            " AS type, a.attgenerated <> '' AS generated,"
            " col_description(c.oid, a.attnum) AS comment"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'fintech'::regnamespace AND c.relkind IN ('r', 'p')"
            " AND NOT c.relispartition"
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('numeric'::regtype, 'text'::regtype)"
        )
        constraints = await conn.fetch(
            "SELECT c.conname, c.conrelid::regclass::text AS rel, pg_get_constraintdef(c.oid) AS def,"
            " array(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid"
            " AND attnum = ANY(c.conkey))::text[] AS columns"
            " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " WHERE c.connamespace = 'fintech'::regnamespace"
            " AND c.contype = 'c' AND c.convalidated AND NOT t.relispartition"
        )
    checks = {r["conname"]: r["def"] for r in constraints}
    assert len(columns) > 30
    numeric = [c for c in columns if c["type"].startswith("numeric") and not c["generated"]]
    assert len(numeric) == 24
    for c in numeric:
        name = f"{c['table']}_{c['column']}_finite_check"
        assert name in checks and "NaN" in checks[name] and "Infinity" in checks[name], name
        if c["type"] == "numeric":  # unconstrained: the column itself must refuse a 5th decimal
            assert f"{c['table']}_{c['column']}_scale_check" in checks, name
    for c in columns:
        if c["type"] != "text":
            continue
        own = [
            r["def"].replace("\\+", "")
            for r in constraints
            if r["rel"] == f"fintech.{c['table']}" and c["column"] in r["columns"]
        ]
        bounded = any(
            "length(" in d
            or "ANY (ARRAY[" in d
            or " = '" in d
            or ("~ '" in d and "+" not in d and "*" not in d)
            for d in own
        )
        assert bounded, f"{c['table']}.{c['column']} has no length bound"
        if f"{c['table']}_{c['column']}_length_check" in checks:
            assert c["comment"] and "at most" in c["comment"].lower(), f"{c['table']}.{c['column']}"
