-- name: create_deposit(account_id, amount, description)^
-- Credits an active account from outside the bank (one posting, two entries); returns the account's entry.
-- @param description: str | None
-- @nonnull id, posting_id, account_id, amount, currency, kind, balance_after, created_at
-- @nullable transfer_id, p2p_transaction_id, description
SELECT id, posting_id, account_id, amount, currency, kind, balance_after, transfer_id, p2p_transaction_id, description, created_at
FROM fintech.deposit(:account_id, :amount, :description);

-- name: create_withdrawal(account_id, amount, description)^
-- Debits an active account to outside the bank, if funds allow; returns the account's entry.
-- @param description: str | None
-- @nonnull id, posting_id, account_id, amount, currency, kind, balance_after, created_at
-- @nullable transfer_id, p2p_transaction_id, description
SELECT id, posting_id, account_id, amount, currency, kind, balance_after, transfer_id, p2p_transaction_id, description, created_at
FROM fintech.withdraw(:account_id, :amount, :description);

-- name: list_account_statement(account_id, before_created_at, before_id, max_rows)
-- A page of the account's ledger entries, newest first. For the next page pass the last row's
-- created_at and id as before_created_at and before_id (both none for the first page).
-- @param before_created_at: datetime | None
-- @param before_id: UUID | None
SELECT id, posting_id, account_id, amount, currency, kind, balance_after, transfer_id, p2p_transaction_id, description, created_at
FROM fintech.transactions
WHERE account_id = :account_id
    AND created_at <= (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
    AND (
        created_at < (SELECT coalesce(:before_created_at::timestamptz, 'infinity'))
        OR id > (SELECT coalesce(:before_id::uuid, '00000000-0000-0000-0000-000000000000'))
    )
ORDER BY created_at DESC, id
LIMIT :max_rows::int;

-- name: list_ledger_entries_outside_partitions()
-- Every month of ledger entries sitting in the default partition of fintech.transactions,
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
