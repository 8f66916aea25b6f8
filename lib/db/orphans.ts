import "server-only";
import type { ClientBase } from "pg";
import { adminPool, readQuery } from "./pool";
import { PROTECTED_GEO_TABLES } from "./protected-tables";
import { ORPHAN_STAC_ITEMS_SQL } from "./stac";
import { log, writeLog, type LogWriter } from "../log";
import { isoTime } from "./timestamps";

/**
 * The orphan report: geo tables without a metadata row,
 * metadata rows whose table is gone, tracked tables. Built from catalog queries in one statement:
 * 1,000 geo tables do not mean 1,000 round trips. Row counts of orphaned tables are exact
 * (counted server-side in the same statement) for at most ORPHAN_EXACT_COUNT_LIMIT of them, and
 * only for small tables: the page runs this on every request, and counting a table of many
 * millions of rows could hit statement_timeout. A table is small when the planner's estimate
 * (pg_class.reltuples) is under ORPHAN_EXACT_COUNT_MAX_ROWS or, never analyzed (reltuples -1),
 * when its heap is under ORPHAN_EXACT_COUNT_MAX_BYTES. The others carry the planner's estimate,
 * flagged row_count_exact: false.
 *
 * Beside the seed's fields: STAC items whose layer is gone (lib/db/stac.ts ORPHAN_STAC_ITEMS_SQL),
 * counted exactly and listed up to ORPHAN_STAC_ITEMS_LIMIT, in the same statement. They count
 * towards ORPHANS_DETECTED. The pipeline's own geo tables (PROTECTED_GEO_TABLES) are never layers
 * or orphans. A database without pgSTAC (or whose pgstac.items the reader may not read) still gets
 * its report, with stac_checked: false.
 */
export const ORPHAN_EXACT_COUNT_LIMIT = 100;
export const ORPHAN_EXACT_COUNT_MAX_ROWS = 1_000_000;
export const ORPHAN_EXACT_COUNT_MAX_BYTES = 128 * 1024 * 1024;

export interface OrphanedTable {
  table_name: string;
  row_count: number;
  row_count_exact: boolean;
  size_bytes: number;
  size_pretty: string;
  reason: string;
}

export interface OrphanedMetadata {
  table_name: string;
  etl_job_id: string | null;
  stac_item_id: string | null;
  stac_collection_id: string | null;
  created_at: string | null;
  reason: string;
}

export interface OrphanedStacItem {
  id: string;
  collection: string;
  datetime: string | null;
  reason: string;
}

/** At most this many orphaned STAC items are listed (all of them are counted). */
export const ORPHAN_STAC_ITEMS_LIMIT = 1000;

export type HealthStatus = "HEALTHY" | "ORPHANS_DETECTED";

export interface OrphanReport {
  success: true;
  timestamp: string;
  orphaned_tables: OrphanedTable[];
  orphaned_metadata: OrphanedMetadata[];
  tracked_tables: string[];
  /** STAC items whose layer is gone (first ORPHAN_STAC_ITEMS_LIMIT, by collection and id). */
  orphaned_stac_items: OrphanedStacItem[];
  /** False when pgSTAC could not be read (not installed, or no SELECT on pgstac.items). */
  stac_checked: boolean;
  summary: {
    total_geo_tables: number;
    total_metadata_records: number;
    tracked: number;
    orphaned_tables: number;
    orphaned_metadata: number;
    /** All of them, also when the list stops at ORPHAN_STAC_ITEMS_LIMIT. */
    orphaned_stac_items: number;
    health_status: HealthStatus;
  };
}

