import "server-only";
import { AppError } from "../api/errors";
import { decodeCursor, encodeCursor, tsKeySql, type Cursor } from "../db/cursor";
import { keysetPage, SqlParams, type KeysetPage } from "../db/keyset";
import { escapeLike } from "../db/like";
import { jobErrorTextSql } from "../db/jobs";
import { readQuery, withReadSnapshot } from "../db/pool";
import { type DbTimestamp, isoTime } from "../db/timestamps";
import { type FailureSort, type FailureWindow, WINDOW_BUCKETS, WINDOW_SECONDS } from "./params";
import { SIGNATURE_KEY } from "./signature";

/**
 * Failure triage reads (reader pool), all from the console's rollup (lib/failures/rollup.ts), so
 * no request scans app.tasks: a window's groups, one group, its members, the rollup's freshness.
 */

export interface Freshness {
  /** When the last refresh finished; null = never built (the first build is under way). */
  refreshed_at: string | null;
  /** Seconds since then, by the database's clock. */
  age_seconds: number | null;
  rebuilt_at: string | null;
  last_duration_ms: number | null;
  last_error: string | null;
}

export interface FailureGroup {
  signature: string;
  template: string;
  error_class: string | null;
  count: number;
  tasks: number;
  jobs: number;
  /** Jobs affected: distinct job ids among the group's tasks and failed jobs. */
  jobs_affected: number;
  first_seen: string | null;
  last_seen: string | null;
  /** First seen (ever) inside the window. */
  is_new: boolean;
  share: number;
  job_types: string[];
  stages: number[];
  /** Failures per bucket, oldest first (WINDOW_BUCKETS of the window). */
  trend: number[];
}

export interface FailureGroupList {
  window: FailureWindow;
  since: string;
  total_failures: number;
  total_groups: number;
  groups: FailureGroup[];
  freshness: Freshness;
}

export interface FailureFilter {
  window: FailureWindow;
  jobType?: string;
  stage?: number;
  source?: "task" | "job";
  q?: string;
  sort: FailureSort;
  limit: number;
  offset: number;
}

export function failureFilterFromParams(p: {
  window: FailureWindow;
  job_type?: string | null;
  stage?: number | null;
  source?: "task" | "job" | null;
  q?: string | null;
  sort: FailureSort;
  limit: number;
  offset: number;
}): FailureFilter {
  return {
    window: p.window,
    jobType: p.job_type ?? undefined,
    stage: p.stage ?? undefined,
    source: p.source ?? undefined,
    q: p.q ?? undefined,
    sort: p.sort,
    limit: p.limit,
    offset: p.offset,
  };
}

const ORDER: Record<FailureSort, string> = {
  count: "n DESC, last_at DESC, signature",
  last_seen: "last_at DESC, n DESC, signature",
  newest: "first_seen DESC, n DESC, signature",
};

interface GroupRow {
  signature: string;
  template: string;
  error_class: string | null;
  n: number;
  tasks: number;
  jobs: number;
  jobs_affected: number;
  first_seen: DbTimestamp;
  last_at: DbTimestamp;
  is_new: boolean;
  job_types: string[] | null;
  stages: number[] | null;
  total: number;
  groups: number;
  all_n: number;
}

/** `$since` = the window's start; the bucket of a failure = its position in [since, now]. */
function windowStart(p: SqlParams, w: FailureWindow): string {
  return `(now() - make_interval(secs => ${p.add(WINDOW_SECONDS[w])}::int))`;
}

