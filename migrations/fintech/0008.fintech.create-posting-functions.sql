-- Money movement as SQL functions, so that each is one round trip and atomic:
--   fintech.deposit / fintech.withdraw   money entering or leaving the bank (clearing leg)
--   fintech.transfer                      between two accounts of one user
--   fintech.send_p2p                      from one user's account to another user's account
--   fintech.reverse_transfer              completed -> reversed, with a reversing posting
-- Each locks the accounts it moves in id order (FOR NO KEY UPDATE; no deadlocks between movements),
-- checks status, currency and funds, writes the ledger entries with balance_after and the new
-- balances, and returns the row. transfer and send_p2p are idempotent per (sender, idempotency_key):
-- a retry returns the first result and never moves money twice; reusing a key for a different
-- request is refused. Errors carry their own SQLSTATE, mapped to typed errors by datalayer:
--   DL001 insufficient funds, DL002 account not active (frozen or closed), DL003 currency mismatch,
--   DL004 idempotency key reused for a different request, P0002 account or transfer not found;
--   amounts with more than 4 decimals (fx rates with more than 8) are refused, never rounded.
-- They switch the transaction-local setting fintech.posting on around their own writes, which
-- the guards on balances, ledger entries and money statuses require (fintech.tg__require_posting).
-- depends: 0007.fintech.create-investments

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE FUNCTION fintech._post_entry(
    p_posting_id uuid,
    p_account_id uuid,
    p_amount numeric,
    p_currency text,
    p_kind text,
    p_transfer_id uuid,
    p_p2p_transaction_id uuid,
    p_description text
) RETURNS fintech.transactions
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_balance numeric(19, 4);
    v_entry fintech.transactions;
BEGIN
    PERFORM set_config('fintech.posting', 'on', true);
    IF p_account_id IS NOT NULL THEN
        UPDATE fintech.accounts
        SET balance = balance + p_amount
        WHERE id = p_account_id
        RETURNING balance INTO v_balance;
    END IF;
    INSERT INTO fintech.transactions (posting_id, account_id, amount, currency, kind, balance_after, transfer_id, p2p_transaction_id, description)
    VALUES (p_posting_id, p_account_id, p_amount, p_currency, p_kind, v_balance, p_transfer_id, p_p2p_transaction_id, p_description)
    RETURNING * INTO v_entry;
    PERFORM set_config('fintech.posting', '', true);
    RETURN v_entry;
END;
$$;

COMMENT ON FUNCTION fintech._post_entry(uuid, uuid, numeric, text, text, uuid, uuid, text) IS 'Internal: one ledger entry and its balance change (account_id null = clearing leg). Callers hold the account lock.';

CREATE FUNCTION fintech._lock_accounts(p_first uuid, p_second uuid) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM 1
    FROM fintech.accounts
    WHERE id = p_first OR id = p_second
    ORDER BY id
    FOR NO KEY UPDATE;
END;
$$;

COMMENT ON FUNCTION fintech._lock_accounts(uuid, uuid) IS 'Internal: row-locks the accounts in id order, so concurrent movements never deadlock.';

CREATE FUNCTION fintech._check_movement(
    p_from fintech.accounts,
    p_to fintech.accounts,
    p_amount numeric,
    p_fx_rate numeric
) RETURNS numeric
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_amount <> round(p_amount, 4) THEN
        RAISE EXCEPTION 'amount % has more than 4 decimal places', p_amount
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', COLUMN = 'amount',
                  CONSTRAINT = 'transactions_amount_scale_check';
    END IF;
    IF p_fx_rate <> round(p_fx_rate, 8) THEN
        RAISE EXCEPTION 'fx_rate % has more than 8 decimal places', p_fx_rate
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', COLUMN = 'fx_rate',
                  CONSTRAINT = 'transactions_fx_rate_scale_check';
    END IF;
    IF p_from.status <> 'active' THEN
        RAISE EXCEPTION 'account % is % and cannot send money', p_from.account_number, p_from.status
            USING ERRCODE = 'DL002', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'status';
    END IF;
    IF p_to.status <> 'active' THEN
        RAISE EXCEPTION 'account % is % and cannot receive money', p_to.account_number, p_to.status
            USING ERRCODE = 'DL002', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'status';
    END IF;
    IF p_from.currency = p_to.currency AND p_fx_rate IS NOT NULL THEN
        RAISE EXCEPTION 'both accounts hold %: no fx_rate may be given', p_from.currency
            USING ERRCODE = 'DL003', SCHEMA = 'fintech', COLUMN = 'fx_rate';
    END IF;
    IF p_from.currency <> p_to.currency AND p_fx_rate IS NULL THEN
        RAISE EXCEPTION 'currency mismatch: % to % needs an explicit fx_rate', p_from.currency, p_to.currency
            USING ERRCODE = 'DL003', SCHEMA = 'fintech', COLUMN = 'currency';
    END IF;
    IF p_amount > 0 AND p_from.balance - p_amount < -p_from.credit_limit THEN
        RAISE EXCEPTION 'insufficient funds in account %: balance %, requested %', p_from.account_number, p_from.balance, p_amount
            USING ERRCODE = 'DL001', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'balance';
    END IF;
    RETURN CASE WHEN p_fx_rate IS NULL THEN p_amount ELSE round(p_amount * p_fx_rate, 4) END;
