-- Demo data loader, step 0: session-local helpers. Run by scripts/demo-data.ts (seedDemo) inside
-- one transaction, after `SELECT set_config('demo.now', <iso timestamp>, true)`.
--
-- Determinism: nothing here calls random(). Every "random" choice is pg_temp.rnd(<key>), a hash of
-- a fixed string (md5 -> [0,1)), so the same rows come out whatever the plan or evaluation order.
-- Only absolute timestamps move with demo.now; every duration and age is fixed.
SET LOCAL max_parallel_workers_per_gather = 0;

-- Uniform [0, 1) from a key.
CREATE OR REPLACE FUNCTION pg_temp.rnd(k text) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT ('x' || substr(md5(k), 1, 13))::bit(52)::bigint / 4503599627370496.0::double precision
$$;

-- One element of a text array, chosen by key.
CREATE OR REPLACE FUNCTION pg_temp.pick(arr text[], k text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT arr[1 + floor(pg_temp.rnd(k) * array_length(arr, 1))::int]
$$;

-- Integer in [lo, hi], chosen by key.
CREATE OR REPLACE FUNCTION pg_temp.rint(lo int, hi int, k text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT lo + floor(pg_temp.rnd(k) * (hi - lo + 1))::int
$$;

CREATE OR REPLACE FUNCTION pg_temp.demo_now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT current_setting('demo.now')::timestamptz
$$;

-- Job ids look like the pipeline's: 64 hex chars of SHA256.
CREATE OR REPLACE FUNCTION pg_temp.job_id(n int) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(sha256(convert_to('geoetl-demo-job:' || n, 'UTF8')), 'hex')
$$;

-- A UUID-shaped id from a key (janitor run ids, Azure request ids in error messages).
CREATE OR REPLACE FUNCTION pg_temp.uuid_of(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT md5(k)::uuid
$$;

-- A pronounceable place name: "Kinabad", "Ashford", "Marvale"...
CREATE OR REPLACE FUNCTION pg_temp.place_name(k text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT pg_temp.pick(ARRAY['Ash','Oak','Stone','Red','Green','Bel','Mar','Kar','Nor','Sal','Tal','Val',
                              'Zan','Kin','Lum','Bra','Cor','Dun','Elm','Fen','Gal','Hal','Ira','Jor',
                              'Kes','Lor','Mon','Nya','Oro','Pra','Qua','Ros','Sen','Tor','Ula','Vor'], k || ':a')
        || pg_temp.pick(ARRAY['ford','haven','field','burg','mouth','stad','abad','pur','ville','grad',
                              'polis','ton','dale','wick','more','bridge','ana','ora','enza','ara','iko',
                              'uru','ama','esh'], k || ':b')
$$;

-- Vector chunk / raster tile identifiers used in task parameters and error messages.
CREATE OR REPLACE FUNCTION pg_temp.tile_of(i int) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT format('12/%s/%s', 2048 + (i % 32), 1361 + (i / 32))
$$;

-- Readable task error messages, some of them multi-line Python tracebacks.
CREATE OR REPLACE FUNCTION pg_temp.err_msg(kind text, tbl text, blob text, idx int, chunk int,
                                           resolution int, item_id text, k text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE kind
    WHEN 'unique_violation' THEN format(
        E'psycopg.errors.UniqueViolation: duplicate key value violates unique constraint "%s_pkey"\nDETAIL:  Key (objectid)=(%s) already exists.',
        tbl, idx * chunk + 1 + floor(pg_temp.rnd(k) * chunk)::int)
    WHEN 'blob_not_found' THEN 'Blob not found: ' || blob
    WHEN 'tile_timeout' THEN 'Timeout after 600s waiting for raster tile ' || pg_temp.tile_of(idx)
    WHEN 'gdal_crs' THEN 'GDAL error: Unsupported CRS EPSG:999999'
    WHEN 'geometry_mismatch' THEN
        E'Traceback (most recent call last):\n'
        '  File "/home/site/wwwroot/core/machine.py", line 412, in process_task\n'
        '    result = handler(task.parameters, context)\n'
        '  File "/home/site/wwwroot/services/vector/postgis_handler.py", line 288, in upload_chunk_with_metadata\n'
        '    cur.executemany(insert_sql, rows)\n'
        '  File "/home/site/wwwroot/.python_packages/lib/site-packages/psycopg/cursor.py", line 732, in executemany\n'
        '    raise ex.with_traceback(None)\n'
        'psycopg.errors.InvalidParameterValue: Geometry type (Polygon) does not match column type (MultiPolygon)'
    WHEN 'crs_unsupported' THEN
        E'Traceback (most recent call last):\n'
        '  File "/home/site/wwwroot/core/machine.py", line 412, in process_task\n'
        '    result = handler(task.parameters, context)\n'
        '  File "/home/site/wwwroot/services/vector/reproject.py", line 64, in reproject_chunk\n'
        '    gdf = gdf.to_crs(target_crs)\n'
        '  File "/home/site/wwwroot/.python_packages/lib/site-packages/pyproj/crs/crs.py", line 348, in __init__\n'
        '    self._local.crs = _CRS(self.srs)\n'
        'pyproj.exceptions.CRSError: Invalid projection: EPSG:999999: (Internal Proj Error: proj_create: crs not found)'
    WHEN 'memory_error' THEN
        E'Traceback (most recent call last):\n'
        '  File "/home/site/wwwroot/core/machine.py", line 412, in process_task\n'
        '    result = handler(task.parameters, context)\n'
        '  File "/home/site/wwwroot/services/raster/cog_builder.py", line 157, in create_cog_tile\n'
        '    data = src.read(window=window, out_dtype="float32")\n'
        '  File "rasterio/_io.pyx", line 651, in rasterio._io.DatasetReaderBase.read\n'
        'MemoryError: Unable to allocate 3.00 GiB for an array with shape (3, 16384, 16384) and data type float32'
    WHEN 'container_not_found' THEN format(
        E'azure.core.exceptions.ResourceNotFoundError: The specified container does not exist.\nRequestId:%s\nTime:%s\nErrorCode:ContainerNotFound',
        pg_temp.uuid_of(k), '2025-11-18T09:41:07.1838261Z')
    WHEN 'db_connections' THEN
        'psycopg.OperationalError: connection failed: connection to server at "10.0.4.12", port 5432 failed: '
        'FATAL:  remaining connection slots are reserved for non-replication superuser connections'
    WHEN 'driver_error' THEN 'fiona.errors.DriverError: ' || blob || ': not recognized as a supported file format.'
    WHEN 'invalid_resolution' THEN 'ValueError: Invalid H3 resolution 16: must be between 0 and 15'
    WHEN 'h3_batch_timeout' THEN format('Timeout after 600s waiting for H3 batch %s (resolution %s)', idx, resolution)
    WHEN 'stac_validation' THEN format(
        E'pystac.errors.STACValidationError: Validation failed for Item with ID %s against schema at '
        'https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json\n''datetime'' is a required property',
        item_id)
    ELSE 'RuntimeError: ' || kind
    END
$$;

-- Retryable failures end with retry_count = 3 (retries exhausted); the others fail at once.
CREATE OR REPLACE FUNCTION pg_temp.err_retryable(kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT kind IN ('tile_timeout', 'memory_error', 'db_connections', 'h3_batch_timeout')
$$;

-- A plausible H3 index (mode 1, resolution r) numbered k: base cell and digits encode k, so
-- distinct k give distinct indices within a grid. Not a real cell, but it looks like one.
CREATE OR REPLACE FUNCTION pg_temp.h3_index(r int, k int) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    v bigint := (1::bigint << 59) | (r::bigint << 52);
    rest int := k;
    lvl int;
    d int;
BEGIN
    FOR lvl IN REVERSE r..1 LOOP
        d := rest % 7;
        rest := rest / 7;
        v := v | (d::bigint << ((15 - lvl) * 3));
    END LOOP;
    FOR lvl IN r + 1..15 LOOP
        v := v | (7::bigint << ((15 - lvl) * 3));
    END LOOP;
    RETURN v | ((rest % 122)::bigint << 45);
END;
$$;

-- Flat-topped hexagon of "radius" s degrees around (cx, cy).
CREATE OR REPLACE FUNCTION pg_temp.hexagon(cx double precision, cy double precision, s double precision)
RETURNS geometry LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY(
        SELECT ST_MakePoint(round((cx + s * cos(radians(60 * m)))::numeric, 6)::float8,
                            round((cy + s * sin(radians(60 * m)))::numeric, 6)::float8)
        FROM generate_series(0, 6) m ORDER BY m))), 4326)
$$;
