-- name: list_balance_mismatches()
-- Every account whose balance differs from the sum of its ledger entries (must be empty).
-- @nonnull ledger_sum
SELECT
    a.id AS account_id,
    a.account_number,
    a.balance,
    coalesce(l.total, 0)::numeric(19, 4) AS ledger_sum
FROM fintech.accounts AS a
LEFT JOIN (
    SELECT account_id, sum(amount) AS total
    FROM fintech.transactions
    WHERE account_id IS NOT NULL
    GROUP BY account_id
) AS l
    ON l.account_id = a.id
WHERE a.balance <> coalesce(l.total, 0)
ORDER BY a.account_number;

-- name: list_unbalanced_postings()
-- Every posting whose entries do not sum to zero in some currency (must be empty).
-- @nonnull posting_id, currency, total
SELECT
    posting_id,
    currency::text AS currency,
    sum(amount)::numeric(19, 4) AS total
FROM fintech.transactions
GROUP BY posting_id, currency
HAVING sum(amount) <> 0
ORDER BY posting_id, currency;

-- name: list_currency_totals()
-- Money per currency: what customers hold and the bank's clearing position; they sum to zero.
-- @nonnull currency, customer_total, clearing_total
SELECT
    currency::text AS currency,
    coalesce(sum(amount) FILTER (WHERE account_id IS NOT NULL), 0)::numeric(19, 4) AS customer_total,
    coalesce(sum(amount) FILTER (WHERE account_id IS NULL), 0)::numeric(19, 4) AS clearing_total
FROM fintech.transactions
GROUP BY currency
ORDER BY currency;
