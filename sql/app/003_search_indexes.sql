-- Indexes for the command palette's search (GET /api/search, lib/db/search.ts). Idempotent.

-- Task-id prefix search: TASK_PREFIX_SQL in lib/db/search.ts
--   SELECT ... FROM app.tasks WHERE task_id LIKE 'abc%' ORDER BY task_id USING ~<~ LIMIT n
-- The primary key cannot serve LIKE unless the database collation is "C"; the pattern_ops
-- opclass can, whatever the collation, and gives the ~<~ order so LIMIT stops early.
-- (Job-id prefixes use idx_jobs_job_id_pattern from 002_console_indexes.sql.)
CREATE INDEX IF NOT EXISTS idx_tasks_task_id_pattern ON app.tasks(task_id varchar_pattern_ops);
