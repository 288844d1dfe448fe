-- Extensions the application schemas rely on, created once, up front:
--   pgcrypto    pgp_sym_encrypt/decrypt for columns encrypted at rest, crypt() for hashes
--   pg_trgm     trigram GIN indexes for substring search (e.g. evidence names)
--   btree_gist  exclusion constraints that mix equality with ranges (vehicle route periods)
-- They live in schema public, where CREATE EXTENSION puts them by default; queries call their
-- functions schema-qualified (public.pgp_sym_encrypt) so search_path never matters.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
