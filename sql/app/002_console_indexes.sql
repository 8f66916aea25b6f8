-- Console read paths on app.jobs / app.tasks that 001_app.sql's keyset indexes do not cover.
-- Idempotent (IF NOT EXISTS). Each index names the screen or API call that needs it; all were
-- checked with EXPLAIN on 1M jobs / 10M tasks (npm run bench:jobs).

-- Jobs list sorted by "updated" with a status filter (e.g. "failed, most recently updated"):
-- the (status, updated_at, job_id) range is read in order, one range per selected status.
-- Also serves the overview's "latest failures" (status = 'failed' ORDER BY updated_at DESC).
CREATE INDEX IF NOT EXISTS idx_jobs_status_updated_keyset ON app.jobs(status, updated_at DESC, job_id DESC);

-- Jobs list filtered by job type, newest first, without walking the other types' rows.
CREATE INDEX IF NOT EXISTS idx_jobs_type_created_keyset ON app.jobs(job_type, created_at DESC, job_id DESC);

-- Job-id prefix search (job_id LIKE 'abc%'). The primary key cannot serve LIKE unless the
-- database collation is "C"; the pattern_ops opclass can, whatever the collation.
CREATE INDEX IF NOT EXISTS idx_jobs_job_id_pattern ON app.jobs(job_id varchar_pattern_ops);

-- Overview chart "jobs per hour, stacked by status" over 24 h / 7 d: an index-only scan of the
-- time range instead of visiting ~230k heap rows for 7 days at 1M jobs / 30 days.
CREATE INDEX IF NOT EXISTS idx_jobs_created_status ON app.jobs(created_at) INCLUDE (status);

-- Job detail: the job's tasks in stage order, keyset on (stage, task_id), so page N of a
-- 10,000-task job reads only its own rows (idx_tasks_stage alone would sort them every time).
CREATE INDEX IF NOT EXISTS idx_tasks_job_stage_keyset ON app.tasks(job_id, stage, task_id);

-- Tasks list filtered by task type, newest first.
CREATE INDEX IF NOT EXISTS idx_tasks_type_created_keyset ON app.tasks(task_type, created_at DESC, task_id DESC);

-- "Why did this job fail?": the latest failed task of a job with an error message (overview
-- failures, job detail). Partial: only failed tasks, a few percent of the table.
CREATE INDEX IF NOT EXISTS idx_tasks_failed_by_job ON app.tasks(job_id, updated_at DESC) WHERE status = 'failed';
