-- name: upsert_investment(account_id, symbol, asset_type, quantity, unit_cost, current_price)^
-- Records a purchase: creates the holding, or adds to it with a quantity-weighted average cost.
-- @nonnull market_value, cost_basis
INSERT INTO fintech.investments AS i (account_id, symbol, asset_type, quantity, average_cost, current_price)
VALUES (:account_id, :symbol, :asset_type, :quantity, :unit_cost, :current_price)
ON CONFLICT (account_id, symbol) DO UPDATE
SET quantity = i.quantity + excluded.quantity,
    average_cost = round(
        (i.quantity * i.average_cost + excluded.quantity * excluded.average_cost)
        / nullif(i.quantity + excluded.quantity, 0),
        4
    ),
    current_price = excluded.current_price,
    price_updated_at = now()
RETURNING id, account_id, symbol, asset_type, quantity, average_cost, current_price, market_value, cost_basis, price_updated_at, created_at, updated_at;

-- name: list_investments_by_account(account_id)
-- The account's holdings, by symbol.
-- @nonnull market_value, cost_basis
SELECT id, account_id, symbol, asset_type, quantity, average_cost, current_price, market_value, cost_basis, price_updated_at, created_at, updated_at
FROM fintech.investments
WHERE account_id = :account_id
ORDER BY symbol;

-- name: update_investment_prices(symbol, current_price)!
-- Sets the current price of a symbol in every holding; returns the number of holdings changed.
UPDATE fintech.investments
SET current_price = :current_price,
    price_updated_at = now()
WHERE symbol = :symbol;

-- name: list_portfolio_values_by_user(user_id)
-- The user's portfolio per currency: market value, cost basis and unrealised gain of all holdings.
-- @nonnull currency, holdings, market_value, cost_basis, unrealised_gain
SELECT
    a.currency::text AS currency,
    count(i.id) AS holdings,
    coalesce(sum(i.market_value), 0)::numeric(19, 4) AS market_value,
    coalesce(sum(i.cost_basis), 0)::numeric(19, 4) AS cost_basis,
    coalesce(sum(i.market_value - i.cost_basis), 0)::numeric(19, 4) AS unrealised_gain
FROM fintech.accounts AS a
JOIN fintech.investments AS i
    ON i.account_id = a.id
WHERE a.user_id = :user_id
GROUP BY a.currency
ORDER BY a.currency;

-- name: create_investment_buy(user_id, account_id, symbol, asset_type, quantity, price, idempotency_key)^
-- Buys in the user's investment account (fintech.buy_investment), idempotently per account:
-- debits round(quantity * price, 4) of its cash (funds checked) and creates the holding or adds
-- to it at the average cost. Returns the trade.
-- @nonnull id, account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, idempotency_key, posting_id, created_at
-- @nullable realised_gain
SELECT id, account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, realised_gain, idempotency_key, posting_id, created_at
FROM fintech.buy_investment(:user_id, :account_id, :symbol, :asset_type, :quantity, :price, :idempotency_key);

-- name: create_investment_sell(user_id, account_id, symbol, quantity, price, idempotency_key)^
-- Sells from the user's investment account (fintech.sell_investment), idempotently per account:
-- refused beyond the quantity held (InsufficientHolding); credits round(quantity * price, 4) to
-- its cash, lowers the holding and records the realised gain. Returns the trade.
-- @nonnull id, account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, realised_gain, idempotency_key, posting_id, created_at
SELECT id, account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, realised_gain, idempotency_key, posting_id, created_at
FROM fintech.sell_investment(:user_id, :account_id, :symbol, :quantity, :price, :idempotency_key);

-- name: list_investment_trades_by_account(account_id)
-- The account's trades, oldest first.
SELECT id, account_id, symbol, side, quantity, price, amount, currency, cost_basis_change, realised_gain, idempotency_key, posting_id, created_at
FROM fintech.investment_trades
WHERE account_id = :account_id
ORDER BY created_at, id;
