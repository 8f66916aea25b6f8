/**
 * npm run bench:catalog: the catalog pages' read paths at scale (not part of npm test).
 *
 * Builds its OWN database (BENCH_DB, default geoetl_bench_catalog) in the private cluster:
 * 1,000,000 STAC items across 5 collections (pgSTAC stand-in: partitioned by collection, content
 * dehydrated, footprints clustered around 200 places over two years) and 1,000,000 API requests.
 * Then, per case, median and p95 of the app's own function (lib/db/*, reader pool) and of the same
 * SQL through a plain pg client, with their ratio; and the ratio of a deep keyset page (90% into
 * the list) to the first page. Env: BENCH_DB, BENCH_REBUILD=1, BENCH_RUNS (40).
 */
import { execFileSync } from "node:child_process";
import { Client } from "pg";
import { benchUrl, percentiles, tileOf, withClient } from "./bench-lib";
import { migrate } from "../lib/db/migrate";

const DB = process.env.BENCH_DB ?? "geoetl_bench_catalog";
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const ITEMS = 1_000_000;
const REQUESTS = 1_000_000;
const COLLECTIONS = ["bench-a", "bench-b", "bench-c", "bench-d", "bench-e"];
if (!/^[a-z_][a-z0-9_]*$/.test(DB)) throw new Error(`BENCH_DB must be a plain identifier, got ${DB}`);

const url = benchUrl;
const log = (...a: unknown[]) => console.error("[bench]", ...a);
process.env.DATABASE_URL = url(DB);
process.env.DATABASE_READER_URL = url(DB, "geoetl_reader");

const withDb = <T>(db: string, fn: (c: Client) => Promise<T>, user = "postgres") => withClient(url(db, user), fn);

