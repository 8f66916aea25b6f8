-- Indexes the catalog and activity pages read (console-owned, idempotent).

-- /activity and GET /api/dbadmin/api-requests: newest first, keyset on (created_at, request_id)
-- (lib/db/activity.ts listApiRequests), with or without a status filter.
CREATE INDEX IF NOT EXISTS idx_api_requests_created_keyset ON app.api_requests (created_at DESC, request_id DESC);
CREATE INDEX IF NOT EXISTS idx_api_requests_status_created_keyset
    ON app.api_requests (status, created_at DESC, request_id DESC);
-- The dataset prefix filter (dataset_id LIKE 'abc%'): text_pattern_ops serves LIKE prefixes under any collation.
CREATE INDEX IF NOT EXISTS idx_api_requests_dataset_prefix ON app.api_requests (dataset_id text_pattern_ops);

-- /activity's janitor list (listJanitorRuns, by type) and the per-type status (janitorTypeStatus).
CREATE INDEX IF NOT EXISTS idx_janitor_runs_type_started ON app.janitor_runs (run_type, started_at DESC);
