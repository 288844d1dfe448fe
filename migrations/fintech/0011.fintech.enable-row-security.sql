-- fintech: row-level security on every table, so fintech_app sees and changes one user's rows.
--
-- Each table is ENABLE + FORCE (the owner too: its own policy lets the definer functions work
-- across users). fintech_app's policies key on core.current_user_id(): no datalayer.user_id
-- setting means no rows. A P2P payment is visible to its sender and its recipient; ledger entries
-- and holdings through their account (the bank's clearing legs, with no account, to nobody but the
-- worker, the reports and the owner). fintech_worker and fintech_readonly see every row (their
-- grants decide what they may do). fintech.users is audited now, without the password hash; the
-- fintech roles read fintech's rows of the audit trail only.
-- depends: 0010.fintech.grant-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE fintech.users ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.users FORCE ROW LEVEL SECURITY;

CREATE POLICY users_owner_all ON fintech.users
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY users_app_own ON fintech.users
    TO fintech_app
    USING (id = core.current_user_id())
    WITH CHECK (id = core.current_user_id());

CREATE POLICY users_worker_all ON fintech.users
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY users_readonly_read ON fintech.users
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY users_app_own ON fintech.users IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.accounts FORCE ROW LEVEL SECURITY;

CREATE POLICY accounts_owner_all ON fintech.accounts
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY accounts_app_own ON fintech.accounts
    TO fintech_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY accounts_worker_all ON fintech.accounts
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY accounts_readonly_read ON fintech.accounts
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY accounts_app_own ON fintech.accounts IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.cards ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.cards FORCE ROW LEVEL SECURITY;

CREATE POLICY cards_owner_all ON fintech.cards
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY cards_app_own ON fintech.cards
    TO fintech_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY cards_worker_all ON fintech.cards
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY cards_readonly_read ON fintech.cards
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY cards_app_own ON fintech.cards IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.transfers ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.transfers FORCE ROW LEVEL SECURITY;

CREATE POLICY transfers_owner_all ON fintech.transfers
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY transfers_app_own ON fintech.transfers
    TO fintech_app
    USING (user_id = core.current_user_id())
    WITH CHECK (user_id = core.current_user_id());

CREATE POLICY transfers_worker_all ON fintech.transfers
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY transfers_readonly_read ON fintech.transfers
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY transfers_app_own ON fintech.transfers IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.p2p_transactions ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.p2p_transactions FORCE ROW LEVEL SECURITY;

CREATE POLICY p2p_transactions_owner_all ON fintech.p2p_transactions
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY p2p_transactions_app_own ON fintech.p2p_transactions
    TO fintech_app
    USING (sender_id = core.current_user_id() OR recipient_id = core.current_user_id())
    WITH CHECK (sender_id = core.current_user_id() OR recipient_id = core.current_user_id());

CREATE POLICY p2p_transactions_worker_all ON fintech.p2p_transactions
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY p2p_transactions_readonly_read ON fintech.p2p_transactions
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY p2p_transactions_app_own ON fintech.p2p_transactions IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.transactions ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.transactions FORCE ROW LEVEL SECURITY;

CREATE POLICY transactions_owner_all ON fintech.transactions
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY transactions_app_own ON fintech.transactions
    TO fintech_app
    USING (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()))
    WITH CHECK (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()));

CREATE POLICY transactions_worker_all ON fintech.transactions
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY transactions_readonly_read ON fintech.transactions
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY transactions_app_own ON fintech.transactions IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

ALTER TABLE fintech.investments ENABLE ROW LEVEL SECURITY;

ALTER TABLE fintech.investments FORCE ROW LEVEL SECURITY;

CREATE POLICY investments_owner_all ON fintech.investments
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY investments_app_own ON fintech.investments
    TO fintech_app
    USING (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()))
    WITH CHECK (EXISTS (SELECT FROM fintech.accounts AS a WHERE a.id = account_id AND a.user_id = core.current_user_id()));

CREATE POLICY investments_worker_all ON fintech.investments
    TO fintech_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY investments_readonly_read ON fintech.investments
    FOR SELECT
    TO fintech_readonly
    USING (true);

COMMENT ON POLICY investments_app_own ON fintech.investments IS 'fintech_app: the rows of the transaction''s user (core.current_user_id()); none without one.';

CREATE POLICY audit_log_fintech_read ON core.audit_log
    FOR SELECT
    TO fintech_app, fintech_worker, fintech_readonly
    USING (schema_name = 'fintech');

COMMENT ON POLICY audit_log_fintech_read ON core.audit_log IS 'The fintech roles read the audit rows of fintech''s tables, nothing else.';

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON fintech.users
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('password_hash');
