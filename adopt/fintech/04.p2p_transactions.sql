-- Legacy P2P payments -> fintech.p2p_transactions (the same mapping as transfers: no exchange
-- rate recorded, 'cancelled' becomes 'failed', the reference is the idempotency key).
-- legacy: p2p_transactions
-- key: l.id
-- name: refuse
WITH broken AS (
    SELECT DISTINCT e.p2p_transaction_id
    FROM __legacy__.transactions AS e
    JOIN pg_temp.adopt_refused_transactions AS r ON r.legacy_key = e.id::text
    WHERE e.p2p_transaction_id IS NOT NULL AND e.status = 'completed'
)
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.status IS NULL OR l.status NOT IN ('pending', 'completed', 'failed', 'cancelled')
            THEN 'status outside pending, completed, failed, cancelled (p2p_transactions_status_check)'
        WHEN l.sender_id = l.recipient_id
            THEN 'a payment to oneself (p2p_transactions_parties_check)'
        WHEN l.amount IS NULL OR l.amount <= 0
            THEN 'amount is not positive (p2p_transactions_amount_check)'
        WHEN length(coalesce(l.reference_number, '')) NOT BETWEEN 1 AND 200
            THEN 'no reference to keep as the idempotency key (p2p_transactions_idempotency_key_check)'
        WHEN f.user_id IS DISTINCT FROM l.sender_id OR t.user_id IS DISTINCT FROM l.recipient_id
            THEN 'an account is not its party''s (p2p_transactions_from_account_id_fkey, p2p_transactions_to_account_id_fkey)'
        WHEN f.currency IS DISTINCT FROM l.currency OR t.currency IS DISTINCT FROM l.currency
            THEN 'accounts in another currency and no exchange rate recorded (p2p_transactions_fx_rate_check)'
        WHEN EXISTS (
            SELECT FROM pg_temp.adopt_refused_accounts AS r
            WHERE r.legacy_key IN (l.sender_account_id::text, l.recipient_account_id::text)
        )
            THEN 'one of its accounts is quarantined'
        WHEN broken.p2p_transaction_id IS NOT NULL
            THEN 'one of its ledger entries is quarantined'
    END AS reason
FROM __legacy__.p2p_transactions AS l
LEFT JOIN __legacy__.accounts AS f ON f.id = l.sender_account_id
LEFT JOIN __legacy__.accounts AS t ON t.id = l.recipient_account_id
LEFT JOIN broken ON broken.p2p_transaction_id = l.id
-- name: convert
SELECT pg_catalog.set_config('fintech.posting', 'on', true);
INSERT INTO fintech.p2p_transactions (
    id, sender_id, recipient_id, from_account_id, to_account_id, amount, currency, fx_rate,
    credited_amount, credited_currency, status, failure_reason, idempotency_key, note,
    created_at, updated_at, completed_at
)
SELECT
    l.id,
    l.sender_id,
    l.recipient_id,
    l.sender_account_id,
    l.recipient_account_id,
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
    left(l.note, 500),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.completed_at, l.created_at) AT TIME ZONE 'UTC',
    CASE WHEN l.status = 'completed' THEN coalesce(l.completed_at, l.created_at) AT TIME ZONE 'UTC' END
FROM __legacy__.p2p_transactions AS l
WHERE NOT EXISTS (
    SELECT FROM pg_temp.adopt_refused_p2p_transactions AS r WHERE r.legacy_key = l.id::text
)
ON CONFLICT (id) DO NOTHING;
SELECT pg_catalog.set_config('fintech.posting', '', true);
-- name: converted
SELECT count(*)
FROM __legacy__.p2p_transactions AS l
WHERE EXISTS (SELECT FROM fintech.p2p_transactions AS n WHERE n.id = l.id);
