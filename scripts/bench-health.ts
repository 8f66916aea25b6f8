/**
 * npm run bench:health [-- --db <name>] [-- --runs N]
 *
 * Times the whole health payload (lib/db/health-report.ts: every section, the way
 * GET /api/dbadmin/health builds it, on the health pool) against a database of the private
 * cluster (scripts/db.sh): by default the 1M-job / 10M-task bench database of `npm run bench:jobs`
 * (geoetl_bench_jobs) when it is complete, else the demo database (geoetl). Then the same SQL
 * statements (recorded from one payload) through a plain pg Client as the same reader role, one
 * after the other, and the ratio app/raw. Median and p95 in ms; results also go to
 * bench/health-results.json. Not part of `npm test`.
 *
 * While it runs, a pg_sleep on its own connection and a lock wait keep the long-running and lock
 * sections non-empty (what an operator opens the page for).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Client } from "pg";

const PORT = process.env.PGPORT ?? "54329";
const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? process.env.BENCH_RUNS ?? 60);
const PASSWORD =
  process.env.PGPASSWORD || execFileSync("bash", ["scripts/db.sh", "password"], { encoding: "utf8" }).trim();
const url = (user: string, db: string) =>
  `postgresql://${user}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${PORT}/${db}?sslmode=disable`;
const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

type Sample = { median: number; p95: number; max: number };
const stats = (xs: number[]): Sample => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)],
    p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)],
    max: s[s.length - 1],
  };
};
async function time(fn: () => Promise<unknown>, runs = RUNS): Promise<Sample> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up (plans, caches, connections)
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return stats(xs);
}

async function pickDatabase(): Promise<string> {
  const asked = arg("db");
  if (asked) return asked;
  const c = new Client({ connectionString: url("postgres", "postgres") });
  await c.connect();
  try {
    if (!(await c.query("SELECT 1 FROM pg_database WHERE datname = 'geoetl_bench_jobs'")).rowCount) return "geoetl";
  } finally {
    await c.end();
  }
  const b = new Client({ connectionString: url("postgres", "geoetl_bench_jobs") });
  await b.connect();
  try {
    const done = await b
      .query("SELECT 1 FROM console.schema_migrations WHERE name = 'bench:complete'")
      .catch(() => ({ rowCount: 0 }));
    return done.rowCount ? "geoetl_bench_jobs" : "geoetl";
  } finally {
    await b.end();
  }
}

async function main() {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  const db = await pickDatabase();
  process.env.DATABASE_URL = url("postgres", db);
  process.env.DATABASE_READER_URL = url("geoetl_reader", db);
  const { collectHealth, healthReport } = await import("../lib/db/health-report");
  const { endPools, healthPool } = await import("../lib/db/pool");

  const admin = new Client({ connectionString: url("postgres", db) });
  await admin.connect();
  const info = (
    await admin.query(
      `SELECT pg_size_pretty(pg_database_size(current_database())) AS size,
              (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass('app.jobs')) AS jobs,
              (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass('app.tasks')) AS tasks,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_') AS tables`,
    )
  ).rows[0];
  log(`database ${db}: ${info.size}, ~${info.jobs} jobs, ~${info.tasks} tasks, ${info.tables} tables`);

  // Something to find: a long query and a lock wait, on their own connections.
  const sleeper = new Client({ connectionString: url("postgres", db), application_name: "bench-health-sleeper" });
  const blocker = new Client({ connectionString: url("postgres", db), application_name: "bench-health-blocker" });
  const waiter = new Client({ connectionString: url("postgres", db), application_name: "bench-health-waiter" });
  for (const c of [sleeper, blocker, waiter]) {
    c.on("error", () => undefined);
    await c.connect();
  }
  const sleeping = sleeper.query("SELECT pg_sleep(600)").catch(() => undefined);
  const [{ job_id }] = (await admin.query("SELECT job_id FROM app.jobs ORDER BY created_at DESC LIMIT 1")).rows;
  await blocker.query("BEGIN");
  await blocker.query("UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1", [job_id]);
  const waiting = waiter
    .query("UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1", [job_id])
    .catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1_500));

  try {
    // The statements one payload sends, recorded from the health pool's connection.
    const recorded: Array<[string, unknown[]]> = [];
    const client = await healthPool().connect();
    let first;
    try {
      first = await collectHealth(
        async (sql, params = []) => {
          recorded.push([sql, params]);
          return (await client.query(sql, params)).rows;
        },
        { longQuerySeconds: 1 },
      );
    } finally {
      client.release();
    }
    const sections = Object.entries(first)
      .filter(([, v]) => v && typeof v === "object" && "available" in (v as object))
      .map(
        ([k, v]) =>
          `${k}:${(v as { available: boolean; level: string | null }).available ? (v as { level: string }).level : "NOT READ"}`,
      );
    log(`payload: ${recorded.length} statements; ${sections.join(" ")}`);
    if (first.long_queries.available)
      log(
        `long-running: ${first.long_queries.queries.length}; lock waits: ${first.locks.available ? first.locks.waits.length : "n/a"}; slow-query rows: ${first.slow_queries.available ? first.slow_queries.queries.length : "n/a"}`,
      );

    const app = await time(() => healthReport({ longQuerySeconds: 1 }));
    const raw = new Client({ connectionString: url("geoetl_reader", db) });
    await raw.connect();
    await raw.query(`SET statement_timeout = 3000; SET lock_timeout = 500; SET default_transaction_read_only = on`);
    const rawT = await time(async () => {
      for (const [sql, params] of recorded) await raw.query(sql, params).catch(() => undefined);
    });
    await raw.end();
    // Each statement on its own, to show where the time goes.
    const perStatement: Array<{ statement: string; median_ms: number; p95_ms: number }> = [];
    const one = new Client({ connectionString: url("geoetl_reader", db) });
    await one.connect();
    for (const [sql, params] of recorded) {
      const s = await time(() => one.query(sql, params).catch(() => undefined), Math.min(RUNS, 30));
      perStatement.push({
        statement: sql.replace(/\s+/g, " ").trim().slice(0, 90),
        median_ms: +s.median.toFixed(2),
        p95_ms: +s.p95.toFixed(2),
      });
    }
    await one.end();

    const result = {
      at: new Date().toISOString(),
      database: db,
      size: info.size,
      jobs_estimate: Number(info.jobs),
      tasks_estimate: Number(info.tasks),
      runs: RUNS,
      statements: recorded.length,
      app_median_ms: +app.median.toFixed(2),
      app_p95_ms: +app.p95.toFixed(2),
      app_max_ms: +app.max.toFixed(2),
      raw_median_ms: +rawT.median.toFixed(2),
      raw_p95_ms: +rawT.p95.toFixed(2),
      app_vs_raw: +(app.median / rawT.median).toFixed(2),
      per_statement: perStatement,
    };
    console.log(
      `\n| database | statements | payload median / p95 (ms) | raw SQL median / p95 (ms) | payload/raw |\n|---|---|---|---|---|`,
    );
    console.log(
      `| ${db} (${info.size}) | ${recorded.length} | ${result.app_median_ms} / ${result.app_p95_ms} | ${result.raw_median_ms} / ${result.raw_p95_ms} | ${result.app_vs_raw}× |`,
    );
    console.log("\nper statement (median / p95 ms):");
    for (const s of perStatement)
      console.log(`  ${String(s.median_ms).padStart(7)} / ${String(s.p95_ms).padStart(7)}  ${s.statement}`);
    mkdirSync("bench", { recursive: true });
    writeFileSync("bench/health-results.json", JSON.stringify(result, null, 2));
    log("written bench/health-results.json");
  } finally {
    await blocker.query("ROLLBACK").catch(() => undefined);
    await admin
      .query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'bench-health-sleeper'")
      .catch(() => undefined);
    await Promise.all([sleeping, waiting]);
    for (const c of [sleeper, blocker, waiter, admin]) await c.end().catch(() => undefined);
    await endPools();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
