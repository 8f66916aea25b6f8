-- Destructive operations in progress and finished (lib/destructive/pipeline.ts): what runs, who
-- started it, step n of m. The advisory lock is what keeps two operations apart; this table is
-- what the page and a refused second caller are told ("X is running, started by Y").
CREATE TABLE IF NOT EXISTS console.operation_runs (
    id           BIGSERIAL PRIMARY KEY,
    action       TEXT NOT NULL,
    target       TEXT,
    actor        TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    status       TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'conflict')),
    step         INTEGER NOT NULL DEFAULT 0,
    steps_total  INTEGER NOT NULL DEFAULT 0,
    step_label   TEXT,
    -- The session holding the lock: a row whose backend is gone was cut off (crash, restart).
    backend_pid  INTEGER
);
CREATE INDEX IF NOT EXISTS idx_operation_runs_running ON console.operation_runs (id DESC) WHERE status = 'running';
