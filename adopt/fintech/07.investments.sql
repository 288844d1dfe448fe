-- Legacy investment holdings -> fintech.investments (market value and cost basis are computed
-- columns now; the last update is the price's time). One holding per symbol and account: of two,
-- the older converts.
-- legacy: investments
-- key: l.id
-- name: refuse
WITH ranked AS (
    SELECT
        i.id,
        row_number() OVER (PARTITION BY i.account_id, i.symbol ORDER BY i.created_at, i.id) AS nth
    FROM __legacy__.investments AS i
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN a.id IS NULL
            THEN 'orphan: its account does not exist (investments_account_id_fkey)'
        WHEN a.account_type::text <> 'investment'
            THEN 'held in an account that is not an investment account (investments_account_id_fkey)'
        WHEN l.symbol IS NULL OR l.symbol !~ '^[A-Z0-9][A-Z0-9.\-]{0,11}$'
            THEN 'symbol malformed (investments_symbol_check)'
        WHEN l.asset_type IS NULL OR l.asset_type NOT IN ('stock', 'etf', 'bond', 'fund', 'crypto')
            THEN 'asset type outside stock, etf, bond, fund, crypto (investments_asset_type_check)'
        WHEN l.quantity < 0 OR l.average_cost < 0 OR l.current_price < 0
            THEN 'negative quantity or price (investments_quantity_check)'
        WHEN ranked.nth > 1
            THEN 'a second holding of the symbol in the account (investments_account_id_symbol_key)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_accounts AS r WHERE r.legacy_key = l.account_id::text)
            THEN 'its account is quarantined'
    END AS reason
FROM __legacy__.investments AS l
JOIN ranked ON ranked.id = l.id
LEFT JOIN __legacy__.accounts AS a ON a.id = l.account_id
-- name: convert
INSERT INTO fintech.investments (
    id, account_id, account_type, symbol, asset_type, quantity, average_cost, current_price,
    price_updated_at, created_at, updated_at
)
SELECT
    l.id,
    l.account_id,
    'investment',
    l.symbol,
    l.asset_type,
    l.quantity,
    l.average_cost,
    l.current_price,
    coalesce(l.updated_at AT TIME ZONE 'UTC', now()),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.investments AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_investments AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.investments AS l
WHERE EXISTS (SELECT FROM fintech.investments AS n WHERE n.id = l.id);
