-- validation: row-level security on every table that holds a user's data, so validation_app sees
-- and changes only the sessions of the transaction's user, and what hangs off them.
--
-- Each table is ENABLE + FORCE (the owner too: its own policy keeps the definer function and the
-- foreign-key cascades working). validation_app's policies key on core.current_user_id(): no
-- datalayer.user_id setting means no rows. A session is readable by its owner and by every user it
-- is shared with; it is writable (status, response, soft delete, restore) by its owner and by users
-- with a write share; only its owner creates it. Shares are managed by the session's owner, and a
-- grantee sees its own share. Logs, results, behavioral test runs and (through their result)
-- discrepancies follow their session: readable when the session is, added when it is writable.
-- validation_worker and validation_readonly see every row of the tables they were granted (their
-- grants decide what they may do). The metrics hold no user's rows (daily aggregates per
-- technology pair) and validation_app has no grant on them.
-- In core.audit_log, validation_worker and validation_readonly read validation's rows;
-- validation_app reads only the rows of sessions (and shares) the transaction's user can see.
-- depends: 0009.validation.grant-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

ALTER TABLE validation.validation_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.validation_sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY validation_sessions_owner_all ON validation.validation_sessions
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY validation_sessions_app_read ON validation.validation_sessions
    FOR SELECT
    TO validation_app
    USING (
        owner_id = core.current_user_id()
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = validation_sessions.id
                AND sh.grantee_id = core.current_user_id()
        )
    );

CREATE POLICY validation_sessions_app_insert ON validation.validation_sessions
    FOR INSERT
    TO validation_app
    WITH CHECK (owner_id = core.current_user_id());

CREATE POLICY validation_sessions_app_update ON validation.validation_sessions
    FOR UPDATE
    TO validation_app
    USING (
        owner_id = core.current_user_id()
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = validation_sessions.id
                AND sh.grantee_id = core.current_user_id()
                AND sh.permission = 'write'
        )
    )
    WITH CHECK (
        owner_id = core.current_user_id()
        OR EXISTS (
            SELECT 1
            FROM validation.session_shares AS sh
            WHERE sh.session_id = validation_sessions.id
                AND sh.grantee_id = core.current_user_id()
                AND sh.permission = 'write'
        )
    );

CREATE POLICY validation_sessions_worker_all ON validation.validation_sessions
    TO validation_worker
    USING (true)
    WITH CHECK (true);

CREATE POLICY validation_sessions_readonly_read ON validation.validation_sessions
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY validation_sessions_app_read ON validation.validation_sessions IS 'validation_app: sessions the transaction''s user owns or was given (read or write share); none without a user.';

COMMENT ON POLICY validation_sessions_app_insert ON validation.validation_sessions IS 'validation_app: a new session belongs to the transaction''s user.';

COMMENT ON POLICY validation_sessions_app_update ON validation.validation_sessions IS 'validation_app: sessions the transaction''s user owns or holds a write share on.';

ALTER TABLE validation.session_shares ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.session_shares FORCE ROW LEVEL SECURITY;

CREATE POLICY session_shares_owner_all ON validation.session_shares
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY session_shares_app_read ON validation.session_shares
    FOR SELECT
    TO validation_app
    USING (grantee_id = core.current_user_id() OR validation.owns_session(session_id));

CREATE POLICY session_shares_app_own ON validation.session_shares
    TO validation_app
    USING (validation.owns_session(session_id))
    WITH CHECK (validation.owns_session(session_id));

CREATE POLICY session_shares_readonly_read ON validation.session_shares
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY session_shares_app_read ON validation.session_shares IS 'validation_app: the shares of the user''s own sessions, and the user''s own shares.';

COMMENT ON POLICY session_shares_app_own ON validation.session_shares IS 'validation_app: only a session''s owner grants, changes or revokes its shares.';

ALTER TABLE validation.session_logs ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.session_logs FORCE ROW LEVEL SECURITY;

CREATE POLICY session_logs_owner_all ON validation.session_logs
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY session_logs_app_read ON validation.session_logs
    FOR SELECT
    TO validation_app
    USING (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = session_logs.session_id
    )
    );

CREATE POLICY session_logs_app_insert ON validation.session_logs
    FOR INSERT
    TO validation_app
    WITH CHECK (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = session_logs.session_id
            AND (
                s.owner_id = core.current_user_id()
                OR EXISTS (
                    SELECT 1
                    FROM validation.session_shares AS sh
                    WHERE sh.session_id = s.id
                        AND sh.grantee_id = core.current_user_id()
                        AND sh.permission = 'write'
                )
            )
    )
    );

CREATE POLICY session_logs_readonly_read ON validation.session_logs
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY session_logs_app_read ON validation.session_logs IS 'validation_app: rows of the sessions the transaction''s user can read.';

COMMENT ON POLICY session_logs_app_insert ON validation.session_logs IS 'validation_app: rows are added to sessions the transaction''s user can write.';

ALTER TABLE validation.validation_results ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.validation_results FORCE ROW LEVEL SECURITY;

CREATE POLICY validation_results_owner_all ON validation.validation_results
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY validation_results_app_read ON validation.validation_results
    FOR SELECT
    TO validation_app
    USING (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = validation_results.session_id
    )
    );

