-- name: list_ledger_entries_outside_partitions()
-- Data check: every month of ledger entries sitting in the default partition of fintech.transactions,
-- outside every monthly partition (`datalayer partitions maintain` creates the months ahead; these
-- rows must be moved before their month's partition can be created).
-- @nonnull month, entries
SELECT
    to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
    count(*) AS entries
FROM fintech.transactions
WHERE tableoid = 'fintech.transactions_default'::regclass
GROUP BY 1
ORDER BY 1;
