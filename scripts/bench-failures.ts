/**
 * npm run bench:failures: failure triage at the pipeline's scale (not part of npm test).
 *
 * Its OWN database (geoetl_bench_failures) in the private cluster: 1,000,000 jobs and 10,000,000
 * tasks over 30 days, 500,000 of them failed with errors drawn from 200 templates (20 error
 * shapes × 10 pipeline stages: GDAL, timeouts, blob 404s, constraint violations, OOM...) with
 * variable numbers, paths and ids. Generated once (kept between runs; BENCH_REGENERATE=1 redoes it).
 *
 * Measures: the rollup's rebuild and incremental runs; the groups of each window and a group's
 * page through the console's functions, against the plain `GROUP BY error_message` over the same
 * window on app.tasks (what one would type into psql); and that no request scanned app.tasks.
 * Env: BENCH_RUNS (30).
 */
import { execFileSync } from "node:child_process";
import { benchUrl, percentiles, withClient } from "./bench-lib";
import { migrate } from "../lib/db/migrate";

const DB = "geoetl_bench_failures";
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const log = (...a: unknown[]) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

const SHAPES = [
  "GDAL error: Unsupported CRS EPSG:%1$s while reading %3$s in the %2$s stage",
  "Timeout after %1$ss waiting for raster tile %3$s (%2$s worker)",
  "Blob not found: %3$s (%2$s container)",
  'psycopg.errors.UniqueViolation: duplicate key value violates unique constraint "layer_%1$s_pkey" in %2$s\nDETAIL:  Key (objectid)=(%1$s) already exists.',
  "MemoryError: Unable to allocate %1$s MiB for the %2$s array",
  'psycopg.OperationalError: connection to server at "10.0.%1$s.4", port 5432 failed: timeout expired (%2$s pool)',
  "azure.core.exceptions.ResourceNotFoundError: The specified blob %3$s does not exist (%2$s). RequestId:%4$s",
  "RasterioIOError: %3$s: not recognized as a supported file format by the %2$s reader",
  "ValueError: feature %1$s has an invalid geometry in the %2$s layer",
  "KeyError: %1$s missing from the %2$s metadata",
  "psycopg.errors.NotNullViolation: null value in column objectid violates not-null constraint (row %1$s, %2$s loader)",
  "h3.H3CellError: resolution %1$s out of range for the %2$s grid",
  "pystac.STACValidationError: item %4$s failed %2$s schema validation",
  "requests.exceptions.ConnectionError: Max retries exceeded for %3$s (%2$s)",
  "TaskTimeout: the %2$s task exceeded %1$s s",
  "OSError: [Errno 28] No space left on device: %3$s (%2$s scratch)",
  "psycopg.errors.InsufficientPrivilege: permission denied for table %2$s_%1$s",
  "ZeroDivisionError: division by zero in %2$s statistics for band %1$s",
  "fiona.errors.DriverError: %3$s: No such file or directory (%2$s)",
  "json.decoder.JSONDecodeError: Expecting value: line %1$s column 1 (%2$s manifest)",
];
const STAGES = [
  "vector",
  "raster",
  "hexgrid",
  "catalog",
  "overviews",
  "tiles",
  "ingest",
  "export",
  "reproject",
  "validate",
];

async function ready(): Promise<boolean> {
  const exists = await withClient(benchUrl("postgres"), (c) =>
    c.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB]),
  );
  if (!exists.rowCount || process.env.BENCH_REGENERATE === "1") return false;
  return withClient(benchUrl(DB), async (c) => {
    const r = await c
      .query("SELECT 1 FROM console.schema_migrations WHERE name = 'bench:complete'")
      .catch(() => ({ rowCount: 0 }));
    return !!r.rowCount;
  });
}

