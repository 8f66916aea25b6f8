-- Demo data loader, step 1: the plan. One row per job (demo_job_plan) with every choice the later
-- steps need, and one row per reached stage (demo_stage_plan, built in 40_jobs_tasks.sql).
-- Nothing is written to app.* here.

CREATE TEMP TABLE demo_stage_defs (
    job_type TEXT, stage INT, stage_name TEXT, task_type TEXT, fanout BOOLEAN, weight DOUBLE PRECISION
) ON COMMIT DROP;
INSERT INTO demo_stage_defs VALUES
    ('ingest_vector',  1, 'validate_source',   'prepare_vector_chunks', false, 1),
    ('ingest_vector',  2, 'upload_chunks',     'upload_vector_chunk',   true,  6),
    ('ingest_vector',  3, 'create_stac_item',  'create_vector_stac',    false, 1),
    ('process_raster', 1, 'validate_raster',   'validate_raster',       false, 1),
    ('process_raster', 2, 'create_cog_tiles',  'create_cog_tile',       true,  8),
    ('process_raster', 3, 'build_mosaic',      'build_mosaicjson',      false, 2),
    ('process_raster', 4, 'create_stac_item',  'create_raster_stac',    false, 1),
    ('process_vector', 1, 'process_chunks',    'process_vector_chunk',  true,  5),
    ('process_vector', 2, 'create_stac_item',  'create_vector_stac',    false, 1),
    ('h3_aggregate',   1, 'prepare_cells',     'h3_prepare_cells',      false, 1),
    ('h3_aggregate',   2, 'aggregate_batches', 'h3_aggregate_batch',    true,  6),
    ('h3_aggregate',   3, 'finalize_grid',     'h3_finalize_grid',      false, 1),
    ('stac_catalog',   1, 'catalog_items',     'stac_catalog_item',     true,  1);

-- Where uploads come from (also used for raster STAC footprints).
CREATE TEMP TABLE demo_places (place TEXT PRIMARY KEY, country TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION, radius DOUBLE PRECISION) ON COMMIT DROP;
INSERT INTO demo_places VALUES
    ('kenya',   'Kenya',       37.90,   0.20, 3.0),
    ('nairobi', 'Kenya',       36.82,  -1.29, 0.3),
    ('lagos',   'Nigeria',      3.38,   6.52, 0.4),
    ('dhaka',   'Bangladesh',  90.41,  23.81, 0.3),
    ('lima',    'Peru',       -77.04, -12.05, 0.4),
    ('manila',  'Philippines',120.98,  14.60, 0.3),
    ('accra',   'Ghana',       -0.19,   5.60, 0.3),
    ('kampala', 'Uganda',      32.58,   0.35, 0.3),
    ('hanoi',   'Vietnam',    105.85,  21.03, 0.3),
    ('quito',   'Ecuador',    -78.47,  -0.18, 0.3),
    ('ethiopia','Ethiopia',    39.50,   8.60, 3.5),
    ('nepal',   'Nepal',       84.10,  28.30, 2.0);

