import "server-only";
import { isInt64 } from "../api/params";
import { decodeCursor, encodeCursor, tsKeySql } from "./cursor";
import { keysetPage, SqlParams, timestampKeysetCondition } from "./keyset";
import { countOrEstimate, type CountResult } from "./estimate";
import { readQuery } from "./pool";
import { escapeLike } from "./like";
import { findGeoTable, GEO_SCHEMA, qualifiedGeoTable, quoteIdent } from "./identifiers";
import { isoTime } from "./timestamps";

/** geo.table_metadata (the pipeline's record of every published layer) and what a layer page needs. */
export interface GeoMetadata {
  table_name: string;
  schema_name: string;
  title: string | null;
  description: string | null;
  attribution: string | null;
  license: string | null;
  keywords: string | null;
  feature_count: number | null;
  geometry_type: string | null;
  source_file: string | null;
  source_format: string | null;
  source_crs: string | null;
  etl_job_id: string | null;
  stac_item_id: string | null;
  stac_collection_id: string | null;
  bbox: number[] | null;
  created_at: string;
  updated_at: string;
}

export interface MetadataFilters {
  job_id?: string;
  has_stac?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

export interface MetadataList {
  metadata: GeoMetadata[];
  total: number;
  limit: number;
  offset: number;
  filters_applied: Record<string, string | boolean>;
}

const COLUMNS = `table_name, schema_name, title, description, attribution, license, keywords, feature_count,
  geometry_type, source_file, source_format, source_crs, etl_job_id, stac_item_id, stac_collection_id, bbox,
  created_at, updated_at`;

function toMetadata(r: GeoMetadata): GeoMetadata {
  return {
    ...r,
    feature_count: r.feature_count === null ? null : Number(r.feature_count),
    bbox: r.bbox ? r.bbox.map(Number) : null,
    created_at: isoTime(r.created_at)!,
    updated_at: isoTime(r.updated_at)!,
  };
}

const METADATA_WHERE = `($1::text IS NULL OR etl_job_id = $1)
    AND ($2::boolean IS NULL OR (stac_item_id IS NOT NULL AND stac_item_id <> '') = $2)
    AND ($3::text IS NULL OR title ILIKE $3 OR table_name ILIKE $3 OR keywords ILIKE $3)`;
const metadataParams = (f: Omit<MetadataFilters, "limit" | "offset">) => [
  f.job_id ?? null,
  f.has_stac ?? null,
  f.q ? `%${escapeLike(f.q)}%` : null,
];

async function countMetadata(f: Omit<MetadataFilters, "limit" | "offset">): Promise<number> {
  const rows = await readQuery<{ total: string }>(
    `SELECT count(*)::text AS total FROM geo.table_metadata WHERE ${METADATA_WHERE}`,
    metadataParams(f),
  );
  return Number(rows[0]?.total ?? 0);
}

function filtersApplied(f: Omit<MetadataFilters, "limit" | "offset">): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  if (f.job_id) out.job_id = f.job_id;
  if (f.has_stac !== undefined) out.has_stac = f.has_stac;
  if (f.q) out.q = f.q;
  return out;
}

/** One page of metadata rows by OFFSET, newest first, plus the total (the pipeline API's shape). */
export async function listMetadata(f: MetadataFilters): Promise<MetadataList> {
  const [rows, total] = await Promise.all([
    readQuery<GeoMetadata>(
      `SELECT ${COLUMNS} FROM geo.table_metadata WHERE ${METADATA_WHERE} ORDER BY created_at DESC, table_name DESC LIMIT $4 OFFSET $5`,
      [...metadataParams(f), f.limit, f.offset],
    ),
    countMetadata(f),
  ]);
  return {
    metadata: rows.map(toMetadata),
    total,
    limit: f.limit,
    offset: f.offset,
    filters_applied: filtersApplied(f),
  };
}

export interface MetadataPage {
  metadata: GeoMetadata[];
  total: number;
  next_cursor: string | null;
  prev_cursor: string | null;
  filters_applied: Record<string, string | boolean>;
}

