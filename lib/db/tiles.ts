import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "../api/errors";
import { getConfig } from "../config";
import { Limiter } from "../limiter";
import { readQuery } from "./pool";
import { attributeColumnsOf, geometryColumnOf, integerPrimaryKeyOf, type ColumnInfo, type GeometryColumn } from "./geo";
import { escapeLiteral } from "pg";
import { findGeoTable, isPlainIdentifier, qualifiedGeoTable, quoteIdent } from "./identifiers";

/**
 * Mapbox Vector Tiles built in PostGIS: one SQL statement per tile. The `&&` filter compares the
 * layer's own geometry column with the tile envelope transformed into the layer's SRID, so the
 * GiST index on the column is used; ST_AsMVTGeom clips and quantises to a 4096 extent with a 64
 * unit buffer. The table name only reaches SQL after it matched a table in schema geo (catalog)
 * and was quoted; the SQL text per table is built once and cached.
 */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
export const MAX_FEATURES_PER_TILE = 20_000;
export const MAX_ZOOM = 24;
/** How long a tile waits for a free renderer before it is refused (503). */
export const TILE_QUEUE_MS = 10_000;
const MAX_PROPERTIES = 6;
const LAYER_CACHE_MS = 60_000;
// A miss (no such table, or no geometry) is remembered only briefly: a table published a moment
// later shows up at once, and random names cannot pin entries for long.
const MISS_CACHE_MS = 5_000;
// At most this many tables are remembered; the oldest entry goes first.
export const LAYER_CACHE_MAX = 500;

/**
 * At most this many tile queries per instance at once: a map asks for a dozen tiles at a time, so
 * a few readers panning a large layer would otherwise take every connection of the reader pool
 * and starve the other pages. The rest wait in line (bounded), then get a 503 with Retry-After.
 */
const g0 = globalThis as unknown as { __geoetlTileRenderers?: Limiter };
// Made on first use (the configuration is read at request time, never at build time): half the reader pool.
export const tileRenderers = (): Limiter =>
  (g0.__geoetlTileRenderers ??= new Limiter(Math.max(1, Math.floor(getConfig().poolMax / 2)), TILE_QUEUE_MS));

// The pipeline's standard columns: not interesting on a map.
const STANDARD_COLUMNS = new Set([
  "created_at",
  "updated_at",
  "source_file",
  "source_format",
  "source_crs",
  "stac_item_id",
  "stac_collection_id",
  "etl_job_id",
  "etl_batch_id",
]);
const MAP_TYPES =
  /^(text|character varying.*|character.*|integer|bigint|smallint|numeric.*|real|double precision|boolean|date)$/;

export interface TileLayer {
  table: string;
  geometry: GeometryColumn;
  /** Integer primary key: becomes the MVT feature id. */
  idColumn: string | null;
  properties: string[];
  sql: string;
}

type Cached = { layer: TileLayer | null; at: number };
const g = globalThis as unknown as { __geoetlTileLayers?: Map<string, Cached> };
const cache = (g.__geoetlTileLayers ??= new Map());

/** How many tables the layer cache remembers right now (tests, diagnostics). */
export const tileLayerCacheSize = (): number => cache.size;

function remember(name: string, layer: TileLayer | null): void {
  // Map keeps insertion order: re-inserting moves the name to the end, the first key is the oldest.
  cache.delete(name);
  cache.set(name, { layer, at: Date.now() });
  while (cache.size > LAYER_CACHE_MAX) cache.delete(cache.keys().next().value!);
}

/** Forget what we know about a table (after unpublish, or when a tile query found it gone). */
export function forgetTileLayer(table: string): void {
  cache.delete(table);
}