export async function listFailureGroups(f: FailureFilter): Promise<FailureGroupList> {
  const p = new SqlParams();
  const since = windowStart(p, f.window);
  const conds = windowConditions(f, p, since);
  // Each condition adds exactly one parameter: the window count and the trends reuse these.
  const condValues = p.values.slice();
  const text = f.q
    ? `AND (s.template ILIKE ${p.add(`%${escapeLike(f.q)}%`)} OR s.error_class ILIKE $${p.values.length})`
    : "";
  const groupsSql = `
    WITH w AS (SELECT f.signature, f.source, f.job_id, f.job_type, f.stage, f.failed_at
                 FROM console.failures f WHERE ${conds.join(" AND ")}),
    g AS (
      SELECT signature, count(*)::int AS n,
             count(*) FILTER (WHERE source = 'task')::int AS tasks,
             count(*) FILTER (WHERE source = 'job')::int AS jobs,
             -- Distinct jobs by a 64-bit hash of the id: sorting integers instead of long texts halves
             -- the 30-day query; a collision (about 1 in 10^8 at half a million jobs) undercounts by one.
             count(DISTINCT hashtextextended(job_id, 0))::int AS jobs_affected,
             max(failed_at) AS last_at,
             array_agg(DISTINCT job_type) FILTER (WHERE job_type IS NOT NULL) AS job_types,
             array_agg(DISTINCT stage) FILTER (WHERE stage IS NOT NULL) AS stages,
             -- Every failure of the window (all groups, before the text filter): the share's denominator.
             (sum(count(*)) OVER ())::int AS all_n
        FROM w GROUP BY signature)
    SELECT g.*, s.template, s.error_class, s.first_seen, s.first_seen >= ${since} AS is_new,
           sum(g.n) OVER ()::int AS total, count(*) OVER ()::int AS groups
      FROM g JOIN console.failure_signatures s USING (signature)
     WHERE true ${text}`;
  const groupValues = p.values.slice();
  // One snapshot: the groups, the window's total (the share's denominator) and the trends agree
  // even when a refresh commits in between.
  return withReadSnapshot(async (q) => {
    const rows = await q<GroupRow>(
      `SELECT * FROM (${groupsSql}) x ORDER BY ${ORDER[f.sort]} LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`,
      p.values,
    );
    let totals = { total: rows[0]?.total ?? 0, groups: rows[0]?.groups ?? 0 };
    // Past the last page there is no row to carry the totals: count them on their own.
    if (!rows.length && f.offset > 0)
      [totals] = await q<{ total: number; groups: number }>(
        `SELECT coalesce(sum(n), 0)::int AS total, count(*)::int AS groups FROM (${groupsSql}) x`,
        groupValues,
      );
    // With no row (no failure, or past the end) the denominator is not needed; the start is.
    const [all] = rows.length
      ? [
          {
            n: rows[0].all_n,
            since: (await q<{ since: DbTimestamp }>(`SELECT ${since} AS since`, condValues.slice(0, 1)))[0].since,
          },
        ]
      : await q<{ n: number; since: DbTimestamp }>(
          `SELECT count(*)::int AS n, ${since} AS since FROM console.failures f WHERE ${conds.join(" AND ")}`,
          condValues,
        );
    const trends = await readTrends(
      q,
      rows.map((r) => r.signature),
      f.window,
      conds,
      condValues,
    );
    return {
      window: f.window,
      since: isoTime(all.since) ?? "",
      total_failures: totals.total,
      total_groups: totals.groups,
      groups: rows.map((r) => toGroup(r, all.n, trends.get(r.signature), f.window)),
      freshness: await readFreshness(q),
    };
  });
}

/** The window and the job type / stage / source filters, as conditions on console.failures f. */
function windowConditions(f: Pick<FailureFilter, "jobType" | "stage" | "source">, p: SqlParams, since: string) {
  const conds = [`f.failed_at >= ${since}`];
  if (f.jobType) conds.push(`f.job_type = ${p.add(f.jobType)}`);
  if (f.stage !== undefined) conds.push(`f.stage = ${p.add(f.stage)}`);
  if (f.source) conds.push(`f.source = ${p.add(f.source)}`);
  return conds;
}

function toGroup(r: GroupRow, all: number, trend: number[] | undefined, w: FailureWindow): FailureGroup {
  return {
    signature: r.signature,
    template: r.template,
    error_class: r.error_class,
    count: r.n,
    tasks: r.tasks,
    jobs: r.jobs,
    jobs_affected: r.jobs_affected,
    first_seen: isoTime(r.first_seen),
    last_seen: isoTime(r.last_at),
    is_new: r.is_new,
    share: all > 0 ? r.n / all : 0,
    job_types: (r.job_types ?? []).sort(),
    stages: (r.stages ?? []).sort((a, b) => a - b),
    trend: trend ?? new Array(WINDOW_BUCKETS[w]).fill(0),
  };
}

/**
 * Failures per bucket for these groups over the window, under the same filters as their counts
 * (`conds` on console.failures f, `values` their parameters; $1 is the window's seconds), from
 * idx_failures_signature_cover.
 */
