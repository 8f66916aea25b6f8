import "server-only";
import { getConfig } from "../config";
import { decodeCursor, encodeCursor, tsKeySql, type Cursor } from "./cursor";
import { countOrEstimate, type CountResult } from "./estimate";
import { errorHeadline } from "../format";
import { type JobListParams, type JobStatus, type TaskStatus } from "./jobs-params";
import { distinctValues } from "./distinct";
import { keysetPage, SqlParams, timestampKeysetCondition } from "./keyset";
import { type DbTimestamp, isoTime, orderMs, secondsBetween } from "./timestamps";
import { likePrefix } from "./like";
import { readQuery } from "./pool";

/**
 * CoreMachine jobs: the list (filters + keyset pagination), the count (exact when cheap) and
 * the detail with its stage timeline. Every value reaches SQL as a parameter; the only text
 * put together here are fixed column names chosen from a closed set.
 */

export type JobSort = "created" | "updated";
const SORT_COLUMN: Record<JobSort, "created_at" | "updated_at"> = { created: "created_at", updated: "updated_at" };

export interface JobFilter {
  statuses?: JobStatus[];
  jobType?: string;
  since?: Date;
  until?: Date;
  idPrefix?: string;
  sort: JobSort;
  limit: number;
  cursor?: string;
}

/** The API/page parameters as a filter; `hours` becomes a window ending now. */
export function jobFilterFromParams(p: JobListParams, now: Date = new Date()): JobFilter {
  const since = p.hours !== undefined ? new Date(now.getTime() - p.hours * 3_600_000) : p.since;
  return {
    statuses: p.status,
    jobType: p.job_type,
    since,
    until: p.hours !== undefined ? undefined : p.until,
    idPrefix: p.q,
    sort: p.sort,
    limit: p.limit,
    cursor: p.cursor,
  };
}

/** A job as lists show it: no parameters or results (they can be large; the detail has them). */
export interface JobSummary {
  job_id: string;
  job_type: string;
  status: JobStatus;
  stage: number;
  total_stages: number;
  created_at: string | null;
  updated_at: string | null;
  /** updated_at - created_at once the job has finished; null while it is queued or processing. */
  duration_seconds: number | null;
  /** First line of the job's error, for failed jobs (result_data.error / error_message). */
  error: string | null;
}