export function buildTileSql(
  table: string,
  geometry: GeometryColumn,
  idColumn: string | null,
  properties: ColumnInfo[],
): string {
  const geom = `t.${quoteIdent(geometry.column)}`;
  const inMercator = geometry.srid === 3857 ? geom : `ST_Transform(${geom}, 3857)`;
  // The envelope in the layer's own SRID (plus the buffer margin), so `&&` can use the GiST index.
  // Its edges are densified first (16 points per side): in a strongly projected SRID a straight
  // Web Mercator edge becomes a curve, and the box of the 4 transformed corners alone can miss it.
  const filterEnvelope =
    geometry.srid === 3857
      ? "b.filter_env"
      : `ST_Transform(ST_Segmentize(b.filter_env, (ST_XMax(b.env) - ST_XMin(b.env)) / 16), ${Number(geometry.srid)})`;
  const cols = [
    ...(idColumn ? [`t.${quoteIdent(idColumn)} AS ${quoteIdent(idColumn)}`] : []),
    // MVT values are strings, numbers and booleans: numeric and date travel as text.
    ...properties
      .filter((p) => p.name !== idColumn)
      .map((p) => `t.${quoteIdent(p.name)}${/^(numeric|date)/.test(p.type) ? "::text" : ""} AS ${quoteIdent(p.name)}`),
  ];
  return `WITH b AS (
      SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
             ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${TILE_BUFFER / TILE_EXTENT}) AS filter_env
    ), f AS (
      SELECT ST_AsMVTGeom(${inMercator}, b.env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS mvt_geom${cols.length ? ", " + cols.join(", ") : ""}
        FROM ${qualifiedGeoTable(table)} t, b
       WHERE ${geom} && ${filterEnvelope}
       -- A capped tile holds the same features every time (and so the same ETag): by key, else by row.
       ORDER BY ${idColumn ? `t.${quoteIdent(idColumn)}` : "t.ctid"}
       LIMIT $4::int
    )
    -- One pass over f (a second reference would materialise it: ~15% slower on a full tile).
    SELECT ST_AsMVT(f, $5::text, ${TILE_EXTENT}, 'mvt_geom'${idColumn ? `, ${escapeLiteral(idColumn)}` : ""})
             FILTER (WHERE mvt_geom IS NOT NULL) AS tile,
           count(*) >= $4::int AS capped
      FROM f`;
}

/** The tile layer of geo.<name>: null when there is no such table or it has no geometry column. */
export async function tileLayerFor(name: string): Promise<TileLayer | null> {
  const hit = cache.get(name);
  if (hit && Date.now() - hit.at < (hit.layer ? LAYER_CACHE_MS : MISS_CACHE_MS)) return hit.layer;
  const table = await findGeoTable(readQuery, name);
  let layer: TileLayer | null = null;
  if (table) {
    const [geometry, columns, key] = await Promise.all([
      geometryColumnOf(table),
      attributeColumnsOf(table),
      integerPrimaryKeyOf(table),
    ]);
    if (geometry) {
      const properties = columns
        .filter(
          (c) => c.name !== key && !STANDARD_COLUMNS.has(c.name) && MAP_TYPES.test(c.type) && isPlainIdentifier(c.name),
        )
        .slice(0, MAX_PROPERTIES);
      layer = {
        table,
        geometry,
        idColumn: key,
        properties: properties.map((p) => p.name),
        sql: buildTileSql(table, geometry, key, properties),
      };
    }
  }
  remember(name, layer);
  return layer;
}

export function validateTileCoords(z: number, x: number, y: number): void {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM)
    throw new AppError("bad_request", `Invalid z: expected an integer 0..${MAX_ZOOM}`, { parameter: "z" });
  const n = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= n)
    throw new AppError("bad_request", `Invalid x: expected an integer 0..${n - 1} at zoom ${z}`, { parameter: "x" });
  if (!Number.isInteger(y) || y < 0 || y >= n)
    throw new AppError("bad_request", `Invalid y: expected an integer 0..${n - 1} at zoom ${z}`, { parameter: "y" });
}

export interface Tile {
  /** null: no feature in this tile (HTTP 204). */
  data: Buffer | null;
  etag: string | null;
  /** The tile holds MAX_FEATURES_PER_TILE features and more were in it: the rest were left out. */
  capped: boolean;
}

