-- Undo 0011.compliance.create-report-schedules.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION compliance.next_report_run_at(timestamptz, text, timestamptz);

DROP TABLE compliance.report_schedules;
