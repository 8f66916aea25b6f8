import "server-only";
import { getConfig } from "../config";
import { countOrEstimate, tableRowEstimate } from "./estimate";
import { errorHeadline } from "../format";
import { JOB_STATUSES, TASK_STATUSES, type JobStatus, type TaskStatus } from "./jobs-params";
import { pgstacRead } from "./pgstac-session";
import { readQuery } from "./pool";
import { log } from "../log";
import { isoTime } from "./timestamps";

/**
 * The overview: what ran, what failed, what is stuck. Built to stay under ~200 ms on
 * 1M jobs / 10M tasks: small tables are counted exactly (one GROUP BY); big ones use the
 * planner's statistics for common statuses and an exact, capped count for rare ones (failed,
 * processing), which are the numbers people act on. Every count says whether it is exact.
 */

/** Up to this many rows a table is simply counted (GROUP BY status) on every view. */
const EXACT_TABLE_UP_TO = 200_000;
/** On bigger tables, a status estimated under this is still counted exactly (index-only, capped). */
const EXACT_STATUS_UP_TO = 50_000;

export interface StatusCounts<S extends string> {
  total: number;
  by_status: Record<S, number>;
  /** False when any figure is an estimate (then shown as "about ..."). */
  exact: boolean;
  exact_by_status: Record<S, boolean>;
}

async function countsByStatus<S extends string>(
  table: "app.jobs" | "app.tasks",
  statuses: readonly S[],
): Promise<StatusCounts<S>> {
  const by = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>;
  const exactBy = Object.fromEntries(statuses.map((s) => [s, true])) as Record<S, boolean>;
  const estimate = await tableRowEstimate(table);
  if (estimate === null || estimate <= EXACT_TABLE_UP_TO) {
    const rows = await readQuery<{ status: S; n: number }>(
      `SELECT status, count(*)::int AS n FROM ${table} GROUP BY status`,
    );
    let total = 0;
    for (const r of rows) {
      by[r.status] = r.n;
      total += r.n;
    }
    return { total, by_status: by, exact: true, exact_by_status: exactBy };
  }
  for (const s of statuses) {
    const c = await countOrEstimate(`SELECT 1 FROM ${table} WHERE status = $1`, [s], EXACT_STATUS_UP_TO);
    by[s] = c.value;
    exactBy[s] = c.exact;
  }
  return { total: estimate, by_status: by, exact: false, exact_by_status: exactBy };
}

export async function jobCountsByStatus(): Promise<StatusCounts<JobStatus>> {
  return countsByStatus("app.jobs", JOB_STATUSES);
}

export async function taskCountsByStatus(): Promise<StatusCounts<TaskStatus>> {
  return countsByStatus("app.tasks", TASK_STATUSES);
}

/**
 * Stuck tasks counted exactly up to this many; past it the overview says "10,000+". On the worst
 * day (a dead worker fleet: 750,000 stale processing tasks among 10M) an exact count took seconds
 * on every view; a bounded one reads at most STUCK_COUNT_CAP + 1 index entries.
 */
export const STUCK_COUNT_CAP = 10_000;

