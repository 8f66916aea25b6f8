-- The failure rollup's incremental run reads the rows updated since its last run
-- (lib/failures/rollup.ts): without this it would scan all of app.tasks every minute (jobs have
-- idx_jobs_updated_keyset).
CREATE INDEX IF NOT EXISTS idx_tasks_updated_at ON app.tasks (updated_at);
