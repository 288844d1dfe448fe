-- name: create_card(user_id, account_id, brand, card_type, last4, cardholder_name, token, encryption_key, expiry_month, expiry_year, spending_limit)^
-- Issues a card on one of the user's accounts. The processor token is stored encrypted with
-- encryption_key (from the application's settings); only the masked number comes back.
-- @param spending_limit: Decimal | None
INSERT INTO fintech.cards (user_id, account_id, brand, card_type, last4, cardholder_name, token_encrypted, expiry_month, expiry_year, spending_limit)
VALUES (:user_id, :account_id, :brand, :card_type, :last4, :cardholder_name, public.pgp_sym_encrypt(:token::text, :encryption_key::text), :expiry_month, :expiry_year, :spending_limit)
RETURNING id, user_id, account_id, brand, card_type, '**** **** **** ' || last4 AS masked_number, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at;

-- name: get_card_by_id(card_id, user_id)^
-- The user's card, masked, or none.
SELECT id, user_id, account_id, brand, card_type, '**** **** **** ' || last4 AS masked_number, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at
FROM fintech.cards
WHERE id = :card_id
    AND user_id = :user_id;

-- name: list_cards_by_user(user_id)
-- The user's cards, masked, oldest first.
SELECT id, user_id, account_id, brand, card_type, '**** **** **** ' || last4 AS masked_number, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at
FROM fintech.cards
WHERE user_id = :user_id
ORDER BY created_at, id;

-- name: update_card_status(card_id, user_id, status)^
-- Freezes, unfreezes or cancels the user's card (a cancelled card stays cancelled); returns it masked, or none.
UPDATE fintech.cards
SET status = :status
WHERE id = :card_id
    AND user_id = :user_id
    AND status <> 'cancelled'
RETURNING id, user_id, account_id, brand, card_type, '**** **** **** ' || last4 AS masked_number, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at;

-- name: update_card_spending_limit(card_id, user_id, spending_limit)^
-- Sets or clears (none) the user's card spending limit; returns it masked, or none.
-- @param spending_limit: Decimal | None
UPDATE fintech.cards
SET spending_limit = :spending_limit
WHERE id = :card_id
    AND user_id = :user_id
RETURNING id, user_id, account_id, brand, card_type, '**** **** **** ' || last4 AS masked_number, cardholder_name, expiry_month, expiry_year, status, spending_limit, created_at, updated_at;

-- name: get_card_token(card_id, user_id, encryption_key)$
-- The decrypted processor token of the user's card, for charging it; the only query that returns
-- it in clear. A wrong key raises an error; none when the user has no such card.
SELECT public.pgp_sym_decrypt(token_encrypted, :encryption_key::text)
FROM fintech.cards
WHERE id = :card_id
    AND user_id = :user_id;

-- name: create_card_payment(user_id, account_id, card_id, amount, merchant, idempotency_key)^
-- Pays with the user's card in one round trip (fintech.pay_with_card: authorised and captured at
-- once), idempotently per card. Refused when the card is frozen, cancelled or expired
-- (CardNotUsable), does not draw on account_id (CardNotUsable), or when the card's payments this
-- calendar month (UTC) would exceed its spending_limit (SpendingLimitExceeded); funds checked.
-- @nonnull id, user_id, card_id, account_id, kind, amount, currency, merchant, idempotency_key, posting_id, created_at
-- @nullable refund_of
SELECT id, user_id, card_id, account_id, kind, amount, currency, merchant, refund_of, idempotency_key, posting_id, created_at
FROM fintech.pay_with_card(:user_id, :account_id, :card_id, :amount, :merchant, :idempotency_key);

-- name: create_card_refund(user_id, payment_id, amount, idempotency_key)^
-- Gives back all or part of the user's card payment as its own posting (fintech.refund_card_payment),
-- idempotently per card; the refunds of a payment never exceed it.
-- @nonnull id, user_id, card_id, account_id, kind, amount, currency, merchant, idempotency_key, posting_id, created_at
-- @nullable refund_of
SELECT id, user_id, card_id, account_id, kind, amount, currency, merchant, refund_of, idempotency_key, posting_id, created_at
FROM fintech.refund_card_payment(:user_id, :payment_id, :amount, :idempotency_key);

-- name: list_card_payments_by_card(card_id, user_id, before_created_at, before_id, max_rows)
-- A page of the user's card's payments and refunds, newest first (keyset: pass the last row's
-- created_at and id; both none for the first page).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, user_id, card_id, account_id, kind, amount, currency, merchant, refund_of, idempotency_key, posting_id, created_at
FROM fintech.card_payments
WHERE card_id = :card_id
    AND user_id = :user_id
    AND (created_at, id) < ((SELECT coalesce(:before_created_at::timestamptz, 'infinity')), (SELECT coalesce(:before_id::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
ORDER BY created_at DESC, id DESC
LIMIT :max_rows::int;
