-- fintech: the money flows beyond moving money between accounts, each one SECURITY DEFINER
-- function (owned by datalayer_owner, search_path pinned, EXECUTE for named roles only) that posts
-- one balanced ledger posting and records the request in a table of its own:
--   fintech.pay_with_card / fintech.refund_card_payment   fintech.card_payments
--   fintech.charge_fee                                     fintech.fees
--   fintech.accrue_interest                                fintech.interest_accruals
--   fintech.buy_investment / fintech.sell_investment       fintech.investment_trades
--
-- Idempotency: each request carries a client key, unique in the flow's own table (per card, per
-- account; interest once per account and month by a unique key). A retry returns the first
-- result and posts nothing; the same key for a different request is refused (DL004). The keys are
-- deliberately not a unique index on the ledger (fintech.transactions): once the ledger is
-- range-partitioned by month, a unique constraint there would have to include the partition key,
-- and a retry in another month would post twice.
--
-- Locking: a card payment locks the card row, then the account (FOR NO KEY UPDATE), so concurrent
-- payments on one card check its spending limit one after the other; trades lock the account, then
-- the holding. Every other movement locks accounts only, so no lock cycle arises.
--
-- Errors carry their own SQLSTATE (mapped to typed errors by datalayer) and name the function,
-- parameter, table, column and constraint, never a value: DL001 insufficient funds, DL002 account
-- not active, DL004 key reused, DL005 card not usable (frozen, cancelled, expired or not the
-- account's), DL006 spending limit exceeded, DL007 more sold than held, P0002 not found,
-- 23514 bad input (amounts <= 0 or with more than 4 decimals, quantities with more than 8).
-- depends: 0017.fintech.validate-ledger-kinds 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- card payments and refunds ------------------------------------------------------------------

CREATE TABLE fintech.card_payments (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    card_id uuid NOT NULL,
    account_id uuid NOT NULL,
    kind text NOT NULL,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    merchant text NOT NULL,
    refund_of uuid,
    idempotency_key text NOT NULL,
    posting_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT card_payments_pkey PRIMARY KEY (id),
    CONSTRAINT card_payments_card_id_idempotency_key_key UNIQUE (card_id, idempotency_key),
    CONSTRAINT card_payments_id_card_id_key UNIQUE (id, card_id),
    CONSTRAINT card_payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES fintech.users (id) ON DELETE RESTRICT,
    CONSTRAINT card_payments_card_id_fkey FOREIGN KEY (card_id) REFERENCES fintech.cards (id) ON DELETE RESTRICT,
    CONSTRAINT card_payments_account_id_fkey FOREIGN KEY (account_id, user_id) REFERENCES fintech.accounts (id, user_id) ON DELETE RESTRICT,
    CONSTRAINT card_payments_currency_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT,
    CONSTRAINT card_payments_refund_of_fkey FOREIGN KEY (refund_of, card_id) REFERENCES fintech.card_payments (id, card_id) ON DELETE RESTRICT,
    CONSTRAINT card_payments_kind_check CHECK (kind IN ('payment', 'refund')),
    CONSTRAINT card_payments_refund_of_check CHECK ((kind = 'refund') = (refund_of IS NOT NULL)),
    CONSTRAINT card_payments_amount_check CHECK (amount > 0),
    CONSTRAINT card_payments_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT card_payments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT card_payments_merchant_check CHECK (length(btrim(merchant)) BETWEEN 1 AND 200 AND merchant !~ '[0-9]{12,}'),
    CONSTRAINT card_payments_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200)
);

COMMENT ON TABLE fintech.card_payments IS 'Card payments (authorised and captured in one step) and their refunds, each with its own ledger posting; append-only, written only by fintech.pay_with_card and fintech.refund_card_payment.';

COMMENT ON COLUMN fintech.card_payments.kind IS 'payment (debits the account) or refund (credits it back, refund_of names the payment).';

COMMENT ON COLUMN fintech.card_payments.amount IS 'Positive, in the account''s currency.';

COMMENT ON COLUMN fintech.card_payments.merchant IS 'Who was paid; 1 to 200 characters, never a card number.';

COMMENT ON COLUMN fintech.card_payments.idempotency_key IS 'The client''s key, unique per card: a retry returns the first row.';

COMMENT ON COLUMN fintech.card_payments.posting_id IS 'The ledger posting (fintech.transactions.posting_id) that moved the money.';

COMMENT ON CONSTRAINT card_payments_card_id_idempotency_key_key ON fintech.card_payments IS 'an idempotency key is used once per card';

COMMENT ON CONSTRAINT card_payments_account_id_fkey ON fintech.card_payments IS 'a card payment draws on an account of the card''s holder';

COMMENT ON CONSTRAINT card_payments_currency_fkey ON fintech.card_payments IS 'a card payment is in its account''s currency';

COMMENT ON CONSTRAINT card_payments_refund_of_fkey ON fintech.card_payments IS 'a refund gives back a payment of the same card';

COMMENT ON CONSTRAINT card_payments_kind_check ON fintech.card_payments IS 'kind must be payment or refund';

COMMENT ON CONSTRAINT card_payments_refund_of_check ON fintech.card_payments IS 'a refund names the payment it gives back; a payment names none';

COMMENT ON CONSTRAINT card_payments_amount_check ON fintech.card_payments IS 'amount must be greater than zero';

COMMENT ON CONSTRAINT card_payments_merchant_check ON fintech.card_payments IS 'merchant must have 1 to 200 characters and cannot contain a card number';

COMMENT ON CONSTRAINT card_payments_idempotency_key_check ON fintech.card_payments IS 'idempotency_key must have 1 to 200 characters';

COMMENT ON CONSTRAINT card_payments_amount_finite_check ON fintech.card_payments IS 'amount must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT card_payments_currency_check ON fintech.card_payments IS 'currency must be an ISO 4217 code of three capital letters';

CREATE INDEX card_payments_card_id_created_at_idx ON fintech.card_payments (card_id, created_at) INCLUDE (kind, amount);

CREATE INDEX card_payments_user_id_idx ON fintech.card_payments (user_id);

CREATE INDEX card_payments_account_id_idx ON fintech.card_payments (account_id, user_id);

CREATE INDEX card_payments_refund_of_idx ON fintech.card_payments (refund_of, card_id) WHERE refund_of IS NOT NULL;

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.card_payments
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

