-- name: create_transfer(user_id, from_account_id, to_account_id, amount, idempotency_key, fx_rate, description)^
-- Moves money between two accounts of one user in one round trip (fintech.transfer): locks both
-- accounts in a stable order, checks status, currency and funds, writes the ledger. A retry with
-- the same idempotency_key returns the first transfer and moves nothing.
-- @param fx_rate: Decimal | None
-- @param description: str | None
-- @nonnull id, user_id, from_account_id, to_account_id, amount, currency, credited_amount, credited_currency, status, idempotency_key, created_at, updated_at
-- @nullable fx_rate, failure_reason, description, completed_at, reversed_at
SELECT id, user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, description, created_at, updated_at, completed_at, reversed_at
FROM fintech.transfer(:user_id, :from_account_id, :to_account_id, :amount, :idempotency_key, :fx_rate, :description);

-- name: create_transfer_reversal(user_id, transfer_id)^
-- Reverses a completed transfer of this user (completed -> reversed) with a reversing posting; returns it.
-- @nonnull id, user_id, from_account_id, to_account_id, amount, currency, credited_amount, credited_currency, status, idempotency_key, created_at, updated_at
-- @nullable fx_rate, failure_reason, description, completed_at, reversed_at
SELECT id, user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, description, created_at, updated_at, completed_at, reversed_at
FROM fintech.reverse_transfer(:user_id, :transfer_id);

-- name: get_transfer_by_id(transfer_id, user_id)^
-- The user's transfer, or none.
SELECT id, user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, description, created_at, updated_at, completed_at, reversed_at
FROM fintech.transfers
WHERE id = :transfer_id
    AND user_id = :user_id;

-- name: list_transfers_by_user(user_id, before_created_at, before_id, max_rows)
-- A page of the user's transfers, newest first (keyset: pass the last row's created_at and id).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, failure_reason, idempotency_key, description, created_at, updated_at, completed_at, reversed_at
FROM fintech.transfers
WHERE user_id = :user_id
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;
