-- name: create_report_schedule(user_id, business_profile_id, report_type, frequency, parameters, recipients, next_run_at)^
-- Schedules a report on one of the user's business profiles, first due at next_run_at; returns it.
INSERT INTO compliance.report_schedules (user_id, business_profile_id, report_type, frequency, parameters, recipients, next_run_at)
VALUES (:user_id, :business_profile_id, :report_type, :frequency, :parameters::jsonb, :recipients::text[], :next_run_at)
RETURNING id, user_id, business_profile_id, report_type, frequency, parameters, recipients, is_active, next_run_at, last_run_at, run_count, created_at, updated_at;

-- name: list_report_schedules_by_user(user_id)
-- The user's report schedules, next due first.
SELECT id, user_id, business_profile_id, report_type, frequency, parameters, recipients, is_active, next_run_at, last_run_at, run_count, created_at, updated_at
FROM compliance.report_schedules
WHERE user_id = :user_id
ORDER BY next_run_at, id;

-- name: update_report_schedule_active(report_schedule_id, user_id, is_active)^
-- Pauses (is_active = false) or resumes the user's report schedule; returns it, or none.
UPDATE compliance.report_schedules
SET is_active = :is_active
WHERE id = :report_schedule_id
    AND user_id = :user_id
RETURNING id, user_id, business_profile_id, report_type, frequency, parameters, recipients, is_active, next_run_at, last_run_at, run_count, created_at, updated_at;

-- name: update_due_report_schedules(max_rows)
-- The work queue: claims up to max_rows active schedules that are due, oldest due first, skipping
-- those another worker holds (FOR UPDATE SKIP LOCKED), and moves each one's next_run_at to the
-- next slot after now, so no other worker claims it again. Returns the claimed schedules with the
-- time they were due (scheduled_for); run the reports, then commit. Empty when nothing is due.
-- @nonnull scheduled_for
WITH due AS (
    SELECT id, next_run_at
    FROM compliance.report_schedules
    WHERE is_active
        AND next_run_at <= now()
    ORDER BY next_run_at, id
    LIMIT :max_rows::int
    FOR UPDATE SKIP LOCKED
)
UPDATE compliance.report_schedules AS s
SET next_run_at = compliance.next_report_run_at(due.next_run_at, s.frequency, now()),
    last_run_at = now(),
    run_count = s.run_count + 1
FROM due
WHERE s.id = due.id
RETURNING s.id, s.user_id, s.business_profile_id, s.report_type, s.frequency, s.parameters, s.recipients, due.next_run_at AS scheduled_for, s.next_run_at, s.run_count;

-- name: delete_report_schedule(report_schedule_id, user_id)!
-- Deletes the user's report schedule; returns 0 or 1.
DELETE FROM compliance.report_schedules
WHERE id = :report_schedule_id
    AND user_id = :user_id;
