-- Demo data loader, step 2: vector tables in geo, built from real country polygons.
-- Expects demo_countries(ord, iso_n3, name, continent, geom MultiPolygon 4326), loaded by
-- scripts/demo-data.ts from world-atlas/countries-110m.json (Natural Earth 1:110m).
--
--   world_countries          geom  MultiPolygon 4326   all countries
--   admin_boundaries_arcgis  shape MultiPolygon 4326   ArcGIS mode, African countries
--   countries_web_mercator   geom  MultiPolygon 3857   Europe + the Americas, clipped to +/-85 deg
--   populated_places         geom  Point 4326          one label point per country + generated towns
--   shipping_routes          geom  LineString 4326     great-circle lines between coastal countries
--   rivers_sample            geom  LineString 4326     synthetic meanders (not catalogued in STAC)
--   mystery_upload           geom  Point 4326          ORPHAN: no geo.table_metadata row
-- plus an ORPHANED METADATA row for deleted_parcels, whose table does not exist.

CREATE INDEX ON demo_countries USING GIST (geom);
ANALYZE demo_countries;

-- What was published, by which job (job numbers refer to demo_job_plan).
CREATE TEMP TABLE demo_geo_tables (
    table_name TEXT PRIMARY KEY, job_n INT, geom_col TEXT, srid INT, geometry_type TEXT,
    title TEXT, description TEXT, attribution TEXT, license TEXT, keywords TEXT,
    source_file TEXT, source_format TEXT, source_crs TEXT, catalogued BOOLEAN
) ON COMMIT DROP;
INSERT INTO demo_geo_tables VALUES
    ('world_countries', 5, 'geom', 4326, 'MultiPolygon', 'World Country Boundaries',
     'Administrative boundaries of the world''s countries at 1:110m scale (Natural Earth), with ISO 3166-1 numeric codes, continent and estimated population.',
     'Natural Earth', 'CC0-1.0', 'boundaries,countries,admin', 'world_countries.geojson', 'geojson', 'EPSG:4326', true),
    ('admin_boundaries_arcgis', 6, 'shape', 4326, 'MultiPolygon', 'African Admin-0 Boundaries (ArcGIS)',
     'Country boundaries for Africa loaded in ArcGIS Enterprise mode (geometry column "shape", objectid primary key).',
     'Natural Earth', 'CC0-1.0', 'boundaries,countries,admin,africa,arcgis', 'admin_boundaries_africa.zip', 'shp', 'EPSG:4326', true),
    ('countries_web_mercator', 7, 'geom', 3857, 'MultiPolygon', 'Countries of Europe and the Americas (Web Mercator)',
     'Country boundaries for Europe, North and South America stored in EPSG:3857, clipped to latitudes within +/-85 degrees.',
     'Natural Earth', 'CC0-1.0', 'boundaries,countries,admin,web-mercator', 'countries_web_mercator.gpkg', 'gpkg', 'EPSG:3857', true),
    ('populated_places', 8, 'geom', 4326, 'Point', 'Populated Places',
     'Settlements with estimated population: one label point per country plus generated towns and villages.',
     'GeoETL demo data; country points derived from Natural Earth', 'ODbL-1.0', 'places,settlements,population,points',
     'populated_places.csv', 'csv', 'EPSG:4326', true),
    ('shipping_routes', 9, 'geom', 4326, 'LineString', 'Indicative Shipping Routes',
     'Great-circle lines between coastal countries with indicative length and vessel class. For demonstration only.',
     'GeoETL demo data; endpoints derived from Natural Earth', 'ODbL-1.0', 'transport,shipping,routes,lines',
     'shipping_routes.geojson', 'geojson', 'EPSG:4326', true),
    ('rivers_sample', 10, 'geom', 4326, 'LineString', 'Rivers (sample)',
     'Synthetic river centre lines used to test line rendering; not yet catalogued in STAC.',
     'GeoETL demo data', 'ODbL-1.0', 'hydrography,rivers,lines,sample',
     'rivers_sample.gpkg', 'gpkg', 'EPSG:4326', false);

