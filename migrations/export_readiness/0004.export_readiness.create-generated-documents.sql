-- export_readiness.generated_documents: export documents generated for a report (commercial
-- invoice, packing list, shipping bill, GST LUT, SOFTEX form, certificate of origin) with the
-- result of their validation. Requirement 17.2: a document's content names the buyer and
-- consignee, their addresses, prices and the exporter's bank details, so it is stored only as
-- content_encrypted (pgcrypto pgp_sym_encrypt of the JSON text under the application's
-- DATABASE_ENCRYPTION_KEY); validation_results holds findings, not the content, and stays in clear.
-- The composite foreign key (report_id, user_id) proves the document belongs to the report's owner
-- and cascades from the report, and so from the user. The audit trigger leaves the encrypted
-- content out of the audit log.
-- depends: 0003.export_readiness.create-certification-progress

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE export_readiness.generated_documents (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    user_id uuid NOT NULL,
    report_id uuid NOT NULL,
    document_type text NOT NULL,
    content_encrypted bytea NOT NULL,
    validation_status text NOT NULL DEFAULT 'pending',
    validation_results jsonb NOT NULL DEFAULT '{}',
    validated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT generated_documents_pkey PRIMARY KEY (id),
    CONSTRAINT generated_documents_report_id_fkey FOREIGN KEY (report_id, user_id)
        REFERENCES export_readiness.reports (id, user_id) ON DELETE CASCADE,
    CONSTRAINT generated_documents_document_type_check CHECK (
        document_type IN ('commercial_invoice', 'packing_list', 'shipping_bill', 'gst_lut', 'softex', 'certificate_of_origin')
    ),
    CONSTRAINT generated_documents_content_encrypted_check CHECK (octet_length(content_encrypted) > 0),
    CONSTRAINT generated_documents_validation_status_check CHECK (validation_status IN ('pending', 'passed', 'failed')),
    CONSTRAINT generated_documents_validation_results_check CHECK (jsonb_typeof(validation_results) = 'object'),
    CONSTRAINT generated_documents_validated_at_check CHECK ((validation_status = 'pending') = (validated_at IS NULL))
);

COMMENT ON TABLE export_readiness.generated_documents IS 'Export documents generated for a report, content encrypted at rest, with their validation results.';

COMMENT ON COLUMN export_readiness.generated_documents.document_type IS 'commercial_invoice, packing_list, shipping_bill, gst_lut, softex or certificate_of_origin.';

COMMENT ON COLUMN export_readiness.generated_documents.content_encrypted IS 'Sensitive (Requirement 17.2: buyer and consignee details, prices, bank details): the document as JSON text, pgp_sym_encrypt''ed with the key from the application''s settings (DATABASE_ENCRYPTION_KEY).';

COMMENT ON COLUMN export_readiness.generated_documents.validation_status IS 'pending (not validated yet), passed or failed.';

COMMENT ON COLUMN export_readiness.generated_documents.validation_results IS 'JSON object: is_valid, errors and warnings (field, message, severity), port-code and HS-code checks.';

COMMENT ON COLUMN export_readiness.generated_documents.validated_at IS 'When the last validation ran; null exactly while pending.';

COMMENT ON CONSTRAINT generated_documents_report_id_fkey ON export_readiness.generated_documents IS 'a document must belong to a report of the same user';

COMMENT ON CONSTRAINT generated_documents_document_type_check ON export_readiness.generated_documents IS 'document_type must be commercial_invoice, packing_list, shipping_bill, gst_lut, softex or certificate_of_origin';

COMMENT ON CONSTRAINT generated_documents_content_encrypted_check ON export_readiness.generated_documents IS 'content_encrypted cannot be empty';

COMMENT ON CONSTRAINT generated_documents_validation_status_check ON export_readiness.generated_documents IS 'validation_status must be pending, passed or failed';

COMMENT ON CONSTRAINT generated_documents_validation_results_check ON export_readiness.generated_documents IS 'validation_results must be a JSON object';

COMMENT ON CONSTRAINT generated_documents_validated_at_check ON export_readiness.generated_documents IS 'validated_at must be set exactly when the document has been validated';

CREATE INDEX generated_documents_report_id_user_id_created_at_idx ON export_readiness.generated_documents (report_id, user_id, created_at DESC);

CREATE INDEX generated_documents_validation_status_idx ON export_readiness.generated_documents (validation_status);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON export_readiness.generated_documents
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE TRIGGER _900_audit
    AFTER INSERT OR UPDATE OR DELETE ON export_readiness.generated_documents
    FOR EACH ROW EXECUTE FUNCTION core.tg__audit('content_encrypted');
