-- Extensions the pipeline expects.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
-- pg_stat_statements (slow queries on /health): only where the server preloads the library
-- (shared_preload_libraries; scripts/db.sh does it for the local cluster). Elsewhere this is a
-- no-op and the health page says how to enable it. pg_settings hides the setting from roles
-- without pg_read_all_settings: then it is left to the operators too.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_stat_statements')
     AND EXISTS (SELECT 1 FROM pg_catalog.pg_settings
                  WHERE name = 'shared_preload_libraries' AND setting ~ '(^|[,\s"])pg_stat_statements([,\s"]|$)') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  END IF;
END $$;
