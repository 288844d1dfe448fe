-- Legacy generated documents -> export_readiness.generated_documents: the content, a JSON document
-- kept in clear, is encrypted with the application's current key (content_encrypted, as the
-- application writes it: export_readiness.encrypt of the JSON text with the keyring) and
-- content_key_id records that key's id; a validated document's time is its last update.
-- legacy: generated_documents
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN r.user_id IS DISTINCT FROM l.user_id
            THEN 'its user is not its report''s (generated_documents_report_id_fkey)'
        WHEN l.document_type IS NULL OR l.document_type NOT IN (
            'commercial_invoice', 'packing_list', 'shipping_bill', 'gst_lut', 'softex', 'certificate_of_origin')
            THEN 'document type outside the known types (generated_documents_document_type_check)'
        WHEN l.content IS NULL
            THEN 'no content (generated_documents_content_encrypted_check)'
        WHEN l.validation_status IS NULL OR l.validation_status NOT IN ('pending', 'passed', 'failed')
            THEN 'validation status outside pending, passed, failed (generated_documents_validation_status_check)'
        WHEN l.validation_results IS NOT NULL AND jsonb_typeof(l.validation_results) <> 'object'
            THEN 'validation results is not a JSON object (generated_documents_validation_results_check)'
        WHEN EXISTS (SELECT FROM pg_temp.adopt_refused_reports AS q WHERE q.legacy_key = l.report_id::text)
            THEN 'its report is quarantined'
    END AS reason
FROM __legacy__.generated_documents AS l
LEFT JOIN __legacy__.reports AS r ON r.id = l.report_id
-- name: convert
INSERT INTO export_readiness.generated_documents (
    id, user_id, report_id, document_type, content_encrypted, content_key_id, validation_status,
    validation_results, validated_at, created_at, updated_at
)
SELECT
    l.id,
    l.user_id,
    l.report_id,
    l.document_type,
    export_readiness.encrypt(l.content::text, current_setting('datalayer.adopt_keyring')),
    export_readiness.current_key_id(current_setting('datalayer.adopt_keyring')),
    l.validation_status,
    coalesce(l.validation_results, '{}'),
    CASE WHEN l.validation_status <> 'pending' THEN coalesce(l.updated_at, l.created_at) AT TIME ZONE 'UTC' END,
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.generated_documents AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_generated_documents AS r WHERE r.legacy_key = l.id::text)
    AND NOT EXISTS (SELECT FROM export_readiness.generated_documents AS n WHERE n.id = l.id)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.generated_documents AS l
WHERE EXISTS (SELECT FROM export_readiness.generated_documents AS n WHERE n.id = l.id);