/** The same list, keyset-paged on (created_at, table_name) DESC: any depth costs the same. */
export async function listMetadataPage(
  f: Omit<MetadataFilters, "offset"> & { cursor?: string },
): Promise<MetadataPage> {
  type Row = GeoMetadata & { sort_key: string };
  const [page, total] = await Promise.all([
    keysetPage<Row>({
      cursor: f.cursor ? decodeCursor(f.cursor, "created") : undefined,
      limit: f.limit,
      fetch: (cursor, take) => {
        const direction = cursor?.direction ?? "next";
        const p = new SqlParams(metadataParams(f));
        const conds = [METADATA_WHERE];
        if (cursor)
          conds.push(timestampKeysetCondition("created_at", "table_name", direction, cursor.key, cursor.id, p));
        const order = direction === "next" ? "created_at DESC, table_name DESC" : "created_at ASC, table_name ASC";
        return readQuery<Row>(
          `SELECT ${COLUMNS}, ${tsKeySql("created_at")} AS sort_key FROM geo.table_metadata
            WHERE ${conds.join(" AND ")} ORDER BY ${order} LIMIT ${p.add(take)}`,
          p.values,
        );
      },
      cursorOf: (direction, r) => encodeCursor({ direction, sort: "created", key: r.sort_key, id: r.table_name }),
    }),
    countMetadata(f),
  ]);
  return {
    metadata: page.rows.map(({ sort_key: _k, ...r }) => toMetadata(r)),
    total,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    filters_applied: filtersApplied(f),
  };
}

export async function getMetadata(table: string): Promise<GeoMetadata | null> {
  const rows = await readQuery<GeoMetadata>(`SELECT ${COLUMNS} FROM geo.table_metadata WHERE table_name = $1`, [table]);
  return rows[0] ? toMetadata(rows[0]) : null;
}

export interface GeometryColumn {
  column: string;
  srid: number;
  type: string;
}

/**
 * The layer's geometry column and SRID from geometry_columns: never assumed. `geom` wins, then
 * ArcGIS's `shape`, then whatever column the table has.
 */
export async function geometryColumnOf(table: string): Promise<GeometryColumn | null> {
  const rows = await readQuery<{ column: string; srid: number; type: string }>(
    `SELECT f_geometry_column AS column, srid, type FROM public.geometry_columns
      WHERE f_table_schema = $1 AND f_table_name = $2
      ORDER BY CASE f_geometry_column WHEN 'geom' THEN 0 WHEN 'shape' THEN 1 ELSE 2 END, f_geometry_column`,
    [GEO_SCHEMA, table],
  );
  return rows[0] ? { column: rows[0].column, srid: Number(rows[0].srid), type: rows[0].type } : null;
}

export interface ColumnInfo {
  name: string;
  type: string;
}

/** Non-geometry columns in table order (from pg_attribute). */
export async function attributeColumnsOf(table: string): Promise<ColumnInfo[]> {
  return readQuery<ColumnInfo>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        AND format_type(a.atttypid, NULL) NOT IN ('geometry', 'geography')
      ORDER BY a.attnum`,
    [GEO_SCHEMA, table],
  );
}

/** The single-column integer primary key, if any (used for keyset paging and feature ids). */
export async function integerPrimaryKeyOf(table: string): Promise<string | null> {
  const rows = await readQuery<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary AND i.indnatts = 1
        AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)`,
    [GEO_SCHEMA, table],
  );
  return rows[0]?.name ?? null;
}

export interface TableStats {
  row_estimate: number;
  size_bytes: number;
  size_pretty: string;
}