async function generate(): Promise<void> {
  await withClient(benchUrl("postgres"), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB}`);
  });
  await withClient(benchUrl(DB), async (c) => {
    await migrate(c, { fixtures: false });
    await c.query("SET maintenance_work_mem = '1GB'");
    await c.query("SET synchronous_commit = off");
    const idx = await c.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'app' AND tablename IN ('jobs', 'tasks')
          AND indexname NOT IN ('jobs_pkey', 'tasks_pkey')`,
    );
    await c.query("ALTER TABLE app.tasks DROP CONSTRAINT IF EXISTS tasks_job_id_fkey");
    await c.query("ALTER TABLE app.tasks DROP CONSTRAINT IF EXISTS tasks_pkey");
    await c.query("ALTER TABLE app.jobs DROP CONSTRAINT IF EXISTS jobs_pkey");
    for (const r of idx.rows) await c.query(`DROP INDEX IF EXISTS app.${/INDEX (\S+) ON/.exec(r.indexdef)![1]}`);
    let t = Date.now();
    // Jobs: 30 days, newest last; 5% failed (their own error in result_data, one of the shapes).
    await c.query(
      `INSERT INTO app.jobs (job_id, job_type, status, stage, total_stages, result_data, created_at, updated_at)
       SELECT 'job-' || g, (ARRAY['ingest_vector','process_raster','process_vector','h3_aggregate','stac_catalog'])[1 + g % 5],
              CASE WHEN g % 20 = 0 THEN 'failed' ELSE 'completed' END, 1 + g % 3, 3,
              CASE WHEN g % 20 = 0 THEN jsonb_build_object('error', format(($1::text[])[1 + (g / 20) % 20], g % 100000,
                ($2::text[])[1 + (g / 400) % 10], 'bronze/uploads/' || (g % 1000) || '/file_' || g || '.tif', md5(g::text)::uuid)) END,
              at - interval '10 minutes', at
         FROM (SELECT g, now() - make_interval(secs => (1000000 - g)::float8 / 1000000 * 30 * 86400) AS at
                 FROM generate_series(1, 1000000) g) s`,
      [SHAPES, STAGES],
    );
    log(`1,000,000 jobs in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    // Tasks: 10 per job; one in 20 failed (500,000), its error one of the 200 templates.
    for (let from = 0; from < 10_000_000; from += 1_000_000) {
      t = Date.now();
      await c.query(
        `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, error_message, retry_count, created_at, updated_at)
         SELECT 'task-' || g, 'job-' || (1 + g / 10), (ARRAY['download','validate','transform','upload','catalog'])[1 + g % 5],
                CASE WHEN g % 20 = 7 THEN 'failed' ELSE 'completed' END, 1 + g % 3,
                CASE WHEN g % 20 = 7 THEN format(($1::text[])[(1 + (g::bigint * 7919 / 20) % 20)::int], g % 100000,
                  ($2::text[])[(1 + (g::bigint / 20 * 104729) % 10)::int], 'bronze/uploads/' || (g % 1000) || '/chunk_' || g || '.gpkg',
                  md5(g::text)::uuid) END,
                CASE WHEN g % 20 = 7 THEN 3 ELSE 0 END,
                at - interval '5 minutes', at
           FROM (SELECT g, now() - make_interval(secs => (10000000 - g)::float8 / 10000000 * 30 * 86400) AS at
                   FROM generate_series($3::int, $4::int) g) s`,
        [SHAPES, STAGES, from, from + 999_999],
      );
      log(`tasks ${from + 1}-${from + 1_000_000} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
    t = Date.now();
    await c.query("ALTER TABLE app.jobs ADD PRIMARY KEY (job_id)");
    await c.query("ALTER TABLE app.tasks ADD PRIMARY KEY (task_id)");
    for (const r of idx.rows) await c.query(r.indexdef);
    await c.query("VACUUM ANALYZE app.jobs");
    await c.query("VACUUM ANALYZE app.tasks");
    log(`keys, ${idx.rows.length} indexes and VACUUM ANALYZE in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    await c.query("INSERT INTO console.schema_migrations (name, checksum) VALUES ('bench:complete', 'bench')");
  });
}

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function series(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(await time(fn));
  return percentiles(ms);
}

const fmt = (x: { median: number; p95: number }) =>
  `median ${x.median.toFixed(1).padStart(7)} ms  p95 ${x.p95.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  if (!(await ready())) {
    log(`generating ${DB} (10M tasks; a few minutes, once) ...`);
    await generate();
  }
  // The console's own schema as this checkout has it (the data is kept between runs).
  await withClient(benchUrl(DB), (c) => migrate(c, { consoleOnly: true }));
  process.env.DATABASE_URL = benchUrl(DB);
  process.env.DATABASE_READER_URL = benchUrl(DB, "geoetl_reader");
  process.env.FAILURE_ROLLUP_SECONDS = "0";
  const { refreshFailures } = await import("../lib/failures/rollup");
  const groups = await import("../lib/failures/groups");
  const { endPools } = await import("../lib/db/pool");
  const raw = await import("pg").then((m) => new m.default.Client({ connectionString: benchUrl(DB, "geoetl_reader") }));
  await raw.connect();

  const counts = await raw.query<{ tasks: string; failed: string }>(
    "SELECT (SELECT count(*) FROM app.tasks) AS tasks, (SELECT count(*) FROM app.tasks WHERE status = 'failed') AS failed",
  );
  console.log(`failure triage: ${counts.rows[0].tasks} tasks, ${counts.rows[0].failed} failed; ${RUNS} runs each`);

  const rebuild = await time(() => refreshFailures({ rebuild: true }));
  const idle = await time(() => refreshFailures());
  await withClient(benchUrl(DB), (c) =>
    c.query(
      "UPDATE app.tasks SET status = 'failed', error_message = 'TaskTimeout: the tiles task exceeded ' || task_id || ' s' WHERE task_id IN (SELECT 'task-' || g FROM generate_series(1, 5000) g)",
    ),
  );
  const incremental = await time(() => refreshFailures());
  const rows = await withClient(benchUrl(DB), (c) =>
    c.query<{ n: number; g: number }>(
      "SELECT (SELECT count(*) FROM console.failures)::int AS n, (SELECT count(*) FROM console.failure_signatures)::int AS g",
    ),
  );
  console.log(`  rollup: ${rows.rows[0].n} failures in ${rows.rows[0].g} groups`);
  console.log(`  rebuild from scratch            ${(rebuild / 1000).toFixed(1)} s`);
  console.log(`  incremental, nothing changed    ${idle.toFixed(0)} ms`);
  console.log(`  incremental, 5,000 new failures ${incremental.toFixed(0)} ms`);

  const seqScans = async () => {
    await new Promise((r) => setTimeout(r, 1200)); // backends flush their statistics about once a second
    const r = await raw.query<{ n: string }>(
      "SELECT pg_stat_clear_snapshot(), (SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname = 'app' AND relname = 'tasks') AS n",
    );
    return Number(r.rows[0].n);
  };
  const before = await seqScans();
  for (const w of ["1h", "24h", "7d", "30d"] as const) {
    const app = await series(() => groups.listFailureGroups({ window: w, sort: "count", limit: 50, offset: 0 }));
    const secs = { "1h": 3600, "24h": 86400, "7d": 604800, "30d": 2592000 }[w];
    const plain = await series(() =>
      raw.query(
        `SELECT error_message, count(*) FROM app.tasks
          WHERE status = 'failed' AND updated_at >= now() - make_interval(secs => $1)
          GROUP BY error_message ORDER BY 2 DESC LIMIT 50`,
        [secs],
      ),
    );
    console.log(
      `  groups ${w.padEnd(4)} console ${fmt(app)} | plain GROUP BY ${fmt(plain)} | ratio ${(app.median / plain.median).toFixed(2)}×`,
    );
  }
  const top = (await groups.listFailureGroups({ window: "24h", sort: "count", limit: 1, offset: 0 })).groups[0];
  const page = await series(() =>
    Promise.all([
      groups.getFailureGroup(top.signature, "24h"),
      groups.listFailureMembers(top.signature, "24h", { limit: 50 }),
    ]),
  );
  const plainGroup = await series(() =>
    raw.query(
      `SELECT task_id, job_id, error_message, updated_at FROM app.tasks
        WHERE status = 'failed' AND updated_at >= now() - interval '24 hours' AND error_message LIKE $1
        ORDER BY updated_at DESC LIMIT 50`,
      [`${top.template.split("<")[0]}%`],
    ),
  );
  console.log(
    `  group page (24 h, ${top.count} failures) ${fmt(page)} | plain LIKE ${fmt(plainGroup)} | ratio ${(page.median / plainGroup.median).toFixed(2)}×`,
  );
  const after = await seqScans();
  console.log(`  sequential scans of app.tasks during the console's reads: ${after - before}`);
  await raw.end();
  await endPools();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
