import "server-only";
import { getConfig } from "../config";
import { decodeCursor, encodeCursor, tsKeySql, type Cursor } from "./cursor";
import { countOrEstimate, type CountResult } from "./estimate";
import type { TaskStatus } from "./jobs-params";
import { distinctValues } from "./distinct";
import { type DbTimestamp, isoTime, secondsBetweenSql } from "./timestamps";
import { keysetPage, SqlParams, timestampKeysetCondition, type KeysetPage } from "./keyset";
import { readQuery } from "./pool";
import { signaturesOfTasks } from "../failures/groups";

/**
 * CoreMachine tasks: across jobs (newest first, keyset on (created_at, task_id)) and within one
 * job (by stage, keyset on (stage, task_id)). A task is **stuck** when it is processing and its
 * last sign of life (heartbeat, else updated_at) is older than STUCK_TASK_MINUTES (default 10).
 */

export interface TaskSummary {
  task_id: string;
  job_id: string;
  task_type: string;
  status: TaskStatus;
  stage: number;
  retry_count: number;
  heartbeat: string | null;
  heartbeat_age_seconds: number | null;
  stuck: boolean;
  error_message: string | null;
  /** A failed task's failure group (/failures/{key}), once the failure rollup has indexed it. */
  failure_group: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface TaskPage {
  tasks: TaskSummary[];
  next_cursor: string | null;
  prev_cursor: string | null;
  stuck_threshold_minutes: number;
}

export interface TaskFilter {
  statuses?: TaskStatus[];
  taskType?: string;
  jobId?: string;
  stuckOnly?: boolean;
  limit: number;
  cursor?: string;
}

/** The task filter a request's parameters ask for (the API, the export and the page's URL state). */
export function taskFilterFromParams(p: {
  status?: TaskStatus[] | null;
  task_type?: string | null;
  job_id?: string | null;
  stuck?: boolean | null;
  limit: number;
  cursor?: string | null;
}): TaskFilter {
  return {
    statuses: p.status ?? undefined,
    taskType: p.task_type ?? undefined,
    jobId: p.job_id ?? undefined,
    stuckOnly: p.stuck ?? undefined,
    limit: p.limit,
    cursor: p.cursor ?? undefined,
  };
}

/** Error messages can be whole stack traces; lists carry the first 4,000 characters. */
const ERROR_MAX = 4000;

const COLUMNS = `task_id, job_id, task_type, status, stage, retry_count, heartbeat, left(error_message, ${ERROR_MAX}) AS error_message,
  created_at, updated_at,
  ${secondsBetweenSql("coalesce(heartbeat, updated_at)", "now()")} AS age,
  (status = 'processing' AND coalesce(heartbeat, updated_at, created_at) < now() - make_interval(mins => $1)) AS stuck`;

interface Row {
  task_id: string;
  job_id: string;
  task_type: string;
  status: TaskStatus;
  stage: number;
  retry_count: number;
  heartbeat: DbTimestamp | null;
  error_message: string | null;
  created_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
  age: number | null;
  stuck: boolean;
  sort_key?: string | null;
}

function toSummary(r: Row): TaskSummary {
  return {
    task_id: r.task_id,
    job_id: r.job_id,
    task_type: r.task_type,
    status: r.status,
    stage: r.stage,
    retry_count: r.retry_count,
    heartbeat: isoTime(r.heartbeat),
    heartbeat_age_seconds: r.status === "processing" && r.age !== null ? Math.max(0, Math.round(r.age)) : null,
    stuck: r.stuck,
    error_message: r.error_message,
    failure_group: null,
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
  };
}

function conditions(f: TaskFilter, p: SqlParams, minutesRef: string): string[] {
  const c: string[] = [];
  if (f.taskType) c.push(`task_type = ${p.add(f.taskType)}`);
  if (f.jobId) c.push(`job_id = ${p.add(f.jobId)}`);
  if (f.stuckOnly)
    c.push(
      `status = 'processing' AND coalesce(heartbeat, updated_at, created_at) < now() - make_interval(mins => ${minutesRef})`,
    );
  return c;
}

/** Tasks across jobs, newest first. */
export async function listTasks(f: TaskFilter): Promise<TaskPage> {
  const minutes = getConfig().stuckTaskMinutes;
  const page = await keysetPage({
    cursor: f.cursor ? decodeCursor(f.cursor, "created") : undefined,
    limit: f.limit,
    fetch: (cursor, take) => fetchTaskRows(f, minutes, cursor, take),
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "created", key: r.sort_key ?? null, id: r.task_id }),
  });
  return toTaskPage(page, minutes);
}

