import "server-only";
import { AppError } from "../api/errors";
import { isSafeText } from "../api/params";
import { readQuery } from "./pool";
import { MAX_FEATURES_PER_TILE, runTileQuery, TILE_BUFFER, TILE_EXTENT, validateTileCoords, type Tile } from "./tiles";

/**
 * Vector tiles of the catalog's own geometries (all EPSG:4326): STAC item footprints
 * (pgstac.items.geometry, one collection), H3 grid cells (h3.grids.geom, one grid) and the cells a
 * reference filter names. Same rules as the layer tiles: one statement per tile, the GiST index
 * through `&&` against the tile envelope in 4326, a feature cap in a fixed order (a capped tile is
 * the same every time), 204 when empty. Geometries are clipped to Web Mercator's latitude range
 * first: a footprint reaching a pole cannot be projected.
 */
function tileSql(opts: {
  from: string;
  geom: string;
  where: string;
  order: string;
  props: string[];
  layer: string;
  distinctOn?: string;
}) {
  const mercator = `ST_Transform(ST_ClipByBox2D(${opts.geom}, ST_MakeEnvelope(-180, -85.0511, 180, 85.0511, 4326)), 3857)`;
  return `WITH b AS (
      SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
             ST_Transform(ST_Segmentize(ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${TILE_BUFFER / TILE_EXTENT}),
                          (ST_XMax(ST_TileEnvelope($1::int, $2::int, $3::int)) - ST_XMin(ST_TileEnvelope($1::int, $2::int, $3::int))) / 16),
                          4326) AS filter_env
    ), f AS (
      SELECT ${opts.distinctOn ? `DISTINCT ON (${opts.distinctOn}) ` : ""}ST_AsMVTGeom(${mercator}, b.env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS mvt_geom,
             ${opts.props.join(", ")}
        FROM ${opts.from}, b
       WHERE ${opts.where} AND ${opts.geom} && b.filter_env
       ORDER BY ${opts.order}
       LIMIT $4::int
    )
    SELECT ST_AsMVT(f, '${opts.layer}', ${TILE_EXTENT}, 'mvt_geom') FILTER (WHERE mvt_geom IS NOT NULL) AS tile,
           count(*) >= $4::int AS capped
      FROM f`;
}

export const STAC_FOOTPRINT_SQL = tileSql({
  from: "pgstac.items i",
  geom: "i.geometry",
  where: "i.collection = $5",
  order: "i.datetime DESC, i.id DESC",
  props: ["i.id", `to_char(i.datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS datetime`],
  layer: "footprints",
});

export const H3_GRID_SQL = tileSql({
  from: "h3.grids g",
  geom: "g.geom",
  where: "g.grid_id = $5",
  order: "g.h3_index",
  props: ["g.h3_index::text AS h3_index", "g.resolution"],
  layer: "cells",
});

// A filter names cells (H3 indexes) at its resolution; their shapes come from whichever grid holds them.
export const H3_FILTER_SQL = tileSql({
  from: "h3.reference_filters r JOIN h3.grids g ON g.resolution = r.resolution AND g.h3_index = ANY (r.h3_indices)",
  geom: "g.geom",
  where: "r.filter_name = $5",
  order: "g.h3_index",
  distinctOn: "g.h3_index",
  props: ["g.h3_index::text AS h3_index", "g.resolution"],
  layer: "cells",
});

const EXISTS: Record<"stac" | "grid" | "filter", string> = {
  stac: "SELECT 1 FROM pgstac.collections WHERE id = $1",
  grid: "SELECT 1 FROM h3.grid_metadata WHERE grid_id = $1 UNION ALL SELECT 1 FROM h3.grids WHERE grid_id = $1 LIMIT 1",
  filter: "SELECT 1 FROM h3.reference_filters WHERE filter_name = $1",
};
const NOUN = { stac: "STAC collection", grid: "H3 grid", filter: "H3 reference filter" } as const;
const SQL = { stac: STAC_FOOTPRINT_SQL, grid: H3_GRID_SQL, filter: H3_FILTER_SQL } as const;

/** One tile of a collection's footprints, a grid's cells or a filter's cells; 404 when the name is unknown. */
export async function catalogTile(
  kind: keyof typeof SQL,
  name: string,
  z: number,
  x: number,
  y: number,
  signal?: AbortSignal,
): Promise<Tile> {
  validateTileCoords(z, x, y);
  // A name PostgreSQL cannot hold as text (NUL, control characters) or longer than any id names nothing.
  if (!isSafeText(name, 256)) throw new AppError("not_found", `No ${NOUN[kind]} with that name.`);
  let tile: Tile;
  try {
    tile = await runTileQuery(SQL[kind], [z, x, y, MAX_FEATURES_PER_TILE, name], signal);
  } catch (err) {
    // A geometry without a spatial reference (SRID 0) cannot be projected: 422, as for layer tiles.
    if (/SRID/i.test((err as Error).message ?? ""))
      throw new AppError(
        "unprocessable",
        `A geometry of ${NOUN[kind]} "${name}" has no spatial reference (SRID 0), so this tile cannot be drawn. Set it to 4326 (ST_SetSRID) in the catalog.`,
        { reason: "srid_0" },
      );
    throw err;
  }
  // Only an empty tile asks whether the name exists: an unknown one is a 404, not "nothing here".
  if (!tile.data && (await readQuery(EXISTS[kind], [name])).length === 0)
    throw new AppError("not_found", `No ${NOUN[kind]} "${name}".`);
  return tile;
}

/** The raw tile SQL and its parameters, for the benchmark's baseline. */
export const catalogTileSql = (kind: keyof typeof SQL, name: string) => ({
  sql: SQL[kind],
  params: (z: number, x: number, y: number) => [z, x, y, MAX_FEATURES_PER_TILE, name],
});