-- fees ---------------------------------------------------------------------------------------

CREATE TABLE fintech.fees (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    account_id uuid NOT NULL,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    description text NOT NULL,
    idempotency_key text NOT NULL,
    posting_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fees_pkey PRIMARY KEY (id),
    CONSTRAINT fees_account_id_idempotency_key_key UNIQUE (account_id, idempotency_key),
    CONSTRAINT fees_account_id_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT,
    CONSTRAINT fees_amount_check CHECK (amount > 0),
    CONSTRAINT fees_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT fees_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT fees_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    CONSTRAINT fees_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200)
);

COMMENT ON TABLE fintech.fees IS 'Fees charged to accounts, each with its own ledger posting (kind fee); append-only, written only by fintech.charge_fee.';

COMMENT ON COLUMN fintech.fees.description IS 'What the fee is for, shown on the statement; 1 to 500 characters.';

COMMENT ON COLUMN fintech.fees.idempotency_key IS 'The caller''s key, unique per account: a retry returns the first row.';

COMMENT ON CONSTRAINT fees_account_id_idempotency_key_key ON fintech.fees IS 'an idempotency key is used once per account';

COMMENT ON CONSTRAINT fees_account_id_fkey ON fintech.fees IS 'a fee is charged to an existing account, in its currency';

COMMENT ON CONSTRAINT fees_amount_check ON fintech.fees IS 'amount must be greater than zero';

COMMENT ON CONSTRAINT fees_description_check ON fintech.fees IS 'description must have 1 to 500 characters';

COMMENT ON CONSTRAINT fees_idempotency_key_check ON fintech.fees IS 'idempotency_key must have 1 to 200 characters';

COMMENT ON CONSTRAINT fees_amount_finite_check ON fintech.fees IS 'amount must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT fees_currency_check ON fintech.fees IS 'currency must be an ISO 4217 code of three capital letters';

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.fees
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

-- interest -----------------------------------------------------------------------------------

