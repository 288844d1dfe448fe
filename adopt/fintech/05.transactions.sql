-- The legacy ledger (one signed row per movement, kept by application code) -> fintech.transactions.
-- Each completed legacy row becomes one posting: the account's entry, with the legacy row's id,
-- and a clearing leg (account_id null) of the opposite amount, so every posting balances
-- (transactions_posting_balanced_check). balance_after is recomputed as the running sum, which
-- ends at the account's balance (accounts convert only when they reconcile). Rows that never
-- completed moved no money and are quarantined rather than invented into the ledger.
-- legacy: transactions
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN a.id IS NULL
            THEN 'orphan: its account does not exist (transactions_account_id_fkey)'
        WHEN l.status IS DISTINCT FROM 'completed'
            THEN 'not completed: the ledger holds only money that moved'
        WHEN l.transaction_type IS NULL OR l.transaction_type NOT IN (
            'deposit', 'withdrawal', 'transfer', 'p2p', 'card_payment', 'fee', 'interest'
        )
            THEN 'type outside the ledger''s kinds (transactions_kind_check)'
        WHEN l.amount IS NULL OR l.amount = 0
            THEN 'zero amount (transactions_amount_check)'
        WHEN l.currency IS DISTINCT FROM a.currency
            THEN 'currency differs from its account''s (transactions_account_id_fkey)'
        WHEN (l.transaction_type = 'transfer') <> (l.transfer_id IS NOT NULL)
            OR (l.transaction_type = 'p2p') <> (l.p2p_transaction_id IS NOT NULL)
            THEN 'type and transfer or payment reference disagree (transactions_reference_check)'
        WHEN length(l.description) > 500
            THEN 'description longer than 500 (transactions_description_length_check)'
        WHEN ra.legacy_key IS NOT NULL
            THEN 'its account is quarantined'
        WHEN rt.legacy_key IS NOT NULL
            THEN 'its transfer is quarantined'
        WHEN rp.legacy_key IS NOT NULL
            THEN 'its P2P payment is quarantined'
    END AS reason
FROM __legacy__.transactions AS l
LEFT JOIN __legacy__.accounts AS a ON a.id = l.account_id
LEFT JOIN pg_temp.adopt_refused_accounts AS ra ON ra.legacy_key = l.account_id::text
LEFT JOIN pg_temp.adopt_refused_transfers AS rt ON rt.legacy_key = l.transfer_id::text
LEFT JOIN pg_temp.adopt_refused_p2p_transactions AS rp ON rp.legacy_key = l.p2p_transaction_id::text
-- name: convert
SELECT pg_catalog.set_config('fintech.posting', 'on', true);
INSERT INTO fintech.transactions (
    id, posting_id, account_id, amount, currency, kind, balance_after, transfer_id,
    p2p_transaction_id, description, created_at
)
SELECT
    leg.id,
    m.id,
    leg.account_id,
    leg.amount,
    m.currency,
    m.transaction_type,
    leg.balance_after,
    m.transfer_id,
    m.p2p_transaction_id,
    m.description,
    m.created_at
FROM (
    SELECT
        l.id,
        l.account_id,
        l.amount,
        l.currency,
        l.transaction_type,
        l.transfer_id,
        l.p2p_transaction_id,
        l.description,
        coalesce(l.created_at AT TIME ZONE 'UTC', now()) AS created_at,
        sum(l.amount) OVER (PARTITION BY l.account_id ORDER BY l.created_at, l.id) AS running
    FROM __legacy__.transactions AS l
    WHERE NOT EXISTS (
        SELECT FROM pg_temp.adopt_refused_transactions AS r WHERE r.legacy_key = l.id::text
    )
    AND NOT EXISTS (SELECT FROM fintech.transactions AS n WHERE n.id = l.id)
) AS m
CROSS JOIN LATERAL (
    VALUES
        (m.id, m.account_id, m.amount, m.running),
        (core.uuid_v7(), NULL::uuid, -m.amount, NULL::numeric)
) AS leg (id, account_id, amount, balance_after);
SELECT pg_catalog.set_config('fintech.posting', '', true);
-- name: converted
SELECT count(*)
FROM __legacy__.transactions AS l
WHERE EXISTS (SELECT FROM fintech.transactions AS n WHERE n.id = l.id);