const UNDEFINED_TABLE = "42P01";
const UNDEFINED_COLUMN = "42703";

/** One tile of geo.<name>: 400 for bad input, 404 for an unknown table. */
export async function getTile(name: string, z: number, x: number, y: number, signal?: AbortSignal): Promise<Tile> {
  if (!isPlainIdentifier(name))
    throw new AppError("bad_request", "Invalid table: expected a plain table name (letters, digits, underscore)", {
      parameter: "table",
    });
  validateTileCoords(z, x, y);
  const layer = await tileLayerFor(name);
  if (!layer)
    throw new AppError("not_found", `No vector layer geo.${name}: the table does not exist or has no geometry column.`);
  if (!layer.geometry.srid) {
    // SRID 0: PostGIS cannot project it onto the map (ST_Transform fails); say so instead of a 500.
    throw new AppError(
      "unprocessable",
      `geo.${name}.${layer.geometry.column} has no spatial reference (SRID 0), so it cannot be drawn on a map. Set it with UpdateGeometrySRID('geo', '${name}', '${layer.geometry.column}', <srid>).`,
      { reason: "srid_0" },
    );
  }
  try {
    return await runTileQuery(layer.sql, [z, x, y, MAX_FEATURES_PER_TILE, layer.table], signal);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === UNDEFINED_TABLE || code === UNDEFINED_COLUMN) {
      forgetTileLayer(name); // dropped or altered since we cached it
      throw new AppError("not_found", `No vector layer geo.${name}: the table is gone.`);
    }
    throw err;
  }
}

/**
 * Runs one tile statement (parameters $1..$3 = z/x/y, $4 = the feature cap) that returns `tile`
 * and `capped`; an empty tile is null (HTTP 204), a full one gets an ETag from its bytes.
 */
export function runTileQuery(sql: string, params: unknown[], signal?: AbortSignal): Promise<Tile> {
  // The same tile asked for while it is being drawn shares that render (callers are checked
  // before they get here, and a tile does not depend on who asks): a hundred readers opening one
  // map view cost one query, not a queue that outlasts the limiter's wait. When every caller
  // that can go away (its request's signal) has gone before the render started, it leaves the queue.
  const key = `${sql}\u0000${JSON.stringify(params)}`;
  const f = inFlight.get(key) ?? startFlight(key, sql, params);
  f.callers++;
  signal?.addEventListener(
    "abort",
    () => {
      if (--f.callers > 0) return;
      if (inFlight.get(key) === f) inFlight.delete(key);
      f.controller.abort();
    },
    { once: true },
  );
  return f.promise;
}
interface Flight {
  callers: number;
  controller: AbortController;
  promise: Promise<Tile>;
}
const inFlight = new Map<string, Flight>();

function startFlight(key: string, sql: string, params: unknown[]): Flight {
  const controller = new AbortController();
  const flight: Flight = {
    callers: 0,
    controller,
    // Settles after `flight` is assigned (a promise callback never runs synchronously).
    promise: renderTile(sql, params, controller.signal).finally(() => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    }),
  };
  inFlight.set(key, flight);
  return flight;
}

async function renderTile(sql: string, params: unknown[], signal: AbortSignal): Promise<Tile> {
  const rows = await tileRenderers().run(
    () => readQuery<{ tile: Buffer | null; capped: boolean | null }>(sql, params),
    signal,
  );
  const data = rows[0]?.tile;
  if (!data || data.length === 0) return { data: null, etag: null, capped: false };
  return { data, etag: `"${createHash("sha1").update(data).digest("base64url")}"`, capped: !!rows[0]?.capped };
}

/** The raw SQL of a tile, for the benchmark's "same SQL run directly" baseline. */
export async function tileSqlFor(
  name: string,
): Promise<{ sql: string; params: (z: number, x: number, y: number) => unknown[] } | null> {
  const layer = await tileLayerFor(name);
  return layer ? { sql: layer.sql, params: (z, x, y) => [z, x, y, MAX_FEATURES_PER_TILE, layer.table] } : null;
}