async function readTrends(
  q: typeof readQuery,
  signatures: string[],
  w: FailureWindow,
  conds: string[],
  values: unknown[],
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!signatures.length) return out;
  const buckets = WINDOW_BUCKETS[w];
  const p = new SqlParams(values);
  const sigs = p.add(signatures);
  const n = p.add(buckets);
  const rows = await q<{ signature: string; b: number; n: number }>(
    `SELECT f.signature,
            least(width_bucket(extract(epoch FROM f.failed_at), extract(epoch FROM now() - make_interval(secs => $1::int)),
                               extract(epoch FROM now()), ${n}::int), ${n}::int) AS b,
            count(*)::int AS n
       FROM console.failures f
      WHERE f.signature = ANY(${sigs}::text[]) AND ${conds.join(" AND ")}
      GROUP BY 1, 2`,
    p.values,
  );
  for (const s of signatures) out.set(s, new Array(buckets).fill(0));
  for (const r of rows) {
    const t = out.get(r.signature);
    if (t && r.b >= 1) t[r.b - 1] += r.n;
  }
  return out;
}

export async function readFreshness(q: typeof readQuery = readQuery): Promise<Freshness> {
  const rows = await q<{
    refreshed_at: DbTimestamp | null;
    age: number | null;
    rebuilt_at: DbTimestamp | null;
    last_duration_ms: number | null;
    last_error: string | null;
  }>(`SELECT refreshed_at, extract(epoch FROM now() - refreshed_at)::float8 AS age, rebuilt_at, last_duration_ms, last_error
       FROM console.failure_rollup`);
  const r = rows[0];
  return {
    refreshed_at: isoTime(r?.refreshed_at ?? null),
    age_seconds: r?.age ?? null,
    rebuilt_at: isoTime(r?.rebuilt_at ?? null),
    last_duration_ms: r?.last_duration_ms ?? null,
    last_error: r?.last_error ?? null,
  };
}

export interface FailureExample {
  source: "task" | "job";
  id: string;
  job_id: string;
  at: string;
  message: string;
}

export interface FailureGroupDetail extends FailureGroup {
  window: FailureWindow;
  first_seen_ever: string | null;
  last_seen_ever: string | null;
  examples: FailureExample[];
  freshness: Freshness;
}

function checkSignature(signature: string): void {
  if (!SIGNATURE_KEY.test(signature))
    throw new AppError("bad_request", "signature: expected a failure group key (16 hex characters)", {
      parameter: "signature",
    });
}

/** One group over a window; null when no such group exists at all (404). */
export async function getFailureGroup(signature: string, w: FailureWindow): Promise<FailureGroupDetail | null> {
  checkSignature(signature);
  // One snapshot, its queries in turn (a pg client runs one query at a time).
  const { rows, all, trends, freshness } = await withReadSnapshot(async (q) => ({
    rows: await q<GroupRow & { first_ever: DbTimestamp; last_ever: DbTimestamp; examples: FailureExample[] }>(
      `SELECT s.signature, s.template, s.error_class, s.first_seen, s.first_seen AS first_ever, s.last_seen AS last_ever,
              s.examples, s.first_seen >= now() - make_interval(secs => $2::int) AS is_new, g.*
         FROM console.failure_signatures s
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS n, count(*) FILTER (WHERE source = 'task')::int AS tasks,
                  count(*) FILTER (WHERE source = 'job')::int AS jobs,
                  -- Distinct jobs by a 64-bit hash of the id: sorting integers instead of long texts halves
             -- the 30-day query; a collision (about 1 in 10^8 at half a million jobs) undercounts by one.
             count(DISTINCT hashtextextended(job_id, 0))::int AS jobs_affected, max(failed_at) AS last_at,
                  array_agg(DISTINCT job_type) FILTER (WHERE job_type IS NOT NULL) AS job_types,
                  array_agg(DISTINCT stage) FILTER (WHERE stage IS NOT NULL) AS stages
             FROM console.failures f
            WHERE f.signature = s.signature AND f.failed_at >= now() - make_interval(secs => $2::int)) g
        WHERE s.signature = $1`,
      [signature, WINDOW_SECONDS[w]],
    ),
    all: await q<{ n: number }>(
      "SELECT count(*)::int AS n FROM console.failures f WHERE f.failed_at >= now() - make_interval(secs => $1::int)",
      [WINDOW_SECONDS[w]],
    ),
    trends: await readTrends(
      q,
      [signature],
      w,
      ["f.failed_at >= now() - make_interval(secs => $1::int)"],
      [WINDOW_SECONDS[w]],
    ),
    freshness: await readFreshness(q),
  }));
  const r = rows[0];
  if (!r) return null;
  return {
    ...toGroup(r, all[0]?.n ?? 0, trends.get(signature), w),
    window: w,
    first_seen_ever: isoTime(r.first_ever),
    last_seen_ever: isoTime(r.last_ever),
    examples: Array.isArray(r.examples) ? r.examples : [],
    freshness,
  };
}

