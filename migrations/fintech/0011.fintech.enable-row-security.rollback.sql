-- Undo 0011.fintech.enable-row-security.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TRIGGER _900_audit ON fintech.users;

DROP POLICY audit_log_fintech_read ON core.audit_log;

DROP POLICY users_readonly_read ON fintech.users;

DROP POLICY users_worker_all ON fintech.users;

DROP POLICY users_app_own ON fintech.users;

DROP POLICY users_owner_all ON fintech.users;

ALTER TABLE fintech.users NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.users DISABLE ROW LEVEL SECURITY;

DROP POLICY accounts_readonly_read ON fintech.accounts;

DROP POLICY accounts_worker_all ON fintech.accounts;

DROP POLICY accounts_app_own ON fintech.accounts;

DROP POLICY accounts_owner_all ON fintech.accounts;

ALTER TABLE fintech.accounts NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.accounts DISABLE ROW LEVEL SECURITY;

DROP POLICY cards_readonly_read ON fintech.cards;

DROP POLICY cards_worker_all ON fintech.cards;

DROP POLICY cards_app_own ON fintech.cards;

DROP POLICY cards_owner_all ON fintech.cards;

ALTER TABLE fintech.cards NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.cards DISABLE ROW LEVEL SECURITY;

DROP POLICY transfers_readonly_read ON fintech.transfers;

DROP POLICY transfers_worker_all ON fintech.transfers;

DROP POLICY transfers_app_own ON fintech.transfers;

DROP POLICY transfers_owner_all ON fintech.transfers;

ALTER TABLE fintech.transfers NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.transfers DISABLE ROW LEVEL SECURITY;

DROP POLICY p2p_transactions_readonly_read ON fintech.p2p_transactions;

DROP POLICY p2p_transactions_worker_all ON fintech.p2p_transactions;

DROP POLICY p2p_transactions_app_own ON fintech.p2p_transactions;

DROP POLICY p2p_transactions_owner_all ON fintech.p2p_transactions;

ALTER TABLE fintech.p2p_transactions NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.p2p_transactions DISABLE ROW LEVEL SECURITY;

DROP POLICY transactions_readonly_read ON fintech.transactions;

DROP POLICY transactions_worker_all ON fintech.transactions;

DROP POLICY transactions_app_own ON fintech.transactions;

DROP POLICY transactions_owner_all ON fintech.transactions;

ALTER TABLE fintech.transactions NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.transactions DISABLE ROW LEVEL SECURITY;

DROP POLICY investments_readonly_read ON fintech.investments;

DROP POLICY investments_worker_all ON fintech.investments;

DROP POLICY investments_app_own ON fintech.investments;

DROP POLICY investments_owner_all ON fintech.investments;

ALTER TABLE fintech.investments NO FORCE ROW LEVEL SECURITY;

ALTER TABLE fintech.investments DISABLE ROW LEVEL SECURITY;
