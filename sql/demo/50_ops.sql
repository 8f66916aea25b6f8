-- Demo data loader, step 5: platform requests, janitor runs and a small H3 footprint.

-- Platform API requests behind the 14 most recent API-submitted ingest/raster jobs.
INSERT INTO app.api_requests (request_id, dataset_id, resource_id, version_id, job_id, data_type, status, parameters, created_at, updated_at)
SELECT md5('request:' || p.n) || md5('request-suffix:' || p.n),
       replace(coalesce(p.table_name, p.raster || '_' || p.place), '_', '-'),
       CASE WHEN p.job_type = 'process_raster' THEN p.raster || '.tif' ELSE split_part(p.blob_name, '/', -1) END,
       CASE WHEN p.version_suffix = '' THEN 'v1' ELSE substr(p.version_suffix, 2) END,
       p.job_id,
       CASE WHEN p.job_type = 'process_raster' THEN 'raster' ELSE 'vector' END,
       CASE p.status WHEN 'queued' THEN 'pending' WHEN 'completed_with_errors' THEN 'completed' ELSE p.status END,
       jsonb_build_object('container_name', CASE WHEN p.job_type = 'process_raster' THEN 'bronze-rasters' ELSE 'bronze-vectors' END,
                          'file_name', p.blob_name, 'team', p.team, 'job_type', p.job_type),
       p.created_at - interval '1.2 seconds',
       j.updated_at
FROM demo_job_plan p JOIN app.jobs j ON j.job_id = p.job_id
WHERE p.n IN (SELECT n FROM demo_job_plan
              WHERE submitted_by = 'api:platform' AND job_type IN ('ingest_vector', 'process_raster')
              ORDER BY age_s, n LIMIT 14)
ORDER BY p.age_s;

-- Janitor: a run every 30 minutes for the last 12 hours, cycling through its three checks.
INSERT INTO app.janitor_runs (run_id, run_type, started_at, completed_at, status, items_scanned, items_fixed, actions_taken, error_details)
SELECT pg_temp.uuid_of('janitor:' || k),
       (ARRAY['task_watchdog', 'job_health', 'orphan_detector'])[1 + k % 3],
       pg_temp.demo_now() - make_interval(secs => (23 - k) * 1800 + 95),
       pg_temp.demo_now() - make_interval(secs => (23 - k) * 1800 + 95) + make_interval(secs => 2 + pg_temp.rnd('jdur:' || k) * 40),
       CASE WHEN k = 9 THEN 'failed' ELSE 'completed' END,
       CASE k % 3 WHEN 0 THEN 40 + floor(pg_temp.rnd('scan:' || k) * 60)
                  WHEN 1 THEN 150 + floor(pg_temp.rnd('scan:' || k) * 200)
                  ELSE 7 END::int,
       CASE WHEN k = 9 THEN 0 WHEN k % 3 = 0 AND pg_temp.rnd('fix:' || k) < 0.4 THEN 1 + floor(pg_temp.rnd('fixn:' || k) * 3)::int ELSE 0 END,
       CASE WHEN k = 9 THEN '[]'::jsonb
            WHEN k % 3 = 0 AND pg_temp.rnd('fix:' || k) < 0.4 THEN jsonb_build_array(jsonb_build_object(
                'action', 'mark_task_failed', 'count', 1 + floor(pg_temp.rnd('fixn:' || k) * 3)::int,
                'reason', 'heartbeat older than 30 minutes'))
            WHEN k % 3 = 2 THEN jsonb_build_array(jsonb_build_object('action', 'report_orphans',
                'orphaned_tables', jsonb_build_array('mystery_upload'), 'orphaned_metadata', jsonb_build_array('deleted_parcels')))
            ELSE '[]'::jsonb END,
       CASE WHEN k = 9 THEN 'psycopg.OperationalError: consuming input failed: server closed the connection unexpectedly'
                            || E'\n\tThis probably means the server terminated abnormally before or while processing the request.' END
FROM generate_series(0, 23) AS k
ORDER BY k;

-- A fourth check, the STAC reconciler, has not succeeded for 30 hours: its last run (2 h ago)
-- failed, so /activity warns about it (older than JANITOR_STALE_HOURS, default 24).
INSERT INTO app.janitor_runs (run_id, run_type, started_at, completed_at, status, items_scanned, items_fixed, actions_taken, error_details)
VALUES
    (pg_temp.uuid_of('janitor:stac:ok'), 'stac_reconcile', pg_temp.demo_now() - interval '30 hours',
     pg_temp.demo_now() - interval '30 hours' + interval '48 seconds', 'completed', 212, 2,
     '[{"action": "reindex_item", "count": 2, "collection": "system-vectors"}]', NULL),
    (pg_temp.uuid_of('janitor:stac:failed'), 'stac_reconcile', pg_temp.demo_now() - interval '2 hours',
     pg_temp.demo_now() - interval '2 hours' + interval '3 seconds', 'failed', 0, 0, '[]',
     'pgstac.get_item() timed out: canceling statement due to statement timeout');

