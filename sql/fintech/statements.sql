-- name: get_account_statement(account_id, period_start, period_end)^
-- The account's statement totals for [period_start, period_end): the opening balance (the
-- balance less every entry since period_start), credits, debits, the number of entries and the
-- closing balance (opening plus the period's entries; the balance itself when period_end is not
-- in the past). None when the account is not the user's.
-- @nonnull account_id, currency, opening_balance, total_credits, total_debits, entries, closing_balance
SELECT
    a.id AS account_id,
    a.currency::text AS currency,
    (a.balance - coalesce(later.total, 0))::numeric(19, 4) AS opening_balance,
    coalesce(period.credits, 0)::numeric(19, 4) AS total_credits,
    coalesce(period.debits, 0)::numeric(19, 4) AS total_debits,
    coalesce(period.entries, 0)::bigint AS entries,
    (a.balance - coalesce(later.total, 0) + coalesce(period.total, 0))::numeric(19, 4) AS closing_balance
FROM fintech.accounts AS a
CROSS JOIN LATERAL (
    SELECT sum(t.amount) AS total
    FROM fintech.transactions AS t
    WHERE t.account_id = a.id
        AND t.created_at >= :period_start::timestamptz
) AS later
CROSS JOIN LATERAL (
    SELECT
        count(*) AS entries,
        sum(t.amount) AS total,
        sum(t.amount) FILTER (WHERE t.amount > 0) AS credits,
        -sum(t.amount) FILTER (WHERE t.amount < 0) AS debits
    FROM fintech.transactions AS t
    WHERE t.account_id = a.id
        AND t.created_at >= :period_start::timestamptz
        AND t.created_at < :period_end::timestamptz
) AS period
WHERE a.id = :account_id;

-- name: list_account_statement_entries(account_id, period_start, period_end)
-- The account's entries in [period_start, period_end), oldest first, each with the opening
-- balance and the running balance after it (a window sum over the period's entries, in
-- created_at, id order); the last running balance is the statement's closing balance. The
-- opening balance is computed once (a materialised CTE), not per entry.
-- @nonnull id, posting_id, kind, amount, created_at, opening_balance, running_balance
WITH opening AS MATERIALIZED (
    SELECT
        a.id,
        (a.balance - coalesce(sum(l.amount), 0))::numeric(19, 4) AS opening_balance
    FROM fintech.accounts AS a
    LEFT JOIN fintech.transactions AS l
        ON l.account_id = a.id
        AND l.created_at >= :period_start::timestamptz
    WHERE a.id = :account_id
    GROUP BY a.id
)
SELECT
    t.id,
    t.posting_id,
    t.kind,
    t.amount,
    t.description,
    t.created_at,
    o.opening_balance,
    (o.opening_balance + sum(t.amount) OVER (ORDER BY t.created_at, t.id ROWS UNBOUNDED PRECEDING))::numeric(19, 4) AS running_balance
FROM opening AS o
JOIN fintech.transactions AS t
    ON t.account_id = o.id
WHERE t.created_at >= :period_start::timestamptz
    AND t.created_at < :period_end::timestamptz
ORDER BY t.created_at, t.id;
