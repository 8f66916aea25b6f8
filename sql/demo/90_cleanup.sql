-- Demo data loader, last step: drop the session-level helpers (temp tables go at COMMIT by
-- themselves), so a pooled connection that ran seedDemo keeps nothing behind.
DROP VIEW IF EXISTS demo_lineage;
DROP FUNCTION IF EXISTS
    pg_temp.rnd(text), pg_temp.pick(text[], text), pg_temp.rint(int, int, text), pg_temp.demo_now(),
    pg_temp.job_id(int), pg_temp.uuid_of(text), pg_temp.place_name(text), pg_temp.tile_of(int),
    pg_temp.err_msg(text, text, text, int, int, int, text, text), pg_temp.err_retryable(text),
    pg_temp.h3_index(int, int), pg_temp.hexagon(double precision, double precision, double precision),
    pg_temp.create_geo_table(text, text, text, int, text);
