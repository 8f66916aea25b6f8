-- Audit log, second shape: who (oid, name, username, role), what (action, target, parameters,
-- the plan's fingerprint), how it ended (success / failed / refused / conflict, warnings, error as
-- a fixed phrase + SQLSTATE), how long, and from where (request id, client address).
-- Append-only: rows can be added, never changed or removed (also not by the console's admin role).
ALTER TABLE console.audit_log
    ADD COLUMN IF NOT EXISTS actor_oid       TEXT,
    ADD COLUMN IF NOT EXISTS actor_name      TEXT,
    ADD COLUMN IF NOT EXISTS actor_username  TEXT,
    ADD COLUMN IF NOT EXISTS parameters      JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS fingerprint     TEXT,
    ADD COLUMN IF NOT EXISTS error           JSONB,
    ADD COLUMN IF NOT EXISTS duration_ms     INTEGER,
    ADD COLUMN IF NOT EXISTS request_id      TEXT,
    ADD COLUMN IF NOT EXISTS client_address  TEXT;

DROP TRIGGER IF EXISTS audit_log_append_only ON console.audit_log;
DROP TRIGGER IF EXISTS audit_log_no_truncate ON console.audit_log;

ALTER TABLE console.audit_log DROP CONSTRAINT IF EXISTS audit_log_outcome_check;
UPDATE console.audit_log SET outcome = 'failed' WHERE outcome = 'failure';
UPDATE console.audit_log SET outcome = 'refused' WHERE outcome = 'denied';
ALTER TABLE console.audit_log ADD CONSTRAINT audit_log_outcome_check
    CHECK (outcome IN ('success', 'failed', 'refused', 'conflict'));

-- The audit page filters by actor, action and outcome, newest first (keyset on id).
CREATE INDEX IF NOT EXISTS idx_audit_log_action_id ON console.audit_log (action, id DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_outcome_id ON console.audit_log (outcome, id DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_actor_oid_id ON console.audit_log (actor_oid, id DESC);

CREATE OR REPLACE FUNCTION console.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'console.audit_log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON console.audit_log
    FOR EACH ROW EXECUTE FUNCTION console.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON console.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_append_only();