-- The standard columns every pipeline table has, the geometry column
-- first after objectid, then the attributes; a GiST index idx_<table>_<geomcol>.
CREATE OR REPLACE FUNCTION pg_temp.create_geo_table(t text, geomcol text, geomtype text, srid int, attrs text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'CREATE TABLE geo.%I (
            objectid SERIAL PRIMARY KEY,
            %I geometry(%s, %s),
            created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
            updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
            source_file VARCHAR(500),
            source_format VARCHAR(50),
            source_crs VARCHAR(50),
            stac_item_id VARCHAR(100),
            stac_collection_id VARCHAR(100),
            etl_job_id VARCHAR(64),
            etl_batch_id VARCHAR(100),
            %s)', t, geomcol, geomtype, srid, attrs);
    EXECUTE format('CREATE INDEX %I ON geo.%I USING GIST (%I)', 'idx_' || t || '_' || geomcol, t, geomcol);
    EXECUTE format('CREATE INDEX %I ON geo.%I (etl_job_id)', 'idx_' || t || '_etl_job_id', t);
END;
$$;

-- Lineage values for the standard columns of a catalogued table.
CREATE TEMP VIEW demo_lineage AS
SELECT g.table_name, g.source_file, g.source_format, g.source_crs,
       CASE WHEN g.catalogued THEN 'postgis-geo-' || g.table_name END AS stac_item_id,
       CASE WHEN g.catalogued THEN 'system-vectors' END AS stac_collection_id,
       p.job_id, p.finished_at, p.chunk_size
FROM demo_geo_tables g JOIN demo_job_plan p ON p.n = g.job_n;

-- 1. world_countries ------------------------------------------------------------------------
SELECT pg_temp.create_geo_table('world_countries', 'geom', 'MultiPolygon', 4326,
    'name VARCHAR(255), iso_n3 VARCHAR(3), continent VARCHAR(50), pop_est BIGINT, area_km2 DOUBLE PRECISION');
INSERT INTO geo.world_countries (geom, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, name, iso_n3, continent, pop_est, area_km2)
SELECT c.geom, l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY c.ord) - 1) / l.chunk_size),
       c.name, c.iso_n3, c.continent,
       CASE WHEN c.continent = 'Antarctica' THEN 0
            ELSE round((ST_Area(c.geom::geography) / 1e6) ^ 0.85 * (20 + 200 * pg_temp.rnd('density:' || c.name)))::bigint END,
       round((ST_Area(c.geom::geography) / 1e6)::numeric, 1)::float8
FROM demo_countries c CROSS JOIN demo_lineage l
WHERE l.table_name = 'world_countries'
ORDER BY c.ord;

-- 2. admin_boundaries_arcgis (ArcGIS mode: "shape") ------------------------------------------
SELECT pg_temp.create_geo_table('admin_boundaries_arcgis', 'shape', 'MultiPolygon', 4326,
    'name VARCHAR(255), iso_n3 VARCHAR(3), admin_level SMALLINT, continent VARCHAR(50), area_km2 DOUBLE PRECISION');
INSERT INTO geo.admin_boundaries_arcgis (shape, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, name, iso_n3, admin_level, continent, area_km2)
SELECT c.geom, l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY c.ord) - 1) / l.chunk_size),
       c.name, c.iso_n3, 0, c.continent, round((ST_Area(c.geom::geography) / 1e6)::numeric, 1)::float8
FROM demo_countries c CROSS JOIN demo_lineage l
WHERE l.table_name = 'admin_boundaries_arcgis' AND c.continent = 'Africa'
ORDER BY c.ord;

-- 3. countries_web_mercator (EPSG:3857) -------------------------------------------------------
SELECT pg_temp.create_geo_table('countries_web_mercator', 'geom', 'MultiPolygon', 3857,
    'name VARCHAR(255), iso_n3 VARCHAR(3), continent VARCHAR(50)');
INSERT INTO geo.countries_web_mercator (geom, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, name, iso_n3, continent)
SELECT ST_Transform(x.clipped, 3857), l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY x.ord) - 1) / l.chunk_size),
       x.name, x.iso_n3, x.continent
FROM (
    SELECT c.ord, c.name, c.iso_n3, c.continent,
           ST_Multi(ST_CollectionExtract(ST_Intersection(c.geom, ST_MakeEnvelope(-180, -85, 180, 85, 4326)), 3)) AS clipped
    FROM demo_countries c
    WHERE c.continent IN ('Europe', 'North America', 'South America')
) x CROSS JOIN demo_lineage l
WHERE l.table_name = 'countries_web_mercator' AND NOT ST_IsEmpty(x.clipped)
ORDER BY x.ord;

