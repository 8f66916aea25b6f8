-- Audit log retention that keeps its append-only rule: the log becomes partitioned by month
-- (RANGE on at), so old months leave by DETACH + DROP of a whole partition, a guarded and itself
-- audited maintenance operation (lib/destructive/operations/audit-retention.ts), never by DELETE
-- (still refused by the trigger). Rows whose month has no partition land in audit_log_default,
-- which retention never drops. Idempotent: converts only an unpartitioned log.
DO $$
BEGIN
  IF (SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'console' AND c.relname = 'audit_log') = 'r' THEN
    ALTER TABLE console.audit_log RENAME TO audit_log_unpartitioned;
    ALTER TABLE console.audit_log_unpartitioned RENAME CONSTRAINT audit_log_pkey TO audit_log_unpartitioned_pkey;
    CREATE TABLE console.audit_log (
        LIKE console.audit_log_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
        PRIMARY KEY (id, at)
    ) PARTITION BY RANGE (at);
    ALTER SEQUENCE console.audit_log_id_seq OWNED BY console.audit_log.id;
    CREATE TABLE console.audit_log_default PARTITION OF console.audit_log DEFAULT;
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON console.audit_log_default
        FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_append_only();
  END IF;
END $$;

-- The partition of one month, created when missing (not when the default partition already
-- holds rows of that month: those stay where they are). Returns its name.
CREATE OR REPLACE FUNCTION console.audit_partition_for(month_of timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', month_of AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := lo + interval '1 month';
  name text := 'audit_log_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  IF to_regclass('console.' || name) IS NULL
     AND NOT EXISTS (SELECT 1 FROM console.audit_log_default WHERE at >= lo AND at < hi) THEN
    EXECUTE format('CREATE TABLE console.%I PARTITION OF console.audit_log FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    -- TRUNCATE triggers are not inherited: each partition refuses it itself.
    EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON console.%I FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_append_only()', name);
  END IF;
  RETURN name;
END;
$$;

-- This month and the next twelve (the retention operation extends it each time it runs).
CREATE OR REPLACE FUNCTION console.audit_ensure_partitions(months_ahead int DEFAULT 12) RETURNS void
LANGUAGE sql AS $$
  SELECT console.audit_partition_for(now() + make_interval(months => m)) FROM generate_series(0, months_ahead) m;
$$;

DO $$
DECLARE m timestamptz;
BEGIN
  IF to_regclass('console.audit_log_unpartitioned') IS NOT NULL THEN
    -- One partition per month the existing rows span, then the rows, then the old table goes.
    FOR m IN SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM console.audit_log_unpartitioned LOOP
      PERFORM console.audit_partition_for(m);
    END LOOP;
    PERFORM console.audit_ensure_partitions(12);
    INSERT INTO console.audit_log SELECT * FROM console.audit_log_unpartitioned;
    DROP TABLE console.audit_log_unpartitioned;
  ELSE
    PERFORM console.audit_ensure_partitions(12);
  END IF;
END $$;

CREATE INDEX IF NOT EXISTS idx_audit_log_at ON console.audit_log (at DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_id ON console.audit_log (id DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_action_id ON console.audit_log (action, id DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_outcome_id ON console.audit_log (outcome, id DESC);
CREATE INDEX IF NOT EXISTS idx_audit_log_actor_oid_id ON console.audit_log (actor_oid, id DESC);

-- Append-only, on the partitioned log (row triggers reach every partition).
DROP TRIGGER IF EXISTS audit_log_append_only ON console.audit_log;
DROP TRIGGER IF EXISTS audit_log_no_truncate ON console.audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON console.audit_log
    FOR EACH ROW EXECUTE FUNCTION console.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON console.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_append_only();
