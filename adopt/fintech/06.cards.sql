-- Legacy cards -> fintech.cards. The processor token the old table kept in clear is encrypted
-- with the application's key (pgp_sym_encrypt, as fintech's queries read it back); the clear
-- value stays only in the legacy table until --drop-legacy.
-- legacy: cards
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN a.id IS NULL
            THEN 'orphan: its account does not exist (cards_account_id_fkey)'
        WHEN a.user_id IS DISTINCT FROM l.user_id
            THEN 'its account belongs to another user (cards_account_id_fkey)'
        WHEN l.card_brand IS NULL OR l.card_brand NOT IN ('visa', 'mastercard', 'amex', 'discover', 'unionpay', 'jcb')
            THEN 'brand outside the known networks (cards_brand_check)'
        WHEN l.card_type IS NULL OR l.card_type NOT IN ('debit', 'credit', 'prepaid')
            THEN 'card type outside debit, credit, prepaid (cards_card_type_check)'
        WHEN l.last_four IS NULL OR l.last_four !~ '^[0-9]{4}$'
            THEN 'last four digits malformed (cards_last4_check)'
        WHEN length(btrim(coalesce(l.cardholder_name, ''))) NOT BETWEEN 1 AND 100
            OR l.cardholder_name ~ '[0-9]{12,}'
            THEN 'cardholder name empty, too long or holding a card number (cards_cardholder_name_check)'
        WHEN l.expiry_month NOT BETWEEN 1 AND 12 OR l.expiry_year NOT BETWEEN 2000 AND 2100
            THEN 'expiry date out of range (cards_expiry_month_check, cards_expiry_year_check)'
        WHEN l.status IS NULL OR l.status NOT IN ('active', 'frozen', 'cancelled', 'expired')
            THEN 'status outside active, frozen, cancelled, expired (cards_status_check)'
        WHEN l.spending_limit < 0
            THEN 'negative spending limit (cards_spending_limit_check)'
        WHEN coalesce(l.card_token, '') = ''
            THEN 'no token to keep (cards_token_encrypted_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_accounts AS r WHERE r.legacy_key = l.account_id::text)
            THEN 'its account is quarantined'
    END AS reason
FROM __legacy__.cards AS l
LEFT JOIN __legacy__.accounts AS a ON a.id = l.account_id
-- name: convert
INSERT INTO fintech.cards (
    id, user_id, account_id, brand, card_type, last4, cardholder_name, token_encrypted,
    expiry_month, expiry_year, status, spending_limit, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.account_id,
    l.card_brand,
    l.card_type,
    l.last_four,
    btrim(l.cardholder_name),
    public.pgp_sym_encrypt(l.card_token, current_setting('datalayer.adopt_key')),
    l.expiry_month,
    l.expiry_year,
    l.status,
    l.spending_limit,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.cards AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_cards AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM fintech.cards AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.cards AS l
WHERE EXISTS (SELECT FROM fintech.cards AS n WHERE n.id = l.id);
