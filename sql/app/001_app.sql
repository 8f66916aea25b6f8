-- CoreMachine schema, as the pipeline defines it (jobs, tasks, and api_requests, janitor_runs,
-- update_updated_at_column). The pipeline owns it; the console reads it and cleans it up.
CREATE SCHEMA IF NOT EXISTS app;

CREATE OR REPLACE FUNCTION app.update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$;

CREATE TABLE IF NOT EXISTS app.jobs (
    job_id VARCHAR(64) PRIMARY KEY,
    job_type VARCHAR(100) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'queued',
    stage INTEGER NOT NULL DEFAULT 1,
    total_stages INTEGER NOT NULL DEFAULT 1,
    parameters JSONB NOT NULL DEFAULT '{}',
    stage_results JSONB NOT NULL DEFAULT '{}',
    result_data JSONB,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'completed_with_errors'))
);
CREATE INDEX IF NOT EXISTS idx_jobs_status ON app.jobs(status);
CREATE INDEX IF NOT EXISTS idx_jobs_job_type ON app.jobs(job_type);
CREATE INDEX IF NOT EXISTS idx_jobs_created_at ON app.jobs(created_at DESC);
-- Console: keyset pagination walks (created_at, job_id) and (updated_at, job_id) in order, so a
-- page deep in the list costs the same as the first one. The status-leading variants serve the
-- common "failed in the last 24 h" filter without scanning other statuses.
CREATE INDEX IF NOT EXISTS idx_jobs_created_keyset ON app.jobs(created_at DESC, job_id DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_updated_keyset ON app.jobs(updated_at DESC, job_id DESC);
CREATE INDEX IF NOT EXISTS idx_jobs_status_created_keyset ON app.jobs(status, created_at DESC, job_id DESC);

DROP TRIGGER IF EXISTS trg_jobs_updated_at ON app.jobs;
CREATE TRIGGER trg_jobs_updated_at BEFORE UPDATE ON app.jobs
    FOR EACH ROW EXECUTE FUNCTION app.update_updated_at_column();

CREATE TABLE IF NOT EXISTS app.tasks (
    task_id VARCHAR(128) PRIMARY KEY,
    job_id VARCHAR(64) NOT NULL REFERENCES app.jobs(job_id),
    task_type VARCHAR(100) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    stage INTEGER NOT NULL,
    parameters JSONB NOT NULL DEFAULT '{}',
    result_data JSONB,
    error_message TEXT,
    retry_count INTEGER NOT NULL DEFAULT 0,
    heartbeat TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT tasks_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed'))
);
CREATE INDEX IF NOT EXISTS idx_tasks_job_id ON app.tasks(job_id);
CREATE INDEX IF NOT EXISTS idx_tasks_status ON app.tasks(status);
CREATE INDEX IF NOT EXISTS idx_tasks_stage ON app.tasks(job_id, stage);
-- Console: the task list filters by status and pages newest first by (created_at, task_id).
CREATE INDEX IF NOT EXISTS idx_tasks_status_created_keyset ON app.tasks(status, created_at DESC, task_id DESC);
CREATE INDEX IF NOT EXISTS idx_tasks_created_keyset ON app.tasks(created_at DESC, task_id DESC);
-- Console: stuck detection looks only at processing tasks by heartbeat age; a partial index
-- keeps that cheap on 10M tasks where almost none are processing.
CREATE INDEX IF NOT EXISTS idx_tasks_processing_heartbeat ON app.tasks(heartbeat) WHERE status = 'processing';

DROP TRIGGER IF EXISTS trg_tasks_updated_at ON app.tasks;
CREATE TRIGGER trg_tasks_updated_at BEFORE UPDATE ON app.tasks
    FOR EACH ROW EXECUTE FUNCTION app.update_updated_at_column();

-- Platform API request tracking.
CREATE TABLE IF NOT EXISTS app.api_requests (
    request_id VARCHAR(64) PRIMARY KEY,
    dataset_id VARCHAR(255),
    resource_id VARCHAR(255),
    version_id VARCHAR(64),
    job_id VARCHAR(64),
    data_type VARCHAR(50),
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    parameters JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_api_requests_job_id ON app.api_requests(job_id);

-- Runs of the pipeline's janitor (stale task / orphan cleanup).
CREATE TABLE IF NOT EXISTS app.janitor_runs (
    run_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    run_type VARCHAR(50) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    completed_at TIMESTAMP WITH TIME ZONE,
    status VARCHAR(50) NOT NULL DEFAULT 'running',
    items_scanned INTEGER NOT NULL DEFAULT 0,
    items_fixed INTEGER NOT NULL DEFAULT 0,
    actions_taken JSONB NOT NULL DEFAULT '[]',
    error_details TEXT
);
CREATE INDEX IF NOT EXISTS idx_janitor_runs_started_at ON app.janitor_runs(started_at DESC);
