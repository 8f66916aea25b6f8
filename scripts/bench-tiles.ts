/**
 * npm run bench:tiles: vector tile and orphan-report benchmark (not part of npm test).
 *
 * 1. Builds its OWN database (BENCH_DB, default geoetl_bench_tiles) in the private cluster:
 *    1,000,000 polygons + 1,000,000 points generated in SQL (clustered around 100 centres, so
 *    z12 tiles are not empty), GiST-indexed and analysed; plus 1,000 small geo tables.
 * 2. Starts `next start` on a spare port against it (a production build in NEXT_DIST_DIR, built
 *    first if missing) and fetches tiles with a reader bearer token (scripts/token.ts).
 * 3. Per zoom (z4, z8, z12): median and p95 through HTTP and of the same SQL run directly,
 *    and their ratio; tiles/s with 8 concurrent HTTP clients; bytes of a z8 tile against the
 *    GeoJSON of the same features; time of the orphan report over 1,000 geo tables.
 * Env: BENCH_DB, BENCH_PORT (3297; refused when something already listens there), BENCH_ROWS (1000000), BENCH_REBUILD=1 to regenerate data.
 */
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { Client } from "pg";
import { benchUrl, percentiles, readerToken, startNextServer, tileOf, withClient } from "./bench-lib";
import { migrate } from "../lib/db/migrate";

const DB = process.env.BENCH_DB ?? "geoetl_bench_tiles";
const PORT = Number(process.env.BENCH_PORT ?? 3297);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DIST = process.env.NEXT_DIST_DIR ?? ".next-bench";
const TILES_PER_ZOOM = 40;
const CONCURRENCY = 8;
const CONCURRENT_SECONDS = 10;
if (!/^[a-z_][a-z0-9_]*$/.test(DB)) throw new Error(`BENCH_DB must be a plain identifier, got ${DB}`);

const url = benchUrl;
const log = (...a: unknown[]) => console.error("[bench]", ...a);
process.env.DATABASE_URL = url(DB);
process.env.DATABASE_READER_URL = url(DB, "geoetl_reader");

const withDb = <T>(db: string, fn: (c: Client) => Promise<T>, user = "postgres") => withClient(url(db, user), fn);

