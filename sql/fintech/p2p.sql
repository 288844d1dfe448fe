-- name: create_p2p_payment(sender_id, from_account_id, to_account_id, amount, idempotency_key, fx_rate, note)^
-- Pays from the sender's account into another user's account in one round trip
-- (fintech.send_p2p), with the same locking, checks and idempotency as create_transfer.
-- @param fx_rate: Decimal | None
-- @param note: str | None
-- @nonnull id, sender_id, recipient_id, from_account_id, to_account_id, amount, currency, credited_amount, credited_currency, status, idempotency_key, created_at, updated_at
-- @nullable fx_rate, failure_reason, note, completed_at, reversed_at
SELECT id, sender_id, recipient_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, note, created_at, updated_at, completed_at, reversed_at
FROM fintech.send_p2p(:sender_id, :from_account_id, :to_account_id, :amount, :idempotency_key, :fx_rate, :note);

-- name: get_p2p_payment_by_id(p2p_transaction_id, user_id)^
-- The payment, if this user sent or received it; none otherwise.
SELECT id, sender_id, recipient_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, note, created_at, updated_at, completed_at, reversed_at
FROM fintech.p2p_transactions
WHERE id = :p2p_transaction_id
    AND (sender_id = :user_id OR recipient_id = :user_id);

-- name: list_p2p_payments_by_sender(sender_id, before_created_at, before_id, max_rows)
-- A page of the payments a user sent, newest first (keyset: pass the last row's created_at and id).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, sender_id, recipient_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, note, created_at, updated_at, completed_at, reversed_at
FROM fintech.p2p_transactions
WHERE sender_id = :sender_id
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;

-- name: list_p2p_payments_by_recipient(recipient_id, before_created_at, before_id, max_rows)
-- A page of the payments a user received, newest first (keyset: pass the last row's created_at
-- and id; both none for the first page). The recipient's view of a payment: what reached their
-- account, never the sender's account, client key, exchange rate or failure details.
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, sender_id, recipient_id, to_account_id, credited_amount, credited_currency, status, note, created_at, completed_at, reversed_at
FROM fintech.p2p_transactions
WHERE recipient_id = :recipient_id
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;