END;
$$;

COMMENT ON FUNCTION fintech._check_movement(fintech.accounts, fintech.accounts, numeric, numeric) IS 'Internal: status, currency and funds checks; returns the amount to credit.';

CREATE FUNCTION fintech._book_external(p_account_id uuid, p_amount numeric, p_kind text, p_description text)
RETURNS fintech.transactions
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_account fintech.accounts;
    v_posting uuid := core.uuid_v7();
    v_entry fintech.transactions;
BEGIN
    IF p_amount <> round(p_amount, 4) THEN
        RAISE EXCEPTION 'amount % has more than 4 decimal places', p_amount
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'transactions', COLUMN = 'amount',
                  CONSTRAINT = 'transactions_amount_scale_check';
    END IF;
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION 'a % must be greater than zero', p_kind
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'transactions', COLUMN = 'amount',
                  CONSTRAINT = 'transactions_amount_check';
    END IF;
    SELECT * INTO v_account FROM fintech.accounts WHERE id = p_account_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'account % not found', p_account_id USING ERRCODE = 'no_data_found';
    END IF;
    IF v_account.status <> 'active' THEN
        RAISE EXCEPTION 'account % is % and cannot take a %', v_account.account_number, v_account.status, p_kind
            USING ERRCODE = 'DL002', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'status';
    END IF;
    IF p_kind = 'withdrawal' THEN
        IF v_account.balance - p_amount < -v_account.credit_limit THEN
            RAISE EXCEPTION 'insufficient funds in account %: balance %, requested %', v_account.account_number, v_account.balance, p_amount
                USING ERRCODE = 'DL001', SCHEMA = 'fintech', TABLE = 'accounts', COLUMN = 'balance';
        END IF;
        p_amount := -p_amount;
    END IF;
    v_entry := fintech._post_entry(v_posting, p_account_id, p_amount, v_account.currency, p_kind, NULL, NULL, p_description);
    PERFORM fintech._post_entry(v_posting, NULL, -p_amount, v_account.currency, p_kind, NULL, NULL, p_description);
    RETURN v_entry;
END;
$$;

COMMENT ON FUNCTION fintech._book_external(uuid, numeric, text, text) IS 'Internal: money entering (deposit) or leaving (withdrawal, funds checked) the bank: the account entry and its clearing leg.';

CREATE FUNCTION fintech.deposit(p_account_id uuid, p_amount numeric, p_description text)
RETURNS fintech.transactions
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT fintech._book_external(p_account_id, p_amount, 'deposit', p_description);
$$;

COMMENT ON FUNCTION fintech.deposit(uuid, numeric, text) IS 'Credits an active account from outside the bank; returns the account''s ledger entry.';

CREATE FUNCTION fintech.withdraw(p_account_id uuid, p_amount numeric, p_description text)
RETURNS fintech.transactions
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT fintech._book_external(p_account_id, p_amount, 'withdrawal', p_description);
$$;

COMMENT ON FUNCTION fintech.withdraw(uuid, numeric, text) IS 'Debits an active account to outside the bank (funds checked); returns the account''s ledger entry.';

CREATE FUNCTION fintech.transfer(
    p_user_id uuid,
    p_from_account_id uuid,
    p_to_account_id uuid,
    p_amount numeric,
    p_idempotency_key text,
    p_fx_rate numeric,
    p_description text
) RETURNS fintech.transfers
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_transfer fintech.transfers;
    v_from fintech.accounts;
    v_to fintech.accounts;
    v_credit numeric(19, 4);
    v_posting uuid := core.uuid_v7();
