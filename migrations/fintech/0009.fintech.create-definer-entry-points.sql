-- fintech: money moves, sign-up and sign-in through SECURITY DEFINER entry points only.
--
-- The renames are safe within one deploy: the queries call the entry points by the old names, which
-- this same transaction re-creates, so no caller ever sees a missing function.
--
-- The posting functions keep their names for the queries that call them, but each is now a thin
-- SECURITY DEFINER entry point (owned by datalayer_owner, search_path pinned, EXECUTE revoked from
-- PUBLIC) in front of the former function, renamed with a leading underscore and callable by no
-- application role. The entry point first proves who acts: the user a query passes must be the
-- transaction's application user (core.current_user_id(), set by db.transaction(user_id=...)),
-- and the account of a deposit or withdrawal must be that user's, unless the login acts through
-- fintech_worker (back-office jobs). Anything else is "not found", which reveals nothing.
--
-- Sign-up and sign-in happen before a user is known, so row-level security would show no row:
-- fintech.sign_up, fintech.find_user_by_email and fintech.password_hash_for_login are the narrow
-- definer functions for them.
-- depends: 0008.fintech.create-posting-functions 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- squawk-ignore renaming-object
ALTER FUNCTION fintech.deposit(uuid, numeric, text) RENAME TO _deposit;

-- squawk-ignore renaming-object
ALTER FUNCTION fintech.withdraw(uuid, numeric, text) RENAME TO _withdraw;

-- squawk-ignore renaming-object
ALTER FUNCTION fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text) RENAME TO _transfer;

-- squawk-ignore renaming-object
ALTER FUNCTION fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text) RENAME TO _send_p2p;

-- squawk-ignore renaming-object
ALTER FUNCTION fintech.reverse_transfer(uuid, uuid) RENAME TO _reverse_transfer;

CREATE FUNCTION fintech._is_worker() RETURNS boolean
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'fintech_worker' AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))
        AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = session_user)
$$;

COMMENT ON FUNCTION fintech._is_worker() IS 'Internal: the login acts through fintech_worker (back-office jobs that work across users).';

CREATE FUNCTION fintech._require_user(p_user_id uuid) RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_user_id IS NULL OR p_user_id IS DISTINCT FROM core.current_user_id() THEN
        RAISE EXCEPTION 'no such user in this transaction'
            USING ERRCODE = 'no_data_found', HINT = 'the user must be the transaction''s user: db.transaction(user_id=...)';
    END IF;
END;
$$;

COMMENT ON FUNCTION fintech._require_user(uuid) IS 'Internal: refuses (as not found) a user other than the transaction''s application user.';

CREATE FUNCTION fintech._require_account(p_account_id uuid) RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT fintech._is_worker() AND NOT EXISTS (
        SELECT FROM fintech.accounts AS a
        WHERE a.id = p_account_id AND a.user_id = core.current_user_id()
    ) THEN
        RAISE EXCEPTION 'account not found'
            USING ERRCODE = 'no_data_found', SCHEMA = 'fintech', TABLE = 'accounts';
    END IF;
END;
$$;

COMMENT ON FUNCTION fintech._require_account(uuid) IS 'Internal: refuses (as not found) an account that is not the transaction user''s, unless the login acts through fintech_worker.';

CREATE FUNCTION fintech.deposit(p_account_id uuid, p_amount numeric, p_description text)
RETURNS fintech.transactions
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM fintech._require_account(p_account_id);
    RETURN fintech._deposit(p_account_id, p_amount, p_description);
END;
$$;

COMMENT ON FUNCTION fintech.deposit(uuid, numeric, text) IS 'Credits an active account of the transaction''s user (or any, for fintech_worker) from outside the bank; returns the account''s ledger entry.';

CREATE FUNCTION fintech.withdraw(p_account_id uuid, p_amount numeric, p_description text)
RETURNS fintech.transactions
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM fintech._require_account(p_account_id);
    RETURN fintech._withdraw(p_account_id, p_amount, p_description);
END;
$$;

COMMENT ON FUNCTION fintech.withdraw(uuid, numeric, text) IS 'Debits an active account of the transaction''s user (or any, for fintech_worker) to outside the bank, funds checked; returns the account''s ledger entry.';

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
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM fintech._require_user(p_user_id);
    RETURN fintech._transfer(p_user_id, p_from_account_id, p_to_account_id, p_amount, p_idempotency_key, p_fx_rate, p_description);
END;
$$;

COMMENT ON FUNCTION fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text) IS 'Moves money between two accounts of the transaction''s user, idempotently; returns the transfer.';

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
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM fintech._require_user(p_sender_id);
    RETURN fintech._send_p2p(p_sender_id, p_from_account_id, p_to_account_id, p_amount, p_idempotency_key, p_fx_rate, p_note);
END;
$$;

COMMENT ON FUNCTION fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text) IS 'Pays from an account of the transaction''s user into another user''s account, idempotently; returns the payment.';

CREATE FUNCTION fintech.reverse_transfer(p_user_id uuid, p_transfer_id uuid)
RETURNS fintech.transfers
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM fintech._require_user(p_user_id);
    RETURN fintech._reverse_transfer(p_user_id, p_transfer_id);
END;
$$;

COMMENT ON FUNCTION fintech.reverse_transfer(uuid, uuid) IS 'Reverses a completed transfer of the transaction''s user (completed -> reversed) with a reversing posting.';

CREATE FUNCTION fintech.sign_up(
    p_email text,
    p_first_name text,
    p_last_name text,
    p_phone_number text,
    p_password_hash text
) RETURNS fintech.users
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO fintech.users (email, first_name, last_name, phone_number, password_hash, role)
    VALUES (p_email, p_first_name, p_last_name, p_phone_number, p_password_hash, 'customer')
    RETURNING *;
$$;

COMMENT ON FUNCTION fintech.sign_up(text, text, text, text, text) IS 'Creates a customer before any user is known (row-level security would refuse the row otherwise); other roles are given by an administrator.';

CREATE FUNCTION fintech.find_user_by_email(p_email text) RETURNS SETOF fintech.users
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM fintech.users WHERE lower(email) = lower(p_email);
$$;

COMMENT ON FUNCTION fintech.find_user_by_email(text) IS 'The user with this email whatever its case (sign-in, before a user is known).';

CREATE FUNCTION fintech.password_hash_for_login(p_email text) RETURNS text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT password_hash FROM fintech.users WHERE lower(email) = lower(p_email) AND is_active;
$$;

COMMENT ON FUNCTION fintech.password_hash_for_login(text) IS 'The stored hash of an active login, for the service to verify a password; NULL otherwise.';
