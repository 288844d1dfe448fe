-- Undo 0004.export_readiness.create-generated-documents.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE export_readiness.generated_documents;