/** Up to `take` tasks after (or before) `cursor` in (created_at, task_id) DESC order, reversed for "prev". */
function fetchTaskRows(f: TaskFilter, minutes: number, cursor: Cursor | undefined, take: number): Promise<Row[]> {
  const direction = cursor?.direction ?? "next";
  const p = new SqlParams([minutes]);
  const conds = conditions(f, p, "$1");
  if (cursor) conds.push(timestampKeysetCondition("created_at", "task_id", direction, cursor.key, cursor.id, p));
  const order = direction === "next" ? "created_at DESC, task_id DESC" : "created_at ASC, task_id ASC";
  const lim = p.add(take);
  const cols = `${COLUMNS}, ${tsKeySql("created_at")} AS sort_key`;
  const statuses = f.stuckOnly ? undefined : f.statuses;
  let sql: string;
  if (statuses && statuses.length > 0) {
    // Per status, straight off idx_tasks_status_created_keyset, then merged (see listJobs).
    const sp = p.add(statuses);
    sql = `SELECT t.* FROM unnest(${sp}::text[]) AS s(status)
           CROSS JOIN LATERAL (SELECT ${cols} FROM app.tasks WHERE ${["status = s.status", ...conds].join(" AND ")} ORDER BY ${order} LIMIT ${lim}) t
           ORDER BY ${order.replace(/(created_at|task_id)/g, "t.$1")} LIMIT ${lim}`;
  } else {
    sql = `SELECT ${cols} FROM app.tasks ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${lim}`;
  }
  return readQuery<Row>(sql, p.values);
}

export async function countTasks(f: Omit<TaskFilter, "limit" | "cursor">): Promise<CountResult> {
  const p = new SqlParams();
  const minutesRef = f.stuckOnly ? p.add(getConfig().stuckTaskMinutes) : "";
  const conds = conditions({ ...f, limit: 0 }, p, minutesRef);
  if (!f.stuckOnly && f.statuses && f.statuses.length > 0) conds.push(`status = ANY(${p.add(f.statuses)}::text[])`);
  return countOrEstimate(`SELECT 1 FROM app.tasks ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""}`, p.values);
}

/** Tasks of one job in stage order (then task_id), optionally one stage and/or some statuses. */
export async function listJobTasks(
  jobId: string,
  f: { stage?: number; statuses?: TaskStatus[]; limit: number; cursor?: string },
): Promise<TaskPage> {
  const minutes = getConfig().stuckTaskMinutes;
  const page = await keysetPage({
    cursor: f.cursor ? decodeCursor(f.cursor, "stage", "int") : undefined,
    limit: f.limit,
    fetch: (cursor, take) => {
      const direction = cursor?.direction ?? "next";
      const p = new SqlParams([minutes]);
      const conds = [`job_id = ${p.add(jobId)}`];
      if (f.stage !== undefined) conds.push(`stage = ${p.add(f.stage)}`);
      if (f.statuses && f.statuses.length > 0) conds.push(`status = ANY(${p.add(f.statuses)}::text[])`);
      if (cursor) {
        const k = p.add(Number(cursor.key));
        const id = p.add(cursor.id);
        conds.push(
          direction === "next" ? `(stage, task_id) > (${k}::int, ${id})` : `(stage, task_id) < (${k}::int, ${id})`,
        );
      }
      const order = direction === "next" ? "stage ASC, task_id ASC" : "stage DESC, task_id DESC";
      return readQuery<Row>(
        `SELECT ${COLUMNS} FROM app.tasks WHERE ${conds.join(" AND ")} ORDER BY ${order} LIMIT ${p.add(take)}`,
        p.values,
      );
    },
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "stage", key: String(r.stage), id: r.task_id }),
  });
  return toTaskPage(page, minutes);
}

async function toTaskPage(page: KeysetPage<Row>, minutes: number): Promise<TaskPage> {
  const groups = await signaturesOfTasks(page.rows.filter((r) => r.status === "failed").map((r) => r.task_id));
  return {
    tasks: page.rows.map((r) => ({ ...toSummary(r), failure_group: groups.get(r.task_id) ?? null })),
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    stuck_threshold_minutes: minutes,
  };
}

/** Distinct task types for the filter menu (loose index scan on idx_tasks_type_created). */
export const listTaskTypes = (): Promise<string[]> => distinctValues("app.tasks", "task_type");
