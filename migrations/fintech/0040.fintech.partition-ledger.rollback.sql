-- Undo 0040.fintech.partition-ledger: the ledger becomes one plain table again, with every row of
-- every partition (the default partition's too), its primary key on id alone, and the same foreign
-- keys, indexes, triggers, row-level security, grants and ledger-returning functions. Partitions
-- detached and archived by `datalayer partitions maintain` are not brought back: restore their
-- dumps first if their rows must return.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '0';

LOCK TABLE fintech.transactions IN ACCESS EXCLUSIVE MODE;

CREATE OR REPLACE FUNCTION fintech.tg__require_posting() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF coalesce(current_setting('fintech.posting', true), '') <> 'on' THEN
        RAISE EXCEPTION '% on %.% outside a ledger posting: money moves only through the posting functions', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  CONSTRAINT = TG_TABLE_NAME || '_posting_check',
                  HINT = 'use fintech.deposit, withdraw, transfer, send_p2p or reverse_transfer';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TEMPORARY TABLE ledger_functions ON COMMIT DROP AS
SELECT
    p.oid::regprocedure::text AS signature,
    pg_get_functiondef(p.oid) AS definition,
    obj_description(p.oid, 'pg_proc') AS description,
    p.proacl AS acl
FROM pg_proc AS p
WHERE p.prorettype = 'fintech.transactions'::regtype;

CREATE TEMPORARY TABLE ledger_grants ON COMMIT DROP AS
SELECT
    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee,
    a.privilege_type
FROM pg_class AS c
CROSS JOIN LATERAL aclexplode(c.relacl) AS a
LEFT JOIN pg_roles AS r ON r.oid = a.grantee
WHERE c.oid = 'fintech.transactions'::regclass AND a.grantee <> c.relowner;

DO $$
DECLARE
    v_function record;
BEGIN
    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'fintech.transactions'::regclass AND attacl IS NOT NULL) THEN
        RAISE EXCEPTION 'fintech.transactions has column privileges, which this migration does not carry over';
    END IF;
    FOR v_function IN SELECT signature FROM ledger_functions LOOP
        EXECUTE format('DROP FUNCTION %s', v_function.signature);
    END LOOP;
END;
$$;

ALTER TABLE fintech.transactions RENAME TO transactions_partitioned;

CREATE TABLE fintech.transactions (
    LIKE fintech.transactions_partitioned
    INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS INCLUDING STORAGE INCLUDING STATISTICS
);

COMMENT ON TABLE fintech.transactions IS 'The ledger: append-only, double-entry (each posting sums to zero per currency).';

INSERT INTO fintech.transactions SELECT * FROM fintech.transactions_partitioned;

DROP TABLE fintech.transactions_partitioned;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_pkey PRIMARY KEY (id);

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_account_id_fkey FOREIGN KEY (account_id, currency) REFERENCES fintech.accounts (id, currency) ON DELETE RESTRICT;

COMMENT ON CONSTRAINT transactions_account_id_fkey ON fintech.transactions IS 'an entry must name an existing account, in that account''s currency';

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES fintech.transfers (id) ON DELETE RESTRICT;

ALTER TABLE fintech.transactions ADD CONSTRAINT transactions_p2p_transaction_id_fkey FOREIGN KEY (p2p_transaction_id) REFERENCES fintech.p2p_transactions (id) ON DELETE RESTRICT;

CREATE INDEX transactions_account_id_created_at_idx ON fintech.transactions (account_id, created_at DESC, id);

CREATE INDEX transactions_posting_id_idx ON fintech.transactions (posting_id);

CREATE INDEX transactions_transfer_id_idx ON fintech.transactions (transfer_id) WHERE transfer_id IS NOT NULL;

CREATE INDEX transactions_p2p_transaction_id_idx ON fintech.transactions (p2p_transaction_id) WHERE p2p_transaction_id IS NOT NULL;

CREATE TRIGGER _100_forbid_mutation
    BEFORE UPDATE OR DELETE ON fintech.transactions
    FOR EACH ROW EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE TRIGGER _100_forbid_truncate
    BEFORE TRUNCATE ON fintech.transactions
    FOR EACH STATEMENT EXECUTE FUNCTION core.tg__forbid_mutation();

CREATE TRIGGER _050_require_posting
    BEFORE INSERT ON fintech.transactions
    FOR EACH ROW EXECUTE FUNCTION fintech.tg__require_posting();

CREATE CONSTRAINT TRIGGER _200_check_balanced
    AFTER INSERT ON fintech.transactions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fintech.tg_transactions__check_balanced();

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

DO $$
DECLARE
    v_grant record;
    v_function record;
    v_acl record;
BEGIN
    REVOKE ALL ON fintech.transactions FROM PUBLIC;
    FOR v_grant IN SELECT grantee, privilege_type FROM ledger_grants LOOP
        EXECUTE format('GRANT %s ON fintech.transactions TO %s', v_grant.privilege_type, v_grant.grantee);
    END LOOP;
    -- Their bodies were valid before; they call each other, so they are not checked one by one.
    PERFORM set_config('check_function_bodies', 'off', true);
    FOR v_function IN SELECT signature, definition, description, acl FROM ledger_functions LOOP
        EXECUTE v_function.definition;
        EXECUTE format('COMMENT ON FUNCTION %s IS %L', v_function.signature, v_function.description);
        IF v_function.acl IS NOT NULL THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function.signature);
            FOR v_acl IN
                SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
                FROM aclexplode(v_function.acl) AS a
                LEFT JOIN pg_roles AS r ON r.oid = a.grantee
                JOIN pg_proc AS p ON p.oid = v_function.signature::regprocedure
                WHERE a.grantee <> p.proowner
            LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', v_function.signature, v_acl.grantee);
            END LOOP;
        END IF;
    END LOOP;
END;
$$;