export async function tableStats(table: string): Promise<TableStats | null> {
  const rows = await readQuery<{ row_estimate: string; size_bytes: string; size_pretty: string }>(
    `SELECT greatest(c.reltuples, 0)::bigint::text AS row_estimate,
            pg_total_relation_size(c.oid)::text AS size_bytes,
            pg_size_pretty(pg_total_relation_size(c.oid)) AS size_pretty
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [GEO_SCHEMA, table],
  );
  const r = rows[0];
  return r
    ? { row_estimate: Number(r.row_estimate), size_bytes: Number(r.size_bytes), size_pretty: r.size_pretty }
    : null;
}

/**
 * Rows of a layer for its page: exact up to 10,000, the planner's estimate above (said which), so
 * a view of a 10M-row layer costs an EXPLAIN, not a full count.
 */
export async function layerRowCount(catalogName: string): Promise<CountResult> {
  return countOrEstimate(`SELECT 1 FROM ${qualifiedGeoTable(catalogName)}`, []);
}

const isLonLatBbox = (b: number[] | null | undefined): b is number[] =>
  !!b &&
  b.length === 4 &&
  b.every(Number.isFinite) &&
  b[0] >= -180 &&
  b[2] <= 180 &&
  b[1] >= -90 &&
  b[3] <= 90 &&
  b[0] <= b[2] &&
  b[1] <= b[3];

// Without statistics, an exact extent is computed over at most this many rows (then it is a sample).
const EXACT_EXTENT_UP_TO = 100_000;

/** The layer's extent in lon/lat: the metadata bbox when sane, else the planner's estimate from PostGIS statistics. */
export async function layerBbox(
  catalogName: string,
  geom: GeometryColumn,
  metadataBbox: number[] | null,
): Promise<number[] | null> {
  if (isLonLatBbox(metadataBbox)) return metadataBbox;
  // SRID 0 cannot be transformed to lon/lat: no extent (the page says why the map is missing).
  if (!geom.srid) return null;
  const col = quoteIdent(geom.column);
  // The planner's extent from the column statistics (no scan); an exact ST_Extent only for a small
  // table that has no statistics yet.
  const rows = await readQuery<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
    `WITH est AS (SELECT ST_EstimatedExtent($2::text, $3::text, $4::text) AS box),
          e AS (SELECT ST_Transform(ST_SetSRID(coalesce(
                   (SELECT box FROM est),
                   (SELECT ST_Extent(t.${col}) FROM (SELECT ${col} FROM ${qualifiedGeoTable(catalogName)} LIMIT $5) t)
                 )::geometry, $1::int), 4326) AS g)
     SELECT ST_XMin(g) AS xmin, ST_YMin(g) AS ymin, ST_XMax(g) AS xmax, ST_YMax(g) AS ymax FROM e WHERE g IS NOT NULL`,
    [geom.srid, GEO_SCHEMA, catalogName, geom.column, EXACT_EXTENT_UP_TO],
  );
  const r = rows[0];
  const b = r ? [r.xmin, r.ymin, r.xmax, r.ymax].map(Number) : null;
  return isLonLatBbox(b) ? b : null;
}

export interface LayerInfo {
  table: string;
  metadata: GeoMetadata | null;
  exists: boolean;
  geometry: GeometryColumn | null;
  stats: TableStats | null;
  row_count: number | null;
  /** false: row_count is the planner's estimate. */
  row_count_exact: boolean;
  bbox: number[] | null;
}

/** Everything the layer page shows above the map. Null when neither a table nor a metadata row exists. */
export async function getLayer(name: string): Promise<LayerInfo | null> {
  const [catalogName, metadata] = await Promise.all([findGeoTable(readQuery, name), getMetadata(name)]);
  if (!catalogName && !metadata) return null;
  if (!catalogName)
    return {
      table: name,
      metadata,
      exists: false,
      geometry: null,
      stats: null,
      row_count: null,
      row_count_exact: false,
      bbox: metadata?.bbox ?? null,
    };
  const [geometry, stats, count] = await Promise.all([
    geometryColumnOf(catalogName),
    tableStats(catalogName),
    layerRowCount(catalogName),
  ]);
  const bbox = geometry ? await layerBbox(catalogName, geometry, metadata?.bbox ?? null) : null;
  return {
    table: catalogName,
    metadata,
    exists: true,
    geometry,
    stats,
    row_count: count.value,
    row_count_exact: count.exact,
    bbox,
  };
}

export interface FeaturePage {
  columns: string[];
  rows: Record<string, string | null>[];
  keyColumn: string | null;
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** The first rows of the attribute table, keyset-paged on the integer primary key (objectid). */
export async function listFeatures(
  catalogName: string,
  opts: { after?: string | null; limit?: number } = {},
): Promise<FeaturePage> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
  const [columns, key] = await Promise.all([attributeColumnsOf(catalogName), integerPrimaryKeyOf(catalogName)]);
  const select = columns.map((c) => `t.${quoteIdent(c.name)}::text AS ${quoteIdent(c.name)}`).join(", ") || "1 AS _";
  const from = qualifiedGeoTable(catalogName);
  let rows: Record<string, string | null>[];
  if (key) {
    const k = quoteIdent(key);
    // Qualified with the table alias: the output columns are text casts with the same names.
    rows = await readQuery(
      `SELECT ${select} FROM ${from} t WHERE ($1::bigint IS NULL OR t.${k} > $1::bigint) ORDER BY t.${k} LIMIT $2`,
      [
        // Anything but a bigint (a typo, a 20-digit number) means "from the start", never a 500.
        opts.after && isInt64(opts.after) ? opts.after : null,
        limit + 1,
      ],
    );
  } else {
    rows = await readQuery(`SELECT ${select} FROM ${from} t LIMIT $1`, [limit + 1]);
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    columns: columns.map((c) => c.name),
    rows: page,
    keyColumn: key,
    nextAfter: key && more ? (page[page.length - 1][key] ?? null) : null,
  };
}
