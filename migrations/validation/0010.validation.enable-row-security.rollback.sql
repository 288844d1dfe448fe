-- Undo 0010.validation.enable-row-security (reverse order).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP POLICY audit_log_validation_read ON core.audit_log;

DROP POLICY audit_log_validation_app_read ON core.audit_log;

DROP POLICY discrepancies_readonly_read ON validation.discrepancies;

DROP POLICY discrepancies_worker_read ON validation.discrepancies;

DROP POLICY discrepancies_app_insert ON validation.discrepancies;

DROP POLICY discrepancies_app_read ON validation.discrepancies;

DROP POLICY discrepancies_owner_all ON validation.discrepancies;

ALTER TABLE validation.discrepancies NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.discrepancies DISABLE ROW LEVEL SECURITY;

DROP POLICY behavioral_test_results_readonly_read ON validation.behavioral_test_results;

DROP POLICY behavioral_test_results_app_insert ON validation.behavioral_test_results;

DROP POLICY behavioral_test_results_app_read ON validation.behavioral_test_results;

DROP POLICY behavioral_test_results_owner_all ON validation.behavioral_test_results;

ALTER TABLE validation.behavioral_test_results NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.behavioral_test_results DISABLE ROW LEVEL SECURITY;

DROP POLICY validation_results_readonly_read ON validation.validation_results;

DROP POLICY validation_results_worker_read ON validation.validation_results;

DROP POLICY validation_results_app_insert ON validation.validation_results;

DROP POLICY validation_results_app_read ON validation.validation_results;

DROP POLICY validation_results_owner_all ON validation.validation_results;

ALTER TABLE validation.validation_results NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.validation_results DISABLE ROW LEVEL SECURITY;

DROP POLICY session_logs_readonly_read ON validation.session_logs;

DROP POLICY session_logs_app_insert ON validation.session_logs;

DROP POLICY session_logs_app_read ON validation.session_logs;

DROP POLICY session_logs_owner_all ON validation.session_logs;

ALTER TABLE validation.session_logs NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.session_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY session_shares_readonly_read ON validation.session_shares;

DROP POLICY session_shares_app_own ON validation.session_shares;

DROP POLICY session_shares_app_read ON validation.session_shares;

DROP POLICY session_shares_owner_all ON validation.session_shares;

ALTER TABLE validation.session_shares NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.session_shares DISABLE ROW LEVEL SECURITY;

DROP POLICY validation_sessions_readonly_read ON validation.validation_sessions;

DROP POLICY validation_sessions_worker_all ON validation.validation_sessions;

DROP POLICY validation_sessions_app_update ON validation.validation_sessions;

DROP POLICY validation_sessions_app_insert ON validation.validation_sessions;

DROP POLICY validation_sessions_app_read ON validation.validation_sessions;

DROP POLICY validation_sessions_owner_all ON validation.validation_sessions;

ALTER TABLE validation.validation_sessions NO FORCE ROW LEVEL SECURITY;

ALTER TABLE validation.validation_sessions DISABLE ROW LEVEL SECURITY;
