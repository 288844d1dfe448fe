-- export_readiness.chat_sessions: Q&A conversations, each about one report (its context) or a
-- general one (report_id null). The composite foreign key (report_id, user_id) proves the report
-- is the user's; deleting the report deletes its sessions (and, through them, their messages).
-- depends: 0005.export_readiness.create-action-plan-progress

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.chat_sessions (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    report_id uuid,
    context_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chat_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT chat_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES export_readiness.users (id) ON DELETE CASCADE,
    CONSTRAINT chat_sessions_report_id_fkey FOREIGN KEY (report_id, user_id)
        REFERENCES export_readiness.reports (id, user_id) ON DELETE CASCADE,
    CONSTRAINT chat_sessions_context_data_check CHECK (jsonb_typeof(context_data) = 'object')
);

COMMENT ON TABLE export_readiness.chat_sessions IS 'Q&A conversations, about one report or general.';

COMMENT ON COLUMN export_readiness.chat_sessions.report_id IS 'The report the conversation is about; null for a general conversation.';

COMMENT ON COLUMN export_readiness.chat_sessions.context_data IS 'JSON object of conversation context kept between turns (product, HS code, destination, earlier topics).';

COMMENT ON COLUMN export_readiness.chat_sessions.updated_at IS 'Last change; moves forward with every message added.';

COMMENT ON CONSTRAINT chat_sessions_user_id_fkey ON export_readiness.chat_sessions IS 'a chat session must belong to an existing user';

COMMENT ON CONSTRAINT chat_sessions_report_id_fkey ON export_readiness.chat_sessions IS 'a chat session can only be about a report of the same user';

COMMENT ON CONSTRAINT chat_sessions_context_data_check ON export_readiness.chat_sessions IS 'context_data must be a JSON object';

CREATE INDEX chat_sessions_user_id_updated_at_idx ON export_readiness.chat_sessions (user_id, updated_at DESC, id);

CREATE INDEX chat_sessions_report_id_idx ON export_readiness.chat_sessions (report_id, user_id) WHERE report_id IS NOT NULL;

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.chat_sessions
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