BEGIN
    SELECT * INTO v_transfer FROM fintech.transfers WHERE user_id = p_user_id AND idempotency_key = p_idempotency_key;
    IF NOT FOUND THEN
        PERFORM fintech._lock_accounts(p_from_account_id, p_to_account_id);
        SELECT * INTO v_from FROM fintech.accounts WHERE id = p_from_account_id AND user_id = p_user_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'account % not found for user %', p_from_account_id, p_user_id USING ERRCODE = 'no_data_found';
        END IF;
        SELECT * INTO v_to FROM fintech.accounts WHERE id = p_to_account_id AND user_id = p_user_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'account % not found for user %', p_to_account_id, p_user_id USING ERRCODE = 'no_data_found';
        END IF;
        v_credit := fintech._check_movement(v_from, v_to, p_amount, p_fx_rate);
        PERFORM set_config('fintech.posting', 'on', true);
        INSERT INTO fintech.transfers (user_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, idempotency_key, description, completed_at)
        VALUES (p_user_id, p_from_account_id, p_to_account_id, p_amount, v_from.currency, p_fx_rate, v_credit, v_to.currency, 'completed', p_idempotency_key, p_description, now())
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING * INTO v_transfer;
        IF FOUND THEN
            PERFORM fintech._post_entry(v_posting, v_from.id, -p_amount, v_from.currency, 'transfer', v_transfer.id, NULL, p_description);
            IF v_from.currency <> v_to.currency THEN
                PERFORM fintech._post_entry(v_posting, NULL, p_amount, v_from.currency, 'transfer', v_transfer.id, NULL, 'fx clearing');
                PERFORM fintech._post_entry(v_posting, NULL, -v_credit, v_to.currency, 'transfer', v_transfer.id, NULL, 'fx clearing');
            END IF;
            PERFORM fintech._post_entry(v_posting, v_to.id, v_credit, v_to.currency, 'transfer', v_transfer.id, NULL, p_description);
            RETURN v_transfer;
        END IF;
        -- a concurrent request with the same key committed first
        PERFORM set_config('fintech.posting', '', true);
        SELECT * INTO v_transfer FROM fintech.transfers WHERE user_id = p_user_id AND idempotency_key = p_idempotency_key;
    END IF;
    IF (v_transfer.from_account_id, v_transfer.to_account_id, v_transfer.amount, v_transfer.fx_rate)
        IS DISTINCT FROM (p_from_account_id, p_to_account_id, p_amount::numeric(19, 4), p_fx_rate::numeric(19, 8)) THEN
        RAISE EXCEPTION 'idempotency key % was already used for a different transfer (%)', p_idempotency_key, v_transfer.id
            USING ERRCODE = 'DL004', SCHEMA = 'fintech', TABLE = 'transfers', COLUMN = 'idempotency_key';
    END IF;
    RETURN v_transfer;
END;
$$;

COMMENT ON FUNCTION fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text) IS 'Moves money between two accounts of one user, idempotently; returns the transfer.';

CREATE FUNCTION fintech.send_p2p(
    p_sender_id uuid,
    p_from_account_id uuid,
    p_to_account_id uuid,
    p_amount numeric,
    p_idempotency_key text,
    p_fx_rate numeric,
    p_note text
) RETURNS fintech.p2p_transactions
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_payment fintech.p2p_transactions;
    v_from fintech.accounts;
    v_to fintech.accounts;
    v_credit numeric(19, 4);
    v_posting uuid := core.uuid_v7();