/** Processing tasks whose heartbeat (else updated_at) is older than the threshold: exact up to the cap. */
export async function countStuckTasks(
  minutes = getConfig().stuckTaskMinutes,
): Promise<{ count: number; capped: boolean }> {
  const rows = await readQuery<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM app.tasks
        WHERE status = 'processing' AND coalesce(heartbeat, updated_at, created_at) < now() - make_interval(mins => $1)
        LIMIT $2) s`,
    [minutes, STUCK_COUNT_CAP + 1],
  );
  const n = rows[0]?.n ?? 0;
  return n > STUCK_COUNT_CAP ? { count: STUCK_COUNT_CAP, capped: true } : { count: n, capped: false };
}

export const KNOWN_SCHEMAS = ["app", "geo", "pgstac", "h3", "console"] as const;

export async function listSchemas(): Promise<string[]> {
  const rows = await readQuery<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
  );
  return rows.map((r) => r.nspname);
}

export interface PgstacInfo {
  present: boolean;
  version: string | null;
  /** The demo's and tests' stand-in (sql/fixtures/pgstac_standin.sql), or the real pgSTAC. */
  standIn: boolean;
  /** What the pages say: "pgSTAC 0.9.8", "pgSTAC stand-in", "not installed". */
  label: string;
  /** Why the version could not be read, when the schema is there but get_version() failed. */
  problem: string | null;
}

export async function pgstacInfo(schemas?: string[]): Promise<PgstacInfo> {
  const list = schemas ?? (await listSchemas());
  if (!list.includes("pgstac"))
    return { present: false, version: null, standIn: false, label: "not installed", problem: null };
  const [c] = await readQuery<{ comment: string | null }>(
    `SELECT obj_description(to_regnamespace('pgstac'), 'pg_namespace') AS comment`,
  );
  const standIn = c?.comment?.startsWith("pgSTAC stand-in") ?? false;
  try {
    // Through the pgSTAC session helper (search_path = pgstac, public), like every call into pgSTAC.
    const rows = await pgstacRead<{ v: string | null }>("SELECT pgstac.get_version() AS v");
    const version = rows[0]?.v ?? null;
    return {
      present: true,
      version,
      standIn,
      label: standIn ? "pgSTAC stand-in" : version ? `pgSTAC ${version}` : "pgSTAC (version unreadable)",
      problem: version ? null : "pgstac.get_version() returned nothing",
    };
  } catch (err) {
    // The raw driver text stays in the server log; clients get a fixed phrase and the SQLSTATE.
    const e = err as { code?: string; message?: string };
    log.error("pgstac.get_version() failed", { code: e.code, error: e.message });
    return {
      present: true,
      version: null,
      standIn,
      label: "pgSTAC (version unreadable)",
      problem: `pgstac.get_version() failed${e.code ? ` (SQLSTATE ${e.code})` : ""}`,
    };
  }
}

// ------------------------------------------------------------------ chart

export type ChartRange = "24h" | "7d";
export interface HourBucket {
  hour: string; // ISO, start of the hour (UTC)
  counts: Record<JobStatus, number>;
  total: number;
}

const chartCache = new Map<string, { at: number; data: HourBucket[] }>();
/** The hourly chart changes slowly; one computation per 15 s per range is plenty. */
const CHART_TTL_MS = 15_000;

export async function jobsPerHour(
  range: ChartRange,
  opts: { fresh?: boolean; now?: Date } = {},
): Promise<HourBucket[]> {
  const hours = range === "24h" ? 24 : 168;
  const key = `${getConfig().reader.database}:${range}`;
  const hit = chartCache.get(key);
  if (!opts.fresh && !opts.now && hit && Date.now() - hit.at < CHART_TTL_MS) return hit.data;
  const now = opts.now ?? new Date();
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000); // start of the current hour
  const start = new Date(end.getTime() - (hours - 1) * 3_600_000);
  // Index-only on idx_jobs_created_status (created_at) INCLUDE (status).
  const rows = await readQuery<{ h: Date; status: JobStatus; n: number }>(
    `SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS h, status, count(*)::int AS n
       FROM app.jobs WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`,
    [start, new Date(end.getTime() + 3_600_000)],
  );
  const buckets: HourBucket[] = [];
  const index = new Map<number, HourBucket>();
  for (let i = 0; i < hours; i++) {
    const t = start.getTime() + i * 3_600_000;
    const b: HourBucket = {
      hour: new Date(t).toISOString(),
      counts: Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>,
      total: 0,
    };
    buckets.push(b);
    index.set(t, b);
  }
  for (const r of rows) {
    const b = index.get(r.h.getTime());
    if (!b) continue;
    b.counts[r.status] += r.n;
    b.total += r.n;
  }
  if (!opts.now) chartCache.set(key, { at: Date.now(), data: buckets });
  return buckets;
}

// ------------------------------------------------------------------ failures

export interface RecentFailure {
  job_id: string;
  job_type: string;
  failed_at: string | null;
  /** First line of the job's error, else of its most recent failed task's error. */
  error: string | null;
  failed_tasks_sample_id: string | null;
}

export async function latestFailures(limit = 8): Promise<RecentFailure[]> {
  const rows = await readQuery<{
    job_id: string;
    job_type: string;
    updated_at: Date | null;
    job_error: string | null;
    task_error: string | null;
    task_id: string | null;
  }>(
    `SELECT j.job_id, j.job_type, j.updated_at,
            left(coalesce(j.result_data->>'error', j.result_data->>'error_message', j.result_data->>'message'), 2000) AS job_error,
            t.error_message AS task_error, t.task_id
       FROM (SELECT job_id, job_type, updated_at, result_data FROM app.jobs WHERE status = 'failed'
              ORDER BY updated_at DESC, job_id DESC LIMIT $1) j
       LEFT JOIN LATERAL (
         SELECT task_id, left(error_message, 2000) AS error_message FROM app.tasks
          WHERE job_id = j.job_id AND status = 'failed' AND error_message IS NOT NULL
          ORDER BY updated_at DESC LIMIT 1) t ON true
      ORDER BY j.updated_at DESC, j.job_id DESC`,
    [limit],
  );
  return rows.map((r) => ({
    job_id: r.job_id,
    job_type: r.job_type,
    failed_at: isoTime(r.updated_at),
    error: errorHeadline(r.job_error) ?? errorHeadline(r.task_error),
    failed_tasks_sample_id: r.task_id,
  }));
}

// ------------------------------------------------------------------ all of it

export interface Overview {
  jobs: StatusCounts<JobStatus>;
  tasks: StatusCounts<TaskStatus>;
  stuck_tasks: number;
  /** true: there are more than stuck_tasks (the count stopped at STUCK_COUNT_CAP). */
  stuck_tasks_capped: boolean;
  stuck_threshold_minutes: number;
  schemas: string[];
  pgstac: PgstacInfo;
}

/** Counts for the overview and /api/dbadmin/stats (the chart and failures are fetched separately). */
export async function getOverviewCounts(): Promise<Overview> {
  const minutes = getConfig().stuckTaskMinutes;
  const schemas = await listSchemas();
  if (!schemas.includes("app")) {
    const none = <S extends string>(st: readonly S[]): StatusCounts<S> => ({
      total: 0,
      by_status: Object.fromEntries(st.map((s) => [s, 0])) as Record<S, number>,
      exact: true,
      exact_by_status: Object.fromEntries(st.map((s) => [s, true])) as Record<S, boolean>,
    });
    return {
      jobs: none(JOB_STATUSES),
      tasks: none(TASK_STATUSES),
      stuck_tasks: 0,
      stuck_tasks_capped: false,
      stuck_threshold_minutes: minutes,
      schemas,
      pgstac: await pgstacInfo(schemas),
    };
  }
  const [jobs, tasks, stuck, pgstac] = await Promise.all([
    jobCountsByStatus(),
    taskCountsByStatus(),
    countStuckTasks(minutes),
    pgstacInfo(schemas),
  ]);
  return {
    jobs,
    tasks,
    stuck_tasks: stuck.count,
    stuck_tasks_capped: stuck.capped,
    stuck_threshold_minutes: minutes,
    schemas,
    pgstac,
  };
}