async function prepareDatabase(): Promise<void> {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  const exists = await withDb(
    "postgres",
    async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB])).rowCount === 1,
  );
  if (exists && process.env.BENCH_REBUILD !== "1") {
    const ready = await withDb(
      DB,
      async (c) => (await c.query(`SELECT to_regclass('geo.bench_points') IS NOT NULL AS ok`)).rows[0].ok as boolean,
    );
    if (ready) return log(`reusing ${DB} (BENCH_REBUILD=1 to regenerate)`);
  }
  await withDb("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB}`);
  });
  await withDb(DB, async (c) => {
    await migrate(c, { fixtures: true });
    const t0 = Date.now();
    // 100 cluster centres on land-ish latitudes; 80% of features near a centre, 20% anywhere.
    await c.query(`
      CREATE TEMP TABLE centres AS
        SELECT i, -170 + 340 * ((i * 0.6180339887) % 1) AS lon, -55 + 120 * ((i * 0.7548776662) % 1) AS lat
          FROM generate_series(0, 99) i;
      CREATE TEMP TABLE pts AS
        SELECT n,
          CASE WHEN n % 5 = 0 THEN -179.9 + 359.8 * random() ELSE c.lon + 0.3 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()) END AS x,
          CASE WHEN n % 5 = 0 THEN -80 + 160 * random() ELSE greatest(-84, least(84, c.lat + 0.3 * sqrt(-2 * ln(random())) * sin(2 * pi() * random()))) END AS y
        FROM generate_series(1, ${ROWS}) n JOIN centres c ON c.i = n % 100;`);
    for (const [table, geomType, expr] of [
      ["bench_polygons", "Polygon", "ST_MakeEnvelope(x, y, x + 0.004, y + 0.003, 4326)"],
      ["bench_points", "Point", "ST_SetSRID(ST_MakePoint(x, y), 4326)"],
    ] as const) {
      await c.query(`
        CREATE TABLE geo.${table} (
          objectid SERIAL PRIMARY KEY, geom geometry(${geomType}, 4326), created_at TIMESTAMPTZ DEFAULT now(),
          source_file VARCHAR(500), etl_job_id VARCHAR(64), name TEXT, category TEXT, value DOUBLE PRECISION);
        INSERT INTO geo.${table} (geom, source_file, etl_job_id, name, category, value)
          SELECT ${expr}, 'bench.gpkg', 'bench', 'feature ' || n, (ARRAY['a','b','c','d'])[1 + n % 4], n % 1000 / 10.0 FROM pts;
        CREATE INDEX idx_${table}_geom ON geo.${table} USING GIST (geom);
        ANALYZE geo.${table};
        INSERT INTO geo.table_metadata (table_name, title, feature_count, geometry_type, bbox)
          VALUES ('${table}', 'Benchmark ${geomType}s', ${ROWS}, '${geomType}', ARRAY[-180, -85, 180, 85]);`);
      log(`${table}: ${ROWS} rows in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    // 1,000 geo tables in all: the two above + 998 small ones, 990 of them catalogued.
    await c.query(`DO $$ BEGIN FOR i IN 1..998 LOOP
        EXECUTE format('CREATE TABLE geo.%I (objectid SERIAL PRIMARY KEY, geom geometry(Point, 4326), name TEXT)', 'bench_small_' || i);
        EXECUTE format('INSERT INTO geo.%I (geom, name) SELECT ST_SetSRID(ST_MakePoint(g, g / 2.0), 4326), ''p'' || g FROM generate_series(1, 20) g', 'bench_small_' || i);
      END LOOP; END $$;
      INSERT INTO geo.table_metadata (table_name, title) SELECT 'bench_small_' || i, 'small ' || i FROM generate_series(1, 990) i;
      INSERT INTO geo.table_metadata (table_name, title) SELECT 'bench_gone_' || i, 'gone ' || i FROM generate_series(1, 5) i;
      ANALYZE;`);
    log(`1,000 geo tables ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
}

/** Tiles "over the data": around the cluster centres, deterministic. */
function tileList(z: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  // centres i % 5 == 0 hold only the uniform background (see the generator), so skip them
  for (let k = 0, i = 1; k < TILES_PER_ZOOM; k++, i += i % 5 === 4 ? 2 : 1) {
    const lon = -170 + 340 * ((i * 0.6180339887) % 1) + 0.15 * Math.cos(i);
    const lat = -55 + 120 * ((i * 0.7548776662) % 1) + 0.15 * Math.sin(i);
    const [x, y] = tileOf(lon, lat, z);
    out.push([z, x, y]);
  }
  return out;
}

const stats = percentiles;

const startServer = () => startNextServer({ port: PORT, distDir: DIST, env: { DB_POOL_MAX: "10" }, log });

async function main() {
  await prepareDatabase();
  const { tileSqlFor } = await import("../lib/db/tiles");
  const { orphanReport } = await import("../lib/db/orphans");
  const { pools } = await import("../lib/db/pool");
  const token = readerToken();
  const server = await startServer();
  const results: Record<string, unknown> = {};
  try {
    const direct = new Client({ connectionString: url(DB, "geoetl_reader") });
    await direct.connect();
    const fetchTile = async (table: string, z: number, x: number, y: number) => {
      const r = await fetch(`http://127.0.0.1:${PORT}/api/tiles/${table}/${z}/${x}/${y}.mvt`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const b = await r.arrayBuffer();
      if (r.status !== 200 && r.status !== 204) throw new Error(`tile ${table}/${z}/${x}/${y}: HTTP ${r.status}`);
      const total = /total;dur=([\d.]+)/.exec(r.headers.get("server-timing") ?? "")?.[1];
      lastServerMs = total ? Number(total) : NaN;
      return b.byteLength;
    };
    let lastServerMs = NaN;
    // The floor: an authenticated route that does no database work (framework + auth + HTTP client).
    const floor: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await (
        await fetch(`http://127.0.0.1:${PORT}/api/me`, { headers: { Authorization: `Bearer ${token}` } })
      ).arrayBuffer();
      if (i >= 10) floor.push(performance.now() - t);
    }
    results.http_floor_api_me = Object.fromEntries(
      Object.entries(stats(floor)).map(([k, v]) => [`${k}_ms`, +v.toFixed(1)]),
    );
    log("HTTP floor (/api/me):", JSON.stringify(results.http_floor_api_me));
    const table: Record<string, string | number>[] = [];
    for (const layer of ["bench_polygons", "bench_points"]) {
      const q = (await tileSqlFor(layer))!;
      for (const z of [4, 8, 12]) {
        const tiles = tileList(z);
        // warm up both paths (plan caches, pools, page cache)
        for (const [tz, tx, ty] of tiles.slice(0, 5)) {
          await fetchTile(layer, tz, tx, ty);
          await direct.query(q.sql, q.params(tz, tx, ty));
        }
        const http: number[] = [];
        const server: number[] = [];
        const sql: number[] = [];
        let bytes = 0;
        for (const [tz, tx, ty] of tiles) {
          let t = performance.now();
          await direct.query(q.sql, q.params(tz, tx, ty));
          sql.push(performance.now() - t);
          t = performance.now();
          bytes += await fetchTile(layer, tz, tx, ty);
          http.push(performance.now() - t);
          server.push(lastServerMs);
        }
        const h = stats(http);
        const s = stats(sql);
        const sv = stats(server);
        table.push({
          layer,
          z,
          tiles: tiles.length,
          avg_kb: +(bytes / tiles.length / 1024).toFixed(1),
          http_median_ms: +h.median.toFixed(1),
          http_p95_ms: +h.p95.toFixed(1),
          sql_median_ms: +s.median.toFixed(1),
          sql_p95_ms: +s.p95.toFixed(1),
          ratio_median: +(h.median / s.median).toFixed(2),
          ratio_p95: +(h.p95 / s.p95).toFixed(2),
          route_median_ms: +sv.median.toFixed(1),
          route_p95_ms: +sv.p95.toFixed(1),
          route_ratio_median: +(sv.median / s.median).toFixed(2),
        });
        log(JSON.stringify(table[table.length - 1]));
      }
    }
    results.latency = table;

    // Throughput: 8 concurrent HTTP clients over z8 + z12 tiles of both layers.
    const work = ["bench_polygons", "bench_points"].flatMap((l) =>
      [...tileList(8), ...tileList(12)].map((t) => [l, ...t] as const),
    );
    let done = 0;
    const until = Date.now() + CONCURRENT_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = w; Date.now() < until; i += CONCURRENCY) {
          const [l, z, x, y] = work[i % work.length];
          await fetchTile(l, z, x, y);
          done++;
        }
      }),
    );
    results.throughput = {
      clients: CONCURRENCY,
      seconds: CONCURRENT_SECONDS,
      tiles: done,
      tiles_per_s: +(done / CONCURRENT_SECONDS).toFixed(1),
    };
    log(JSON.stringify(results.throughput));

    // z8 MVT bytes vs GeoJSON of the same features (same filter and cap).
    const sizes: Record<string, unknown>[] = [];
    for (const layer of ["bench_polygons", "bench_points"]) {
      const q = (await tileSqlFor(layer))!;
      // the fullest z8 tile of the list
      let best: { t: [number, number, number]; mvt: Buffer } = { t: tileList(8)[0], mvt: Buffer.alloc(0) };
      for (const t of tileList(8)) {
        const b: Buffer = (await direct.query(q.sql, q.params(...t))).rows[0]?.tile ?? Buffer.alloc(0);
        if (b.length > best.mvt.length) best = { t, mvt: b };
      }
      const [z, x, y] = best.t;
      const mvt = best.mvt;
      const gj = await direct.query(
        `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(f.*, 'geom')::json), '[]'::json))::text AS doc, count(*)::int AS n
           FROM (SELECT objectid, name, category, value, geom FROM geo.${layer}
                  WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ${64 / 4096}), 4326) LIMIT $4) f`,
        [z, x, y, q.params(z, x, y)[3]],
      );
      const doc = Buffer.from(gj.rows[0].doc as string);
      sizes.push({
        layer,
        tile: `${z}/${x}/${y}`,
        features: gj.rows[0].n,
        mvt_bytes: mvt.length,
        geojson_bytes: doc.length,
        ratio: +(doc.length / Math.max(1, mvt.length)).toFixed(1),
        mvt_gzip: gzipSync(mvt).length,
        geojson_gzip: gzipSync(doc).length,
      });
      log(JSON.stringify(sizes[sizes.length - 1]));
    }
    results.z8_sizes = sizes;
    await direct.end();

    // Orphan report over 1,000 geo tables (one statement).
    const times: number[] = [];
    let summary: unknown;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      summary = (await orphanReport()).summary;
      times.push(performance.now() - t);
    }
    results.orphan_report = {
      runs: times.length,
      ...Object.fromEntries(Object.entries(stats(times)).map(([k, v]) => [`${k}_ms`, +v.toFixed(1)])),
      summary,
    };
    log(JSON.stringify(results.orphan_report));
    const p = pools();
    await Promise.all([...new Set([p.admin, p.reader])].map((x) => x.end()));
  } finally {
    server.kill("SIGTERM");
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
