import { describe, expect, it, vi } from "vitest";
import { VectorTile, type VectorTileFeature } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import type { Feature, Geometry } from "geojson";
import { AppError } from "@/lib/api/errors";
import {
  forgetTileLayer,
  getTile,
  LAYER_CACHE_MAX,
  tileLayerCacheSize,
  tileLayerFor,
  TILE_EXTENT,
  tileRenderers,
} from "@/lib/db/tiles";
// Renamed on import: it is a Vitest fixture, not a React hook (eslint react-hooks/rules-of-hooks).
import { testDatabase } from "../helpers/db";

const db = testDatabase("geotiles");

/** Longitude/latitude of a point to its tile at zoom z (slippy-map scheme, as ST_TileEnvelope). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    Math.floor(((lon + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

async function decode(table: string, z: number, x: number, y: number) {
  const tile = await getTile(table, z, x, y);
  expect(tile.data, `tile ${table}/${z}/${x}/${y} should not be empty`).not.toBeNull();
  const vt = new VectorTile(new PbfReader(tile.data!));
  const layer = vt.layers[table];
  expect(layer, `layer named ${table}`).toBeDefined();
  const features: VectorTileFeature[] = [];
  for (let i = 0; i < layer.length; i++) features.push(layer.feature(i));
  return { tile, layer, features, geojson: features.map((f) => f.toGeoJSON(x, y, z)) };
}

function coords(g: Geometry): number[][] {
  if (g.type === "Point") return [g.coordinates];
  if (g.type === "MultiPoint" || g.type === "LineString") return g.coordinates;
  if (g.type === "MultiLineString" || g.type === "Polygon") return g.coordinates.flat();
  if (g.type === "MultiPolygon") return g.coordinates.flat(2);
  return [];
}
function bboxOf(f: Feature): [number, number, number, number] {
  const c = coords(f.geometry);
  return [
    Math.min(...c.map((p) => p[0])),
    Math.min(...c.map((p) => p[1])),
    Math.max(...c.map((p) => p[0])),
    Math.max(...c.map((p) => p[1])),
  ];
}
const byName = (features: VectorTileFeature[], name: string) => features.find((f) => f.properties.name === name);

describe("vector tiles from PostGIS", () => {
  it("world_countries (geom, 4326): z0 holds every country with a few properties and objectid as the feature id", async () => {
    const { layer, features, tile } = await decode("world_countries", 0, 0, 0);
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM geo.world_countries`);
    expect(layer.extent).toBe(TILE_EXTENT);
    expect(layer.length).toBe(rows[0].n);
    const kenya = byName(features, "Kenya")!;
    expect(kenya).toBeDefined();
    expect(VectorTileLayerType(kenya)).toBe("Polygon");
    const { rows: k } = await db.client.query(
      `SELECT objectid, iso_n3, continent, pop_est, area_km2 FROM geo.world_countries WHERE name = 'Kenya'`,
    );
    expect(kenya.id).toBe(k[0].objectid);
    expect(kenya.properties).toMatchObject({
      name: "Kenya",
      iso_n3: k[0].iso_n3,
      continent: "Africa",
      pop_est: Number(k[0].pop_est),
    });
    expect(kenya.properties.area_km2).toBeCloseTo(k[0].area_km2, 1);
    // the standard lineage columns stay out of the tile
    expect(Object.keys(kenya.properties)).not.toContain("etl_job_id");
    expect(Object.keys(kenya.properties)).not.toContain("source_file");
    expect(tile.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it("places Kenya where it is at z4 (geometry decodes back to its lon/lat)", async () => {
    const [x, y] = tileOf(37.9, 0.2, 4);
    const { geojson } = await decode("world_countries", 4, x, y);
    const kenya = geojson.find((f) => f.properties?.name === "Kenya")!;
    expect(kenya).toBeDefined();
    const [minX, minY, maxX, maxY] = bboxOf(kenya);
    // Kenya: roughly 33.9..41.9 E, -4.7..5.0 N; the tile clips at the equator (+ buffer)
    expect(minX).toBeGreaterThan(33);
    expect(maxX).toBeLessThan(42.5);
    expect(maxY).toBeLessThan(6);
    expect(minY).toBeLessThan(0.5);
  });

  it("admin_boundaries_arcgis (ArcGIS `shape` column): detected from geometry_columns", async () => {
    const layerInfo = await tileLayerFor("admin_boundaries_arcgis");
    expect(layerInfo?.geometry).toMatchObject({ column: "shape", srid: 4326 });
    const [x, y] = tileOf(37.9, 0.2, 3);
    const { features } = await decode("admin_boundaries_arcgis", 3, x, y);
    const kenya = byName(features, "Kenya")!;
    expect(kenya).toBeDefined();
    expect(kenya.properties).toMatchObject({ name: "Kenya", continent: "Africa", admin_level: 0 });
    // only African countries in this layer
    expect(features.every((f) => f.properties.continent === "Africa")).toBe(true);
  });

  it("countries_web_mercator (SRID 3857): same shapes in the same places as the 4326 layer", async () => {
    const layerInfo = await tileLayerFor("countries_web_mercator");
    expect(layerInfo?.geometry.srid).toBe(3857);
    const [x, y] = tileOf(2.3, 46.5, 3); // France
    const merc = await decode("countries_web_mercator", 3, x, y);
    const wgs = await decode("world_countries", 3, x, y);
    const fm = merc.geojson.find((f) => f.properties?.name === "France")!;
    const fw = wgs.geojson.find((f) => f.properties?.name === "France")!;
    expect(fm).toBeDefined();
    expect(fw).toBeDefined();
    const a = bboxOf(fm);
    const b = bboxOf(fw);
    for (let i = 0; i < 4; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(0.2);
    // Metropolitan France lies in this tile
    expect(a[0]).toBeLessThan(0);
    expect(a[2]).toBeGreaterThan(7);
  });

  it("points and lines keep their types", async () => {
    const points = await decode("populated_places", 0, 0, 0);
    expect(points.features.length).toBeGreaterThan(100);
    expect(points.features.every((f) => f.type === 1)).toBe(true);
    expect(points.features[0].properties).toHaveProperty("population");
    const lines = await decode("shipping_routes", 0, 0, 0);
    expect(lines.features.every((f) => f.type === 2)).toBe(true);
    expect(lines.features[0].properties).toHaveProperty("route_name");
  });

  it("an empty tile is null (HTTP 204)", async () => {
    // z10 in the Pacific at the antimeridian, on the equator: no country there
    const tile = await getTile("world_countries", 10, 0, 512);
    expect(tile).toEqual({ data: null, etag: null, capped: false });
  });

  it("a capped tile holds the same features on every request (same ETag), and says it was capped", async () => {
    // 30,000 points in one small area: more than the 20,000-feature cap of a tile.
    await db.client.query(`CREATE TABLE geo.dense_points (objectid serial PRIMARY KEY, geom geometry(Point, 4326));
      INSERT INTO geo.dense_points (geom) SELECT ST_SetSRID(ST_MakePoint(10 + random(), 50 + random()), 4326) FROM generate_series(1, 30000);
      CREATE INDEX ON geo.dense_points USING gist (geom); ANALYZE geo.dense_points;`);
    const [x, y] = tileOf(10.5, 50.5, 4);
    const tiles = await Promise.all([1, 2, 3].map(() => getTile("dense_points", 4, x, y)));
    expect(tiles.every((t) => t.capped)).toBe(true);
    expect(new Set(tiles.map((t) => t.etag)).size).toBe(1);
    const { features } = await decode("dense_points", 4, x, y);
    expect(features.length).toBeLessThanOrEqual(20_000);
    // The first 20,000 by key: the same ones every time.
    expect(Math.max(...features.map((f) => Number(f.id)))).toBeLessThanOrEqual(20_000);
    expect((await getTile("world_countries", 0, 0, 0)).capped).toBe(false);
  });

  it("the same tile asked for at once is drawn once and shared; a later request draws it again", async () => {
    const at = await Promise.all(Array.from({ length: 8 }, () => getTile("world_countries", 1, 1, 0)));
    // One render: every caller got the very same result object, bytes included.
    for (const t of at) expect(t).toBe(at[0]);
    expect(at[0].data).not.toBeNull();
    const other = await Promise.all([getTile("world_countries", 1, 0, 0), getTile("world_countries", 1, 1, 0)]);
    expect(other[0]).not.toBe(other[1]);
    // Nothing is kept after the render: the next request draws it again (same bytes, new result).
    const again = await getTile("world_countries", 1, 1, 0);
    expect(again).not.toBe(at[0]);
    expect(again.etag).toBe(at[0].etag);
  });

  it("a tile still queued for a renderer is dropped when every caller has gone, and drawn if one stays", async () => {
    const renderers = tileRenderers();
    // Every renderer busy: tile requests queue.
    const releases: (() => void)[] = [];
    const busy = Array.from({ length: renderers.max }, () =>
      renderers.run(() => new Promise<void>((r) => releases.push(r))),
    );
    const [left1, left2, stays] = [new AbortController(), new AbortController(), new AbortController()];
    const gone = [getTile("world_countries", 2, 1, 1, left1.signal), getTile("world_countries", 2, 1, 1, left2.signal)];
    const kept = [getTile("world_countries", 2, 2, 1, left1.signal), getTile("world_countries", 2, 2, 1, stays.signal)];
    await expect.poll(() => renderers.waiting).toBe(2); // one shared render per tile
    left1.abort();
    left2.abort();
    for (const p of gone) await expect(p).rejects.toMatchObject({ status: 503 });
    expect(renderers.waiting).toBe(1); // 2/1/1 left the queue; 2/2/1 still has a caller
    for (const r of releases) r();
    await Promise.all(busy);
    const [a, b] = await Promise.all(kept);
    expect(a).toBe(b);
    expect(a.data).not.toBeNull();
    expect([renderers.active, renderers.waiting]).toEqual([0, 0]);
  });

  it("a layer without a spatial reference (SRID 0) is a clear 422, not a 500", async () => {
    await db.client.query(`CREATE TABLE geo.no_srid (objectid serial PRIMARY KEY, geom geometry(Point, 0));
      INSERT INTO geo.no_srid (geom) VALUES (ST_MakePoint(1, 1));`);
    const e = await getTile("no_srid", 0, 0, 0).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status: 422, message: expect.stringMatching(/SRID 0/) });
  });

  it("uses the GiST index for the envelope filter", async () => {
    const info = (await tileLayerFor("world_countries"))!;
    await db.client.query("SET enable_seqscan = off");
    const plan = await db.client.query(`EXPLAIN ${info.sql}`, [8, 150, 120, 1000, "world_countries"]);
    await db.client.query("RESET enable_seqscan");
    expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/idx_world_countries_geom/);
  });

  it("a strongly projected layer (EPSG:3413, polar stereographic) keeps features near a curved tile edge", async () => {
    // Tile z2/1/0 spans lon -90..0, lat 66.5..85. In EPSG:3413 (central meridian -45) its lower
    // edge is an arc bulging away from the pole at lon -45: the box of the 4 transformed corners
    // misses a point just inside that edge; the densified envelope does not.
    await db.client.query(`
      CREATE TABLE geo.polar_points (objectid serial PRIMARY KEY, name text, geom geometry(Point, 3413));
      INSERT INTO geo.polar_points (name, geom) VALUES
        ('edge', ST_Transform(ST_SetSRID(ST_MakePoint(-45, 67), 4326), 3413)),
        ('pole', ST_Transform(ST_SetSRID(ST_MakePoint(-45, 84), 4326), 3413));
      CREATE INDEX idx_polar_points_geom ON geo.polar_points USING gist (geom);
      ANALYZE geo.polar_points`);
    try {
      expect(tileOf(-45, 67, 2)).toEqual([1, 0]);
      const { features, geojson } = await decode("polar_points", 2, 1, 0);
      expect(features.map((f) => f.properties.name).sort()).toEqual(["edge", "pole"]);
      const edge = geojson[features.findIndex((f) => f.properties.name === "edge")];
      const [lon, lat] = (edge.geometry as { coordinates: number[] }).coordinates;
      expect(lon).toBeCloseTo(-45, 0);
      expect(lat).toBeCloseTo(67, 0);
    } finally {
      await db.client.query(`DROP TABLE geo.polar_points`);
      forgetTileLayer("polar_points");
    }
  });

  it("remembers a missing table only briefly, and at most LAYER_CACHE_MAX tables", async () => {
    expect(await tileLayerFor("published_later")).toBeNull();
    await db.client.query(`CREATE TABLE geo.published_later (objectid serial PRIMARY KEY, geom geometry(Point, 4326))`);
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + 10_000);
    try {
      expect((await tileLayerFor("published_later"))?.table).toBe("published_later");
    } finally {
      clock.mockRestore();
      await db.client.query(`DROP TABLE geo.published_later`);
      forgetTileLayer("published_later");
    }
    // random names (a scanner, typos) cannot grow the cache without limit
    for (let i = 0; i < LAYER_CACHE_MAX + 50; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => tileLayerFor(`no_such_layer_${i + j}`)));
    }
    expect(tileLayerCacheSize()).toBeLessThanOrEqual(LAYER_CACHE_MAX);
    expect((await tileLayerFor("world_countries"))?.table).toBe("world_countries");
  });

  it("refuses bad names and coordinates (400) and unknown tables (404)", async () => {
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return "ok";
      } catch (e) {
        return e instanceof AppError ? `${e.status}` : String(e);
      }
    };
    expect(await code(getTile("world-countries", 0, 0, 0))).toBe("400");
    expect(await code(getTile('x"; DROP TABLE geo.world_countries; --', 0, 0, 0))).toBe("400");
    expect(await code(getTile("no_such_table", 0, 0, 0))).toBe("404");
    expect(await code(getTile("table_metadata", 0, 0, 0))).toBe("404"); // no geometry column
    expect(await code(getTile("world_countries", -1, 0, 0))).toBe("400");
    expect(await code(getTile("world_countries", 25, 0, 0))).toBe("400");
    expect(await code(getTile("world_countries", 2, 4, 0))).toBe("400");
    expect(await code(getTile("world_countries", 2, 0, 4))).toBe("400");
    expect(await code(getTile("world_countries", 1.5, 0, 0))).toBe("400");
    const { rows } = await db.client.query(`SELECT to_regclass('geo.world_countries') IS NOT NULL AS ok`);
    expect(rows[0].ok).toBe(true);
  });
});

function VectorTileLayerType(f: VectorTileFeature): string {
  return ["Unknown", "Point", "LineString", "Polygon"][f.type];
}
