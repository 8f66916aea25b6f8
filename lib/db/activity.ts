import "server-only";
import { getConfig } from "../config";
import { decodeCursor, encodeCursor, tsKeySql } from "./cursor";
import { keysetPage, SqlParams, timestampKeysetCondition, type KeysetPage } from "./keyset";
import { likePrefix } from "./like";
import { readQuery } from "./pool";
import { isoTime, secondsBetweenSql } from "./timestamps";

/**
 * Platform activity in schema app: the API requests that created jobs (app.api_requests) and the
 * janitor's runs (app.janitor_runs). Read-only, keyset-paged (indexes: sql/app/004_activity_indexes.sql).
 */

export interface ApiRequest {
  request_id: string;
  dataset_id: string | null;
  resource_id: string | null;
  version_id: string | null;
  data_type: string | null;
  status: string;
  job_id: string | null;
  parameters: Record<string, unknown>;
  created_at: string | null;
  updated_at: string | null;
}

export interface ApiRequestFilter {
  status?: string;
  dataType?: string;
  /** The start of a dataset id. */
  dataset?: string;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

const REQUEST_COLUMNS = `request_id, dataset_id, resource_id, version_id, data_type, status, job_id, parameters, created_at, updated_at`;
const iso = isoTime;

/** API requests, newest first (created_at, request_id). */
export async function listApiRequests(f: ApiRequestFilter): Promise<KeysetPage<ApiRequest>> {
  type Row = ApiRequest & { sort_key: string | null };
  const page = await keysetPage<Row>({
    cursor: f.cursor ? decodeCursor(f.cursor, "created") : undefined,
    limit: f.limit,
    fetch: (cursor, take) => {
      const direction = cursor?.direction ?? "next";
      const p = new SqlParams();
      const conds: string[] = [];
      if (f.status) conds.push(`status = ${p.add(f.status)}`);
      if (f.dataType) conds.push(`data_type = ${p.add(f.dataType)}`);
      if (f.dataset) conds.push(`dataset_id LIKE ${p.add(likePrefix(f.dataset))}`);
      if (f.since) conds.push(`created_at >= ${p.add(f.since)}`);
      if (f.until) conds.push(`created_at < ${p.add(f.until)}`);
      if (cursor) conds.push(timestampKeysetCondition("created_at", "request_id", direction, cursor.key, cursor.id, p));
      const order = direction === "next" ? "created_at DESC, request_id DESC" : "created_at ASC, request_id ASC";
      return readQuery<Row>(
        `SELECT ${REQUEST_COLUMNS}, ${tsKeySql("created_at")} AS sort_key FROM app.api_requests
          ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${p.add(take)}`,
        p.values,
      );
    },
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "created", key: r.sort_key, id: r.request_id }),
  });
  return {
    ...page,
    rows: page.rows.map(({ sort_key: _k, ...r }) => ({
      ...r,
      created_at: iso(r.created_at),
      updated_at: iso(r.updated_at),
    })),
  };
}

/** The requests that created a job (usually one), for the job page. */
export async function apiRequestsOfJob(jobId: string): Promise<ApiRequest[]> {
  const rows = await readQuery<ApiRequest>(
    `SELECT ${REQUEST_COLUMNS} FROM app.api_requests WHERE job_id = $1 ORDER BY created_at DESC LIMIT 20`,
    [jobId],
  );
  return rows.map((r) => ({ ...r, created_at: iso(r.created_at), updated_at: iso(r.updated_at) }));
}

/** The data types seen (for the filter's choices); few distinct values, read off the index. */
export async function apiRequestDataTypes(): Promise<string[]> {
  const rows = await readQuery<{ data_type: string }>(
    `SELECT DISTINCT data_type FROM app.api_requests WHERE data_type IS NOT NULL ORDER BY data_type LIMIT 50`,
  );
  return rows.map((r) => r.data_type);
}

export interface JanitorRun {
  run_id: string;
  run_type: string;
  status: string;
  started_at: string;
  completed_at: string | null;
  duration_seconds: number | null;
  items_scanned: number;
  items_fixed: number;
  actions_taken: unknown;
  error_details: string | null;
}

/** Janitor runs, newest first (started_at, run_id). */
export async function listJanitorRuns(f: {
  runType?: string;
  cursor?: string;
  limit: number;
}): Promise<KeysetPage<JanitorRun>> {
  type Row = JanitorRun & { sort_key: string };
  const page = await keysetPage<Row>({
    cursor: f.cursor ? decodeCursor(f.cursor, "started") : undefined,
    limit: f.limit,
    fetch: (cursor, take) => {
      const direction = cursor?.direction ?? "next";
      const p = new SqlParams();
      const conds: string[] = [];
      if (f.runType) conds.push(`run_type = ${p.add(f.runType)}`);
      // run_id compared as text: a forged cursor id is then just a string, never a uuid cast error.
      if (cursor)
        conds.push(timestampKeysetCondition("started_at", "run_id::text", direction, cursor.key, cursor.id, p));
      const order = direction === "next" ? "started_at DESC, run_id::text DESC" : "started_at ASC, run_id::text ASC";
      return readQuery<Row>(
        `SELECT run_id::text AS run_id, run_type, status, started_at, completed_at,
                ${secondsBetweenSql("started_at", "completed_at")} AS duration_seconds,
                items_scanned, items_fixed, actions_taken, error_details, ${tsKeySql("started_at")} AS sort_key
           FROM app.janitor_runs ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""}
          ORDER BY ${order} LIMIT ${p.add(take)}`,
        p.values,
      );
    },
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "started", key: r.sort_key, id: r.run_id }),
  });
  return {
    ...page,
    rows: page.rows.map(({ sort_key: _k, ...r }) => ({
      ...r,
      started_at: iso(r.started_at)!,
      completed_at: iso(r.completed_at),
    })),
  };
}

export interface JanitorTypeStatus {
  run_type: string;
  last_run_at: string;
  last_status: string;
  last_success_at: string | null;
  /** No successful run within the configured age (JANITOR_STALE_HOURS). */
  stale: boolean;
}

/** Per run type: the last run, the last successful one, and whether that is too old. */
export async function janitorTypeStatus(
  now = new Date(),
): Promise<{ stale_hours: number; types: JanitorTypeStatus[] }> {
  const staleHours = getConfig().janitorStaleHours;
  const rows = await readQuery<{
    run_type: string;
    last_run_at: Date;
    last_status: string;
    last_success_at: Date | null;
  }>(
    `SELECT run_type, max(started_at) AS last_run_at,
            (array_agg(status ORDER BY started_at DESC))[1] AS last_status,
            max(started_at) FILTER (WHERE status = 'completed') AS last_success_at
       FROM app.janitor_runs GROUP BY run_type ORDER BY run_type`,
  );
  const cutoff = now.getTime() - staleHours * 3_600_000;
  return {
    stale_hours: staleHours,
    types: rows.map((r) => ({
      run_type: r.run_type,
      last_run_at: iso(r.last_run_at)!,
      last_status: r.last_status,
      last_success_at: iso(r.last_success_at),
      stale: !r.last_success_at || new Date(r.last_success_at).getTime() < cutoff,
    })),
  };
}
