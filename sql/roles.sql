-- Least privilege for the local cluster (seeds/000 "two identities"): the console reads through
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
