/**
 * npm run loadtest: many clients at once against the production build (not part of npm test).
 *
 * `next start` (NEXT_DIST_DIR=.next-bench, built when missing) on LOADTEST_DB, by default the
 * 1,000,000-job bench database of `npm run bench:jobs`. For each route, autocannon runs
 * LOADTEST_CONNECTIONS clients (100) for LOADTEST_SECONDS (30) with a reader's bearer token and
 * reports requests/s, latency p50/p99 and errors, while pg_stat_activity is sampled: the console's
 * connections must stay within its budget (reader + admin pools, + health). Env: LOADTEST_DB,
 * LOADTEST_PORT (3298), LOADTEST_CONNECTIONS, LOADTEST_SECONDS, DB_POOL_MAX (10).
 *
 * `npm run loadtest -- --cost`: the per-request cost instead. One client (LOADTEST_CONNECTIONS=1)
 * for LOADTEST_SECONDS (10) on each JSON route and, in the same server, on its bare twin
 * (app/api/bench/[twin]: the same query with no proxy, no auth, no error envelope), alternating
 * console / twin LOADTEST_ROUNDS times (3) so drift hits both; plus a twin returning `{}` (Next's
 * own floor). Prints req/s (median of the rounds) and the ratio console / twin; the goal is >= 0.7.
 */
import autocannon from "autocannon";
import { Client } from "pg";
import { benchUrl, readerToken, startNextServer } from "./bench-lib";

const DB = process.env.LOADTEST_DB ?? "geoetl_bench_jobs";
const PORT = Number(process.env.LOADTEST_PORT ?? 3298);
const COST = process.argv.includes("--cost");
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? (COST ? 1 : 100));
const SECONDS = Number(process.env.LOADTEST_SECONDS ?? (COST ? 10 : 30));
const ROUNDS = Number(process.env.LOADTEST_ROUNDS ?? 3);
const COST_GOAL = 0.7;
const POOL_MAX = process.env.DB_POOL_MAX ?? "10";
const log = (...a: unknown[]) => console.error("[loadtest]", ...a);

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}

