-- Undo 0011.logistics.create-user-functions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION logistics.set_user_active(uuid, boolean);

DROP FUNCTION logistics.list_users(text, integer);

DROP FUNCTION logistics.create_user(text, text, text, text, boolean);

DROP FUNCTION logistics.check_password(text, text);

DROP FUNCTION logistics.get_password_hash(text);

DROP FUNCTION logistics.find_user_by_username(text);

DROP FUNCTION logistics._require_user_admin(boolean);
