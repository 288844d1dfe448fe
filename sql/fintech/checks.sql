-- name: list_accounts_off_ledger()
-- Data check: every account whose balance differs from the sum of its ledger entries.
-- @nonnull ledger_sum
SELECT
    a.account_number,
    a.id AS account_id,
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

-- name: list_postings_unbalanced()
-- Data check: every posting whose entries do not sum to zero in some currency.
-- @nonnull posting_id, currency, total
SELECT
    posting_id,
    currency::text AS currency,
    sum(amount)::numeric(19, 4) AS total
FROM fintech.transactions
GROUP BY posting_id, currency
HAVING sum(amount) <> 0
ORDER BY posting_id, currency;

-- name: list_transfers_unbalanced()
-- Data check: every transfer whose ledger legs disagree with it: a completed transfer takes its
-- amount from the source account and credits its credited amount to the destination; a reversed
-- one nets to zero on both; a pending or failed one has no entries.
-- @nonnull debited, credited
SELECT
    t.id AS transfer_id,
    t.status,
    t.amount,
    t.credited_amount,
    coalesce(sum(x.amount) FILTER (WHERE x.account_id = t.from_account_id), 0)::numeric(19, 4) AS debited,
    coalesce(sum(x.amount) FILTER (WHERE x.account_id = t.to_account_id), 0)::numeric(19, 4) AS credited
FROM fintech.transfers AS t
LEFT JOIN fintech.transactions AS x
    ON x.transfer_id = t.id
GROUP BY t.id
HAVING (
    coalesce(sum(x.amount) FILTER (WHERE x.account_id = t.from_account_id), 0),
    coalesce(sum(x.amount) FILTER (WHERE x.account_id = t.to_account_id), 0)
) IS DISTINCT FROM (
    CASE WHEN t.status = 'completed' THEN -t.amount ELSE 0 END,
    CASE WHEN t.status = 'completed' THEN t.credited_amount ELSE 0 END
)
ORDER BY t.id;
