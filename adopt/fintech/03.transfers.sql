-- Legacy transfers (between two accounts of one user) -> fintech.transfers. The old rows record
-- no exchange rate, so both accounts must hold the transfer's currency. Legacy 'cancelled'
-- becomes 'failed' with that reason; a failed row without a reason gets one saying so. The
-- reference number is the idempotency key.
-- legacy: transfers
-- key: l.id
-- name: refuse
WITH broken AS (
    SELECT DISTINCT e.transfer_id
    FROM __legacy__.transactions AS e
    JOIN pg_temp.adopt_refused_transactions AS r ON r.legacy_key = e.id::text
    WHERE e.transfer_id IS NOT NULL AND e.status = 'completed'
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.status IS NULL OR l.status NOT IN ('pending', 'completed', 'failed', 'cancelled')
            THEN 'status outside pending, completed, failed, cancelled (transfers_status_check)'
        WHEN l.from_account_id = l.to_account_id
            THEN 'the same account on both sides (transfers_accounts_check)'
        WHEN l.amount IS NULL OR l.amount <= 0
            THEN 'amount is not positive (transfers_amount_check)'
        WHEN length(coalesce(l.reference_number, '')) NOT BETWEEN 1 AND 200
            THEN 'no reference to keep as the idempotency key (transfers_idempotency_key_check)'
        WHEN f.user_id IS DISTINCT FROM l.user_id OR t.user_id IS DISTINCT FROM l.user_id
            THEN 'an account belongs to another user (transfers_from_account_id_fkey, transfers_to_account_id_fkey)'
        WHEN f.currency IS DISTINCT FROM l.currency OR t.currency IS DISTINCT FROM l.currency
            THEN 'accounts in another currency and no exchange rate recorded (transfers_fx_rate_check)'
        WHEN EXISTS (
            SELECT FROM pg_temp.adopt_refused_accounts AS r
            WHERE r.legacy_key IN (l.from_account_id::text, l.to_account_id::text)
        )
            THEN 'one of its accounts is quarantined'
        WHEN broken.transfer_id IS NOT NULL
            THEN 'one of its ledger entries is quarantined'
    END AS reason
FROM __legacy__.transfers AS l
LEFT JOIN __legacy__.accounts AS f ON f.id = l.from_account_id
LEFT JOIN __legacy__.accounts AS t ON t.id = l.to_account_id
LEFT JOIN broken ON broken.transfer_id = l.id
-- name: convert
SELECT pg_catalog.set_config('fintech.posting', 'on', true);
INSERT INTO fintech.transfers (
    id, user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount,
    credited_currency, status, failure_reason, idempotency_key, description, created_at,
    updated_at, completed_at
)
SELECT
    l.id,
    l.user_id,
    l.from_account_id,
    l.to_account_id,
    l.amount,
    l.currency,
    NULL,
    l.amount,
    l.currency,
    CASE l.status WHEN 'cancelled' THEN 'failed' ELSE l.status END,
    CASE l.status
        WHEN 'cancelled' THEN 'cancelled (legacy status)'
        WHEN 'failed' THEN 'failed (no reason recorded by the old application)'
    END,
    l.reference_number,
    left(l.description, 500),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.completed_at, l.created_at) AT TIME ZONE 'UTC',
    CASE WHEN l.status = 'completed' THEN coalesce(l.completed_at, l.created_at) AT TIME ZONE 'UTC' END
FROM __legacy__.transfers AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_transfers AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
SELECT pg_catalog.set_config('fintech.posting', '', true);
-- name: converted
SELECT count(*)
FROM __legacy__.transfers AS l
WHERE EXISTS (SELECT FROM fintech.transfers AS n WHERE n.id = l.id);
