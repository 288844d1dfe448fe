-- Undo 0002.core.create-schema.

DROP FUNCTION core.tg__forbid_mutation();

DROP FUNCTION core.tg__set_updated_at();

DROP FUNCTION core.uuid_v7();

DROP SCHEMA core;
