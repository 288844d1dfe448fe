-- core.partition_retention: whether `datalayer partitions maintain` may archive and drop the old
-- months of a partitioned table, and why. A table that is not listed is never archived: retention
-- is opt-in per table, so a history that partitions a table whose old rows other data depends on
-- (the fintech ledger: balances are the sum of the ledger) keeps every month unless it says
-- otherwise. Each history lists its own tables here in its own migrations; core lists the audit
-- log, whose old months may go.
--
-- Tables are named by schema and table (text), not regclass: a backup holds core with a subset of
-- the applications, and a regclass value naming a table of a schema that is not restored would make
-- the restore fail. A row naming a table that does not exist (any more) is ignored.
-- depends: 0021.core.partition-audit-log

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE core.partition_retention (
    schema_name text NOT NULL,
    table_name text NOT NULL,
    allowed boolean NOT NULL,
    reason text NOT NULL,
    CONSTRAINT partition_retention_pkey PRIMARY KEY (schema_name, table_name),
    CONSTRAINT partition_retention_reason_check CHECK (btrim(reason) <> '')
);

COMMENT ON TABLE core.partition_retention IS 'Partitioned tables whose old months datalayer partitions maintain may (allowed) or may not archive and drop, with the reason; unlisted tables are never archived.';

COMMENT ON COLUMN core.partition_retention.allowed IS 'Whether months past the retention may be archived (pg_dump) and dropped.';

COMMENT ON COLUMN core.partition_retention.reason IS 'Why, for people: printed when maintain skips the table.';

COMMENT ON CONSTRAINT partition_retention_pkey ON core.partition_retention IS 'a partitioned table is listed once';

COMMENT ON CONSTRAINT partition_retention_reason_check ON core.partition_retention IS 'the reason must not be empty';

REVOKE ALL ON core.partition_retention FROM PUBLIC;

ALTER TABLE core.partition_retention OWNER TO datalayer_owner;

INSERT INTO core.partition_retention (schema_name, table_name, allowed, reason)
VALUES ('core', 'audit_log', true, 'old audit months are archived (pg_dump) before they are dropped; nothing reads them back');