async function prepare(): Promise<void> {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  const exists = await withDb(
    "postgres",
    async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB])).rowCount === 1,
  );
  if (exists && process.env.BENCH_REBUILD !== "1") {
    const n = await withDb(
      DB,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM app.api_requests`)).rows[0].n as number,
    );
    if (n === REQUESTS) return log(`reusing ${DB} (BENCH_REBUILD=1 to regenerate)`);
  }
  await withDb("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB}`);
  });
  await withDb(DB, async (c) => {
    // The stand-in on purpose: 1,000,000 items go in with one INSERT ... SELECT here (real pgSTAC
    // takes them only through its loaders, far slower to generate); the console's reads are the same.
    await migrate(c, { fixtures: true, pgstacDir: null });
    const t0 = Date.now();
    await c.query("BEGIN; SET LOCAL search_path TO pgstac, public;");
    for (const id of COLLECTIONS)
      await c.query(
        `INSERT INTO collections (content) VALUES (jsonb_build_object('id', $1::text, 'type', 'Collection', 'title', 'Benchmark ' || $1,
           'description', 'generated', 'license', 'CC0-1.0',
           'extent', jsonb_build_object('spatial', jsonb_build_object('bbox', jsonb_build_array(jsonb_build_array(-180, -80, 180, 80))),
                                        'temporal', jsonb_build_object('interval', jsonb_build_array(jsonb_build_array('2024-01-01T00:00:00Z', null))))))`,
        [id],
      );
    await c.query(`
      INSERT INTO items (id, geometry, collection, datetime, end_datetime, content)
      SELECT 'item-' || lpad(n::text, 7, '0'),
             ST_MakeEnvelope(x, y, x + 0.05, y + 0.04, 4326),
             (ARRAY[${COLLECTIONS.map((c) => `'${c}'`).join(",")}])[1 + n % 5],
             t, t,
             jsonb_build_object('stac_version', '1.0.0', 'properties', jsonb_build_object('datetime', t, 'title', 'Scene ' || n),
                                'assets', jsonb_build_object('data', jsonb_build_object('href', 'https://example.org/' || n || '.tif')))
        FROM (SELECT n,
                     -170 + 340 * (((n % 200) * 0.6180339887) % 1) + 2 * random() AS x,
                     -55 + 120 * (((n % 200) * 0.7548776662) % 1) + 2 * random() AS y,
                     timestamptz '2024-01-01' + (n * interval '63 seconds') AS t
                FROM generate_series(1, ${ITEMS}) n) s;
      COMMIT;`);
    log(`${ITEMS} STAC items in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    await c.query(`
      INSERT INTO app.api_requests (request_id, dataset_id, resource_id, version_id, job_id, data_type, status, parameters, created_at, updated_at)
      SELECT md5('r' || n), 'dataset-' || (n % 5000), 'file-' || n || '.gpkg', 'v1', md5('j' || n) || md5('k' || n),
             (ARRAY['vector', 'raster'])[1 + n % 2], (ARRAY['completed', 'completed', 'completed', 'failed', 'processing', 'pending'])[1 + n % 6],
             '{}'::jsonb, timestamptz '2025-01-01' + n * interval '20 seconds', timestamptz '2025-01-01' + n * interval '20 seconds'
        FROM generate_series(1, ${REQUESTS}) n;`);
    await c.query("VACUUM ANALYZE"); // not in a transaction block: its own statement
    log(`${REQUESTS} API requests; ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
}

const stats = percentiles;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm up plans and caches
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main() {
  await prepare();
  const { listItems } = await import("../lib/db/stac-catalog");
  const { listApiRequests } = await import("../lib/db/activity");
  const { catalogTile, catalogTileSql } = await import("../lib/db/catalog-tiles");
  const { encodeCursor } = await import("../lib/db/cursor");
  const raw = new Client({ connectionString: url(DB, "geoetl_reader") });
  await raw.connect();
  const rows: Record<string, unknown>[] = [];
  const report = (name: string, app: number[], rawMs: number[] | null) => {
    const a = stats(app);
    const r = rawMs ? stats(rawMs) : null;
    const row = {
      case: name,
      app_median_ms: +a.median.toFixed(2),
      app_p95_ms: +a.p95.toFixed(2),
      raw_median_ms: r ? +r.median.toFixed(2) : null,
      ratio_app_raw: r ? +(a.median / r.median).toFixed(2) : null,
    };
    rows.push(row);
    log(JSON.stringify(row));
    return a.median;
  };

  // STAC items: first page and a page 90% into one collection (200,000 items).
  const coll = COLLECTIONS[0];
  const deepRow = (
    await raw.query(
      `SELECT id, to_char(datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k FROM pgstac.items
        WHERE collection = $1 ORDER BY datetime DESC, id DESC OFFSET 180000 LIMIT 1`,
      [coll],
    )
  ).rows[0];
  const deep = encodeCursor({ direction: "next", sort: "datetime", key: deepRow.k, id: deepRow.id });
  const itemsSql = (after: boolean) =>
    `SELECT id, datetime, content->'properties'->>'title' AS title, ST_XMin(geometry) FROM pgstac.items
      WHERE collection = $1 ${after ? "AND (datetime, id) < ($2::timestamptz, $3)" : ""} ORDER BY datetime DESC, id DESC LIMIT 51`;
  const first = report(
    "stac items, first page (50)",
    await time(() => listItems({ collection: coll, limit: 50 })),
    await time(() => raw.query(itemsSql(false), [coll])),
  );
  const deepMs = report(
    "stac items, page at 90% (keyset)",
    await time(() => listItems({ collection: coll, limit: 50, cursor: deep })),
    await time(() => raw.query(itemsSql(true), [coll, deepRow.k, deepRow.id])),
  );
  rows.push({ case: "stac items: deep / first (app medians)", ratio: +(deepMs / first).toFixed(2) });
  log(`stac deep/first = ${(deepMs / first).toFixed(2)}`);

  // API requests: first page, filtered page, and a page 90% into 1M rows.
  const rq = (
    await raw.query(
      `SELECT request_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k FROM app.api_requests
        ORDER BY created_at DESC, request_id DESC OFFSET 900000 LIMIT 1`,
    )
  ).rows[0];
  const rqDeep = encodeCursor({ direction: "next", sort: "created", key: rq.k, id: rq.request_id });
  const reqSql = (after: boolean) =>
    `SELECT * FROM app.api_requests ${after ? "WHERE (created_at, request_id) < ($1::timestamptz, $2)" : ""}
      ORDER BY created_at DESC, request_id DESC LIMIT 51`;
  const rFirst = report(
    "api requests, first page (50)",
    await time(() => listApiRequests({ limit: 50 })),
    await time(() => raw.query(reqSql(false))),
  );
  const rDeep = report(
    "api requests, page at 90% (keyset)",
    await time(() => listApiRequests({ limit: 50, cursor: rqDeep })),
    await time(() => raw.query(reqSql(true), [rq.k, rq.request_id])),
  );
  rows.push({ case: "api requests: deep / first (app medians)", ratio: +(rDeep / rFirst).toFixed(2) });
  report(
    "api requests, status=failed (50)",
    await time(() => listApiRequests({ limit: 50, status: "failed" })),
    await time(() =>
      raw.query(
        `SELECT * FROM app.api_requests WHERE status = 'failed' ORDER BY created_at DESC, request_id DESC LIMIT 51`,
      ),
    ),
  );

  // Footprint tiles over a cluster of items, z4 and z8.
  const { sql, params } = catalogTileSql("stac", coll);
  for (const z of [4, 8]) {
    const tiles = Array.from({ length: 10 }, (_, i) => {
      const k = i * 5; // items n % 200 == k share a centre; collection bench-a holds n % 5 == 0
      return tileOf(-170 + 340 * ((k * 0.6180339887) % 1) + 1, -55 + 120 * ((k * 0.7548776662) % 1) + 1, z);
    });
    let i = 0;
    let j = 0;
    report(
      `stac footprint tiles z${z}`,
      await time(() => catalogTile("stac", coll, z, ...tiles[i++ % tiles.length])),
      await time(() => raw.query(sql, params(z, ...tiles[j++ % tiles.length]))),
    );
  }
  await raw.end();
  console.log(
    JSON.stringify({ database: DB, items: ITEMS, api_requests: REQUESTS, runs: RUNS, results: rows }, null, 2),
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
