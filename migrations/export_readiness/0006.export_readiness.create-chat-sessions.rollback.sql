-- Undo 0006.export_readiness.create-chat-sessions.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.chat_sessions;