/** The report in one statement; with `stac`, also the orphaned STAC items (needs pgstac.items). */
function reportSql(stac: boolean): string {
  return `
WITH geo_tables AS (
  SELECT c.oid, c.relname::text AS table_name, c.reltuples
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'geo' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL($4::text[])
), meta AS (
  SELECT table_name::text AS table_name, etl_job_id, stac_item_id, stac_collection_id, created_at FROM geo.table_metadata
), orphan_tables AS (
  SELECT t.*, row_number() OVER (ORDER BY t.table_name) AS rn
    FROM geo_tables t WHERE NOT EXISTS (SELECT 1 FROM meta m WHERE m.table_name = t.table_name)
), orphan_counted AS (
  SELECT o.*,
         o.rn <= $1 AND has_table_privilege(o.oid, 'SELECT')
           AND CASE WHEN o.reltuples >= 0 THEN o.reltuples < $2 ELSE pg_relation_size(o.oid) < $3 END AS exact
    FROM orphan_tables o
)${
    stac
      ? `, orphan_stac AS MATERIALIZED (${ORPHAN_STAC_ITEMS_SQL}
)`
      : ""
  }
SELECT
  (SELECT count(*) FROM geo_tables)::int AS total_geo_tables,
  (SELECT count(*) FROM meta)::int AS total_metadata_records,
  (SELECT coalesce(json_agg(json_build_object(
      'table_name', o.table_name,
      'row_count', CASE WHEN o.exact THEN (xpath('/row/n/text()',
          query_to_xml(format('SELECT count(*) AS n FROM geo.%I', o.table_name), false, true, '')))[1]::text::bigint
        ELSE greatest(o.reltuples, 0)::bigint END,
      'row_count_exact', o.exact,
      'size_bytes', pg_total_relation_size(o.oid),
      'size_pretty', pg_size_pretty(pg_total_relation_size(o.oid))
    ) ORDER BY o.table_name), '[]'::json) FROM orphan_counted o) AS orphaned_tables,
  (SELECT coalesce(json_agg(json_build_object(
      'table_name', m.table_name, 'etl_job_id', m.etl_job_id, 'stac_item_id', m.stac_item_id,
      'stac_collection_id', m.stac_collection_id, 'created_at', m.created_at
    ) ORDER BY m.table_name), '[]'::json)
     FROM meta m WHERE NOT EXISTS (SELECT 1 FROM geo_tables t WHERE t.table_name = m.table_name)) AS orphaned_metadata,
  (SELECT coalesce(json_agg(t.table_name ORDER BY t.table_name), '[]'::json)
     FROM geo_tables t WHERE EXISTS (SELECT 1 FROM meta m WHERE m.table_name = t.table_name)) AS tracked_tables${
       stac
         ? `,
  (SELECT count(*) FROM orphan_stac)::int AS orphaned_stac_count,
  (SELECT coalesce(json_agg(json_build_object('id', s.id, 'collection', s.collection, 'datetime', s.datetime)
      ORDER BY s.collection, s.id), '[]'::json)
     FROM (SELECT * FROM orphan_stac ORDER BY collection, id LIMIT $5) s) AS orphaned_stac_items`
         : ""
     }`;
}

/** Errors that mean "pgSTAC cannot be read here": no schema / no table, or no SELECT on it. */
const STAC_UNREADABLE = new Set(["3F000", "42P01", "42501"]);

interface RawReport {
  total_geo_tables: number;
  total_metadata_records: number;
  orphaned_tables: Omit<OrphanedTable, "reason">[];
  orphaned_metadata: Omit<OrphanedMetadata, "reason">[];
  tracked_tables: string[];
  orphaned_stac_count?: number;
  orphaned_stac_items?: Omit<OrphanedStacItem, "reason">[];
}

type Query = (sql: string, params: unknown[]) => Promise<RawReport[]>;

/**
 * One round trip when pgSTAC is there. When the STAC part fails because pgSTAC cannot be read,
 * the report is built again without it (inside a transaction, behind a SAVEPOINT).
 */
async function fetchReport(client: ClientBase | undefined): Promise<{ raw: RawReport; stac: boolean }> {
  const base = [
    ORPHAN_EXACT_COUNT_LIMIT,
    ORPHAN_EXACT_COUNT_MAX_ROWS,
    ORPHAN_EXACT_COUNT_MAX_BYTES,
    PROTECTED_GEO_TABLES,
  ];
  const query: Query = client
    ? async (sql, params) => (await client.query<RawReport>(sql, params)).rows
    : (sql, params) => readQuery<RawReport>(sql, params);
  if (client) await client.query("SAVEPOINT orphan_report_stac");
  try {
    const [raw] = await query(reportSql(true), [...base, ORPHAN_STAC_ITEMS_LIMIT]);
    if (client) await client.query("RELEASE SAVEPOINT orphan_report_stac");
    return { raw, stac: true };
  } catch (err) {
    if (client) await client.query("ROLLBACK TO SAVEPOINT orphan_report_stac");
    const code = (err as { code?: string }).code;
    if (!code || !STAC_UNREADABLE.has(code)) throw err;
    const [raw] = await query(reportSql(false), base); // throws again if the problem was not pgSTAC
    log.warn("orphan report: pgSTAC not readable, STAC items not checked", { code, error: (err as Error).message });
    return { raw, stac: false };
  }
}

