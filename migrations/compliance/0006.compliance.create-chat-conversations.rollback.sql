-- Undo 0006.compliance.create-chat-conversations.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.chat_conversations;
