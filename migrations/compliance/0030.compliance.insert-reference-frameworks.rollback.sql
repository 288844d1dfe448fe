-- Undo 0030.compliance.insert-reference-frameworks: remove the shipped frameworks by their fixed
-- ids (a framework still referenced by an assessment, evidence, policy or plan is kept by the
-- foreign keys, and the rollback fails naming it).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DELETE FROM compliance.compliance_frameworks
WHERE id IN (
    '0194a5e0-0000-7000-8000-000000000001',
    '0194a5e0-0000-7000-8000-000000000002',
    '0194a5e0-0000-7000-8000-000000000003',
    '0194a5e0-0000-7000-8000-000000000004',
    '0194a5e0-0000-7000-8000-000000000005'
);
