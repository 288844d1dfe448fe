-- Undo 0005.compliance.create-evidence-items.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE compliance.evidence_items;
