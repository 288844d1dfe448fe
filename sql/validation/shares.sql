-- name: upsert_session_share(session_id, grantee_id, permission, granted_by)^
-- Grants (or changes) a user's read or write access to a session; returns the share.
INSERT INTO validation.session_shares AS sh (session_id, grantee_id, permission, granted_by)
VALUES (:session_id, :grantee_id, :permission, :granted_by)
ON CONFLICT ON CONSTRAINT session_shares_session_id_grantee_id_key DO UPDATE
SET permission = excluded.permission,
    granted_by = excluded.granted_by
RETURNING id, session_id, grantee_id, permission, granted_by, created_at, updated_at;

-- name: delete_session_share(session_id, grantee_id)!
-- Revokes a user's access to a session; returns the number of shares removed (0 or 1).
DELETE FROM validation.session_shares
WHERE session_id = :session_id
    AND grantee_id = :grantee_id;

-- name: list_session_shares(session_id)
-- Who a session is shared with, by grantee.
SELECT id, session_id, grantee_id, permission, granted_by, created_at, updated_at
FROM validation.session_shares
WHERE session_id = :session_id
ORDER BY grantee_id;

-- name: exists_session_access(session_id, user_id, write)$
-- Whether user_id may read (write false) or write (write true) the live session: its owner may do
-- both, a read share allows reading, a write share both.
-- @nonnull exists
SELECT EXISTS (
    SELECT 1
    FROM validation.validation_sessions AS s
    WHERE s.id = :session_id
        AND s.deleted_at IS NULL
        AND (
            s.owner_id = :user_id
            OR EXISTS (
                SELECT 1
                FROM validation.session_shares AS sh
                WHERE sh.session_id = s.id
                    AND sh.grantee_id = :user_id
                    AND (sh.permission = 'write' OR NOT :write::boolean)
            )
        )
);
