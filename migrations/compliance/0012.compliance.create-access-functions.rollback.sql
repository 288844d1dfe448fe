-- Undo 0012.compliance.create-access-functions (dropping a function drops its grants).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION compliance.get_integration_credentials(uuid, uuid, text);

DROP FUNCTION compliance.find_user_password_hash(text);

DROP FUNCTION compliance.find_user_by_email(text);

DROP FUNCTION compliance.create_user(text, text);
