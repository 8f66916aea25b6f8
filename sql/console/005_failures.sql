-- Failure triage (lib/failures): failed tasks and jobs grouped by error signature. A rollup the
-- console keeps of the pipeline's tables (which it never writes): refreshed incrementally from
-- the rows updated since the last run (lib/failures/rollup.ts), and rebuildable from scratch.

-- One row per failed task or failed job, with its group key: what the page counts.
CREATE TABLE IF NOT EXISTS console.failures (
    source     TEXT NOT NULL CHECK (source IN ('task', 'job')),
    id         TEXT NOT NULL,
    job_id     TEXT NOT NULL,
    job_type   TEXT,
    stage      INTEGER,
    signature  TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, id)
);
-- Both cover every column the reads use, so they are index-only scans (a 30-day window is half
-- a million rows): a short window's range (failed_at first), and the groups of a long window, a
-- group's trend and its members newest first (signature first; the keyset is failed_at, source, id).
CREATE INDEX IF NOT EXISTS idx_failures_at_cover ON console.failures (failed_at)
    INCLUDE (signature, source, job_id, job_type, stage);
CREATE INDEX IF NOT EXISTS idx_failures_signature_cover ON console.failures (signature, failed_at DESC, source, id)
    INCLUDE (job_id, job_type, stage);

-- One row per group: its template, class, when it was first and last seen ever, a few examples.
CREATE TABLE IF NOT EXISTS console.failure_signatures (
    signature   TEXT PRIMARY KEY,
    template    TEXT NOT NULL,
    error_class TEXT,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    -- Up to three full messages: [{source, id, job_id, at, message}].
    examples    JSONB NOT NULL DEFAULT '[]'
);

-- The rollup's progress (one row): where the next incremental run starts and how the last went.
CREATE TABLE IF NOT EXISTS console.failure_rollup (
    id              BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    watermark       TIMESTAMPTZ,
    refreshed_at    TIMESTAMPTZ,
    rebuilt_at      TIMESTAMPTZ,
    pruned_at       TIMESTAMPTZ,
    last_rows       BIGINT,
    last_duration_ms INTEGER,
    last_error      TEXT
);
INSERT INTO console.failure_rollup (id) VALUES (true) ON CONFLICT DO NOTHING;