export interface JobPage {
  jobs: JobSummary[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

const nonNegative = (s: number | null) => (s === null ? null : Math.max(0, s));

const FINISHED: readonly string[] = ["completed", "failed", "completed_with_errors"];

// The job's own error, if the pipeline recorded one in result_data (any of its spellings); the
// failure rollup groups by the whole text, the lists carry its first 2,000 characters.
export const jobErrorTextSql = (rd = "result_data") =>
  `coalesce(${rd}->>'error', ${rd}->>'error_message', ${rd}->>'message')`;
const JOB_ERROR_SQL = `left(${jobErrorTextSql()}, 2000)`;

const SUMMARY_COLUMNS = (sortCol: string) => `job_id, job_type, status, stage, total_stages, created_at, updated_at,
  CASE WHEN status IN ('completed','failed','completed_with_errors') THEN ${JOB_ERROR_SQL} END AS error,
  ${tsKeySql(sortCol)} AS sort_key`;

interface SummaryRow {
  job_id: string;
  job_type: string;
  status: JobStatus;
  stage: number;
  total_stages: number;
  created_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
  error: string | null;
  sort_key: string | null;
}

function toSummary(r: SummaryRow): JobSummary {
  const finished = FINISHED.includes(r.status);
  return {
    job_id: r.job_id,
    job_type: r.job_type,
    status: r.status,
    stage: r.stage,
    total_stages: r.total_stages,
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
    duration_seconds: finished ? nonNegative(secondsBetween(r.created_at, r.updated_at)) : null,
    error: r.status === "failed" || r.status === "completed_with_errors" ? errorHeadline(r.error) : null,
  };
}

/** Filter conditions that do not involve status (status is handled per index, see listJobs). */
function baseConditions(f: JobFilter, p: SqlParams): string[] {
  const c: string[] = [];
  if (f.jobType) c.push(`job_type = ${p.add(f.jobType)}`);
  if (f.since) c.push(`created_at >= ${p.add(f.since)}`);
  if (f.until) c.push(`created_at < ${p.add(f.until)}`);
  if (f.idPrefix) c.push(`job_id LIKE ${p.add(likePrefix(f.idPrefix))}`);
  return c;
}

/** Up to `take` rows after (or before) `cursor`, in the direction's order. */
function fetchJobRows(f: JobFilter, cursor: Cursor | undefined, take: number): Promise<SummaryRow[]> {
  const col = SORT_COLUMN[f.sort];
  const direction = cursor?.direction ?? "next";
  const p = new SqlParams();
  const conds = baseConditions(f, p);
  if (cursor) conds.push(timestampKeysetCondition(col, "job_id", direction, cursor.key, cursor.id, p));
  const order = direction === "next" ? `${col} DESC, job_id DESC` : `${col} ASC, job_id ASC`;
  const lim = p.add(take);

  let sql: string;
  if (f.statuses && f.statuses.length > 0) {
    // One index range per status ((status, <sort>, job_id) indexes), merged: each status's
    // newest rows come straight off its index, so a rare status never scans the others.
    const statuses = p.add(f.statuses);
    const where = ["status = s.status", ...conds].join(" AND ");
    sql = `SELECT j.* FROM unnest(${statuses}::text[]) AS s(status)
           CROSS JOIN LATERAL (SELECT ${SUMMARY_COLUMNS(col)} FROM app.jobs WHERE ${where} ORDER BY ${order} LIMIT ${lim}) j
           ORDER BY ${order.replace(/(created_at|updated_at|job_id)/g, "j.$1")} LIMIT ${lim}`;
  } else {
    sql = `SELECT ${SUMMARY_COLUMNS(col)} FROM app.jobs ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${lim}`;
  }
  return readQuery<SummaryRow>(sql, p.values);
}

export async function listJobs(f: JobFilter): Promise<JobPage> {
  const page = await keysetPage({
    cursor: f.cursor ? decodeCursor(f.cursor, f.sort) : undefined,
    limit: f.limit,
    fetch: (cursor, take) => fetchJobRows(f, cursor, take),
    cursorOf: (direction, r) => encodeCursor({ direction, sort: f.sort, key: r.sort_key, id: r.job_id }),
  });
  return { jobs: page.rows.map(toSummary), next_cursor: page.next_cursor, prev_cursor: page.prev_cursor };
}

/** How many jobs match the filter (cursor ignored): exact up to 10,000, else the planner's estimate. */
export async function countJobs(f: JobFilter): Promise<CountResult> {
  const p = new SqlParams();
  const conds = baseConditions(f, p);
  if (f.statuses && f.statuses.length > 0) conds.push(`status = ANY(${p.add(f.statuses)}::text[])`);
  return countOrEstimate(`SELECT 1 FROM app.jobs ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""}`, p.values);
}

/** Distinct job types for the filter menu (fast on 1M rows: few types, see distinctValues). */
export const listJobTypes = (): Promise<string[]> => distinctValues("app.jobs", "job_type");

// ---------------------------------------------------------------- detail

export interface StageSummary {
  stage: number;
  counts: Record<TaskStatus, number>;
  total: number;
  stuck: number;
  started_at: string | null;
  /** Set only when every task of the stage has finished (completed or failed). */
  finished_at: string | null;
  duration_seconds: number | null;
  state: "not_started" | "running" | "done" | "failed";
}

export interface JobDetail extends JobSummary {
  parameters: unknown;
  stage_results: unknown;
  result_data: unknown;
  metadata: unknown;
  stages: StageSummary[];
  /** Declared stages beyond MAX_EMPTY_STAGES that have no tasks: counted, not listed. */
  hidden_empty_stages: number;
  task_counts: Record<TaskStatus, number> & { total: number; stuck: number };
  stuck_threshold_minutes: number;
}

interface StageRow {
  stage: number;
  status: TaskStatus;
  n: number;
  stuck: number;
  started: DbTimestamp | null;
  ended: DbTimestamp | null;
}

const emptyCounts = (): Record<TaskStatus, number> => ({ pending: 0, processing: 0, completed: 0, failed: 0 });

/** Declared stages without tasks shown at most (the rest is a count: hidden_empty_stages). */
export const MAX_EMPTY_STAGES = 100;

export async function getJob(jobId: string): Promise<JobDetail | null> {
  const jobRows = await readQuery<
    SummaryRow & { parameters: unknown; stage_results: unknown; result_data: unknown; metadata: unknown }
  >(
    `SELECT ${SUMMARY_COLUMNS("created_at")}, parameters, stage_results, result_data, metadata FROM app.jobs WHERE job_id = $1`,
    [jobId],
  );
  const job = jobRows[0];
  if (!job) return null;
  const minutes = getConfig().stuckTaskMinutes;
  // One pass over the job's tasks (idx_tasks_stage), grouped by stage and status.
  const stageRows = await readQuery<StageRow>(
    `SELECT stage, status, count(*)::int AS n,
            count(*) FILTER (WHERE status = 'processing'
                               AND coalesce(heartbeat, updated_at, created_at) < now() - make_interval(mins => $2))::int AS stuck,
            min(created_at) AS started, max(updated_at) AS ended
       FROM app.tasks WHERE job_id = $1 GROUP BY stage, status ORDER BY stage, status`,
    [jobId, minutes],
  );
  const byStage = new Map<number, StageRow[]>();
  for (const r of stageRows) byStage.set(r.stage, [...(byStage.get(r.stage) ?? []), r]);
  // The stages that have tasks, plus the declared ones still empty, at most MAX_EMPTY_STAGES of
  // those: total_stages is data (one corrupt row said 2,000,000,000), never a loop bound as is.
  const declared = Number.isSafeInteger(job.total_stages)
    ? Math.min(Math.max(job.total_stages, 0), MAX_EMPTY_STAGES)
    : 0;
  const stageNumbers = [...new Set([...Array.from({ length: declared }, (_, i) => i + 1), ...byStage.keys()])].sort(
    (a, b) => a - b,
  );
  const hiddenEmptyStages = Math.max(
    0,
    (Number.isSafeInteger(job.total_stages) ? job.total_stages : 0) -
      declared -
      [...byStage.keys()].filter((k) => k > declared).length,
  );
  const stages: StageSummary[] = [];
  const totals = { ...emptyCounts(), total: 0, stuck: 0 };
  for (const s of stageNumbers) {
    const rows = byStage.get(s) ?? [];
    const counts = emptyCounts();
    let stuck = 0;
    let started: DbTimestamp | null = null;
    let ended: DbTimestamp | null = null;
    for (const r of rows) {
      counts[r.status] = r.n;
      stuck += r.stuck;
      const at = orderMs(r.started);
      const to = orderMs(r.ended);
      if (at !== null && (started === null || at < orderMs(started)!)) started = r.started;
      if (to !== null && (ended === null || to > orderMs(ended)!)) ended = r.ended;
    }
    const total = rows.reduce((a, r) => a + r.n, 0);
    const open = counts.pending + counts.processing;
    const finished = total > 0 && open === 0;
    for (const k of Object.keys(counts) as TaskStatus[]) totals[k] += counts[k];
    totals.total += total;
    totals.stuck += stuck;
    stages.push({
      stage: s,
      counts,
      total,
      stuck,
      started_at: isoTime(started),
      finished_at: finished ? isoTime(ended) : null,
      duration_seconds: finished ? nonNegative(secondsBetween(started, ended)) : null,
      state: total === 0 ? "not_started" : !finished ? "running" : counts.failed > 0 ? "failed" : "done",
    });
  }
  return {
    ...toSummary(job),
    error: errorHeadline(job.error),
    parameters: job.parameters,
    stage_results: job.stage_results,
    result_data: job.result_data,
    metadata: job.metadata,
    stages,
    hidden_empty_stages: hiddenEmptyStages,
    task_counts: totals,
    stuck_threshold_minutes: minutes,
  };
}

export async function jobExists(jobId: string): Promise<boolean> {
  const rows = await readQuery<{ one: number }>("SELECT 1 AS one FROM app.jobs WHERE job_id = $1", [jobId]);
  return rows.length > 0;
}
