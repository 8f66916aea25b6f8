/**
 * npm run bench:jobs [-- --reuse] [-- --skip-http]
 *
 * Benchmark of the jobs/tasks read paths at scale, in its OWN database (geoetl_bench_jobs) in the
 * private cluster (scripts/db.sh): 1,000,000 jobs over 30 days and 10,000,000 tasks generated in
 * SQL (a few big INSERT ... SELECT generate_series), indexes built after loading, VACUUM ANALYZE.
 * Then, for each case, median and p95 of
 *   app   the app's own query function (lib/db/*, reader pool, in this process),
 *   raw   the same SQL statements through a plain pg Client (same reader role),
 *   http  the JSON API through `next start` (bearer token), where there is an endpoint,
 * and the ratios app/raw and http/raw. Finally it pages through the whole job list over HTTP
 * (limit=1000) and samples the server's RSS to show memory stays flat.
 *
 * --reuse keeps an existing, complete bench database (skips the ~10 min generation).
 * Not part of `npm test`. Results also go to bench/jobs-results.json.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";

const PORT = process.env.PGPORT ?? "54329";
const DB = "geoetl_bench_jobs";
const HTTP_PORT = Number(process.env.BENCH_HTTP_PORT ?? 3299);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const args = new Set(process.argv.slice(2));
const url = (user: string, db = DB) => `postgresql://${user}@127.0.0.1:${PORT}/${db}?sslmode=disable`;
const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

async function withClient<T>(u: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: u });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------------ data

async function benchDatabaseReady(): Promise<boolean> {
  const exists = await withClient(url("postgres", "postgres"), (c) =>
    c.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB]),
  );
  if (!exists.rowCount) return false;
  return withClient(url("postgres"), async (c) => {
    const r = await c
      .query("SELECT 1 FROM console.schema_migrations WHERE name = 'bench:complete'")
      .catch(() => ({ rowCount: 0 }));
    return !!r.rowCount;
  });
}

async function generate(): Promise<void> {
  const { migrate } = await import("../lib/db/migrate");
  await withClient(url("postgres", "postgres"), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB}`);
  });
  await withClient(url("postgres"), async (c) => {
    await migrate(c, { fixtures: true });
    await c.query("SET maintenance_work_mem = '1GB'");
    await c.query("SET max_parallel_maintenance_workers = 2");
    await c.query("SET synchronous_commit = off");
    // Indexes after loading: remember them, drop them (and the keys), load, rebuild.
    const idx = await c.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'app' AND tablename IN ('jobs', 'tasks')
          AND indexname NOT IN ('jobs_pkey', 'tasks_pkey')`,
    );
    const defs = idx.rows.map((r) => r.indexdef);
    await c.query("ALTER TABLE app.tasks DROP CONSTRAINT IF EXISTS tasks_job_id_fkey");
    await c.query("ALTER TABLE app.tasks DROP CONSTRAINT IF EXISTS tasks_pkey");
    await c.query("ALTER TABLE app.jobs DROP CONSTRAINT IF EXISTS jobs_pkey");
    for (const d of defs) await c.query(`DROP INDEX IF EXISTS app.${/INDEX (\S+) ON/.exec(d)![1]}`);

    let t = Date.now();
    log("loading 1,000,000 jobs ...");
    // Realistic shape: 30 days, more jobs in working hours; ~85% completed, 6% failed, 5% with
    // errors; the last hours hold the queued/processing ones; 1-4 stages; durations 5 s - 2 h.
    await c.query(`
      INSERT INTO app.jobs (job_id, job_type, status, stage, total_stages, parameters, stage_results, result_data, metadata, created_at, updated_at)
      SELECT md5(g::text) || md5((g::bigint * 7919)::text),
             (ARRAY['ingest_vector','process_raster','process_vector','h3_aggregate','stac_catalog'])[1 + (g % 5)],
             st, CASE WHEN st IN ('completed','completed_with_errors') THEN ts ELSE 1 + (g % ts) END, ts,
             jsonb_build_object('source_file', 'uploads/file_' || g || '.gpkg', 'collection', 'col-' || (g % 40), 'overwrite', (g % 3 = 0)),
             CASE WHEN st = 'queued' THEN '{}'::jsonb ELSE jsonb_build_object('1', jsonb_build_object('tasks', 10, 'ok', true)) END,
             CASE WHEN st = 'failed' THEN jsonb_build_object('error', 'Timeout after 600s waiting for tile ' || g || E'\\nTraceback (most recent call last): ...', 'failed_stage', 1)
                  WHEN st = 'completed' THEN jsonb_build_object('rows', g % 100000) END,
             jsonb_build_object('submitted_by', 'svc-' || (g % 7)),
             created, created + make_interval(secs => 5 + (g * 37 % 7200))
        FROM (SELECT g, 1 + (g % 4) AS ts,
                     now() - make_interval(secs => ((1000000 - g)::float8 / 1000000 * 30 * 86400)) AS created,
                     CASE WHEN g > 999000 THEN (CASE WHEN g % 2 = 0 THEN 'queued' ELSE 'processing' END)
                          WHEN g % 100 < 6 THEN 'failed'
                          WHEN g % 100 < 11 THEN 'completed_with_errors'
                          WHEN g % 1000 = 999 THEN 'processing'
                          ELSE 'completed' END AS st
                FROM generate_series(1, 1000000) g) s`);
    log(`jobs loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);

    // 10 tasks for each of the first 999,000 jobs (9,990,000) + one job with 10,000 tasks.
    const chunk = 111_000;
    for (let from = 1; from <= 999_000; from += chunk) {
      t = Date.now();
      const to = Math.min(999_000, from + chunk - 1);
      await c.query(
        `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, parameters, result_data, error_message, retry_count, heartbeat, created_at, updated_at)
         SELECT left(j.job_id, 16) || '-' || lpad(t::text, 5, '0'), j.job_id,
                (ARRAY['download','validate','transform','upload','catalog'])[1 + (t % 5)],
                ts.st, 1 + (t % j.total_stages),
                jsonb_build_object('chunk', t), CASE WHEN ts.st = 'completed' THEN jsonb_build_object('rows', t * 100) END,
                CASE WHEN ts.st = 'failed' THEN 'Timeout after 600s waiting for batch ' || t || E'\\n  File "worker.py", line 42, in run' END,
                CASE WHEN ts.st = 'failed' THEN 3 ELSE (t % 7 = 0)::int END,
                CASE WHEN ts.st = 'processing' THEN (CASE WHEN t % 3 = 0 THEN now() - interval '25 minutes' ELSE now() - interval '30 seconds' END) END,
                j.created_at + make_interval(secs => t), j.created_at + make_interval(secs => t + 30)
           FROM app.jobs j
           CROSS JOIN generate_series(0, 9) t
           CROSS JOIN LATERAL (SELECT CASE
                 WHEN j.status = 'completed' THEN 'completed'
                 WHEN j.status IN ('failed', 'completed_with_errors') THEN CASE WHEN t = 0 THEN 'failed' ELSE 'completed' END
                 WHEN j.status = 'processing' THEN CASE WHEN t < 3 THEN 'completed' WHEN t < 6 THEN 'processing' ELSE 'pending' END
                 ELSE 'pending' END AS st) ts
          WHERE j.job_id IN (SELECT md5(g::text) || md5((g::bigint * 7919)::text) FROM generate_series($1::int, $2::int) g)`,
        [from, to],
      );
      log(`tasks for jobs ${from}-${to} loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
    // The big job (bench "job detail with 10,000 tasks"): job #999,999 (processing, 4 stages).
    await c.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, error_message, heartbeat, created_at, updated_at)
       SELECT 'big-' || lpad(t::text, 6, '0'), j.job_id, 'tile', st, 1 + t / 2500,
              CASE WHEN st = 'failed' THEN 'Tile ' || t || ' failed: out of memory' END,
              CASE WHEN st = 'processing' THEN now() - interval '20 minutes' END,
              j.created_at + make_interval(secs => t / 10), j.created_at + make_interval(secs => t / 10 + 5)
         FROM app.jobs j CROSS JOIN generate_series(0, 9999) t
         CROSS JOIN LATERAL (SELECT CASE WHEN t < 7500 THEN (CASE WHEN t % 97 = 0 THEN 'failed' ELSE 'completed' END)
                                         WHEN t < 7600 THEN 'processing' ELSE 'pending' END AS st) s
        WHERE j.job_id = md5('999999') || md5((999999::bigint * 7919)::text)`,
    );
    t = Date.now();
    log("building keys and indexes ...");
    await c.query("ALTER TABLE app.jobs ADD PRIMARY KEY (job_id)");
    await c.query("ALTER TABLE app.tasks ADD PRIMARY KEY (task_id)");
    await c.query(
      "ALTER TABLE app.tasks ADD CONSTRAINT tasks_job_id_fkey FOREIGN KEY (job_id) REFERENCES app.jobs(job_id) NOT VALID",
    );
    for (const d of defs) {
      const t1 = Date.now();
      await c.query(d);
      log(`  ${/INDEX (\S+) ON/.exec(d)![1]} ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    }
    log(`indexes built in ${((Date.now() - t) / 1000).toFixed(0)} s; VACUUM ANALYZE ...`);
    await c.query("VACUUM ANALYZE app.jobs");
    await c.query("VACUUM ANALYZE app.tasks");
    await c.query("INSERT INTO console.schema_migrations (name, checksum) VALUES ('bench:complete', 'bench')");
  });
}

// ------------------------------------------------------------------ measuring

type Sample = { median: number; p95: number };
const stats = (xs: number[]): Sample => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] };
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

async function startServer(distDir: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(HTTP_PORT), "-H", "127.0.0.1"],
    {
      env: { ...env, NEXT_DIST_DIR: distDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stderr?.on("data", (d) => process.stderr.write(`[next] ${d}`));
  child.stdout?.on("data", (d) => process.stderr.write(`[next] ${d}`));
  child.on("exit", (code, signal) => log(`next start exited (code ${code}, signal ${signal})`));
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/health`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error("next start did not come up");
}

/** RSS (MB) of a process and its descendants, from /proc. */
function rssMb(pid: number): number {
  const kids = new Map<number, number[]>();
  for (const d of execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n")) {
    const [p, pp] = d.trim().split(/\s+/).map(Number);
    kids.set(pp, [...(kids.get(pp) ?? []), p]);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {
      /* gone */
    }
    stack.push(...(kids.get(p) ?? []));
  }
  return Math.round(total / 1024);
}

