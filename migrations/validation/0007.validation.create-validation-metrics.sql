-- validation.validation_metrics: analytics aggregated by the database, one row per UTC day and
-- technology pair, kept by validation.refresh_validation_metrics(from_day, to_day).
-- A table kept by a refresh function rather than a materialized view: the refresh recomputes only
-- the days asked for (a materialized view recomputes all history on every refresh), it runs inside
-- an ordinary transaction (REFRESH ... CONCURRENTLY needs a unique index and recomputes everything
-- anyway), concurrent refreshes are serialised by a transaction advisory lock instead of failing,
-- and the rows of days whose sessions were purged past retention stay as history unless those days
-- are refreshed again. Soft-deleted sessions are left out, like in every default query.
-- depends: 0006.validation.create-behavioral-test-results

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE validation.validation_metrics (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    metric_date date NOT NULL,
    source_technology text NOT NULL,
    target_technology text NOT NULL,
    total_sessions integer NOT NULL,
    completed_sessions integer NOT NULL,
    failed_sessions integer NOT NULL,
    cancelled_sessions integer NOT NULL,
    avg_fidelity_score numeric(5, 4),
    avg_execution_time_ms numeric(12, 2),
    critical_discrepancies integer NOT NULL,
    warning_discrepancies integer NOT NULL,
    info_discrepancies integer NOT NULL,
    refreshed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT validation_metrics_pkey PRIMARY KEY (id),
    CONSTRAINT validation_metrics_day_technologies_key UNIQUE (metric_date, source_technology, target_technology),
    CONSTRAINT validation_metrics_counts_check CHECK (
        completed_sessions >= 0 AND failed_sessions >= 0 AND cancelled_sessions >= 0
        AND completed_sessions + failed_sessions + cancelled_sessions <= total_sessions
        AND critical_discrepancies >= 0 AND warning_discrepancies >= 0 AND info_discrepancies >= 0
    ),
    CONSTRAINT validation_metrics_avg_fidelity_score_check CHECK (avg_fidelity_score BETWEEN 0 AND 1)
);

COMMENT ON TABLE validation.validation_metrics IS 'Daily aggregates per technology pair, written only by validation.refresh_validation_metrics().';

COMMENT ON COLUMN validation.validation_metrics.metric_date IS 'The UTC day the sessions were created.';

COMMENT ON COLUMN validation.validation_metrics.total_sessions IS 'Live (not soft-deleted) sessions created that day for the pair.';

COMMENT ON COLUMN validation.validation_metrics.avg_fidelity_score IS 'Mean fidelity score of those sessions'' results; null when none has a result.';

COMMENT ON COLUMN validation.validation_metrics.avg_execution_time_ms IS 'Mean execution time of those results in milliseconds; null when none.';

COMMENT ON COLUMN validation.validation_metrics.critical_discrepancies IS 'Critical discrepancies found in those sessions'' results.';

COMMENT ON COLUMN validation.validation_metrics.refreshed_at IS 'When the row was last recomputed.';

COMMENT ON CONSTRAINT validation_metrics_day_technologies_key ON validation.validation_metrics IS 'one metrics row per day and technology pair';

COMMENT ON CONSTRAINT validation_metrics_counts_check ON validation.validation_metrics IS 'counts cannot be negative, and finished sessions cannot outnumber sessions';

COMMENT ON CONSTRAINT validation_metrics_avg_fidelity_score_check ON validation.validation_metrics IS 'avg_fidelity_score must be between 0 and 1';

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON validation.validation_metrics
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();