/** Builds the report (reader pool by default; pass a client to run it inside a transaction). */
export async function orphanReport(client?: ClientBase): Promise<OrphanReport> {
  const { raw: r, stac } = await fetchReport(client);
  const orphaned_tables = r.orphaned_tables.map((t) => ({
    ...t,
    row_count: Number(t.row_count),
    size_bytes: Number(t.size_bytes),
    reason: "Table exists in geo schema but has no metadata record",
  }));
  const orphaned_metadata = r.orphaned_metadata.map((m) => ({
    ...m,
    created_at: isoTime(m.created_at),
    reason: "Metadata exists but table was dropped",
  }));
  const orphaned_stac_items = (r.orphaned_stac_items ?? []).map((i) => ({
    ...i,
    datetime: isoTime(i.datetime),
    reason: "STAC item exists but no metadata record names it (its layer is gone)",
  }));
  const stacCount = r.orphaned_stac_count ?? 0;
  const healthy = orphaned_tables.length === 0 && orphaned_metadata.length === 0 && stacCount === 0;
  return {
    success: true,
    timestamp: new Date().toISOString(),
    orphaned_tables,
    orphaned_metadata,
    tracked_tables: r.tracked_tables,
    orphaned_stac_items,
    stac_checked: stac,
    summary: {
      total_geo_tables: r.total_geo_tables,
      total_metadata_records: r.total_metadata_records,
      tracked: r.tracked_tables.length,
      orphaned_tables: orphaned_tables.length,
      orphaned_metadata: orphaned_metadata.length,
      orphaned_stac_items: stacCount,
      health_status: healthy ? "HEALTHY" : "ORPHANS_DETECTED",
    },
  };
}

export interface StoredOrphanReport {
  checked_at: string;
  health_status: HealthStatus;
  report: OrphanReport;
}

/** The last result of the scheduled check (console.orphan_reports), or null before the first run. */
export async function latestOrphanReport(): Promise<StoredOrphanReport | null> {
  const rows = await readQuery<StoredOrphanReport>(
    `SELECT checked_at, health_status, report FROM console.orphan_reports ORDER BY checked_at DESC, id DESC LIMIT 1`,
  );
  return rows[0] ? { ...rows[0], checked_at: isoTime(rows[0].checked_at)! } : null;
}

const LOCK_KEY = "geoetl-console-orphan-check";
const KEEP_REPORTS = 200;

export type OrphanCheckResult =
  | { ran: true; report: OrphanReport; durationMs: number }
  | { ran: false; reason: "locked" | "recent"; lastCheckedAt?: string };

/**
 * One scheduled check. Takes a transaction-scoped advisory lock so several console instances
 * never run it at the same time, and (unless `force`) skips when another instance stored a
 * report within `minIntervalMs`: the check then runs once per interval across instances.
 */
export async function runOrphanCheck(
  opts: { force?: boolean; minIntervalMs?: number } = {},
): Promise<OrphanCheckResult> {
  const client = await adminPool().connect();
  try {
    await client.query("BEGIN");
    const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok`, [
      LOCK_KEY,
    ]);
    if (!lock.rows[0]?.ok) {
      await client.query("ROLLBACK");
      return { ran: false, reason: "locked" };
    }
    if (!opts.force && opts.minIntervalMs) {
      const last = await client.query<{ checked_at: Date }>(
        `SELECT max(checked_at) AS checked_at FROM console.orphan_reports`,
      );
      const at = last.rows[0]?.checked_at;
      if (at && Date.now() - new Date(at).getTime() < opts.minIntervalMs) {
        await client.query("ROLLBACK");
        return { ran: false, reason: "recent", lastCheckedAt: new Date(at).toISOString() };
      }
    }
    const started = performance.now();
    const report = await orphanReport(client);
    const durationMs = Math.round(performance.now() - started);
    await client.query(
      `INSERT INTO console.orphan_reports (checked_at, health_status, report) VALUES ($1, $2, $3::jsonb)`,
      [report.timestamp, report.summary.health_status, JSON.stringify(report)],
    );
    await client.query(
      `DELETE FROM console.orphan_reports WHERE id NOT IN (SELECT id FROM console.orphan_reports ORDER BY checked_at DESC, id DESC LIMIT $1)`,
      [KEEP_REPORTS],
    );
    await client.query("COMMIT");
    return { ran: true, report, durationMs };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Structured log lines of a check (lib/log by default): one summary line, one line per orphan. */
export function logOrphanReport(report: OrphanReport, durationMs: number, write: LogWriter = writeLog): void {
  const level = report.summary.health_status === "HEALTHY" ? "info" : "warn";
  write(level, "orphan check", { ...report.summary, duration_ms: durationMs, timestamp: report.timestamp });
  for (const t of report.orphaned_tables)
    write("warn", "orphaned table", { table_name: t.table_name, row_count: t.row_count, size_bytes: t.size_bytes });
  for (const m of report.orphaned_metadata)
    write("warn", "orphaned metadata", { table_name: m.table_name, etl_job_id: m.etl_job_id });
  // Stored reports from before these fields existed have none.
  for (const i of report.orphaned_stac_items ?? [])
    write("warn", "orphaned STAC item", { id: i.id, collection: i.collection });
}