CREATE TEMP TABLE demo_job_plan ON COMMIT DROP AS
WITH b AS (
    SELECT n,
           pg_temp.rnd('type:' || n)   AS r_type,
           pg_temp.rnd('status:' || n) AS r_status,
           pg_temp.rnd('fan:' || n)    AS r_fan,
           pg_temp.rnd('age:' || n)    AS r_age,
           pg_temp.rnd('dur:' || n)    AS r_dur
    FROM generate_series(1, 2400) AS n
), t AS (
    SELECT b.*,
        CASE WHEN r_type < 0.35 THEN 'ingest_vector'
             WHEN r_type < 0.55 THEN 'process_raster'
             WHEN r_type < 0.73 THEN 'process_vector'
             WHEN r_type < 0.87 THEN 'h3_aggregate'
             ELSE 'stac_catalog' END AS job_type,
        CASE WHEN r_status < 0.75 THEN 'completed'
             WHEN r_status < 0.83 THEN 'failed'
             WHEN r_status < 0.88 THEN 'completed_with_errors'
             WHEN r_status < 0.95 THEN 'processing'
             ELSE 'queued' END AS status
    FROM b
)
SELECT
    n,
    pg_temp.job_id(n) AS job_id,
    job_type,
    status,
    CASE job_type WHEN 'ingest_vector' THEN 3 WHEN 'process_raster' THEN 4 WHEN 'process_vector' THEN 2
                  WHEN 'h3_aggregate' THEN 3 ELSE 1 END AS total_stages,
    CASE job_type WHEN 'ingest_vector' THEN 2 WHEN 'process_raster' THEN 2 WHEN 'process_vector' THEN 1
                  WHEN 'h3_aggregate' THEN 2 ELSE 1 END AS fan_stage,
    CASE job_type
        WHEN 'ingest_vector'  THEN 2 + floor(r_fan ^ 2 * 24)
        WHEN 'process_raster' THEN 4 + floor(r_fan ^ 2 * 40)
        WHEN 'process_vector' THEN 2 + floor(r_fan * 12)
        WHEN 'h3_aggregate'   THEN 6 + floor(r_fan * 26)
        ELSE 1 + floor(r_fan * 12) END::int AS fanout,
    NULL::int AS stage,
    -- Job duration in seconds (terminal jobs: created -> finished; seconds to ~2 h).
    CASE job_type
        WHEN 'ingest_vector'  THEN 20 + r_dur ^ 2.5 * 3600
        WHEN 'process_raster' THEN 60 + r_dur ^ 2 * 6600
        WHEN 'process_vector' THEN 15 + r_dur ^ 2.5 * 2400
        WHEN 'h3_aggregate'   THEN 30 + r_dur ^ 2 * 4800
        ELSE 5 + r_dur ^ 3 * 900 END
      * CASE WHEN status = 'failed' THEN 0.3 + 0.5 * pg_temp.rnd('fdur:' || n) ELSE 1 END AS dur_s,
    r_age,
    NULL::double precision AS age_s,
    -- failed: the stage that failed; processing: the stage running now.
    CASE WHEN pg_temp.rnd('fs:' || n) < 0.7 THEN NULL ELSE 1 END AS early_stage,
    0 AS n_fail,
    NULL::text AS err_kind,
    pg_temp.rnd('done:' || n) * 0.9 AS done_frac,
    1 + floor(pg_temp.rnd('nproc:' || n) * 4)::int AS n_proc,
    false AS stuck,
    (n % 2 = 0) AS has_tasks,
    -- what the job works on
    pg_temp.pick(ARRAY['ministry-of-lands','flood-risk','transport','health-access','energy',
                       'urban-planning','agriculture','water-resources'], 'team:' || n) AS team,
    pg_temp.pick(ARRAY(SELECT place FROM demo_places ORDER BY place), 'place:' || n) AS place,
    pg_temp.pick(ARRAY['roads','buildings','parcels','rivers','railways','land_use','schools',
                       'health_facilities','flood_zones','power_lines','water_points',
                       'protected_areas','settlements','admin_boundaries','bus_stops','forest_cover'],
                 'dataset:' || n) AS dataset,
    pg_temp.pick(ARRAY['gpkg','gpkg','gpkg','geojson','geojson','zip','csv','kml','parquet'], 'ext:' || n) AS ext,
    CASE WHEN pg_temp.rnd('ver:' || n) < 0.35 THEN '_v' || (2 + floor(pg_temp.rnd('vern:' || n) * 3))::int ELSE '' END AS version_suffix,
    pg_temp.pick(ARRAY['EPSG:4326','EPSG:4326','EPSG:4326','EPSG:3857','EPSG:32637','EPSG:32736','EPSG:4269'], 'crs:' || n) AS source_crs,
    pg_temp.pick(ARRAY['500','1000','1000','5000'], 'chunk:' || n)::int AS chunk_size,
    pg_temp.pick(ARRAY['dem_30m','ortho_rgb_10cm','sentinel2_l2a_mosaic','population_100m',
                       'flood_depth_rp100','landcover_2024','nightlights_viirs','slope_degrees'], 'raster:' || n) AS raster,
    pg_temp.pick(ARRAY['deflate','deflate','lzw','jpeg','zstd'], 'comp:' || n) AS compression,
    pg_temp.pick(ARRAY['reproject','simplify','dissolve','clip','buffer','validate_geometries'], 'op:' || n) AS operation,
    pg_temp.rint(3, 8, 'res:' || n) AS resolution,
    pg_temp.pick(ARRAY['count','sum','mean','max'], 'agg:' || n) AS aggregation,
    pg_temp.pick(ARRAY['system-rasters','system-rasters','system-vectors','sentinel-2-l2a-demo','drone-imagery'], 'coll:' || n) AS catalog_collection,
    CASE WHEN job_type = 'stac_catalog' AND pg_temp.rnd('timer:' || n) < 0.3 THEN 'timer:stac-reconcile'
         ELSE pg_temp.pick(ARRAY['api:platform','api:platform','api:platform','user:ana.garcia@example.org',
                                 'user:j.okafor@example.org','user:wei.zhang@example.org','user:p.nair@example.org'],
                           'who:' || n) END AS submitted_by,
    NULL::text AS table_name,
    NULL::text AS blob_name,
    NULL::bigint AS feature_count,
    NULL::timestamptz AS created_at,
    NULL::timestamptz AS finished_at