BEGIN
    SELECT * INTO v_payment FROM fintech.p2p_transactions WHERE sender_id = p_sender_id AND idempotency_key = p_idempotency_key;
    IF NOT FOUND THEN
        PERFORM fintech._lock_accounts(p_from_account_id, p_to_account_id);
        SELECT * INTO v_from FROM fintech.accounts WHERE id = p_from_account_id AND user_id = p_sender_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'account % not found for user %', p_from_account_id, p_sender_id USING ERRCODE = 'no_data_found';
        END IF;
        SELECT * INTO v_to FROM fintech.accounts WHERE id = p_to_account_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'account % not found', p_to_account_id USING ERRCODE = 'no_data_found';
        END IF;
        v_credit := fintech._check_movement(v_from, v_to, p_amount, p_fx_rate);
        PERFORM set_config('fintech.posting', 'on', true);
        INSERT INTO fintech.p2p_transactions (sender_id, recipient_id, from_account_id, to_account_id, amount, currency, fx_rate, credited_amount, credited_currency, status, idempotency_key, note, completed_at)
        VALUES (p_sender_id, v_to.user_id, p_from_account_id, p_to_account_id, p_amount, v_from.currency, p_fx_rate, v_credit, v_to.currency, 'completed', p_idempotency_key, p_note, now())
        ON CONFLICT (sender_id, idempotency_key) DO NOTHING
        RETURNING * INTO v_payment;
        IF FOUND THEN
            PERFORM fintech._post_entry(v_posting, v_from.id, -p_amount, v_from.currency, 'p2p', NULL, v_payment.id, p_note);
            IF v_from.currency <> v_to.currency THEN
                PERFORM fintech._post_entry(v_posting, NULL, p_amount, v_from.currency, 'p2p', NULL, v_payment.id, 'fx clearing');
                PERFORM fintech._post_entry(v_posting, NULL, -v_credit, v_to.currency, 'p2p', NULL, v_payment.id, 'fx clearing');
            END IF;
            PERFORM fintech._post_entry(v_posting, v_to.id, v_credit, v_to.currency, 'p2p', NULL, v_payment.id, p_note);
            RETURN v_payment;
        END IF;
        PERFORM set_config('fintech.posting', '', true);
        SELECT * INTO v_payment FROM fintech.p2p_transactions WHERE sender_id = p_sender_id AND idempotency_key = p_idempotency_key;
    END IF;
    IF (v_payment.from_account_id, v_payment.to_account_id, v_payment.amount, v_payment.fx_rate)
        IS DISTINCT FROM (p_from_account_id, p_to_account_id, p_amount::numeric(19, 4), p_fx_rate::numeric(19, 8)) THEN
        RAISE EXCEPTION 'idempotency key % was already used for a different payment (%)', p_idempotency_key, v_payment.id
            USING ERRCODE = 'DL004', SCHEMA = 'fintech', TABLE = 'p2p_transactions', COLUMN = 'idempotency_key';
    END IF;
    RETURN v_payment;
END;
$$;

COMMENT ON FUNCTION fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text) IS 'Pays from the sender''s account into another user''s account, idempotently; returns the payment.';

CREATE FUNCTION fintech.reverse_transfer(p_user_id uuid, p_transfer_id uuid)
RETURNS fintech.transfers
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_transfer fintech.transfers;
    v_from fintech.accounts;
    v_to fintech.accounts;
    v_posting uuid := core.uuid_v7();
BEGIN
    SELECT * INTO v_transfer FROM fintech.transfers WHERE id = p_transfer_id AND user_id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'transfer % not found for user %', p_transfer_id, p_user_id USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM fintech._lock_accounts(v_transfer.from_account_id, v_transfer.to_account_id);
    SELECT * INTO v_transfer FROM fintech.transfers WHERE id = p_transfer_id FOR UPDATE;
    SELECT * INTO v_from FROM fintech.accounts WHERE id = v_transfer.from_account_id;
    SELECT * INTO v_to FROM fintech.accounts WHERE id = v_transfer.to_account_id;
    IF v_transfer.status <> 'completed' THEN
        RAISE EXCEPTION 'illegal status transition % -> reversed on fintech.transfers', v_transfer.status
            USING ERRCODE = 'check_violation', SCHEMA = 'fintech', TABLE = 'transfers', COLUMN = 'status',
                  CONSTRAINT = 'transfers_status_transition_check',
                  HINT = 'only a completed transfer can be reversed';
    END IF;
    -- The money goes back: the destination must be able to pay it.
    PERFORM fintech._check_movement(v_to, v_from, v_transfer.credited_amount,
        CASE WHEN v_transfer.fx_rate IS NULL THEN NULL ELSE round(1 / v_transfer.fx_rate, 8) END);
    PERFORM set_config('fintech.posting', 'on', true);
    UPDATE fintech.transfers
    SET status = 'reversed', reversed_at = now()
    WHERE id = p_transfer_id
    RETURNING * INTO v_transfer;
    PERFORM fintech._post_entry(v_posting, v_to.id, -v_transfer.credited_amount, v_to.currency, 'transfer', v_transfer.id, NULL, 'reversal');
    IF v_from.currency <> v_to.currency THEN
        PERFORM fintech._post_entry(v_posting, NULL, v_transfer.credited_amount, v_to.currency, 'transfer', v_transfer.id, NULL, 'fx clearing reversal');
        PERFORM fintech._post_entry(v_posting, NULL, -v_transfer.amount, v_from.currency, 'transfer', v_transfer.id, NULL, 'fx clearing reversal');
    END IF;
    PERFORM fintech._post_entry(v_posting, v_from.id, v_transfer.amount, v_from.currency, 'transfer', v_transfer.id, NULL, 'reversal');
    RETURN v_transfer;
END;
$$;

COMMENT ON FUNCTION fintech.reverse_transfer(uuid, uuid) IS 'completed -> reversed: books the reversing posting; any other status raises the status-transition error.';
