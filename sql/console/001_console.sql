-- The console's own state. No maintenance action ever drops this schema.
CREATE SCHEMA IF NOT EXISTS console;

CREATE TABLE IF NOT EXISTS console.schema_migrations (
    name        TEXT PRIMARY KEY,
    checksum    TEXT NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per attempted mutation, whatever its outcome.
CREATE TABLE IF NOT EXISTS console.audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    details     JSONB NOT NULL DEFAULT '{}',
    warnings    JSONB NOT NULL DEFAULT '[]'
);
-- The audit page lists newest first.
CREATE INDEX IF NOT EXISTS idx_audit_log_at ON console.audit_log (at DESC);

-- The last result of the scheduled orphan check (one row per run, newest wins).
CREATE TABLE IF NOT EXISTS console.orphan_reports (
    id          BIGSERIAL PRIMARY KEY,
    checked_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    health_status TEXT NOT NULL,
    report      JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_orphan_reports_checked_at ON console.orphan_reports (checked_at DESC);