-- H3: three small grids of hexagons over land (h3_index values are synthetic but well-formed).
CREATE TEMP TABLE demo_h3 (grid_id TEXT, resolution INT, s DOUBLE PRECISION, bx0 DOUBLE PRECISION, by0 DOUBLE PRECISION,
                           bx1 DOUBLE PRECISION, by1 DOUBLE PRECISION, continent TEXT, job_n INT) ON COMMIT DROP;
INSERT INTO demo_h3 VALUES
    ('global_land_res1', 1, 6.0, -180, -60, 180, 80, NULL, NULL),
    ('africa_land_res2', 2, 1.5, -20, -36, 53, 38, 'Africa', 2),
    ('europe_land_res3', 3, 0.6, -25, 34, 45, 72, 'Europe', NULL);
UPDATE demo_h3 h SET job_n = (SELECT n FROM demo_job_plan WHERE job_type = 'h3_aggregate' AND status = 'completed'
                              AND resolution = h.resolution + 3 ORDER BY n LIMIT 1)
WHERE job_n IS NULL;

INSERT INTO h3.grids (h3_index, resolution, grid_id, geom, created_at)
SELECT pg_temp.h3_index(c.resolution, (row_number() OVER (PARTITION BY c.grid_id ORDER BY c.i, c.j))::int - 1),
       c.resolution, c.grid_id, c.hex, p.finished_at
FROM (
    SELECT h.*, i, j,
           pg_temp.hexagon(h.bx0 + i * 1.5 * h.s, h.by0 + j * sqrt(3) * h.s + (i % 2) * sqrt(3) / 2 * h.s, h.s) AS hex
    FROM demo_h3 h
    CROSS JOIN LATERAL generate_series(0, ceil((h.bx1 - h.bx0) / (1.5 * h.s))::int) AS i
    CROSS JOIN LATERAL generate_series(0, ceil((h.by1 - h.by0) / (sqrt(3) * h.s))::int) AS j
) c
JOIN demo_job_plan p ON p.n = c.job_n
WHERE ST_Within(c.hex, ST_MakeEnvelope(-180, -85, 180, 85, 4326))
  AND EXISTS (SELECT 1 FROM demo_countries dc
              WHERE (c.continent IS NULL OR dc.continent = c.continent) AND ST_Intersects(dc.geom, c.hex))
ORDER BY c.grid_id, c.i, c.j;

INSERT INTO h3.grid_metadata (grid_id, resolution, cell_count, bbox, source_job_id, created_at)
SELECT g.grid_id, g.resolution, count(*),
       ARRAY[round(ST_XMin(ST_Extent(g.geom))::numeric, 6), round(ST_YMin(ST_Extent(g.geom))::numeric, 6),
             round(ST_XMax(ST_Extent(g.geom))::numeric, 6), round(ST_YMax(ST_Extent(g.geom))::numeric, 6)]::float8[],
       p.job_id, min(g.created_at)
FROM h3.grids g JOIN demo_h3 h ON h.grid_id = g.grid_id JOIN demo_job_plan p ON p.n = h.job_n
GROUP BY g.grid_id, g.resolution, p.job_id
ORDER BY g.grid_id;

INSERT INTO h3.reference_filters (filter_name, description, resolution, h3_indices, created_at)
SELECT 'africa_land_res2', 'All resolution-2 cells touching African land', 2,
       array_agg(h3_index ORDER BY h3_index), min(created_at)
FROM h3.grids WHERE grid_id = 'africa_land_res2'
UNION ALL
SELECT 'sahel_res2', 'Resolution-2 cells in the Sahel belt (10-18 deg N)', 2,
       array_agg(h3_index ORDER BY h3_index), min(created_at)
FROM h3.grids WHERE grid_id = 'africa_land_res2' AND ST_Y(ST_Centroid(geom)) BETWEEN 10 AND 18
UNION ALL
SELECT 'europe_coastal_res3', 'Resolution-3 cells on the European coastline', 3,
       array_agg(g.h3_index ORDER BY g.h3_index), min(g.created_at)
FROM h3.grids g
CROSS JOIN (SELECT ST_Union(geom) AS land FROM demo_countries WHERE continent = 'Europe') e
WHERE g.grid_id = 'europe_land_res3' AND NOT ST_Covers(e.land, g.geom);