CREATE FUNCTION validation.refresh_validation_metrics(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_written integer;
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
        RAISE EXCEPTION 'refresh_validation_metrics needs from <= to, got % and %', p_from, p_to
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- One refresh at a time; a second waits for the first instead of racing on the same days.
    PERFORM pg_advisory_xact_lock(hashtext('validation.refresh_validation_metrics'));

    WITH sessions AS (
        SELECT s.id,
               (s.created_at AT TIME ZONE 'UTC')::date AS metric_date,
               s.source_technology,
               s.target_technology,
               s.status
        FROM validation.validation_sessions AS s
        WHERE s.deleted_at IS NULL
            AND s.created_at >= (p_from::timestamp AT TIME ZONE 'UTC')
            AND s.created_at < ((p_to + 1)::timestamp AT TIME ZONE 'UTC')
    ),
    severities AS (
        SELECT r.session_id,
               count(*) FILTER (WHERE d.severity = 'critical') AS critical,
               count(*) FILTER (WHERE d.severity = 'warning') AS warning,
               count(*) FILTER (WHERE d.severity = 'info') AS info
        FROM sessions AS s
        JOIN validation.validation_results AS r ON r.session_id = s.id
        JOIN validation.discrepancies AS d ON d.result_id = r.id
        GROUP BY r.session_id
    ),
    computed AS (
        SELECT s.metric_date,
               s.source_technology,
               s.target_technology,
               count(*)::integer AS total_sessions,
               count(*) FILTER (WHERE s.status = 'completed')::integer AS completed_sessions,
               count(*) FILTER (WHERE s.status = 'failed')::integer AS failed_sessions,
               count(*) FILTER (WHERE s.status = 'cancelled')::integer AS cancelled_sessions,
               round(avg(r.fidelity_score), 4) AS avg_fidelity_score,
               round(avg(r.execution_time_ms), 2) AS avg_execution_time_ms,
               coalesce(sum(v.critical), 0)::integer AS critical_discrepancies,
               coalesce(sum(v.warning), 0)::integer AS warning_discrepancies,
               coalesce(sum(v.info), 0)::integer AS info_discrepancies
        FROM sessions AS s
        LEFT JOIN validation.validation_results AS r ON r.session_id = s.id
        LEFT JOIN severities AS v ON v.session_id = s.id
        GROUP BY s.metric_date, s.source_technology, s.target_technology
    ),
    removed AS (
        DELETE FROM validation.validation_metrics AS m
        WHERE m.metric_date BETWEEN p_from AND p_to
            AND NOT EXISTS (
                SELECT 1
                FROM computed AS c
                WHERE c.metric_date = m.metric_date
                    AND c.source_technology = m.source_technology
                    AND c.target_technology = m.target_technology
            )
    ),
    written AS (
        INSERT INTO validation.validation_metrics AS m (
            metric_date, source_technology, target_technology, total_sessions, completed_sessions,
            failed_sessions, cancelled_sessions, avg_fidelity_score, avg_execution_time_ms,
            critical_discrepancies, warning_discrepancies, info_discrepancies, refreshed_at
        )
        SELECT metric_date, source_technology, target_technology, total_sessions, completed_sessions,
               failed_sessions, cancelled_sessions, avg_fidelity_score, avg_execution_time_ms,
               critical_discrepancies, warning_discrepancies, info_discrepancies, now()
        FROM computed
        ON CONFLICT ON CONSTRAINT validation_metrics_day_technologies_key DO UPDATE
        SET total_sessions = excluded.total_sessions,
            completed_sessions = excluded.completed_sessions,
            failed_sessions = excluded.failed_sessions,
            cancelled_sessions = excluded.cancelled_sessions,
            avg_fidelity_score = excluded.avg_fidelity_score,
            avg_execution_time_ms = excluded.avg_execution_time_ms,
            critical_discrepancies = excluded.critical_discrepancies,
            warning_discrepancies = excluded.warning_discrepancies,
            info_discrepancies = excluded.info_discrepancies,
            refreshed_at = excluded.refreshed_at
        RETURNING 1
    )
    SELECT count(*) INTO v_written FROM written;
    RETURN v_written;
END;
$$;

COMMENT ON FUNCTION validation.refresh_validation_metrics(date, date) IS 'Recomputes validation_metrics for the UTC days from..to (inclusive): upserts each day and pair, removes rows whose sessions are gone; returns the rows written. Serialised by an advisory lock.';