CREATE TABLE fintech.interest_accruals (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    account_id uuid NOT NULL,
    account_type text NOT NULL DEFAULT 'savings',
    period_start date NOT NULL,
    period_end date NOT NULL,
    annual_rate numeric(9, 8) NOT NULL,
    day_count text NOT NULL DEFAULT 'actual/365',
    balance_days numeric(28, 4) NOT NULL,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    posting_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT interest_accruals_pkey PRIMARY KEY (id),
    CONSTRAINT interest_accruals_account_id_period_start_key UNIQUE (account_id, period_start),
    CONSTRAINT interest_accruals_account_id_fkey FOREIGN KEY (account_id, account_type) REFERENCES fintech.accounts (id, account_type) ON DELETE RESTRICT,
    CONSTRAINT interest_accruals_currency_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT,
    CONSTRAINT interest_accruals_account_type_check CHECK (account_type = 'savings'),
    CONSTRAINT interest_accruals_period_check CHECK (
        period_start = date_trunc('month', period_start)::date AND period_end = (period_start + interval '1 month')::date
    ),
    CONSTRAINT interest_accruals_annual_rate_check CHECK (annual_rate >= 0 AND annual_rate < 1),
    CONSTRAINT interest_accruals_day_count_check CHECK (day_count = 'actual/365'),
    CONSTRAINT interest_accruals_annual_rate_finite_check CHECK (annual_rate NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT interest_accruals_balance_days_finite_check CHECK (balance_days NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT interest_accruals_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT interest_accruals_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT interest_accruals_amount_check CHECK (amount >= 0 AND (amount > 0) = (posting_id IS NOT NULL))
);

COMMENT ON TABLE fintech.interest_accruals IS 'Interest credited to savings accounts, one row per account and calendar month (a unique key: a re-run posts nothing); written only by fintech.accrue_interest.';

COMMENT ON COLUMN fintech.interest_accruals.account_type IS 'Always savings: with the composite foreign key it proves the account''s type.';

COMMENT ON COLUMN fintech.interest_accruals.period_start IS 'The first day of the calendar month the interest is for (UTC dates).';

COMMENT ON COLUMN fintech.interest_accruals.period_end IS 'The first day of the next month (exclusive).';

COMMENT ON COLUMN fintech.interest_accruals.annual_rate IS 'Simple annual rate as a fraction (0.025 = 2.5 %), at most 8 decimals.';

COMMENT ON COLUMN fintech.interest_accruals.day_count IS 'actual/365: each calendar day earns annual_rate / 365 on that day''s closing balance.';

COMMENT ON COLUMN fintech.interest_accruals.balance_days IS 'Sum over the days of the period of each day''s closing balance (UTC midnight), negative balances counted as zero.';

COMMENT ON COLUMN fintech.interest_accruals.amount IS 'round(balance_days * annual_rate / 365, 4), half away from zero; zero posts nothing.';

COMMENT ON COLUMN fintech.interest_accruals.posting_id IS 'The ledger posting (kind interest); null when the amount is zero.';

COMMENT ON CONSTRAINT interest_accruals_account_id_period_start_key ON fintech.interest_accruals IS 'interest is posted once per account and period';

COMMENT ON CONSTRAINT interest_accruals_account_id_fkey ON fintech.interest_accruals IS 'interest accrues on savings accounts only';

COMMENT ON CONSTRAINT interest_accruals_currency_fkey ON fintech.interest_accruals IS 'interest is in its account''s currency';

COMMENT ON CONSTRAINT interest_accruals_account_type_check ON fintech.interest_accruals IS 'interest accrues on savings accounts only';

COMMENT ON CONSTRAINT interest_accruals_period_check ON fintech.interest_accruals IS 'a period is one calendar month: period_start is the first day of a month';

COMMENT ON CONSTRAINT interest_accruals_annual_rate_check ON fintech.interest_accruals IS 'annual_rate must be a fraction from 0 up to (not including) 1';

COMMENT ON CONSTRAINT interest_accruals_day_count_check ON fintech.interest_accruals IS 'day_count must be actual/365';

COMMENT ON CONSTRAINT interest_accruals_amount_check ON fintech.interest_accruals IS 'amount cannot be negative; a posting exists exactly when it is greater than zero';

COMMENT ON CONSTRAINT interest_accruals_annual_rate_finite_check ON fintech.interest_accruals IS 'annual_rate must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT interest_accruals_balance_days_finite_check ON fintech.interest_accruals IS 'balance_days must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT interest_accruals_amount_finite_check ON fintech.interest_accruals IS 'amount must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT interest_accruals_currency_check ON fintech.interest_accruals IS 'currency must be an ISO 4217 code of three capital letters';

CREATE INDEX interest_accruals_account_id_idx ON fintech.interest_accruals (account_id, account_type);

CREATE INDEX interest_accruals_currency_idx ON fintech.interest_accruals (account_id, currency);

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.interest_accruals
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

-- investment trades --------------------------------------------------------------------------

CREATE TABLE fintech.investment_trades (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    account_id uuid NOT NULL,
    account_type text NOT NULL DEFAULT 'investment',
    symbol text NOT NULL,
    side text NOT NULL,
    quantity numeric(28, 8) NOT NULL,
    price numeric(19, 4) NOT NULL,
    amount numeric(19, 4) NOT NULL,
    currency text NOT NULL,
    cost_basis_change numeric(19, 4) NOT NULL,
    realised_gain numeric(19, 4),
    idempotency_key text NOT NULL,
    posting_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT investment_trades_pkey PRIMARY KEY (id),
    CONSTRAINT investment_trades_account_id_idempotency_key_key UNIQUE (account_id, idempotency_key),
    CONSTRAINT investment_trades_account_id_fkey FOREIGN KEY (account_id, account_type) REFERENCES fintech.accounts (id, account_type) ON DELETE RESTRICT,
    CONSTRAINT investment_trades_currency_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT,
    CONSTRAINT investment_trades_account_type_check CHECK (account_type = 'investment'),
    CONSTRAINT investment_trades_symbol_check CHECK (symbol ~ '^[A-Z0-9][A-Z0-9.\-]{0,11}$'),
    CONSTRAINT investment_trades_side_check CHECK (side IN ('buy', 'sell')),
    CONSTRAINT investment_trades_quantity_check CHECK (quantity > 0),
    CONSTRAINT investment_trades_price_check CHECK (price > 0),
    CONSTRAINT investment_trades_quantity_finite_check CHECK (quantity NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT investment_trades_price_finite_check CHECK (price NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT investment_trades_amount_finite_check CHECK (amount NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT investment_trades_cost_basis_change_finite_check CHECK (cost_basis_change NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT investment_trades_realised_gain_finite_check CHECK (realised_gain NOT IN ('NaN', 'Infinity', '-Infinity')),
    CONSTRAINT investment_trades_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT investment_trades_amount_check CHECK (amount > 0 AND amount = round(quantity * price, 4)),
    CONSTRAINT investment_trades_realised_gain_check CHECK (
        (side = 'buy' AND realised_gain IS NULL AND cost_basis_change >= 0)
        OR (side = 'sell' AND realised_gain = amount + cost_basis_change AND cost_basis_change <= 0)
    ),
    CONSTRAINT investment_trades_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200)
);

COMMENT ON TABLE fintech.investment_trades IS 'Buys and sells of holdings (fintech.investments), each with its own ledger posting (kind investment) moving the account''s cash; append-only, written only by fintech.buy_investment and fintech.sell_investment.';

COMMENT ON COLUMN fintech.investment_trades.quantity IS 'Units bought or sold; at most 8 decimals.';

COMMENT ON COLUMN fintech.investment_trades.price IS 'Price per unit in the account''s currency, as quoted to the caller; at most 4 decimals.';

COMMENT ON COLUMN fintech.investment_trades.amount IS 'Cash paid (buy) or received (sell): round(quantity * price, 4).';

COMMENT ON COLUMN fintech.investment_trades.cost_basis_change IS 'How the holding''s cost_basis changed: up on a buy (by the amount, give or take the rounding of average_cost to 4 decimals), down on a sell (by the cost of the units sold).';

COMMENT ON COLUMN fintech.investment_trades.realised_gain IS 'Sells only: amount minus the cost basis given up (average cost method); negative for a loss.';

COMMENT ON COLUMN fintech.investment_trades.idempotency_key IS 'The client''s key, unique per account: a retry returns the first row.';

COMMENT ON CONSTRAINT investment_trades_account_id_idempotency_key_key ON fintech.investment_trades IS 'an idempotency key is used once per account';

COMMENT ON CONSTRAINT investment_trades_account_id_fkey ON fintech.investment_trades IS 'trades happen in investment accounts';

COMMENT ON CONSTRAINT investment_trades_currency_fkey ON fintech.investment_trades IS 'a trade is in its account''s currency';

COMMENT ON CONSTRAINT investment_trades_account_type_check ON fintech.investment_trades IS 'trades happen in investment accounts';

COMMENT ON CONSTRAINT investment_trades_symbol_check ON fintech.investment_trades IS 'symbol must be 1 to 12 capital letters, digits, dots or dashes';

COMMENT ON CONSTRAINT investment_trades_side_check ON fintech.investment_trades IS 'side must be buy or sell';

COMMENT ON CONSTRAINT investment_trades_quantity_check ON fintech.investment_trades IS 'quantity must be greater than zero';

COMMENT ON CONSTRAINT investment_trades_price_check ON fintech.investment_trades IS 'price must be greater than zero';

COMMENT ON CONSTRAINT investment_trades_amount_check ON fintech.investment_trades IS 'amount must be quantity times price (rounded to 4 decimals) and greater than zero';

COMMENT ON CONSTRAINT investment_trades_realised_gain_check ON fintech.investment_trades IS 'a buy raises the cost basis and realises nothing; a sell lowers it and realises amount plus the (negative) cost basis change';

COMMENT ON CONSTRAINT investment_trades_idempotency_key_check ON fintech.investment_trades IS 'idempotency_key must have 1 to 200 characters';

COMMENT ON CONSTRAINT investment_trades_quantity_finite_check ON fintech.investment_trades IS 'quantity must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT investment_trades_price_finite_check ON fintech.investment_trades IS 'price must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT investment_trades_amount_finite_check ON fintech.investment_trades IS 'amount must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT investment_trades_cost_basis_change_finite_check ON fintech.investment_trades IS 'cost_basis_change must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT investment_trades_realised_gain_finite_check ON fintech.investment_trades IS 'realised_gain must be a number (not NaN nor infinite)';

COMMENT ON CONSTRAINT investment_trades_currency_check ON fintech.investment_trades IS 'currency must be an ISO 4217 code of three capital letters';

CREATE INDEX investment_trades_account_id_created_at_idx ON fintech.investment_trades (account_id, created_at DESC, id);

CREATE INDEX investment_trades_account_id_idx ON fintech.investment_trades (account_id, account_type);

CREATE INDEX investment_trades_currency_idx ON fintech.investment_trades (account_id, currency);

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.investment_trades
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

-- shared checks ------------------------------------------------------------------------------

CREATE FUNCTION fintech._check_money(p_function text, p_parameter text, p_table text, p_value numeric, p_scale integer)
RETURNS void
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_value IS NULL OR p_value <= 0 OR p_value IN ('NaN', 'Infinity') THEN
        RAISE EXCEPTION '%: % must be a number greater than zero', p_function, p_parameter
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = p_table, COLUMN = p_parameter,
                  CONSTRAINT = p_table || '_' || p_parameter || '_check';
    END IF;
    IF p_value <> round(p_value, p_scale) THEN
        RAISE EXCEPTION '%: % has more than % decimal places', p_function, p_parameter, p_scale
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = p_table, COLUMN = p_parameter,
                  CONSTRAINT = p_table || '_' || p_parameter || '_scale_check';
    END IF;
END;
$$;

COMMENT ON FUNCTION fintech._check_money(text, text, text, numeric, integer) IS 'Internal: refuses a value that is missing, not above zero, not finite or has more than p_scale decimals (never rounded), naming the function, parameter and constraint.';

CREATE FUNCTION fintech._require_active(p_function text, p_account fintech.accounts) RETURNS void
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_account.status <> 'active' THEN
        RAISE EXCEPTION '%: the account is not active', p_function
            USING ERRCODE = 'DL002', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'status',
                  CONSTRAINT = 'accounts_status_check';
    END IF;
END;
$$;

COMMENT ON FUNCTION fintech._require_active(text, fintech.accounts) IS 'Internal: DL002 unless the account is active.';

CREATE FUNCTION fintech._require_funds(p_function text, p_account fintech.accounts, p_amount numeric) RETURNS void
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_account.balance - p_amount < -p_account.credit_limit THEN
        RAISE EXCEPTION '%: insufficient funds in the account', p_function
            USING ERRCODE = 'DL001', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'balance',
                  CONSTRAINT = 'accounts_balance_check';
    END IF;
END;
$$;

COMMENT ON FUNCTION fintech._require_funds(text, fintech.accounts, numeric) IS 'Internal: DL001 unless the account can cover the amount (balance plus credit limit).';

CREATE FUNCTION fintech._key_reused(p_function text, p_table text) RETURNS void
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '%: the idempotency key was already used for a different request', p_function
        USING ERRCODE = 'DL004', SCHEMA = 'fintech', TABLE = p_table, COLUMN = 'idempotency_key',
              CONSTRAINT = p_table || '_idempotency_key_check';
END;
$$;

COMMENT ON FUNCTION fintech._key_reused(text, text) IS 'Internal: DL004, the key was used for a different request.';

-- card payments ------------------------------------------------------------------------------

CREATE FUNCTION fintech.pay_with_card(
    p_user_id uuid,
    p_account_id uuid,
    p_card_id uuid,
    p_amount numeric,
    p_merchant text,
    p_idempotency_key text
) RETURNS fintech.card_payments
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_card fintech.cards;
    v_account fintech.accounts;
    v_payment fintech.card_payments;
    v_spent numeric;
    v_month_start timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    v_posting uuid := core.uuid_v7();
BEGIN
    PERFORM fintech._require_user(p_user_id);
    -- the card's lock serialises its payments: the limit is checked against every earlier one
    SELECT * INTO v_card FROM fintech.cards WHERE id = p_card_id AND user_id = p_user_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fintech.pay_with_card: card not found (p_card_id)'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'cards';
    END IF;
    SELECT * INTO v_payment FROM fintech.card_payments WHERE card_id = p_card_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF (v_payment.kind, v_payment.account_id, v_payment.amount, v_payment.merchant)
            IS DISTINCT FROM ('payment', p_account_id, p_amount::numeric(19, 4), p_merchant) THEN
            PERFORM fintech._key_reused('fintech.pay_with_card', 'card_payments');
        END IF;
        RETURN v_payment;
    END IF;
    PERFORM fintech._check_money('fintech.pay_with_card', 'amount', 'card_payments', p_amount, 4);
    IF v_card.account_id IS DISTINCT FROM p_account_id THEN
        RAISE EXCEPTION 'fintech.pay_with_card: the card does not draw on this account (p_account_id)'
            USING ERRCODE = 'DL005', SCHEMA = 'fintech', TABLE = 'cards', COLUMN = 'account_id',
                  CONSTRAINT = 'card_payments_account_id_fkey';
    END IF;
    IF v_card.status IN ('frozen', 'cancelled') THEN
        RAISE EXCEPTION 'fintech.pay_with_card: the card is blocked (p_card_id)'
            USING ERRCODE = 'DL005', SCHEMA = 'fintech', TABLE = 'cards', COLUMN = 'status',
                  CONSTRAINT = 'cards_status_check';
    END IF;
    -- a card is valid to the last day of its expiry month (UTC)
    IF v_card.status = 'expired'
        OR make_date(v_card.expiry_year, v_card.expiry_month, 1) < date_trunc('month', now() AT TIME ZONE 'UTC')::date THEN
        RAISE EXCEPTION 'fintech.pay_with_card: the card has expired (p_card_id)'
            USING ERRCODE = 'DL005', SCHEMA = 'fintech', TABLE = 'cards', COLUMN = 'expiry_month',
                  CONSTRAINT = 'cards_expiry_check';
    END IF;
    IF v_card.spending_limit IS NOT NULL THEN
        SELECT coalesce(sum(p.amount), 0) INTO v_spent
        FROM fintech.card_payments AS p
        WHERE p.card_id = p_card_id AND p.kind = 'payment' AND p.created_at >= v_month_start;
        IF v_spent + p_amount > v_card.spending_limit THEN
            RAISE EXCEPTION 'fintech.pay_with_card: the payment would exceed the card''s monthly spending limit (p_amount)'
                USING ERRCODE = 'DL006', SCHEMA = 'fintech', TABLE = 'cards', COLUMN = 'spending_limit',
                      CONSTRAINT = 'cards_spending_limit_check';
        END IF;
    END IF;
    SELECT * INTO v_account FROM fintech.accounts WHERE id = p_account_id FOR NO KEY UPDATE;
    PERFORM fintech._require_active('fintech.pay_with_card', v_account);
    PERFORM fintech._require_funds('fintech.pay_with_card', v_account, p_amount);
    INSERT INTO fintech.card_payments (user_id, card_id, account_id, kind, amount, currency, merchant, idempotency_key, posting_id)
    VALUES (p_user_id, p_card_id, p_account_id, 'payment', p_amount, v_account.currency, p_merchant, p_idempotency_key, v_posting)
    RETURNING * INTO v_payment;
    PERFORM fintech._post_entry(v_posting, p_account_id, -p_amount, v_account.currency, 'card_payment', NULL, NULL, p_merchant);
    PERFORM fintech._post_entry(v_posting, NULL, p_amount, v_account.currency, 'card_payment', NULL, NULL, p_merchant);
    RETURN v_payment;
END;
$$;

COMMENT ON FUNCTION fintech.pay_with_card(uuid, uuid, uuid, numeric, text, text) IS 'Pays with a card of the transaction''s user (authorised and captured in one step), idempotently per card: refused when the card is frozen, cancelled or expired (valid through its expiry month, UTC), does not draw on the given account, or when the payment would take the card''s payments in the current calendar month (UTC; refunds do not count back) above its spending_limit; debits the account (funds checked) against the clearing leg. Returns the payment.';

CREATE FUNCTION fintech.refund_card_payment(
    p_user_id uuid,
    p_payment_id uuid,
    p_amount numeric,
    p_idempotency_key text
) RETURNS fintech.card_payments
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_payment fintech.card_payments;
    v_refund fintech.card_payments;
    v_account fintech.accounts;
    v_refunded numeric;
    v_posting uuid := core.uuid_v7();
BEGIN
    PERFORM fintech._require_user(p_user_id);
    SELECT * INTO v_payment FROM fintech.card_payments WHERE id = p_payment_id AND user_id = p_user_id AND kind = 'payment';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fintech.refund_card_payment: payment not found (p_payment_id)'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'card_payments';
    END IF;
    PERFORM 1 FROM fintech.cards WHERE id = v_payment.card_id FOR NO KEY UPDATE;
    SELECT * INTO v_refund FROM fintech.card_payments WHERE card_id = v_payment.card_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF (v_refund.kind, v_refund.refund_of, v_refund.amount)
            IS DISTINCT FROM ('refund', p_payment_id, p_amount::numeric(19, 4)) THEN
            PERFORM fintech._key_reused('fintech.refund_card_payment', 'card_payments');
        END IF;
        RETURN v_refund;
    END IF;
    PERFORM fintech._check_money('fintech.refund_card_payment', 'amount', 'card_payments', p_amount, 4);
    SELECT coalesce(sum(amount), 0) INTO v_refunded
    FROM fintech.card_payments
    WHERE refund_of = p_payment_id AND card_id = v_payment.card_id;
    IF v_refunded + p_amount > v_payment.amount THEN
        RAISE EXCEPTION 'fintech.refund_card_payment: refunds cannot exceed the payment (p_amount)'
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'card_payments', COLUMN = 'amount',
                  CONSTRAINT = 'card_payments_refund_amount_check';
    END IF;
    SELECT * INTO v_account FROM fintech.accounts WHERE id = v_payment.account_id FOR NO KEY UPDATE;
    PERFORM fintech._require_active('fintech.refund_card_payment', v_account);
    INSERT INTO fintech.card_payments (user_id, card_id, account_id, kind, amount, currency, merchant, refund_of, idempotency_key, posting_id)
    VALUES (p_user_id, v_payment.card_id, v_payment.account_id, 'refund', p_amount, v_payment.currency, v_payment.merchant, p_payment_id, p_idempotency_key, v_posting)
    RETURNING * INTO v_refund;
    PERFORM fintech._post_entry(v_posting, NULL, -p_amount, v_account.currency, 'card_refund', NULL, NULL, v_payment.merchant);
    PERFORM fintech._post_entry(v_posting, v_account.id, p_amount, v_account.currency, 'card_refund', NULL, NULL, v_payment.merchant);
    RETURN v_refund;
END;
$$;

COMMENT ON FUNCTION fintech.refund_card_payment(uuid, uuid, numeric, text) IS 'Gives back all or part of a card payment of the transaction''s user as its own posting (kind card_refund), idempotently per card; the refunds of a payment never exceed it. The card may be frozen or expired meanwhile; the account must be active. Returns the refund.';

-- fees ---------------------------------------------------------------------------------------

CREATE FUNCTION fintech.charge_fee(
    p_account_id uuid,
    p_amount numeric,
    p_description text,
    p_idempotency_key text
) RETURNS fintech.fees
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
    v_fee fintech.fees;
    v_posting uuid := core.uuid_v7();
BEGIN
    PERFORM fintech._require_account(p_account_id);
    SELECT * INTO v_account FROM fintech.accounts WHERE id = p_account_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fintech.charge_fee: account not found (p_account_id)'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'accounts';
    END IF;
    SELECT * INTO v_fee FROM fintech.fees WHERE account_id = p_account_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF (v_fee.amount, v_fee.description) IS DISTINCT FROM (p_amount::numeric(19, 4), p_description) THEN
            PERFORM fintech._key_reused('fintech.charge_fee', 'fees');
        END IF;
        RETURN v_fee;
    END IF;
    PERFORM fintech._check_money('fintech.charge_fee', 'amount', 'fees', p_amount, 4);
    PERFORM fintech._require_active('fintech.charge_fee', v_account);
    PERFORM fintech._require_funds('fintech.charge_fee', v_account, p_amount);
    INSERT INTO fintech.fees (account_id, amount, currency, description, idempotency_key, posting_id)
    VALUES (p_account_id, p_amount, v_account.currency, p_description, p_idempotency_key, v_posting)
    RETURNING * INTO v_fee;
    PERFORM fintech._post_entry(v_posting, p_account_id, -p_amount, v_account.currency, 'fee', NULL, NULL, p_description);
    PERFORM fintech._post_entry(v_posting, NULL, p_amount, v_account.currency, 'fee', NULL, NULL, p_description);
    RETURN v_fee;
END;
$$;

COMMENT ON FUNCTION fintech.charge_fee(uuid, numeric, text, text) IS 'Charges a fee to an active account of the transaction''s user (or any, for fintech_worker), idempotently per account; funds checked (a fee never takes the balance below the credit limit). The fee goes to the bank''s clearing leg. Returns the fee.';

-- interest -----------------------------------------------------------------------------------

CREATE FUNCTION fintech.accrue_interest(
    p_account_id uuid,
    p_period_start date,
    p_annual_rate numeric
) RETURNS fintech.interest_accruals
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
    v_accrual fintech.interest_accruals;
    v_period_end date := (p_period_start + interval '1 month')::date;
    v_balance_days numeric;
    v_amount numeric(19, 4);
    v_posting uuid;
BEGIN
    IF NOT fintech._is_worker() THEN
        RAISE EXCEPTION 'fintech.accrue_interest: account not found (p_account_id)'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'accounts';
    END IF;
    IF p_annual_rate IS NULL OR p_annual_rate < 0 OR p_annual_rate >= 1 OR p_annual_rate <> round(p_annual_rate, 8) THEN
        RAISE EXCEPTION 'fintech.accrue_interest: annual_rate must be a fraction from 0 up to 1 with at most 8 decimals'
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'interest_accruals', COLUMN = 'annual_rate',
                  CONSTRAINT = 'interest_accruals_annual_rate_check';
    END IF;
    IF p_period_start IS NULL OR p_period_start <> date_trunc('month', p_period_start)::date THEN
        RAISE EXCEPTION 'fintech.accrue_interest: period_start must be the first day of a month'
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'interest_accruals', COLUMN = 'period_start',
                  CONSTRAINT = 'interest_accruals_period_check';
    END IF;
    IF v_period_end > (now() AT TIME ZONE 'UTC')::date THEN
        RAISE EXCEPTION 'fintech.accrue_interest: the period has not ended yet (p_period_start)'
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'interest_accruals', COLUMN = 'period_start',
                  CONSTRAINT = 'interest_accruals_period_ended_check';
    END IF;
    SELECT * INTO v_account FROM fintech.accounts WHERE id = p_account_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fintech.accrue_interest: account not found (p_account_id)'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'accounts';
    END IF;
    IF v_account.account_type <> 'savings' THEN
        RAISE EXCEPTION 'fintech.accrue_interest: interest accrues on savings accounts only (p_account_id)'
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'interest_accruals', COLUMN = 'account_type',
                  CONSTRAINT = 'interest_accruals_account_type_check';
    END IF;
    SELECT * INTO v_accrual FROM fintech.interest_accruals WHERE account_id = p_account_id AND period_start = p_period_start;
    IF FOUND THEN
        IF v_accrual.annual_rate <> p_annual_rate THEN
            RAISE EXCEPTION 'fintech.accrue_interest: interest for this period was already posted at another rate'
                USING ERRCODE = 'DL004', SCHEMA = 'fintech', TABLE = 'interest_accruals', COLUMN = 'annual_rate',
                      CONSTRAINT = 'interest_accruals_account_id_period_start_key';
        END IF;
        RETURN v_accrual;
    END IF;
    PERFORM fintech._require_active('fintech.accrue_interest', v_account);
    -- each day's closing balance: the balance before the period (the locked balance less every
    -- entry since) plus the entries up to that day's end (UTC), summed by a window over the days
    SELECT coalesce(sum(greatest(s.closing, 0)), 0) INTO v_balance_days
    FROM (
        SELECT o.opening + sum(coalesce(x.delta, 0)) OVER (ORDER BY d.day) AS closing
        FROM generate_series(p_period_start, v_period_end - 1, interval '1 day') AS d (day)
        CROSS JOIN (
            SELECT v_account.balance - coalesce(sum(t.amount), 0) AS opening
            FROM fintech.transactions AS t
            WHERE t.account_id = p_account_id
                AND t.created_at >= (p_period_start::timestamp AT TIME ZONE 'UTC')
        ) AS o
        LEFT JOIN (
            SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day, sum(t.amount) AS delta
            FROM fintech.transactions AS t
            WHERE t.account_id = p_account_id
                AND t.created_at >= (p_period_start::timestamp AT TIME ZONE 'UTC')
                AND t.created_at < (v_period_end::timestamp AT TIME ZONE 'UTC')
            GROUP BY 1
        ) AS x
            ON x.day = d.day::date
    ) AS s;
    v_amount := round(v_balance_days * p_annual_rate / 365, 4);
    IF v_amount > 0 THEN
        v_posting := core.uuid_v7();
    END IF;
    INSERT INTO fintech.interest_accruals (account_id, period_start, period_end, annual_rate, balance_days, amount, currency, posting_id)
    VALUES (p_account_id, p_period_start, v_period_end, p_annual_rate, v_balance_days, v_amount, v_account.currency, v_posting)
    RETURNING * INTO v_accrual;
    IF v_amount > 0 THEN
        PERFORM fintech._post_entry(v_posting, NULL, -v_amount, v_account.currency, 'interest', NULL, NULL, 'interest ' || to_char(p_period_start, 'YYYY-MM'));
        PERFORM fintech._post_entry(v_posting, p_account_id, v_amount, v_account.currency, 'interest', NULL, NULL, 'interest ' || to_char(p_period_start, 'YYYY-MM'));
    END IF;
    RETURN v_accrual;
END;
$$;

COMMENT ON FUNCTION fintech.accrue_interest(uuid, date, numeric) IS 'Back-office (fintech_worker only): credits a savings account''s interest for the calendar month starting p_period_start (UTC dates; the month must have ended), once: a re-run returns the first accrual and posts nothing (the same month at another rate is refused, DL004). Rate: p_annual_rate, simple, as a fraction. Day count actual/365: amount = round(sum over the month''s days of each day''s closing balance at UTC midnight (negative as zero) * p_annual_rate / 365, 4), computed from the ledger. Zero interest is recorded but posts nothing.';

-- investments --------------------------------------------------------------------------------

CREATE FUNCTION fintech._trade_account(p_function text, p_user_id uuid, p_account_id uuid) RETURNS fintech.accounts
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
BEGIN
    PERFORM fintech._require_user(p_user_id);
    SELECT * INTO v_account FROM fintech.accounts WHERE id = p_account_id AND user_id = p_user_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: account not found (p_account_id)', p_function
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'accounts';
    END IF;
    RETURN v_account;
END;
$$;

COMMENT ON FUNCTION fintech._trade_account(text, uuid, uuid) IS 'Internal: locks and returns the transaction user''s account (the lock serialises the account''s trades).';

CREATE FUNCTION fintech._check_trade(p_function text, p_account fintech.accounts, p_symbol text, p_quantity numeric, p_price numeric)
RETURNS numeric
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_amount numeric;
BEGIN
    IF p_account.account_type <> 'investment' THEN
        RAISE EXCEPTION '%: trades happen in investment accounts only (p_account_id)', p_function
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'investment_trades', COLUMN = 'account_type',
                  CONSTRAINT = 'investment_trades_account_type_check';
    END IF;
    IF p_symbol IS NULL OR p_symbol !~ '^[A-Z0-9][A-Z0-9.\-]{0,11}$' THEN
        RAISE EXCEPTION '%: symbol must be 1 to 12 capital letters, digits, dots or dashes', p_function
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'investment_trades', COLUMN = 'symbol',
                  CONSTRAINT = 'investment_trades_symbol_check';
    END IF;
    PERFORM fintech._check_money(p_function, 'quantity', 'investment_trades', p_quantity, 8);
    PERFORM fintech._check_money(p_function, 'price', 'investment_trades', p_price, 4);
    v_amount := round(p_quantity * p_price, 4);
    IF v_amount <= 0 THEN
        RAISE EXCEPTION '%: quantity times price rounds to zero', p_function
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'investment_trades', COLUMN = 'amount',
                  CONSTRAINT = 'investment_trades_amount_check';
    END IF;
    PERFORM fintech._require_active(p_function, p_account);
    RETURN v_amount;
END;
$$;

COMMENT ON FUNCTION fintech._check_trade(text, fintech.accounts, text, numeric, numeric) IS 'Internal: account type and status, symbol, quantity and price checks; returns the cash amount.';

CREATE FUNCTION fintech.buy_investment(
    p_user_id uuid,
    p_account_id uuid,
    p_symbol text,
    p_asset_type text,
    p_quantity numeric,
    p_price numeric,
    p_idempotency_key text
) RETURNS fintech.investment_trades
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
    v_trade fintech.investment_trades;
    v_holding fintech.investments;
    v_old_cost numeric(19, 4);
    v_amount numeric(19, 4);
    v_posting uuid := core.uuid_v7();
BEGIN
    v_account := fintech._trade_account('fintech.buy_investment', p_user_id, p_account_id);
    SELECT * INTO v_trade FROM fintech.investment_trades WHERE account_id = p_account_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF (v_trade.side, v_trade.symbol, v_trade.quantity, v_trade.price)
            IS DISTINCT FROM ('buy', p_symbol, p_quantity::numeric(28, 8), p_price::numeric(19, 4)) THEN
            PERFORM fintech._key_reused('fintech.buy_investment', 'investment_trades');
        END IF;
        RETURN v_trade;
    END IF;
    v_amount := fintech._check_trade('fintech.buy_investment', v_account, p_symbol, p_quantity, p_price);
    PERFORM fintech._require_funds('fintech.buy_investment', v_account, v_amount);
    SELECT coalesce(i.cost_basis, 0) INTO v_old_cost
    FROM fintech.investments AS i WHERE i.account_id = p_account_id AND i.symbol = p_symbol;
    v_old_cost := coalesce(v_old_cost, 0);
    -- average cost: what the holding cost so far plus what this buy costs, per unit held after it
    INSERT INTO fintech.investments AS i (account_id, symbol, asset_type, quantity, average_cost, current_price)
    VALUES (p_account_id, p_symbol, p_asset_type, p_quantity, round(v_amount / p_quantity, 4), p_price)
    ON CONFLICT (account_id, symbol) DO UPDATE
    SET quantity = i.quantity + excluded.quantity,
        average_cost = round((i.cost_basis + v_amount) / (i.quantity + excluded.quantity), 4),
        current_price = excluded.current_price,
        price_updated_at = now()
    RETURNING * INTO v_holding;
    INSERT INTO fintech.investment_trades (account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, idempotency_key, posting_id)
    VALUES (p_account_id, p_symbol, 'buy', p_quantity, p_price, v_amount, v_account.currency, v_holding.cost_basis - v_old_cost, p_idempotency_key, v_posting)
    RETURNING * INTO v_trade;
    PERFORM fintech._post_entry(v_posting, p_account_id, -v_amount, v_account.currency, 'investment', NULL, NULL, 'buy ' || p_symbol);
    PERFORM fintech._post_entry(v_posting, NULL, v_amount, v_account.currency, 'investment', NULL, NULL, 'buy ' || p_symbol);
    RETURN v_trade;
END;
$$;

COMMENT ON FUNCTION fintech.buy_investment(uuid, uuid, text, text, numeric, numeric, text) IS 'Buys p_quantity of p_symbol at p_price in an investment account of the transaction''s user, idempotently per account: debits round(quantity * price, 4) of the account''s cash (funds checked) against the clearing leg and creates the holding or adds to it at the average cost (rounded to 4 decimals). Returns the trade.';

CREATE FUNCTION fintech.sell_investment(
    p_user_id uuid,
    p_account_id uuid,
    p_symbol text,
    p_quantity numeric,
    p_price numeric,
    p_idempotency_key text
) RETURNS fintech.investment_trades
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
    v_trade fintech.investment_trades;
    v_holding fintech.investments;
    v_old_cost numeric(19, 4);
    v_amount numeric(19, 4);
    v_posting uuid := core.uuid_v7();
BEGIN
    v_account := fintech._trade_account('fintech.sell_investment', p_user_id, p_account_id);
    SELECT * INTO v_trade FROM fintech.investment_trades WHERE account_id = p_account_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF (v_trade.side, v_trade.symbol, v_trade.quantity, v_trade.price)
            IS DISTINCT FROM ('sell', p_symbol, p_quantity::numeric(28, 8), p_price::numeric(19, 4)) THEN
            PERFORM fintech._key_reused('fintech.sell_investment', 'investment_trades');
        END IF;
        RETURN v_trade;
    END IF;
    v_amount := fintech._check_trade('fintech.sell_investment', v_account, p_symbol, p_quantity, p_price);
    SELECT * INTO v_holding FROM fintech.investments WHERE account_id = p_account_id AND symbol = p_symbol FOR NO KEY UPDATE;
    IF NOT FOUND OR v_holding.quantity < p_quantity THEN
        RAISE EXCEPTION 'fintech.sell_investment: cannot sell more than the account holds (p_quantity)'
            USING ERRCODE = 'DL007', SCHEMA = 'fintech', TABLE = 'investments', COLUMN = 'quantity',
                  CONSTRAINT = 'investments_quantity_check';
    END IF;
    v_old_cost := v_holding.cost_basis;
    UPDATE fintech.investments
    SET quantity = quantity - p_quantity,
        current_price = p_price,
        price_updated_at = now()
    WHERE id = v_holding.id
    RETURNING * INTO v_holding;
    INSERT INTO fintech.investment_trades (account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, realised_gain, idempotency_key, posting_id)
    VALUES (p_account_id, p_symbol, 'sell', p_quantity, p_price, v_amount, v_account.currency, v_holding.cost_basis - v_old_cost,
            v_amount + (v_holding.cost_basis - v_old_cost), p_idempotency_key, v_posting)
    RETURNING * INTO v_trade;
    PERFORM fintech._post_entry(v_posting, NULL, -v_amount, v_account.currency, 'investment', NULL, NULL, 'sell ' || p_symbol);
    PERFORM fintech._post_entry(v_posting, p_account_id, v_amount, v_account.currency, 'investment', NULL, NULL, 'sell ' || p_symbol);
    RETURN v_trade;
END;
$$;

COMMENT ON FUNCTION fintech.sell_investment(uuid, uuid, text, numeric, numeric, text) IS 'Sells p_quantity of p_symbol at p_price from an investment account of the transaction''s user, idempotently per account: refused (DL007) beyond the quantity held; credits round(quantity * price, 4) to the account''s cash, lowers the holding (average cost unchanged) and records the realised gain (proceeds minus the cost basis given up). Returns the trade.';

-- privileges and row-level security ----------------------------------------------------------

REVOKE ALL ON fintech.card_payments, fintech.fees, fintech.interest_accruals, fintech.investment_trades FROM PUBLIC;

REVOKE ALL ON FUNCTION
    fintech._check_money(text, text, text, numeric, integer),
    fintech._require_active(text, fintech.accounts),
    fintech._require_funds(text, fintech.accounts, numeric),
    fintech._key_reused(text, text),
    fintech._trade_account(text, uuid, uuid),
    fintech._check_trade(text, fintech.accounts, text, numeric, numeric),
    fintech.pay_with_card(uuid, uuid, uuid, numeric, text, text),
    fintech.refund_card_payment(uuid, uuid, numeric, text),
    fintech.charge_fee(uuid, numeric, text, text),
    fintech.accrue_interest(uuid, date, numeric),
    fintech.buy_investment(uuid, uuid, text, text, numeric, numeric, text),
    fintech.sell_investment(uuid, uuid, text, numeric, numeric, text)
FROM PUBLIC;

GRANT SELECT ON fintech.card_payments, fintech.fees, fintech.interest_accruals, fintech.investment_trades
TO fintech_app, fintech_worker, fintech_readonly;

GRANT EXECUTE ON FUNCTION
    fintech.pay_with_card(uuid, uuid, uuid, numeric, text, text),
    fintech.refund_card_payment(uuid, uuid, numeric, text),
    fintech.charge_fee(uuid, numeric, text, text),
    fintech.buy_investment(uuid, uuid, text, text, numeric, numeric, text),
    fintech.sell_investment(uuid, uuid, text, numeric, numeric, text)
TO fintech_app;

GRANT EXECUTE ON FUNCTION
    fintech.charge_fee(uuid, numeric, text, text),
    fintech.accrue_interest(uuid, date, numeric)
TO fintech_worker;

ALTER TABLE fintech.card_payments ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.card_payments FORCE ROW LEVEL SECURITY;

CREATE POLICY card_payments_owner_all ON fintech.card_payments
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY card_payments_app_own ON fintech.card_payments
    FOR SELECT
    TO fintech_app
    USING (user_id = core.current_user_id());

CREATE POLICY card_payments_worker_read ON fintech.card_payments
    FOR SELECT
    TO fintech_worker, fintech_readonly
    USING (true);

COMMENT ON POLICY card_payments_app_own ON fintech.card_payments IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.fees ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.fees FORCE ROW LEVEL SECURITY;

CREATE POLICY fees_owner_all ON fintech.fees
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY fees_app_own ON fintech.fees
    FOR SELECT
    TO fintech_app
    USING (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()));

CREATE POLICY fees_worker_read ON fintech.fees
    FOR SELECT
    TO fintech_worker, fintech_readonly
    USING (true);

COMMENT ON POLICY fees_app_own ON fintech.fees IS 'fintech_app: the rows of the transaction''s user''s accounts; none without a user.';

ALTER TABLE fintech.interest_accruals ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.interest_accruals FORCE ROW LEVEL SECURITY;

CREATE POLICY interest_accruals_owner_all ON fintech.interest_accruals
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY interest_accruals_app_own ON fintech.interest_accruals
    FOR SELECT
    TO fintech_app
    USING (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()));

CREATE POLICY interest_accruals_worker_read ON fintech.interest_accruals
    FOR SELECT
    TO fintech_worker, fintech_readonly
    USING (true);

COMMENT ON POLICY interest_accruals_app_own ON fintech.interest_accruals IS 'fintech_app: the rows of the transaction''s user''s accounts; none without a user.';

ALTER TABLE fintech.investment_trades ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.investment_trades FORCE ROW LEVEL SECURITY;

CREATE POLICY investment_trades_owner_all ON fintech.investment_trades
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY investment_trades_app_own ON fintech.investment_trades
    FOR SELECT
    TO fintech_app
    USING (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()));

CREATE POLICY investment_trades_worker_read ON fintech.investment_trades
    FOR SELECT
    TO fintech_worker, fintech_readonly
    USING (true);

COMMENT ON POLICY investment_trades_app_own ON fintech.investment_trades IS 'fintech_app: the rows of the transaction''s user''s accounts; none without a user.';