-- 4. populated_places ---------------------------------------------------------------------------
SELECT pg_temp.create_geo_table('populated_places', 'geom', 'Point', 4326,
    'name VARCHAR(255), country VARCHAR(255), iso_n3 VARCHAR(3), population INTEGER, kind VARCHAR(30)');
WITH pts AS (
    -- one label point per country ...
    SELECT c.ord, 0 AS k, ST_PointOnSurface(c.geom) AS geom, c.name AS country, c.iso_n3, c.continent
    FROM demo_countries c WHERE c.continent <> 'Antarctica'
    UNION ALL
    -- ... plus 1-8 generated settlements inside it (ST_GeneratePoints with a seed is deterministic).
    SELECT c.ord, d.path[1], d.geom, c.name, c.iso_n3, c.continent
    FROM demo_countries c
    CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(c.geom,
        1 + least(7, floor(sqrt(ST_Area(c.geom::geography) / 1e6) / 250))::int, c.ord)) d
    WHERE c.continent <> 'Antarctica'
), attrs AS (
    SELECT p.*,
        CASE WHEN k = 0 THEN 'national_label'
             WHEN pg_temp.rnd('kind:' || ord || ':' || k) < 0.15 THEN 'city'
             WHEN pg_temp.rnd('kind:' || ord || ':' || k) < 0.55 THEN 'town'
             ELSE 'village' END AS kind
    FROM pts p
)
INSERT INTO geo.populated_places (geom, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, name, country, iso_n3, population, kind)
SELECT ST_SetSRID(ST_MakePoint(round(ST_X(a.geom)::numeric, 5)::float8, round(ST_Y(a.geom)::numeric, 5)::float8), 4326),
       l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY a.ord, a.k) - 1) / l.chunk_size),
       CASE WHEN a.k = 0 THEN a.country ELSE pg_temp.place_name('place:' || a.ord || ':' || a.k) END,
       a.country, a.iso_n3,
       CASE a.kind
           WHEN 'national_label' THEN 250000 + floor(pg_temp.rnd('pop:' || a.ord) * 4750000)
           WHEN 'city' THEN 100000 + floor(pg_temp.rnd('pop:' || a.ord || ':' || a.k) ^ 2 * 2900000)
           WHEN 'town' THEN 5000 + floor(pg_temp.rnd('pop:' || a.ord || ':' || a.k) * 95000)
           ELSE 200 + floor(pg_temp.rnd('pop:' || a.ord || ':' || a.k) * 4800) END::int,
       a.kind
FROM attrs a CROSS JOIN demo_lineage l
WHERE l.table_name = 'populated_places'
ORDER BY a.ord, a.k;

-- 5. shipping_routes ----------------------------------------------------------------------------
SELECT pg_temp.create_geo_table('shipping_routes', 'geom', 'LineString', 4326,
    'route_name VARCHAR(255), origin VARCHAR(255), destination VARCHAR(255), length_km DOUBLE PRECISION, vessel_class VARCHAR(30), annual_teu INTEGER');
