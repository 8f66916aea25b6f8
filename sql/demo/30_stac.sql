-- Demo data loader, step 3: STAC, through pgSTAC's own loaders as the pipeline does:
-- pgstac.create_collection(jsonb) (which makes the collection's items partition) and
-- pgstac.create_items(jsonb) with whole STAC items (pgSTAC dehydrates them and keeps
-- partition_stats). The same calls work on real pgSTAC 0.9.x and on the stand-in.
-- scripts/demo-data.ts runs this file with search_path = pgstac, public (SET LOCAL), as pgSTAC's
-- triggers need; every table here is schema-qualified either way.
-- The collections' content matches createSystemCollections() in lib/db/stac.ts.
--   system-vectors: one item postgis-geo-<table> per catalogued geo table (not rivers_sample)
--   system-rasters: one item per finished process_raster job

SELECT pgstac.create_collection(jsonb_build_object(
    'id', 'system-vectors',
    'type', 'Collection',
    'stac_version', '1.0.0',
    'stac_extensions', jsonb_build_array(),
    'title', 'System Vectors',
    'description', 'Vector datasets published to PostGIS (schema geo) by the GeoETL pipeline. One item per table.',
    'license', 'various',
    'keywords', jsonb_build_array('vector', 'postgis', 'geoetl'),
    'providers', jsonb_build_array(jsonb_build_object('name', 'GeoETL Platform', 'roles', jsonb_build_array('processor', 'host'))),
    'extent', jsonb_build_object(
        'spatial', jsonb_build_object('bbox', jsonb_build_array(jsonb_build_array(
            min(m.bbox[1]), min(m.bbox[2]), max(m.bbox[3]), max(m.bbox[4])))),
        'temporal', jsonb_build_object('interval', jsonb_build_array(jsonb_build_array(
            to_char(min(m.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), NULL)))),
    'summaries', jsonb_build_object('geometry_type', jsonb_agg(DISTINCT m.geometry_type)),
    'links', jsonb_build_array()))
FROM geo.table_metadata m JOIN demo_geo_tables g ON g.table_name = m.table_name AND g.catalogued;

SELECT pgstac.create_collection(jsonb_build_object(
    'id', 'system-rasters',
    'type', 'Collection',
    'stac_version', '1.0.0',
    'stac_extensions', jsonb_build_array('https://stac-extensions.github.io/raster/v1.1.0/schema.json'),
    'title', 'System Rasters',
    'description', 'Cloud-optimised GeoTIFFs produced by process_raster jobs (silver-cogs container).',
    'license', 'various',
    'keywords', jsonb_build_array('raster', 'cog', 'geoetl'),
    'providers', jsonb_build_array(jsonb_build_object('name', 'GeoETL Platform', 'roles', jsonb_build_array('processor', 'host'))),
    'extent', jsonb_build_object(
        'spatial', jsonb_build_object('bbox', jsonb_build_array(jsonb_build_array(-180, -90, 180, 90))),
        'temporal', jsonb_build_object('interval', jsonb_build_array(jsonb_build_array(
            to_char(min(p.finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), NULL)))),
    'links', jsonb_build_array()))
FROM demo_job_plan p
WHERE p.job_type = 'process_raster' AND p.status IN ('completed', 'completed_with_errors');

-- Vector items: footprint = the table's bbox.
SELECT pgstac.create_items(jsonb_agg(jsonb_build_object(
        'type', 'Feature',
        'id', m.stac_item_id,
        'collection', 'system-vectors',
        'geometry', ST_AsGeoJSON(x.footprint)::jsonb,
        'stac_version', '1.0.0',
        'bbox', to_jsonb(m.bbox),
        'properties', jsonb_build_object(
            'datetime', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'title', m.title,
            'description', m.description,
            'license', m.license,
            'keywords', to_jsonb(string_to_array(m.keywords, ',')),
            'postgis:schema', m.schema_name,
            'postgis:table', m.table_name,
            'postgis:geometry_type', m.geometry_type,
            'postgis:feature_count', m.feature_count,
            'proj:epsg', CASE WHEN m.source_crs = 'EPSG:3857' THEN 3857 ELSE 4326 END,
            'geoetl:job_id', m.etl_job_id,
            'geoetl:source_file', m.source_file),
        'links', jsonb_build_array(jsonb_build_object('rel', 'collection', 'href', './collection.json', 'type', 'application/json')),
        'assets', jsonb_build_object(
            'data', jsonb_build_object('href', 'postgis://geo.' || m.table_name, 'type', 'application/vnd.postgis',
                                       'title', m.title, 'roles', jsonb_build_array('data')),
            'features', jsonb_build_object('href', '/collections/geo.' || m.table_name || '/items',
                                           'type', 'application/geo+json', 'roles', jsonb_build_array('data'))))
    ORDER BY m.table_name))
FROM geo.table_metadata m
JOIN demo_geo_tables g ON g.table_name = m.table_name AND g.catalogued
CROSS JOIN LATERAL (SELECT ST_MakeEnvelope(m.bbox[1], m.bbox[2], m.bbox[3], m.bbox[4], 4326) AS footprint) x;

-- Raster items: footprint around the place the raster covers.
SELECT pgstac.create_items(jsonb_agg(jsonb_build_object(
        'type', 'Feature',
        'id', r.item_id,
        'collection', 'system-rasters',
        'geometry', ST_AsGeoJSON(r.footprint)::jsonb,
        'stac_version', '1.0.0',
        'stac_extensions', jsonb_build_array('https://stac-extensions.github.io/raster/v1.1.0/schema.json'),
        'bbox', jsonb_build_array(ST_XMin(r.footprint), ST_YMin(r.footprint), ST_XMax(r.footprint), ST_YMax(r.footprint)),
        'properties', jsonb_build_object(
            'datetime', to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'title', initcap(replace(r.raster, '_', ' ')) || ' - ' || initcap(r.place),
            'proj:epsg', 4326,
            'geoetl:job_id', r.job_id,
            'geoetl:tile_count', r.fanout),
        'links', jsonb_build_array(jsonb_build_object('rel', 'collection', 'href', './collection.json', 'type', 'application/json')),
        'assets', jsonb_build_object(
            'data', jsonb_build_object('href', format('https://geoetlstorage.blob.core.windows.net/silver-cogs/%s/%s/%s_cog.tif', r.team, r.place, r.item_id),
                                       'type', 'image/tiff; application=geotiff; profile=cloud-optimized',
                                       'roles', jsonb_build_array('data'))))
    ORDER BY r.n))
FROM (
    SELECT p.*, lower(replace(p.raster, '_', '-')) || '-' || p.place || '-' || left(p.job_id, 8) AS item_id,
           ST_SetSRID(ST_Expand(ST_MakePoint(pl.lon, pl.lat),
               round((pl.radius * (0.4 + 0.6 * pg_temp.rnd('fp:' || p.n)))::numeric, 4)::float8), 4326) AS footprint
    FROM demo_job_plan p JOIN demo_places pl ON pl.place = p.place
    WHERE p.job_type = 'process_raster' AND p.status IN ('completed', 'completed_with_errors')
) r;