FROM t;
ALTER TABLE demo_job_plan ADD PRIMARY KEY (n);
ANALYZE demo_job_plan;

-- Hand-picked jobs: a few very large ones, and the ingest jobs behind the demo geo tables.
UPDATE demo_job_plan p SET
    job_type = s.job_type, status = s.status, fanout = s.fanout, dur_s = s.dur_s, age_s = s.age_s,
    early_stage = s.early_stage, n_fail = s.n_fail, err_kind = s.err_kind, done_frac = s.done_frac,
    n_proc = s.n_proc, team = s.team, place = s.place, dataset = coalesce(s.dataset, p.dataset),
    raster = coalesce(s.raster, p.raster), resolution = coalesce(s.resolution, p.resolution),
    chunk_size = coalesce(s.chunk_size, p.chunk_size), ext = coalesce(s.ext, p.ext),
    source_crs = coalesce(s.source_crs, p.source_crs), submitted_by = s.submitted_by,
    table_name = s.table_name, blob_name = s.blob_name, version_suffix = '',
    total_stages = d.total_stages, fan_stage = d.fan_stage
FROM (VALUES
    -- n, type, status, fanout, dur_s, age_s, early_stage, n_fail, err_kind, done_frac, n_proc, team, place, dataset, raster, resolution, chunk, ext, crs, who, table, blob
    (1, 'process_raster', 'processing', 2048, NULL::float8, 5700::float8, NULL::int, 0, NULL, 0.64::float8, 16, 'urban-planning', 'nairobi', NULL, 'ortho_rgb_10cm', NULL::int, NULL::int, NULL, NULL, 'api:platform', NULL, NULL),
    (2, 'h3_aggregate', 'completed_with_errors', 600, 5800, 172800, NULL, 7, 'h3_batch_timeout', 0, 1, 'health-access', 'ethiopia', 'health_facilities', NULL, 8, NULL, NULL, NULL, 'user:p.nair@example.org', NULL, NULL),
    (3, 'ingest_vector', 'completed', 400, 4300, 432000, NULL, 0, NULL, 0, 1, 'ministry-of-lands', 'kenya', 'buildings', NULL, NULL, 5000, 'gpkg', 'EPSG:4326', 'api:platform', 'buildings_kenya', 'uploads/2025/ministry-of-lands/kenya/buildings.gpkg'),
    (4, 'process_raster', 'failed', 256, 3300, 129600, NULL, 3, 'tile_timeout', 0, 1, 'flood-risk', 'dhaka', NULL, 'flood_depth_rp100', NULL, NULL, NULL, NULL, 'api:platform', NULL, NULL),
    (5, 'ingest_vector', 'completed', 0, 184, 2246400, NULL, 0, NULL, 0, 1, 'natural-earth', 'kenya', NULL, NULL, NULL, 50, 'geojson', 'EPSG:4326', 'user:ana.garcia@example.org', 'world_countries', 'uploads/2025/natural-earth/world_countries.geojson'),
    (6, 'ingest_vector', 'completed', 0, 121, 2203200, NULL, 0, NULL, 0, 1, 'natural-earth', 'kenya', NULL, NULL, NULL, 50, 'zip', 'EPSG:4326', 'user:ana.garcia@example.org', 'admin_boundaries_arcgis', 'uploads/2025/natural-earth/admin_boundaries_africa.zip'),
    (7, 'ingest_vector', 'completed', 0, 236, 2160000, NULL, 0, NULL, 0, 1, 'natural-earth', 'kenya', NULL, NULL, NULL, 50, 'gpkg', 'EPSG:3857', 'user:wei.zhang@example.org', 'countries_web_mercator', 'uploads/2025/natural-earth/countries_web_mercator.gpkg'),
    (8, 'ingest_vector', 'completed', 0, 97, 2073600, NULL, 0, NULL, 0, 1, 'urban-planning', 'kenya', NULL, NULL, NULL, 50, 'csv', 'EPSG:4326', 'api:platform', 'populated_places', 'uploads/2025/urban-planning/global/populated_places.csv'),
    (9, 'ingest_vector', 'completed', 0, 143, 1987200, NULL, 0, NULL, 0, 1, 'transport', 'kenya', NULL, NULL, NULL, 50, 'geojson', 'EPSG:4326', 'user:j.okafor@example.org', 'shipping_routes', 'uploads/2025/transport/global/shipping_routes.geojson'),
    (10, 'ingest_vector', 'completed', 0, 88, 1900800, NULL, 0, NULL, 0, 1, 'water-resources', 'kenya', NULL, NULL, NULL, 50, 'gpkg', 'EPSG:4326', 'api:platform', 'rivers_sample', 'uploads/2025/water-resources/global/rivers_sample.gpkg'),
    (11, 'ingest_vector', 'completed', 0, 1420, 2419200, NULL, 0, NULL, 0, 1, 'ministry-of-lands', 'nairobi', NULL, NULL, NULL, 1000, 'zip', 'EPSG:21037', 'api:platform', 'deleted_parcels', 'uploads/2025/ministry-of-lands/nairobi/deleted_parcels.zip')
) AS s(n, job_type, status, fanout, dur_s, age_s, early_stage, n_fail, err_kind, done_frac, n_proc, team, place, dataset, raster, resolution, chunk_size, ext, source_crs, submitted_by, table_name, blob_name)
JOIN (VALUES ('ingest_vector', 3, 2), ('process_raster', 4, 2), ('process_vector', 2, 1), ('h3_aggregate', 3, 2), ('stac_catalog', 1, 1))
    AS d(job_type, total_stages, fan_stage) ON d.job_type = s.job_type
