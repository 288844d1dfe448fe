-- fintech: least privilege for the service (fintech_app), back-office jobs (fintech_worker) and
-- reporting (fintech_readonly).
--
-- fintech_app gets exactly what the queries in sql/fintech/ need, column by column where it
-- writes: it may never write the ledger (fintech.transactions), a balance, a credit limit, a
-- transfer or a P2P payment; money moves only through the definer entry points (0009), and the
-- fintech.posting setting that the posting triggers look for grants nothing without privileges.
-- No role but the owner may TRUNCATE or change the schema. fintech_worker runs the reconciliation
-- and the cross-user jobs (deposits and withdrawals from outside the bank, freezing accounts,
-- deactivating users, price updates); fintech_readonly reads everything for reports.
-- depends: 0009.fintech.create-definer-entry-points

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

REVOKE ALL ON SCHEMA fintech FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA fintech FROM PUBLIC;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA fintech FROM PUBLIC;

GRANT USAGE ON SCHEMA core, fintech TO fintech_app, fintech_worker, fintech_readonly;

GRANT EXECUTE ON FUNCTION core.uuid_v7(), core.current_user_id() TO fintech_app, fintech_worker, fintech_readonly;

-- fintech_app: the service, acting for one user at a time (row-level security, 0011)
GRANT SELECT, DELETE ON fintech.users TO fintech_app;

GRANT UPDATE (first_name, last_name, phone_number, password_hash, is_active, last_login_at) ON fintech.users TO fintech_app;

GRANT SELECT ON fintech.accounts TO fintech_app;

GRANT INSERT (user_id, account_number, account_name, account_type, currency, credit_limit) ON fintech.accounts TO fintech_app;

GRANT UPDATE (account_name, status, closed_at) ON fintech.accounts TO fintech_app;

GRANT SELECT ON fintech.transactions, fintech.transfers, fintech.p2p_transactions TO fintech_app;

GRANT SELECT ON fintech.cards TO fintech_app;

GRANT INSERT (user_id, account_id, brand, card_type, last4, cardholder_name, token_encrypted, expiry_month, expiry_year, spending_limit) ON fintech.cards TO fintech_app;

GRANT UPDATE (status, spending_limit) ON fintech.cards TO fintech_app;

GRANT SELECT ON fintech.investments TO fintech_app;

GRANT INSERT (account_id, symbol, asset_type, quantity, average_cost, current_price) ON fintech.investments TO fintech_app;

GRANT UPDATE (quantity, average_cost, current_price, price_updated_at) ON fintech.investments TO fintech_app;

GRANT EXECUTE ON FUNCTION
    fintech.deposit(uuid, numeric, text),
    fintech.withdraw(uuid, numeric, text),
    fintech.transfer(uuid, uuid, uuid, numeric, text, numeric, text),
    fintech.send_p2p(uuid, uuid, uuid, numeric, text, numeric, text),
    fintech.reverse_transfer(uuid, uuid),
    fintech.sign_up(text, text, text, text, text),
    fintech.find_user_by_email(text),
    fintech.password_hash_for_login(text)
TO fintech_app;

-- fintech_worker: jobs across users
GRANT SELECT ON ALL TABLES IN SCHEMA fintech TO fintech_worker;

GRANT UPDATE (is_active) ON fintech.users TO fintech_worker;

GRANT UPDATE (status) ON fintech.accounts TO fintech_worker;

GRANT UPDATE (current_price, price_updated_at) ON fintech.investments TO fintech_worker;

GRANT EXECUTE ON FUNCTION
    fintech.deposit(uuid, numeric, text),
    fintech.withdraw(uuid, numeric, text),
    fintech.find_user_by_email(text)
TO fintech_worker;

-- fintech_readonly: reports
GRANT SELECT ON ALL TABLES IN SCHEMA fintech TO fintech_readonly;

-- the audit trail: each role reads fintech's rows only (policy in 0011)
GRANT SELECT ON core.audit_log TO fintech_app, fintech_worker, fintech_readonly;
