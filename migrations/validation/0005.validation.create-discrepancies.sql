-- validation.discrepancies: the differences a result found between source and target.
-- severity is critical, warning or info; discrepancy_type is a short snake_case code chosen by the
-- validator (missing_field, type_mismatch, ...); source_element and target_element name what was
-- compared. Discrepancies go with their result (ON DELETE CASCADE). The (severity, created_at)
-- index serves the weekly trend statistics.
-- depends: 0004.validation.create-validation-results

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.discrepancies (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    result_id uuid NOT NULL,
    discrepancy_type text NOT NULL,
    severity text NOT NULL,
    description text NOT NULL,
    component text,
    source_element text,
    target_element text,
    recommendation text,
    confidence numeric(5, 4),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT discrepancies_pkey PRIMARY KEY (id),
    CONSTRAINT discrepancies_result_id_fkey FOREIGN KEY (result_id)
        REFERENCES validation.validation_results (id) ON DELETE CASCADE,
    CONSTRAINT discrepancies_discrepancy_type_check CHECK (discrepancy_type ~ '^[a-z][a-z0-9_]{0,63}$'),
    CONSTRAINT discrepancies_severity_check CHECK (severity IN ('critical', 'warning', 'info')),
    CONSTRAINT discrepancies_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 10000),
    CONSTRAINT discrepancies_confidence_check CHECK (confidence BETWEEN 0 AND 1)
);

COMMENT ON TABLE validation.discrepancies IS 'A difference found between the source and the target system by a validation result.';

COMMENT ON COLUMN validation.discrepancies.discrepancy_type IS 'snake_case code of the kind of difference, e.g. missing_field, type_mismatch.';

COMMENT ON COLUMN validation.discrepancies.severity IS 'critical, warning or info.';

COMMENT ON COLUMN validation.discrepancies.component IS 'The component (screen, endpoint, module) where the difference was found.';

COMMENT ON COLUMN validation.discrepancies.source_element IS 'The element of the source system compared.';

COMMENT ON COLUMN validation.discrepancies.target_element IS 'The element of the target system compared.';

COMMENT ON COLUMN validation.discrepancies.confidence IS 'The validator''s confidence in the finding, from 0 to 1.';

COMMENT ON CONSTRAINT discrepancies_result_id_fkey ON validation.discrepancies IS 'result_id must be an existing validation result';

COMMENT ON CONSTRAINT discrepancies_discrepancy_type_check ON validation.discrepancies IS 'discrepancy_type must be a snake_case code of at most 64 characters';

COMMENT ON CONSTRAINT discrepancies_severity_check ON validation.discrepancies IS 'severity must be critical, warning or info';

COMMENT ON CONSTRAINT discrepancies_description_check ON validation.discrepancies IS 'description must have 1 to 10000 characters';

COMMENT ON CONSTRAINT discrepancies_confidence_check ON validation.discrepancies IS 'confidence must be between 0 and 1';

CREATE INDEX discrepancies_result_id_idx ON validation.discrepancies (result_id);

CREATE INDEX discrepancies_severity_created_at_idx ON validation.discrepancies (severity, created_at);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.discrepancies
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