WHERE p.n = s.n;

-- Jobs can only finish "with errors" if their fan-out stage has more than one task.
UPDATE demo_job_plan SET fanout = 2 WHERE status = 'completed_with_errors' AND fanout < 2;

-- Current stage: completed jobs finished every stage; failed jobs stopped at the failing stage
-- (mostly the fan-out stage); processing jobs are somewhere along the way; queued ones at 1.
UPDATE demo_job_plan SET stage = CASE status
    WHEN 'completed' THEN total_stages
    WHEN 'completed_with_errors' THEN total_stages
    WHEN 'failed' THEN coalesce(early_stage, fan_stage)
    WHEN 'processing' THEN CASE WHEN n = 1 THEN fan_stage
                                WHEN pg_temp.rnd('cs:' || n) < 0.6 THEN fan_stage
                                ELSE pg_temp.rint(1, total_stages, 'cs2:' || n) END
    ELSE 1 END;

-- Failures: how many tasks failed and why.
UPDATE demo_job_plan SET
    n_fail = CASE
        WHEN n_fail > 0 THEN n_fail
        WHEN status = 'completed_with_errors' THEN least(fanout - 1, 1 + floor(pg_temp.rnd('nf:' || n) * fanout * 0.15)::int)
        WHEN status = 'failed' AND stage = fan_stage THEN least(fanout, 1 + floor(pg_temp.rnd('nf:' || n) * least(3, fanout * 0.3))::int)
        WHEN status = 'failed' THEN 1
        ELSE 0 END,
    err_kind = CASE
        WHEN err_kind IS NOT NULL OR status NOT IN ('failed', 'completed_with_errors') THEN err_kind
        WHEN stage = fan_stage OR status = 'completed_with_errors' THEN pg_temp.pick(CASE job_type
            WHEN 'ingest_vector'  THEN ARRAY['unique_violation','unique_violation','geometry_mismatch','db_connections']
            WHEN 'process_raster' THEN ARRAY['tile_timeout','tile_timeout','memory_error','gdal_crs']
            WHEN 'process_vector' THEN ARRAY['unique_violation','geometry_mismatch','db_connections','crs_unsupported']
            WHEN 'h3_aggregate'   THEN ARRAY['h3_batch_timeout','db_connections']
            ELSE ARRAY['stac_validation','blob_not_found','container_not_found'] END, 'err:' || n)
        ELSE pg_temp.pick(CASE job_type
            WHEN 'ingest_vector'  THEN ARRAY['blob_not_found','blob_not_found','driver_error','crs_unsupported']
            WHEN 'process_raster' THEN ARRAY['blob_not_found','gdal_crs','gdal_crs','container_not_found']
            WHEN 'process_vector' THEN ARRAY['blob_not_found','crs_unsupported']
            WHEN 'h3_aggregate'   THEN ARRAY['invalid_resolution']
            ELSE ARRAY['container_not_found'] END, 'err:' || n)
        END;

