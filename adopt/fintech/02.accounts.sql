-- Legacy accounts -> fintech.accounts, with their balance as stored. The old application kept
-- balances in code, no trigger: an account converts only when its stored balance equals the sum
-- of its completed ledger rows and every one of those rows converts too (so after adoption the
-- balance equals its ledger, which the new schema then keeps so). Closed accounts get closed_at
-- from their last update.
-- legacy: accounts
-- key: l.id
-- name: refuse
WITH ledger AS (
    SELECT t.account_id, sum(t.amount) AS total
    FROM __legacy__.transactions AS t
    WHERE t.status = 'completed'
    GROUP BY t.account_id
),
broken AS (
    SELECT DISTINCT t.account_id
    FROM __legacy__.transactions AS t
    JOIN pg_temp.adopt_refused_transactions AS r ON r.legacy_key = t.id::text
    WHERE t.status = 'completed'
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.account_number !~ '^ACC[0-9]{10}$'
            THEN 'account number is not ACC and ten digits (accounts_account_number_check)'
        WHEN length(btrim(coalesce(l.account_name, ''))) NOT BETWEEN 1 AND 100
            THEN 'account name empty or longer than 100 (accounts_account_name_check)'
        WHEN l.currency IS NULL OR l.currency !~ '^[A-Z]{3}$'
            THEN 'currency is not a three-letter code (accounts_currency_check)'
        WHEN l.status IS NULL OR l.status NOT IN ('active', 'frozen', 'closed')
            THEN 'status outside active, frozen, closed (accounts_status_check)'
        WHEN l.credit_limit < 0 OR (l.account_type::text <> 'credit' AND l.credit_limit <> 0)
            THEN 'credit limit on an account that is not a credit account (accounts_credit_limit_check)'
        WHEN l.balance < -l.credit_limit
            THEN 'negative balance beyond the credit limit (accounts_balance_check)'
        WHEN l.status = 'closed' AND l.balance <> 0
            THEN 'closed account still holds money (accounts_closed_balance_check)'
        WHEN l.balance IS DISTINCT FROM coalesce(ledger.total, 0)
            THEN 'balance differs from the sum of its completed transactions'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_users AS r WHERE r.legacy_key = l.user_id::text)
            THEN 'its user is quarantined'
        WHEN broken.account_id IS NOT NULL
            THEN 'a completed transaction of the account is quarantined'
    END AS reason
FROM __legacy__.accounts AS l
LEFT JOIN ledger ON ledger.account_id = l.id
LEFT JOIN broken ON broken.account_id = l.id
-- name: convert
-- Money enters only inside a posting (fintech.tg__require_posting): this conversion is one.
SELECT pg_catalog.set_config('fintech.posting', 'on', true);
INSERT INTO fintech.accounts (
    id, user_id, account_number, account_name, account_type, currency, balance, credit_limit,
    status, closed_at, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.account_number,
    btrim(l.account_name),
    l.account_type::text,
    l.currency,
    l.balance,
    l.credit_limit,
    l.status,
    CASE WHEN l.status = 'closed' THEN coalesce(l.updated_at, l.created_at) AT TIME ZONE 'UTC' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.accounts AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_accounts AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
SELECT pg_catalog.set_config('fintech.posting', '', true);
-- name: converted
SELECT count(*)
FROM __legacy__.accounts AS l
WHERE EXISTS (SELECT FROM fintech.accounts AS n WHERE n.id = l.id);