WITH ports AS (
    SELECT p.i, c.name, ST_PointOnSurface(c.geom) AS pt
    FROM unnest(ARRAY['China','Japan','South Korea','Netherlands','Germany','United Kingdom','France',
                      'Spain','Italy','Greece','Turkey','Egypt','South Africa','Nigeria','Kenya','India',
                      'Sri Lanka','Malaysia','Indonesia','Australia','New Zealand','Brazil','Argentina',
                      'Chile','Peru','Mexico','Panama','United States of America','Canada','Saudi Arabia',
                      'United Arab Emirates','Oman','Vietnam','Philippines','Morocco','Senegal','Ghana',
                      'Norway','Portugal','Colombia']) WITH ORDINALITY AS p(name, i)
    JOIN demo_countries c ON c.name = p.name
), pairs AS (
    SELECT a.i AS ai, b.i AS bi, a.name AS origin, b.name AS destination,
           ST_SetSRID(ST_Segmentize(ST_MakeLine(a.pt, b.pt)::geography, 250000)::geometry, 4326) AS geom
    FROM ports a
    JOIN ports b ON b.i IN ((a.i % 40) + 1, ((a.i + 4) % 40) + 1, ((a.i + 12) % 40) + 1)
    -- keep lines that do not cross the antimeridian (their longitude span stays below 180 deg)
    WHERE abs(ST_X(a.pt) - ST_X(b.pt)) < 170
)
INSERT INTO geo.shipping_routes (geom, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, route_name, origin, destination, length_km, vessel_class, annual_teu)
SELECT r.geom, l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY r.ai, r.bi) - 1) / l.chunk_size),
       r.origin || ' - ' || r.destination, r.origin, r.destination,
       round((ST_Length(r.geom::geography) / 1000)::numeric, 1)::float8,
       pg_temp.pick(ARRAY['Feeder','Handysize','Panamax','Post-Panamax','New Panamax','ULCV'], 'vessel:' || r.ai || ':' || r.bi),
       (20000 + floor(pg_temp.rnd('teu:' || r.ai || ':' || r.bi) * 980000))::int
FROM pairs r CROSS JOIN demo_lineage l
WHERE l.table_name = 'shipping_routes'
  -- and keep clear of the polar seas
  AND ST_YMin(r.geom) > -60 AND ST_YMax(r.geom) < 72
ORDER BY r.ai, r.bi;

-- 6. rivers_sample (synthetic meanders) ---------------------------------------------------------
SELECT pg_temp.create_geo_table('rivers_sample', 'geom', 'LineString', 4326,
    'name VARCHAR(255), country VARCHAR(255), strahler_order SMALLINT, length_km DOUBLE PRECISION');
WITH src AS (
    -- 60 sources: a seeded point inside each of 60 larger countries
    SELECT c.ord, c.name AS country, (ST_Dump(ST_GeneratePoints(c.geom, 1, 1000 + c.ord))).geom AS pt
    FROM demo_countries c
    WHERE c.continent <> 'Antarctica'
    ORDER BY ST_Area(c.geom) DESC, c.ord
    LIMIT 60
), steps AS (
    SELECT s.ord, s.country, s.pt, v.k,
           0.04 + 0.08 * pg_temp.rnd('step:' || s.ord || ':' || v.k) AS len,
           radians(360 * pg_temp.rnd('heading:' || s.ord)
                   + 50 * sin(v.k / 3.0 + 6 * pg_temp.rnd('phase:' || s.ord))
                   + 30 * (pg_temp.rnd('turn:' || s.ord || ':' || v.k) - 0.5)) AS heading,
           16 + floor(pg_temp.rnd('nv:' || s.ord) * 40)::int AS nv
    FROM src s CROSS JOIN LATERAL generate_series(0, 55) AS v(k)
), walk AS (
    SELECT ord, country, k,
           ST_X(pt) + coalesce(sum(len * cos(heading)) OVER w, 0) AS x,
           ST_Y(pt) + coalesce(sum(len * sin(heading)) OVER w, 0) AS y
    FROM steps WHERE k < nv
    WINDOW w AS (PARTITION BY ord ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), lines AS (
    SELECT ord, country,
           ST_SetSRID(ST_MakeLine(ST_MakePoint(round(x::numeric, 5)::float8, round(y::numeric, 5)::float8) ORDER BY k), 4326) AS geom
    FROM walk GROUP BY ord, country
)
INSERT INTO geo.rivers_sample (geom, created_at, updated_at, source_file, source_format, source_crs,
    stac_item_id, stac_collection_id, etl_job_id, etl_batch_id, name, country, strahler_order, length_km)
SELECT r.geom, l.finished_at, l.finished_at, l.source_file, l.source_format, l.source_crs,
       l.stac_item_id, l.stac_collection_id, l.job_id,
       format('%s-b%s', left(l.job_id, 8), (row_number() OVER (ORDER BY r.ord) - 1) / l.chunk_size),
       pg_temp.place_name('river:' || r.ord) || ' River', r.country,
       pg_temp.rint(1, 6, 'strahler:' || r.ord)::smallint,
       round((ST_Length(r.geom::geography) / 1000)::numeric, 1)::float8
FROM lines r CROSS JOIN demo_lineage l
WHERE l.table_name = 'rivers_sample'
ORDER BY r.ord;

-- 7. mystery_upload: an ORPHANED TABLE (created outside the ETL, no metadata, no job) -----------
SELECT pg_temp.create_geo_table('mystery_upload', 'geom', 'Point', 4326,
    'field_1 TEXT, field_2 DOUBLE PRECISION, field_3 TEXT');
INSERT INTO geo.mystery_upload (geom, created_at, updated_at, source_file, source_format, source_crs,
    field_1, field_2, field_3)
SELECT ST_SetSRID(ST_MakePoint(round(ST_X(d.geom)::numeric, 5)::float8, round(ST_Y(d.geom)::numeric, 5)::float8), 4326),
       pg_temp.demo_now() - interval '9 days 3 hours', pg_temp.demo_now() - interval '9 days 3 hours',
       'sites_final_v3 (2).csv', 'csv', NULL,
       format('site_%s', lpad(d.path[1]::text, 4, '0')),
       round((pg_temp.rnd('f2:' || d.path[1]) * 1000)::numeric, 2)::float8,
       pg_temp.pick(ARRAY['ok','ok','ok','check','dup?',''], 'f3:' || d.path[1])
FROM demo_countries c CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(c.geom, 250, 4242)) d
WHERE c.name = 'Kenya'
ORDER BY d.path[1];