export interface FailureMember {
  source: "task" | "job";
  id: string;
  job_id: string;
  job_type: string | null;
  stage: number | null;
  failed_at: string | null;
  /** The task's type (tasks only). */
  task_type: string | null;
  /** Its status now: null when the row has since been deleted. */
  status: string | null;
  retry_count: number | null;
  error_message: string | null;
}

interface MemberRow extends Omit<FailureMember, "failed_at"> {
  failed_at: DbTimestamp;
  sort_key: string;
}

/** A group's tasks and jobs in the window, newest first, keyset on (failed_at, source, id). */
export async function listFailureMembers(
  signature: string,
  w: FailureWindow,
  opts: { limit: number; cursor?: string },
): Promise<KeysetPage<FailureMember>> {
  checkSignature(signature);
  const page = await keysetPage<MemberRow>({
    cursor: opts.cursor ? decodeCursor(opts.cursor, "failed") : undefined,
    limit: opts.limit,
    fetch: (cursor, take) => fetchMembers(signature, w, cursor, take),
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "failed", key: r.sort_key, id: `${r.source}:${r.id}` }),
  });
  return {
    ...page,
    rows: page.rows.map(({ sort_key: _k, ...r }) => ({ ...r, failed_at: isoTime(r.failed_at) })),
  };
}

function fetchMembers(signature: string, w: FailureWindow, cursor: Cursor | undefined, take: number) {
  const p = new SqlParams([signature, WINDOW_SECONDS[w]]);
  const conds = ["f.signature = $1", "f.failed_at >= now() - make_interval(secs => $2::int)"];
  const next = (cursor?.direction ?? "next") === "next";
  if (cursor) {
    const sep = cursor.id.indexOf(":");
    const [src, id] = [cursor.id.slice(0, sep), cursor.id.slice(sep + 1)];
    if (cursor.key === null || (src !== "task" && src !== "job"))
      throw new AppError("bad_request", "Invalid cursor: its position is not valid for this list.", {
        parameter: "cursor",
      });
    conds.push(
      `(f.failed_at, f.source, f.id) ${next ? "<" : ">"} (${p.add(cursor.key)}::timestamptz, ${p.add(src)}, ${p.add(id)})`,
    );
  }
  const dir = next ? "DESC" : "ASC";
  return readQuery<MemberRow>(
    `SELECT f.source, f.id, f.job_id, f.job_type, f.stage, f.failed_at, ${tsKeySql("f.failed_at")} AS sort_key,
            t.task_type, coalesce(t.status, j.status) AS status, t.retry_count,
            CASE WHEN f.source = 'task' THEN left(t.error_message, 4000)
                 ELSE left(${jobErrorTextSql("j.result_data")}, 4000) END AS error_message
       FROM console.failures f
       LEFT JOIN app.tasks t ON f.source = 'task' AND t.task_id = f.id
       LEFT JOIN app.jobs j ON f.source = 'job' AND j.job_id = f.id
      WHERE ${conds.join(" AND ")}
      ORDER BY f.failed_at ${dir}, f.source ${dir}, f.id ${dir}
      LIMIT ${p.add(take)}`,
    p.values,
  );
}

/** The group a failed task belongs to in the rollup (task lists link to it), by task id. */
export async function signaturesOfTasks(taskIds: string[]): Promise<Map<string, string>> {
  if (!taskIds.length) return new Map();
  const rows = await readQuery<{ id: string; signature: string }>(
    "SELECT id, signature FROM console.failures WHERE source = 'task' AND id = ANY($1::text[])",
    [taskIds],
  );
  return new Map(rows.map((r) => [r.id, r.signature]));
}