-- Ages. Queued: seconds to minutes old. Processing: minutes to ~2 h. Terminal: anywhere in the
-- last 30 days, skewed to recent days, and always older than their own duration.
UPDATE demo_job_plan SET age_s = CASE status
    WHEN 'queued' THEN 5 + r_age * 715
    WHEN 'processing' THEN 180 + r_age ^ 1.3 * 6900
    ELSE greatest(dur_s + 60 + pg_temp.rnd('gap:' || n) * 600, 2592000 * r_age ^ 1.8) END
WHERE age_s IS NULL;

-- Stuck jobs: ten processing jobs whose running tasks stopped heart-beating 11-81 minutes ago.
UPDATE demo_job_plan SET stuck = true, age_s = 9000 + pg_temp.rnd('stuckage:' || n) * 5400,
                         n_proc = 1 + floor(pg_temp.rnd('stuckproc:' || n) * 3)::int
WHERE n IN (SELECT n FROM demo_job_plan WHERE status = 'processing' AND n > 20 ORDER BY n LIMIT 10);

UPDATE demo_job_plan SET dur_s = CASE WHEN status = 'processing' THEN age_s WHEN status = 'queued' THEN 0 ELSE dur_s END;

-- Names of what each job reads and writes.
UPDATE demo_job_plan SET
    table_name = coalesce(table_name, CASE WHEN job_type IN ('ingest_vector', 'process_vector')
        THEN dataset || '_' || place || version_suffix END),
    blob_name = coalesce(blob_name, CASE
        WHEN job_type IN ('ingest_vector', 'process_vector') THEN format('uploads/2025/%s/%s/%s.%s', team, place, dataset, ext)
        WHEN job_type = 'process_raster' THEN format('uploads/2025/%s/%s/%s.tif', team, place, raster)
        WHEN job_type = 'h3_aggregate' THEN format('silver-cogs/%s/%s/%s_cog.tif', team, place, raster)
        ELSE format('cogs/2025/%s/%s/', team, place) END);

UPDATE demo_job_plan SET
    created_at = pg_temp.demo_now() - make_interval(secs => age_s),
    finished_at = CASE WHEN status IN ('completed', 'failed', 'completed_with_errors')
                       THEN pg_temp.demo_now() - make_interval(secs => age_s) + make_interval(secs => dur_s) END;
