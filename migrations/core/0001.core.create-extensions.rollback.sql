-- Undo 0001.core.create-extensions (reverse order).

DROP EXTENSION IF EXISTS btree_gist;

DROP EXTENSION IF EXISTS pg_trgm;

DROP EXTENSION IF EXISTS pgcrypto;
