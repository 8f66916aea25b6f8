-- Demo data loader, step 4: app.jobs and app.tasks from demo_job_plan.
-- Tasks are computed first (demo_task_rows) so that each job's stage_results and result_data
-- can summarise its own tasks; then both are inserted in one go each.

ALTER TABLE demo_job_plan ADD COLUMN geometry_type TEXT, ADD COLUMN grid_id TEXT, ADD COLUMN raster_item_id TEXT;
UPDATE demo_job_plan p SET
    feature_count = coalesce(p.feature_count, p.fanout::bigint * p.chunk_size - floor(pg_temp.rnd('fc:' || p.n) * p.chunk_size)::bigint),
    geometry_type = coalesce(m.geometry_type, CASE
        WHEN p.dataset IN ('roads', 'rivers', 'railways', 'power_lines') THEN 'MultiLineString'
        WHEN p.dataset IN ('schools', 'health_facilities', 'water_points', 'bus_stops', 'settlements') THEN 'Point'
        ELSE 'MultiPolygon' END),
    grid_id = format('%s_res%s', p.place, p.resolution),
    raster_item_id = lower(replace(p.raster, '_', '-')) || '-' || p.place || '-' || left(p.job_id, 8)
FROM demo_job_plan q LEFT JOIN geo.table_metadata m ON m.etl_job_id = q.job_id
WHERE q.n = p.n;