async function main(): Promise<boolean> {
  const admin = new Client({ connectionString: benchUrl(DB) });
  await admin.connect().catch(() => {
    throw new Error(`no database ${DB}: run npm run bench:jobs first (or set LOADTEST_DB)`);
  });
  const { encodeCursor } = await import("../lib/db/cursor");
  const deep = (
    await admin.query(
      `SELECT job_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k FROM app.jobs
        ORDER BY created_at DESC, job_id DESC OFFSET (SELECT (reltuples * 0.9)::bigint FROM pg_class WHERE oid = 'app.jobs'::regclass) LIMIT 1`,
    )
  ).rows[0];
  const cursor = encodeCursor({ direction: "next", sort: "created", key: deep.k, id: deep.job_id });
  const tile = await ensureTileLayer(admin);
  // [name, console path, bare twin path (JSON routes only)]
  const routes: [string, string, string?][] = [
    ["jobs, first page", "/api/dbadmin/jobs?limit=25&total=false", "/api/bench/jobs?limit=25&total=false"],
    [
      "jobs, page 90% deep",
      `/api/dbadmin/jobs?limit=25&total=false&cursor=${cursor}`,
      `/api/bench/jobs?limit=25&total=false&cursor=${cursor}`,
    ],
    ["job detail", `/api/dbadmin/jobs/${deep.job_id}`, `/api/bench/job?id=${deep.job_id}`],
    ["tasks, first page", "/api/dbadmin/tasks?limit=50", "/api/bench/tasks?limit=50"],
    ["geo metadata", "/api/dbadmin/geo/metadata?limit=25", "/api/bench/geo?limit=25"],
    ["tile z2 (20,000 points)", `/api/tiles/${tile}/2/2/1.mvt`],
    ["health (no auth)", "/api/health", "/api/bench/health"],
  ];

  const token = readerToken();
  process.env.DATABASE_URL = benchUrl(DB);
  process.env.DATABASE_READER_URL = benchUrl(DB, "geoetl_reader");
  const server = await startNextServer({
    port: PORT,
    distDir: ".next-bench",
    env: { DB_POOL_MAX: POOL_MAX, BENCH_BARE_ROUTES: "1" },
    log,
  });
  const run = async (path: string) =>
    (await autocannon({
      url: `http://127.0.0.1:${PORT}${path}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    })) as unknown as Result;
  const errorsOf = (r: Result) => r.errors + r.timeouts + r.non2xx;
  const rows: Record<string, unknown>[] = [];
  let failed = false;
  try {
    if (COST) {
      // Warm both paths (JIT, pools, token cache) before measuring.
      for (const [, path, twin] of routes) if (twin) await Promise.all([fetchOk(path, token), fetchOk(twin, token)]);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const floor: number[] = [];
      for (let i = 0; i < ROUNDS; i++) floor.push((await run("/api/bench/empty")).requests.average);
      log(`bare route handler returning {}: ${Math.round(median(floor))} req/s`);
      for (const [name, path, twin] of routes) {
        if (!twin) continue;
        const ours: number[] = [];
        const bare: number[] = [];
        let errors = 0;
        for (let i = 0; i < ROUNDS; i++) {
          const a = await run(path);
          const b = await run(twin);
          ours.push(a.requests.average);
          bare.push(b.requests.average);
          errors += errorsOf(a) + errorsOf(b);
        }
        const ratio = median(ours) / median(bare);
        const row = {
          route: name,
          console_req_per_s: Math.round(median(ours)),
          bare_twin_req_per_s: Math.round(median(bare)),
          ratio: Number(ratio.toFixed(2)),
          errors,
        };
        failed ||= errors > 0 || ratio < COST_GOAL;
        rows.push(row);
        log(JSON.stringify(row));
      }
      console.log(
        JSON.stringify(
          {
            database: DB,
            connections: CONNECTIONS,
            seconds: SECONDS,
            rounds: ROUNDS,
            bare_empty_req_per_s: Math.round(median(floor)),
            goal: `console >= ${COST_GOAL} x bare twin`,
            results: rows,
          },
          null,
          2,
        ),
      );
      return failed;
    }
    for (const [name, path] of routes) {
      let peak = 0;
      const sampler = setInterval(async () => {
        const r = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'geoetl-admin-console:%'`,
          [DB],
        );
        peak = Math.max(peak, r.rows[0].n);
      }, 500);
      const result = await run(path);
      clearInterval(sampler);
      const row = {
        route: name,
        req_per_s: Math.round(result.requests.average),
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        errors: errorsOf(result),
        peak_db_connections: peak,
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
  } finally {
    server.kill();
    await admin.end();
  }
  const budget = 2 * Number(POOL_MAX) + 2; // reader + admin pools, + the health pool
  console.log(
    JSON.stringify({ database: DB, connections: CONNECTIONS, seconds: SECONDS, budget, results: rows }, null, 2),
  );
  return rows.some((r) => (r.errors as number) > 0 || (r.peak_db_connections as number) > budget);
}

/**
 * The layer the tile route is loaded with: geo.loadtest_points, 20,000 points in tile 2/2/1
 * (Europe and Asia), created once in the bench database (bench:jobs makes no geo tables).
 */
async function ensureTileLayer(admin: Client): Promise<string> {
  const table = "loadtest_points";
  if ((await admin.query(`SELECT to_regclass('geo.${table}') AS t`)).rows[0].t) return table;
  log(`creating geo.${table} (20,000 points)`);
  await admin.query(`
    CREATE TABLE geo.${table} (objectid SERIAL PRIMARY KEY, geom geometry(Point, 4326), name TEXT);
    INSERT INTO geo.${table} (geom, name)
      SELECT ST_SetSRID(ST_MakePoint(5 + 80 * random(), 5 + 55 * random()), 4326), 'point ' || n
        FROM generate_series(1, 20000) n;
    CREATE INDEX idx_${table}_geom ON geo.${table} USING GIST (geom);
    ANALYZE geo.${table};
    INSERT INTO geo.table_metadata (table_name, title, feature_count, geometry_type)
      VALUES ('${table}', 'Load test points', 20000, 'Point') ON CONFLICT DO NOTHING;`);
  return table;
}

async function fetchOk(path: string, token: string) {
  const r = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

main().then(
  (failed) => process.exit(failed ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