CREATE POLICY validation_results_app_insert ON validation.validation_results
    FOR INSERT
    TO validation_app
    WITH CHECK (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = validation_results.session_id
            AND (
                s.owner_id = core.current_user_id()
                OR EXISTS (
                    SELECT 1
                    FROM validation.session_shares AS sh
                    WHERE sh.session_id = s.id
                        AND sh.grantee_id = core.current_user_id()
                        AND sh.permission = 'write'
                )
            )
    )
    );

CREATE POLICY validation_results_worker_read ON validation.validation_results
    FOR SELECT
    TO validation_worker
    USING (true);

CREATE POLICY validation_results_readonly_read ON validation.validation_results
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY validation_results_app_read ON validation.validation_results IS 'validation_app: rows of the sessions the transaction''s user can read.';

COMMENT ON POLICY validation_results_app_insert ON validation.validation_results IS 'validation_app: rows are added to sessions the transaction''s user can write.';

ALTER TABLE validation.behavioral_test_results ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.behavioral_test_results FORCE ROW LEVEL SECURITY;

CREATE POLICY behavioral_test_results_owner_all ON validation.behavioral_test_results
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY behavioral_test_results_app_read ON validation.behavioral_test_results
    FOR SELECT
    TO validation_app
    USING (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = behavioral_test_results.session_id
    )
    );

CREATE POLICY behavioral_test_results_app_insert ON validation.behavioral_test_results
    FOR INSERT
    TO validation_app
    WITH CHECK (
    EXISTS (
        SELECT 1
        FROM validation.validation_sessions AS s
        WHERE s.id = behavioral_test_results.session_id
            AND (
                s.owner_id = core.current_user_id()
                OR EXISTS (
                    SELECT 1
                    FROM validation.session_shares AS sh
                    WHERE sh.session_id = s.id
                        AND sh.grantee_id = core.current_user_id()
                        AND sh.permission = 'write'
                )
            )
    )
    );

CREATE POLICY behavioral_test_results_readonly_read ON validation.behavioral_test_results
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY behavioral_test_results_app_read ON validation.behavioral_test_results IS 'validation_app: rows of the sessions the transaction''s user can read.';

COMMENT ON POLICY behavioral_test_results_app_insert ON validation.behavioral_test_results IS 'validation_app: rows are added to sessions the transaction''s user can write.';

ALTER TABLE validation.discrepancies ENABLE ROW LEVEL SECURITY;

ALTER TABLE validation.discrepancies FORCE ROW LEVEL SECURITY;

CREATE POLICY discrepancies_owner_all ON validation.discrepancies
    TO datalayer_owner
    USING (true)
    WITH CHECK (true);

CREATE POLICY discrepancies_app_read ON validation.discrepancies
    FOR SELECT
    TO validation_app
    USING (
    EXISTS (
        SELECT 1
        FROM validation.validation_results AS r
        WHERE r.id = discrepancies.result_id
    )
    );

CREATE POLICY discrepancies_app_insert ON validation.discrepancies
    FOR INSERT
    TO validation_app
    WITH CHECK (
    EXISTS (
        SELECT 1
        FROM validation.validation_results AS r
        JOIN validation.validation_sessions AS s ON s.id = r.session_id
        WHERE r.id = discrepancies.result_id
            AND (
                s.owner_id = core.current_user_id()
                OR EXISTS (
                    SELECT 1
                    FROM validation.session_shares AS sh
                    WHERE sh.session_id = s.id
                        AND sh.grantee_id = core.current_user_id()
                        AND sh.permission = 'write'
                )
            )
    )
    );

CREATE POLICY discrepancies_worker_read ON validation.discrepancies
    FOR SELECT
    TO validation_worker
    USING (true);

CREATE POLICY discrepancies_readonly_read ON validation.discrepancies
    FOR SELECT
    TO validation_readonly
    USING (true);

COMMENT ON POLICY discrepancies_app_read ON validation.discrepancies IS 'validation_app: discrepancies of results the transaction''s user can read.';

COMMENT ON POLICY discrepancies_app_insert ON validation.discrepancies IS 'validation_app: discrepancies are added to results of sessions the transaction''s user can write.';

CREATE POLICY audit_log_validation_app_read ON core.audit_log
    FOR SELECT
    TO validation_app
    USING (
        schema_name = 'validation'
        AND (
            (table_name = 'validation_sessions'
                AND EXISTS (
                    SELECT 1
                    FROM validation.validation_sessions AS s
                    WHERE s.id::text = audit_log.row_id
                ))
            OR (table_name = 'session_shares'
                AND EXISTS (
                    SELECT 1
                    FROM validation.session_shares AS sh
                    WHERE sh.id::text = audit_log.row_id
                ))
        )
    );

COMMENT ON POLICY audit_log_validation_app_read ON core.audit_log IS 'validation_app reads the audit rows of the sessions and shares the transaction''s user can see, nothing else.';

CREATE POLICY audit_log_validation_read ON core.audit_log
    FOR SELECT
    TO validation_worker, validation_readonly
    USING (schema_name = 'validation');

COMMENT ON POLICY audit_log_validation_read ON core.audit_log IS 'The validation worker and reporting roles read the audit rows of validation''s tables, nothing else.';
