-- validation: owner_id and grantee_id become uuid, the type of the transaction's user.
-- Row-level security (0010) compares them with core.current_user_id(), the uuid that
-- db.transaction(user_id=...) sets; an identity that is not a uuid could never be matched, so its
-- sessions would be visible to nobody. The column type says it once, instead of a text column whose
-- rows might silently fall out of every policy. The conversion fails, and changes nothing, if a
-- stored value is not a uuid (map those identities first). The text length checks go: a uuid has a
-- fixed size. Rewrites both tables (ACCESS EXCLUSIVE while it runs): small tables at this point,
-- before the service switches to the application role.
-- depends: 0007.validation.create-validation-metrics 0004.core.create-roles

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

-- The length check cannot apply to a uuid (its size is fixed).
-- squawk-ignore ban-drop-constraint
ALTER TABLE validation.validation_sessions DROP CONSTRAINT validation_sessions_owner_id_check;

-- squawk-ignore changing-column-type
ALTER TABLE validation.validation_sessions ALTER COLUMN owner_id TYPE uuid USING owner_id::uuid;

COMMENT ON COLUMN validation.validation_sessions.owner_id IS 'The owner''s user id: the datalayer.user_id of the transactions acting for them (row-level security compares it with core.current_user_id()).';

-- squawk-ignore ban-drop-constraint
ALTER TABLE validation.session_shares DROP CONSTRAINT session_shares_grantee_id_check;

-- squawk-ignore changing-column-type
ALTER TABLE validation.session_shares ALTER COLUMN grantee_id TYPE uuid USING grantee_id::uuid;

COMMENT ON COLUMN validation.session_shares.grantee_id IS 'The user given access (a user id, like validation_sessions.owner_id).';