-- One row per stage a job has reached, with its time window in seconds after the job's creation.
CREATE TEMP TABLE demo_stage_plan ON COMMIT DROP AS
WITH s AS (
    SELECT p.*, d.stage AS s_stage, d.stage_name, d.task_type, d.fanout AS is_fan, d.weight,
           CASE WHEN d.fanout THEN p.fanout ELSE 1 END AS task_count,
           coalesce(sum(d.weight) OVER (PARTITION BY p.n ORDER BY d.stage ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS w_before,
           sum(d.weight) OVER (PARTITION BY p.n) AS w_total
    FROM demo_job_plan p JOIN demo_stage_defs d ON d.job_type = p.job_type AND d.stage <= p.stage
), w AS (
    SELECT s.*,
        CASE status
            WHEN 'completed' THEN 'completed'
            WHEN 'completed_with_errors' THEN CASE WHEN is_fan THEN 'completed_with_errors' ELSE 'completed' END
            WHEN 'failed' THEN CASE WHEN s_stage < stage THEN 'completed' ELSE 'failed' END
            WHEN 'processing' THEN CASE WHEN s_stage < stage THEN 'completed' ELSE 'processing' END
            ELSE 'queued' END AS stage_status,
        w_total - CASE WHEN s_stage = stage THEN weight ELSE 0 END AS w_prev -- only meaningful on the current stage row
    FROM s
)
SELECT w.*,
    CASE
        WHEN status IN ('completed', 'failed', 'completed_with_errors') THEN dur_s * w_before / w_total
        WHEN status = 'processing' AND s_stage < stage THEN 0.3 * dur_s * w_before / (w_total - max(CASE WHEN s_stage = stage THEN weight END) OVER (PARTITION BY n))
        WHEN status = 'processing' THEN CASE WHEN s_stage = 1 THEN 2 ELSE 0.3 * dur_s END
        ELSE 1 END AS s_start,
    CASE
        WHEN status IN ('completed', 'failed', 'completed_with_errors') THEN dur_s * (w_before + weight) / w_total
        WHEN status = 'processing' AND s_stage < stage THEN 0.3 * dur_s * (w_before + weight) / (w_total - max(CASE WHEN s_stage = stage THEN weight END) OVER (PARTITION BY n))
        WHEN status = 'processing' THEN dur_s
        ELSE 1 END AS s_end
FROM w;

CREATE TEMP TABLE demo_task_rows ON COMMIT DROP AS
WITH t AS (
    SELECT sp.*, i,
           format('%s-s%s-%s', left(sp.job_id, 8), sp.s_stage, lpad(i::text, 4, '0')) AS task_id,
           least(floor(sp.done_frac * sp.task_count)::int, sp.task_count - 1) AS n_done,
           (i::bigint * 7919 + sp.n) % sp.task_count AS perm
    FROM demo_stage_plan sp CROSS JOIN LATERAL generate_series(0, sp.task_count - 1) AS i
    WHERE sp.stage_status <> 'queued' OR sp.has_tasks
), st AS (
    SELECT t.*,
        CASE stage_status
            WHEN 'completed' THEN 'completed'
            WHEN 'failed' THEN CASE WHEN perm < n_fail THEN 'failed' ELSE 'completed' END
            WHEN 'completed_with_errors' THEN CASE WHEN perm < n_fail THEN 'failed' ELSE 'completed' END
            WHEN 'processing' THEN CASE WHEN i < n_done THEN 'completed'
                                        WHEN i < n_done + n_proc THEN 'processing' ELSE 'pending' END
            ELSE 'pending' END AS t_status,
        -- tasks are queued together at the start of their stage
        s_start + (s_end - s_start) * 0.02 * i / task_count AS c_off,
        -- the end of the window completed tasks finish in
        CASE WHEN stage_status = 'processing' THEN CASE WHEN stuck THEN s_end - 4900 ELSE s_end - 5 END
             ELSE s_end END AS f_end,
        CASE WHEN stage_status = 'processing' THEN greatest(n_done, 1) ELSE task_count END AS f_denom,
        CASE WHEN i = task_count - 1 THEN feature_count - chunk_size::bigint * (task_count - 1) ELSE chunk_size END AS chunk_rows,
        pg_temp.rnd('f:' || job_id || ':' || s_stage || ':' || i) AS r_f,
        pg_temp.rnd('x:' || job_id || ':' || s_stage || ':' || i) AS r_x,
        format('%s-%s-%s', place, left(job_id, 6), lpad(i::text, 4, '0')) AS item_id
    FROM t
), o AS (
    SELECT st.*,
        CASE WHEN t_status IN ('completed', 'failed')
             THEN c_off + (f_end - c_off) * least(1.0, (i + 1)::float8 / f_denom) * (0.85 + 0.15 * r_f) END AS done_off,
        CASE WHEN t_status = 'processing' AND stuck THEN s_end - (660 + r_x * 4200)
             WHEN t_status = 'processing' THEN s_end - (1 + r_x * 100) END AS hb_off
    FROM st
)
SELECT
    task_id, job_id, n, s_stage AS stage, task_type, t_status AS status, i, stage_status,
    created_at + make_interval(secs => c_off) AS t_created,
    created_at + make_interval(secs => CASE t_status WHEN 'pending' THEN c_off WHEN 'processing' THEN hb_off ELSE done_off END) AS t_updated,
    created_at + make_interval(secs => CASE t_status WHEN 'pending' THEN NULL WHEN 'processing' THEN hb_off
                                                   WHEN 'failed' THEN greatest(c_off, done_off - r_x * 20) ELSE done_off END) AS t_heartbeat,
    CASE t_status
        WHEN 'failed' THEN CASE WHEN pg_temp.err_retryable(err_kind) THEN 3 ELSE 0 END
        WHEN 'completed' THEN CASE WHEN r_x < 0.04 THEN 1 + floor(r_x * 50)::int ELSE 0 END
        WHEN 'processing' THEN CASE WHEN r_f < 0.15 THEN 1 ELSE 0 END
        ELSE 0 END AS retry_count,
    CASE WHEN t_status = 'failed'
         THEN pg_temp.err_msg(err_kind, table_name, blob_name, i, chunk_size, resolution, item_id, task_id) END AS error_message,
    CASE task_type
        WHEN 'prepare_vector_chunks' THEN jsonb_build_object('blob_name', blob_name, 'container_name', 'bronze-vectors',
            'table_name', table_name, 'chunk_size', chunk_size, 'source_crs', source_crs)
        WHEN 'upload_vector_chunk' THEN jsonb_build_object('table_name', table_name, 'schema', 'geo', 'chunk_index', i,
            'offset', i::bigint * chunk_size, 'limit', chunk_size,
            'chunk_blob', format('tmp/chunks/%s/chunk_%s.parquet', left(job_id, 16), lpad(i::text, 4, '0')))
        WHEN 'create_vector_stac' THEN jsonb_build_object('table_name', table_name, 'collection_id', 'system-vectors',
            'stac_item_id', 'postgis-geo-' || table_name)
        WHEN 'validate_raster' THEN jsonb_build_object('blob_name', blob_name, 'container_name', 'bronze-rasters')
        WHEN 'create_cog_tile' THEN jsonb_build_object('blob_name', blob_name, 'tile', pg_temp.tile_of(i),
            'output_blob', format('%s/%s/%s/tiles/%s.tif', team, place, raster, replace(pg_temp.tile_of(i), '/', '_')),
            'compression', compression, 'blocksize', 512)
        WHEN 'build_mosaicjson' THEN jsonb_build_object('tile_count', fanout,
            'output_blob', format('%s/%s/%s/mosaic.json', team, place, raster))
        WHEN 'create_raster_stac' THEN jsonb_build_object('collection_id', 'system-rasters', 'stac_item_id', raster_item_id)
        WHEN 'process_vector_chunk' THEN jsonb_build_object('table_name', table_name, 'operation', operation,
            'chunk_index', i, 'offset', i::bigint * chunk_size, 'limit', chunk_size)
        WHEN 'h3_prepare_cells' THEN jsonb_build_object('grid_id', grid_id, 'resolution', resolution, 'source', blob_name)
        WHEN 'h3_aggregate_batch' THEN jsonb_build_object('grid_id', grid_id, 'resolution', resolution,
            'batch_index', i, 'batch_size', 5000, 'aggregation', aggregation)
        WHEN 'h3_finalize_grid' THEN jsonb_build_object('grid_id', grid_id, 'resolution', resolution)
        ELSE jsonb_build_object('collection_id', catalog_collection, 'blob', blob_name || item_id || '.tif', 'item_id', item_id)
    END AS t_parameters,
    CASE WHEN t_status = 'completed' THEN CASE task_type
        WHEN 'prepare_vector_chunks' THEN jsonb_build_object('feature_count', feature_count, 'chunks_planned', fanout,
            'geometry_type', geometry_type, 'source_crs', source_crs)
        WHEN 'upload_vector_chunk' THEN jsonb_build_object('rows_inserted', chunk_rows, 'duration_ms', 400 + floor(r_f * 9000)::int)
        WHEN 'create_vector_stac' THEN jsonb_build_object('stac_item_id', 'postgis-geo-' || table_name, 'collection_id', 'system-vectors')
        WHEN 'validate_raster' THEN jsonb_build_object('width', 8192 + floor(r_f * 40000)::int, 'height', 8192 + floor(r_x * 40000)::int,
            'band_count', CASE WHEN raster IN ('ortho_rgb_10cm') THEN 3 WHEN raster = 'sentinel2_l2a_mosaic' THEN 4 ELSE 1 END,
            'dtype', CASE WHEN raster IN ('ortho_rgb_10cm', 'landcover_2024') THEN 'uint8' ELSE 'float32' END, 'crs', source_crs)
        WHEN 'create_cog_tile' THEN jsonb_build_object('tile', pg_temp.tile_of(i), 'size_bytes', 200000 + floor(r_f * 12000000)::int,
            'duration_ms', 1500 + floor(r_x * 60000)::int)
        WHEN 'build_mosaicjson' THEN jsonb_build_object('mosaic_blob', format('%s/%s/%s/mosaic.json', team, place, raster), 'tile_count', fanout)
        WHEN 'create_raster_stac' THEN jsonb_build_object('stac_item_id', raster_item_id, 'collection_id', 'system-rasters')
        WHEN 'process_vector_chunk' THEN jsonb_build_object('features_processed', chunk_rows,
            'features_dropped', floor(r_f ^ 4 * 12)::int, 'duration_ms', 300 + floor(r_x * 8000)::int)
        WHEN 'h3_prepare_cells' THEN jsonb_build_object('cell_count', fanout * 5000 - floor(r_f * 5000)::int, 'batches', fanout)
        WHEN 'h3_aggregate_batch' THEN jsonb_build_object('cells_written', 4000 + floor(r_f * 1000)::int, 'duration_ms', 2000 + floor(r_x * 50000)::int)
        WHEN 'h3_finalize_grid' THEN jsonb_build_object('grid_id', grid_id, 'cells_with_data', floor(fanout * 4500 * (0.5 + 0.5 * r_f))::int)
        ELSE jsonb_build_object('item_id', item_id, 'action', CASE WHEN r_f < 0.8 THEN 'created' WHEN r_f < 0.95 THEN 'updated' ELSE 'skipped' END)
    END END AS t_result
FROM o;

-- Per-stage task tallies.
CREATE TEMP TABLE demo_stage_stats ON COMMIT DROP AS
SELECT n, stage,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       coalesce(sum((t_result->>'rows_inserted')::bigint), 0) AS rows_inserted,
       coalesce(sum((t_result->>'features_processed')::bigint), 0) AS features_processed,
       coalesce(sum((t_result->>'cells_written')::bigint), 0) AS cells_written,
       coalesce(sum((t_result->>'size_bytes')::bigint), 0) AS size_bytes,
       (array_agg(task_id ORDER BY i) FILTER (WHERE status = 'failed'))[1] AS first_failed_task,
       (array_agg(error_message ORDER BY i) FILTER (WHERE status = 'failed'))[1] AS first_error,
       max(t_updated) AS last_update
FROM demo_task_rows GROUP BY n, stage;
ANALYZE demo_stage_stats;

-- Per-job summaries of the stages and tasks (stage_results, failure details, last activity).
CREATE TEMP TABLE demo_job_agg ON COMMIT DROP AS
SELECT sp.n,
    jsonb_object_agg(sp.s_stage::text, jsonb_build_object(
            'stage', sp.s_stage, 'stage_name', sp.stage_name, 'status', sp.stage_status,
            'task_count', sp.task_count, 'completed', ss.completed, 'failed', ss.failed,
            'duration_seconds', round(sp.s_end - sp.s_start)::int,
            'summary', CASE sp.stage_name
                WHEN 'validate_source' THEN jsonb_build_object('feature_count', sp.feature_count, 'geometry_type', sp.geometry_type,
                                                               'source_crs', sp.source_crs, 'chunks_planned', sp.fanout)
                WHEN 'upload_chunks' THEN jsonb_build_object('rows_inserted', ss.rows_inserted, 'chunks_uploaded', ss.completed)
                WHEN 'create_stac_item' THEN jsonb_build_object(
                    'stac_item_id', CASE WHEN sp.job_type = 'process_raster' THEN sp.raster_item_id ELSE 'postgis-geo-' || sp.table_name END,
                    'collection_id', CASE WHEN sp.job_type = 'process_raster' THEN 'system-rasters' ELSE 'system-vectors' END)
                WHEN 'validate_raster' THEN jsonb_build_object('source_crs', sp.source_crs, 'tiles_planned', sp.fanout)
                WHEN 'create_cog_tiles' THEN jsonb_build_object('tiles_written', ss.completed,
                                                                'total_size_mb', round(ss.size_bytes / 1048576.0, 1))
                WHEN 'build_mosaic' THEN jsonb_build_object('mosaic_blob', format('%s/%s/%s/mosaic.json', sp.team, sp.place, sp.raster))
                WHEN 'process_chunks' THEN jsonb_build_object('operation', sp.operation, 'features_processed', ss.features_processed)
                WHEN 'prepare_cells' THEN jsonb_build_object('grid_id', sp.grid_id, 'resolution', sp.resolution, 'batches', sp.fanout)
                WHEN 'aggregate_batches' THEN jsonb_build_object('cells_written', ss.cells_written)
                WHEN 'finalize_grid' THEN jsonb_build_object('grid_id', sp.grid_id)
                ELSE jsonb_build_object('collection_id', sp.catalog_collection, 'items_cataloged', ss.completed, 'items_failed', ss.failed)
            END)
            || CASE WHEN ss.failed > 0 THEN jsonb_build_object('error', split_part(ss.first_error, E'\n', 1)) ELSE '{}'::jsonb END)
        FILTER (WHERE sp.stage_status IN ('completed', 'failed', 'completed_with_errors')) AS stage_results,
    (array_agg(ss.first_error) FILTER (WHERE sp.s_stage = sp.stage))[1] AS fail_error,
    (array_agg(ss.first_failed_task) FILTER (WHERE sp.s_stage = sp.stage))[1] AS fail_task,
    sum(ss.failed) FILTER (WHERE sp.s_stage = sp.stage) AS fail_count,
    sum(ss.cells_written) FILTER (WHERE sp.s_stage = sp.fan_stage) AS cells_written,
    max(ss.last_update) AS last_update
FROM demo_stage_plan sp LEFT JOIN demo_stage_stats ss ON ss.n = sp.n AND ss.stage = sp.s_stage
GROUP BY sp.n;
ALTER TABLE demo_job_agg ADD PRIMARY KEY (n);
ANALYZE demo_job_agg;

INSERT INTO app.jobs (job_id, job_type, status, stage, total_stages, parameters, stage_results, result_data, metadata, created_at, updated_at)
SELECT p.job_id, p.job_type, p.status, p.stage, p.total_stages,
    -- parameters, as submitted
    CASE p.job_type
        WHEN 'ingest_vector' THEN jsonb_build_object('blob_name', p.blob_name, 'container_name', 'bronze-vectors',
            'file_extension', p.ext, 'table_name', p.table_name, 'schema', 'geo', 'chunk_size', p.chunk_size,
            'source_crs', p.source_crs, 'target_crs', 'EPSG:4326', 'collection_id', 'system-vectors',
            'arcgis_mode', p.table_name = 'admin_boundaries_arcgis', 'overwrite', false)
            || CASE p.ext WHEN 'gpkg' THEN jsonb_build_object('layer_name', p.table_name)
                          WHEN 'csv' THEN jsonb_build_object('lat_name', 'latitude', 'lon_name', 'longitude')
                          ELSE '{}'::jsonb END
        WHEN 'process_raster' THEN jsonb_build_object('blob_name', p.blob_name, 'container_name', 'bronze-rasters',
            'output_container', 'silver-cogs', 'output_tier', 'analysis',
            'raster_type', CASE WHEN p.raster LIKE 'ortho%' THEN 'rgb' WHEN p.raster LIKE 'sentinel%' THEN 'multispectral'
                                WHEN p.raster LIKE 'landcover%' THEN 'categorical' ELSE 'continuous' END,
            'target_crs', 'EPSG:4326', 'compression', p.compression, 'tile_size', 512, 'collection_id', 'system-rasters')
        WHEN 'process_vector' THEN jsonb_build_object('blob_name', p.blob_name, 'container_name', 'bronze-vectors',
            'table_name', p.table_name, 'schema', 'geo', 'operation', p.operation, 'target_crs', 'EPSG:4326',
            'chunk_size', p.chunk_size)
            || CASE p.operation WHEN 'simplify' THEN jsonb_build_object('tolerance', 0.0001)
                                WHEN 'buffer' THEN jsonb_build_object('distance_m', 250)
                                WHEN 'clip' THEN jsonb_build_object('clip_table', 'geo.admin_boundaries_arcgis')
                                ELSE '{}'::jsonb END
        WHEN 'h3_aggregate' THEN jsonb_build_object('source_blob', p.blob_name, 'container_name', 'silver-cogs',
            'grid_id', p.grid_id, 'resolution', p.resolution, 'aggregation', p.aggregation, 'value_band', 1,
            'output_schema', 'h3')
        ELSE jsonb_build_object('collection_id', p.catalog_collection, 'container_name', 'silver-cogs',
            'prefix', p.blob_name, 'recursive', true, 'dry_run', false)
    END,
    -- stage_results: one entry per finished (or failed) stage, keyed by stage number
    coalesce(a.stage_results, '{}'::jsonb),
    -- result_data: what a finished job produced, or why it failed
    CASE
        WHEN p.status = 'failed' THEN jsonb_build_object('error', a.fail_error, 'error_type', p.err_kind,
            'failed_stage', p.stage, 'failed_tasks', a.fail_count, 'first_failed_task_id', a.fail_task)
        WHEN p.status IN ('completed', 'completed_with_errors') THEN CASE p.job_type
            WHEN 'ingest_vector' THEN jsonb_build_object('table_name', p.table_name, 'schema', 'geo',
                'feature_count', p.feature_count, 'geometry_type', p.geometry_type, 'chunks_uploaded', p.fanout - p.n_fail,
                'stac_item_id', 'postgis-geo-' || p.table_name, 'collection_id', 'system-vectors')
            WHEN 'process_raster' THEN jsonb_build_object('cog_blob', format('silver-cogs/%s/%s/%s_cog.tif', p.team, p.place, p.raster_item_id),
                'tile_count', p.fanout - p.n_fail, 'stac_item_id', p.raster_item_id, 'collection_id', 'system-rasters')
            WHEN 'process_vector' THEN jsonb_build_object('table_name', p.table_name, 'operation', p.operation,
                'features_processed', p.feature_count, 'stac_item_id', 'postgis-geo-' || p.table_name)
            WHEN 'h3_aggregate' THEN jsonb_build_object('grid_id', p.grid_id, 'resolution', p.resolution,
                'batches_completed', p.fanout - p.n_fail, 'cells_written', a.cells_written)
            ELSE jsonb_build_object('collection_id', p.catalog_collection, 'items_cataloged', p.fanout - p.n_fail)
        END || CASE WHEN p.status = 'completed_with_errors' THEN jsonb_build_object('errors', p.n_fail,
                    'warnings', jsonb_build_array(format('%s of %s tasks failed in stage %s', p.n_fail, p.fanout, p.fan_stage)))
                    ELSE '{}'::jsonb END
    END,
    -- metadata
    jsonb_build_object('submitted_by', p.submitted_by,
        'source', CASE WHEN p.submitted_by LIKE 'api:%' THEN 'platform_api' WHEN p.submitted_by LIKE 'timer:%' THEN 'timer' ELSE 'console' END,
        'priority', CASE WHEN pg_temp.rnd('prio:' || p.n) < 0.06 THEN 'high' ELSE 'normal' END,
        'queue', CASE WHEN p.job_type = 'process_raster' THEN 'long-running-raster-tasks' ELSE 'geospatial-jobs' END,
        'pipeline_version', pg_temp.pick(ARRAY['0.9.4', '0.9.5', '0.9.6', '0.9.6'], 'ver:' || p.n))
    || CASE WHEN p.submitted_by LIKE 'api:%' THEN jsonb_build_object('request_id', md5('request:' || p.n)) ELSE '{}'::jsonb END,
    p.created_at,
    CASE WHEN p.status = 'processing' THEN greatest(p.created_at, a.last_update)
         WHEN p.status = 'queued' THEN p.created_at
         ELSE p.finished_at END
FROM demo_job_plan p LEFT JOIN demo_job_agg a ON a.n = p.n
ORDER BY p.n;

INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, parameters, result_data, error_message, retry_count, heartbeat, created_at, updated_at)
SELECT task_id, job_id, task_type, status, stage, t_parameters, t_result, error_message, retry_count, t_heartbeat, t_created, t_updated
FROM demo_task_rows
ORDER BY n, stage, i;
