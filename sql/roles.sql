-- Least privilege for the local cluster: the console reads through
-- geoetl_reader (SELECT only) and writes through the admin role. In Azure the two managed
-- identities get the same grants from the operators' runbook.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'geoetl_reader') THEN
    CREATE ROLE geoetl_reader LOGIN;
  END IF;
END $$;
DO $$
DECLARE s TEXT;
BEGIN
  FOREACH s IN ARRAY ARRAY['app', 'geo', 'h3', 'pgstac', 'console'] LOOP
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s) THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO geoetl_reader', s);
      EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO geoetl_reader', s);
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO geoetl_reader', s);
    END IF;
  END LOOP;
END $$;
-- The health page reads other sessions' state, queries and wait events (pg_stat_activity,
-- pg_stat_statements' texts, pg_stat_replication): pg_read_all_stats (read-only statistics; not
-- pg_monitor, which adds every server setting). Role membership is cluster-wide. Where the
-- migrating role may not grant it (a managed server), the operators do; without it the page says
-- which sections it could not read.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'geoetl_reader')
     AND NOT pg_has_role('geoetl_reader', 'pg_read_all_stats', 'MEMBER') THEN
    BEGIN
      GRANT pg_read_all_stats TO geoetl_reader;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'could not grant pg_read_all_stats to geoetl_reader (needs a superuser or the admin option): the health page will say what it cannot read';
    END;
  END IF;
END $$;