-- Metadata: one row per published table, counts and bbox (EPSG:4326) computed from the data.
DO $$
DECLARE
    g RECORD;
    cnt INT;
    ext box2d;
BEGIN
    FOR g IN SELECT * FROM demo_geo_tables ORDER BY table_name LOOP
        EXECUTE format('SELECT count(*)::int, ST_Extent(%s) FROM geo.%I',
                       CASE WHEN g.srid = 4326 THEN quote_ident(g.geom_col)
                            ELSE format('ST_Transform(%I, 4326)', g.geom_col) END,
                       g.table_name)
            INTO cnt, ext;
        INSERT INTO geo.table_metadata (table_name, schema_name, title, description, attribution, license,
            keywords, feature_count, geometry_type, source_file, source_format, source_crs, etl_job_id,
            stac_item_id, stac_collection_id, bbox, created_at, updated_at)
        SELECT g.table_name, 'geo', g.title, g.description, g.attribution, g.license, g.keywords, cnt,
               g.geometry_type, g.source_file, g.source_format, g.source_crs, l.job_id,
               l.stac_item_id, l.stac_collection_id,
               ARRAY[round(ST_XMin(ext)::numeric, 6), round(ST_YMin(ext)::numeric, 6),
                     round(ST_XMax(ext)::numeric, 6), round(ST_YMax(ext)::numeric, 6)]::float8[],
               l.finished_at, l.finished_at
        FROM demo_lineage l WHERE l.table_name = g.table_name;
    END LOOP;
END;
$$;

-- An ORPHANED METADATA row: the pipeline published deleted_parcels, then someone dropped the table.
INSERT INTO geo.table_metadata (table_name, schema_name, title, description, attribution, license,
    keywords, feature_count, geometry_type, source_file, source_format, source_crs, etl_job_id,
    stac_item_id, stac_collection_id, bbox, created_at, updated_at)
SELECT 'deleted_parcels', 'geo', 'Nairobi Cadastral Parcels',
       'Cadastral parcels for Nairobi County from the 2024 land registry digitisation.',
       'Ministry of Lands (demo)', 'ODbL-1.0', 'cadastre,parcels,land,nairobi', 48213, 'MultiPolygon',
       'deleted_parcels.zip', 'shp', 'EPSG:21037', p.job_id, NULL, NULL,
       ARRAY[36.664482, -1.444471, 37.104717, -1.160286]::float8[], p.finished_at, p.finished_at
FROM demo_job_plan p WHERE p.n = 11;

-- The ingest jobs behind these tables uploaded ceil(features / chunk_size) chunks.
UPDATE demo_job_plan p SET fanout = greatest(1, ceil(m.feature_count::numeric / p.chunk_size)::int),
                           feature_count = m.feature_count
FROM geo.table_metadata m WHERE m.etl_job_id = p.job_id;