async function main() {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  if (args.has("--reuse") && (await benchDatabaseReady())) log(`reusing ${DB}`);
  else {
    const t = Date.now();
    await generate();
    log(`generated ${DB} in ${((Date.now() - t) / 60000).toFixed(1)} min`);
  }

  // The app's functions, pointed at the bench database (config is read on first use).
  process.env.DATABASE_URL = url("postgres");
  process.env.DATABASE_READER_URL = url("geoetl_reader");
  const jobs = await import("../lib/db/jobs");
  const tasks = await import("../lib/db/tasks");
  const overview = await import("../lib/db/overview");
  const { encodeCursor } = await import("../lib/db/cursor");
  const { pools } = await import("../lib/db/pool");

  // Record the SQL each app call sends, to replay it raw.
  const reader = pools().reader;
  let recorded: Array<[string, unknown[]]> = [];
  let recording = false;
  const origQuery = reader.query.bind(reader) as (...a: unknown[]) => Promise<unknown>;
  (reader as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (text: unknown, values?: unknown) => {
    if (recording) recorded.push([String(text), (values as unknown[]) ?? []]);
    return origQuery(text, values);
  };
  const raw = new Client({ connectionString: url("geoetl_reader") });
  await raw.connect();

  const info = await withClient(url("postgres"), async (c) => {
    const counts = (
      await c.query(
        "SELECT (SELECT count(*) FROM app.jobs)::int AS jobs, (SELECT count(*) FROM app.tasks)::int AS tasks",
      )
    ).rows[0];
    const deep = (
      await c.query(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k, job_id FROM app.jobs
        ORDER BY created_at DESC, job_id DESC OFFSET 900000 LIMIT 1`,
      )
    ).rows[0];
    const big = (
      await c.query("SELECT job_id, count(*)::int AS n FROM app.tasks WHERE task_id LIKE 'big-%' GROUP BY job_id")
    ).rows[0];
    return { counts, deep, big };
  });
  log(
    `database: ${info.counts.jobs} jobs, ${info.counts.tasks} tasks; big job ${info.big.job_id} has ${info.big.n} tasks`,
  );
  const deepCursor = encodeCursor({ direction: "next", sort: "created", key: info.deep.k, id: info.deep.job_id });

  const cases: Array<{ name: string; app: () => Promise<unknown>; http?: string }> = [
    {
      name: "jobs: first page (25)",
      app: () => jobs.listJobs({ sort: "created", limit: 25 }),
      http: "/api/dbadmin/jobs?limit=25&total=false",
    },
    {
      name: "jobs: page after ~900k rows",
      app: () => jobs.listJobs({ sort: "created", limit: 25, cursor: deepCursor }),
      http: `/api/dbadmin/jobs?limit=25&cursor=${deepCursor}`,
    },
    {
      name: "jobs: status=failed + last 24 h",
      app: () =>
        jobs.listJobs({ sort: "created", limit: 25, statuses: ["failed"], since: new Date(Date.now() - 86_400_000) }),
      http: "/api/dbadmin/jobs?limit=25&status=failed&hours=24&total=false",
    },
    {
      name: "jobs: failed,processing sorted by updated",
      app: () => jobs.listJobs({ sort: "updated", limit: 25, statuses: ["failed", "processing"] }),
      http: "/api/dbadmin/jobs?limit=25&status=failed,processing&sort=updated&total=false",
    },
    {
      name: "jobs: count for status=failed + 24 h",
      app: () =>
        jobs.countJobs({ sort: "created", limit: 25, statuses: ["failed"], since: new Date(Date.now() - 86_400_000) }),
    },
    {
      name: "job detail (10,000 tasks)",
      app: () => jobs.getJob(info.big.job_id),
      http: `/api/dbadmin/jobs/${info.big.job_id}`,
    },
    {
      name: "job tasks page (100 of 10,000)",
      app: () => tasks.listJobTasks(info.big.job_id, { limit: 100 }),
      http: `/api/dbadmin/tasks/${info.big.job_id}?limit=100`,
    },
    {
      name: "tasks: status=failed (50)",
      app: () => tasks.listTasks({ statuses: ["failed"], limit: 50 }),
      http: "/api/dbadmin/tasks?status=failed&limit=50",
    },
    {
      name: "tasks: stuck only",
      app: () => tasks.listTasks({ stuckOnly: true, limit: 50 }),
      http: "/api/dbadmin/tasks?stuck=true&limit=50",
    },
    { name: "overview counts (stats)", app: () => overview.getOverviewCounts(), http: "/api/dbadmin/stats" },
    { name: "overview chart 7 d (uncached)", app: () => overview.jobsPerHour("7d", { fresh: true }) },
    { name: "overview latest failures", app: () => overview.latestFailures(8) },
  ];

  let server: ChildProcess | undefined;
  let token = "";
  if (!args.has("--skip-http")) {
    const distDir = process.env.NEXT_DIST_DIR ?? ".next";
    if (!existsSync(path.join(distDir, "BUILD_ID"))) {
      log(`no production build in ${distDir}: building ...`);
      execFileSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_DIST_DIR: distDir } });
    }
    const env = {
      ...process.env,
      DATABASE_URL: url("postgres"),
      DATABASE_READER_URL: url("geoetl_reader"),
      NODE_ENV: "production" as const,
    };
    token = execFileSync("npx", ["tsx", "scripts/token.ts", "reader"], {
      encoding: "utf8",
      env: { ...env, NODE_ENV: "development" },
      stdio: ["ignore", "pipe", "ignore"],
    })
      .trim()
      .split("\n")
      .pop()!;
    server = await startServer(distDir, env);
    log(`next start on :${HTTP_PORT} (pid ${server.pid})`);
  }
  const get = async (p: string) => {
    const r = await fetch(`http://127.0.0.1:${HTTP_PORT}${p}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };

  const results: Array<Record<string, unknown>> = [];
  try {
    for (const c of cases) {
      recorded = [];
      recording = true;
      await c.app();
      recording = false;
      const statements = [...recorded];
      const app = await time(c.app);
      const rawT = await time(async () => {
        for (const [text, values] of statements) await raw.query(text, values);
      });
      const http = server && c.http ? await time(() => get(c.http!), Math.min(RUNS, 40)) : undefined;
      const row = {
        case: c.name,
        statements: statements.length,
        app_median_ms: +app.median.toFixed(2),
        app_p95_ms: +app.p95.toFixed(2),
        raw_median_ms: +rawT.median.toFixed(2),
        raw_p95_ms: +rawT.p95.toFixed(2),
        app_vs_raw: +(app.median / rawT.median).toFixed(2),
        http_median_ms: http ? +http.median.toFixed(2) : null,
        http_p95_ms: http ? +http.p95.toFixed(2) : null,
        http_vs_raw: http ? +(http.median / rawT.median).toFixed(2) : null,
      };
      results.push(row);
      log(JSON.stringify(row));
    }

    let memory: Record<string, unknown> | undefined;
    if (server?.pid) {
      log("paging through the whole job list over HTTP (limit=1000), sampling server RSS ...");
      const samples: number[] = [rssMb(server.pid)];
      let cursor: string | null = null;
      let pages = 0;
      let rows = 0;
      const t = Date.now();
      do {
        const body: { jobs: unknown[]; next_cursor: string | null } = await get(
          `/api/dbadmin/jobs?limit=1000&total=false${cursor ? `&cursor=${cursor}` : ""}`,
        );
        rows += body.jobs.length;
        cursor = body.next_cursor;
        if (++pages % 100 === 0) samples.push(rssMb(server.pid));
      } while (cursor);
      samples.push(rssMb(server.pid));
      memory = {
        pages,
        rows,
        seconds: Math.round((Date.now() - t) / 1000),
        rss_mb_samples: samples,
        rss_mb_start: samples[0],
        rss_mb_max: Math.max(...samples),
        rss_mb_end: samples.at(-1),
      };
      log(JSON.stringify(memory));
    }

    console.log(
      "\n| case | app median / p95 (ms) | raw SQL median / p95 (ms) | app/raw | HTTP median / p95 (ms) | HTTP/raw |\n|---|---|---|---|---|---|",
    );
    for (const r of results) {
      console.log(
        `| ${r.case} | ${r.app_median_ms} / ${r.app_p95_ms} | ${r.raw_median_ms} / ${r.raw_p95_ms} | ${r.app_vs_raw}× | ${r.http_median_ms ?? "—"} / ${r.http_p95_ms ?? "—"} | ${r.http_vs_raw ? `${r.http_vs_raw}×` : "—"} |`,
      );
    }
    mkdirSync("bench", { recursive: true });
    writeFileSync(
      "bench/jobs-results.json",
      JSON.stringify({ at: new Date().toISOString(), database: info.counts, runs: RUNS, results, memory }, null, 2),
    );
    log("written bench/jobs-results.json");
  } finally {
    await raw.end();
    await pools()
      .reader.end()
      .catch(() => undefined);
    if (pools().admin !== pools().reader)
      await pools()
        .admin.end()
        .catch(() => undefined);
    server?.kill("SIGTERM");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
