/**
 * npm run loadtest: many clients at once against the production build (not part of npm test).
 *
 * `next start` (NEXT_DIST_DIR=.next-bench, built when missing) on LOADTEST_DB, by default the
 * 1,000,000-job bench database of `npm run bench:jobs`. For each route, autocannon runs
 * LOADTEST_CONNECTIONS clients (100) for LOADTEST_SECONDS (30) with a reader's bearer token and
 * reports requests/s, latency p50/p99 and errors, while pg_stat_activity is sampled: the console's
 * connections must stay within its budget (reader + admin pools, + health). Env: LOADTEST_DB,
 * LOADTEST_PORT (3298), LOADTEST_CONNECTIONS, LOADTEST_SECONDS, DB_POOL_MAX (10).
 */
import autocannon from "autocannon";
import { Client } from "pg";
import { benchUrl, readerToken, startNextServer } from "./bench-lib";

const DB = process.env.LOADTEST_DB ?? "geoetl_bench_jobs";
const PORT = Number(process.env.LOADTEST_PORT ?? 3298);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.LOADTEST_SECONDS ?? 30);
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

async function main() {
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
  const tile = (
    await admin.query(`SELECT table_name FROM geo.table_metadata ORDER BY feature_count DESC NULLS LAST LIMIT 1`)
  ).rows[0]?.table_name as string | undefined;
  const routes: [string, string][] = [
    ["jobs, first page", "/api/dbadmin/jobs?limit=25&total=false"],
    ["jobs, page 90% deep", `/api/dbadmin/jobs?limit=25&total=false&cursor=${cursor}`],
    ["job detail", `/api/dbadmin/jobs/${deep.job_id}`],
    ["tasks, first page", "/api/dbadmin/tasks?limit=50"],
    ["geo metadata", "/api/dbadmin/geo/metadata?limit=25"],
    ...(tile ? ([["tile z2", `/api/tiles/${tile}/2/2/1.mvt`]] as [string, string][]) : []),
    ["health (no auth)", "/api/health"],
  ];

  const token = readerToken();
  process.env.DATABASE_URL = benchUrl(DB);
  process.env.DATABASE_READER_URL = benchUrl(DB, "geoetl_reader");
  const server = await startNextServer({ port: PORT, distDir: ".next-bench", env: { DB_POOL_MAX: POOL_MAX }, log });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const [name, path] of routes) {
      let peak = 0;
      const sampler = setInterval(async () => {
        const r = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'geoetl-admin-console:%'`,
          [DB],
        );
        peak = Math.max(peak, r.rows[0].n);
      }, 500);
      const result = (await autocannon({
        url: `http://127.0.0.1:${PORT}${path}`,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { authorization: `Bearer ${token}` },
      })) as unknown as Result;
      clearInterval(sampler);
      const row = {
        route: name,
        req_per_s: Math.round(result.requests.average),
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
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
  const bad = rows.filter((r) => (r.errors as number) > 0 || (r.peak_db_connections as number) > budget);
  process.exit(bad.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
