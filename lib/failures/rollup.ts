import "server-only";
import type { PoolClient } from "pg";
import { log } from "../log";
import { adminPool } from "../db/pool";
import { jobErrorTextSql } from "../db/jobs";
import { EXCERPT, signatureOf } from "./signature";

/**
 * The failure rollup (sql/console/005_failures.sql): console.failures holds one row per failed
 * task and failed job with its signature, console.failure_signatures one row per group. The
 * console never writes the pipeline's tables; it reads them here:
 *
 * - **incremental** (every FAILURE_ROLLUP_SECONDS, lib/failures/schedule.ts): the tasks and jobs
 *   updated since the last run's start, less OVERLAP for transactions that committed late
 *   (idx_tasks_updated_at, idx_jobs_updated_keyset). Failed rows are upserted, rows that are no
 *   longer failed (a retry) are removed.
 * - **rebuild** (the first run, or on demand): everything that is failed now, from scratch.
 *
 * One run at a time across instances (pg_try_advisory_lock: a second caller is told "busy"), in
 * one transaction, so readers see the old rollup until the new one commits.
 */
const LOCK = "geoetl-console-failures";
const BATCH = 5000;
const OVERLAP = "15 minutes";
/** Windows reach back 30 days; a day more is kept so "first seen" near the edge stays right. */
const RETENTION = "31 days";
/** Deleted tasks and jobs (cleanup) leave the rollup on this cadence (an anti-join of it all). */
const PRUNE_EVERY = "1 hour";
const EXAMPLES = 3;

export type RollupMode = "incremental" | "rebuild";
export type RollupRun =
  { ran: true; mode: RollupMode; rows: number; failed: number; durationMs: number } | { ran: false; reason: "busy" };

// What the signature reads of a long text (lib/failures/signature.ts excerpt()), cut in SQL.
const excerptSql = (e: string) =>
  `CASE WHEN length(${e}) > ${2 * EXCERPT} THEN left(${e}, ${EXCERPT}) || E'\\n' || right(${e}, ${EXCERPT}) ELSE ${e} END`;
// When it failed, as epoch milliseconds: updated_at, else created_at, whichever is a real time not
// in the future (a corrupt or skewed one would otherwise be re-stamped "now" on every run).
const failedAtSql = (updated: string, created: string) => {
  const sane = (t: string) => `(${t} IS NOT NULL AND isfinite(${t}) AND ${t} <= now() AND ${t} >= '1970-01-01')`;
  return `(extract(epoch FROM CASE WHEN ${sane(updated)} THEN ${updated} WHEN ${sane(created)} THEN ${created} ELSE now() END) * 1000)::float8`;
};

function sourceSql(source: "task" | "job", rebuild: boolean): string {
  if (source === "task")
    return `SELECT t.task_id AS id, t.job_id, j.job_type, t.stage, t.status = 'failed' AS failed,
                   CASE WHEN t.status = 'failed' THEN ${excerptSql("t.error_message")} END AS message,
                   ${failedAtSql("t.updated_at", "t.created_at")} AS at
              FROM app.tasks t LEFT JOIN app.jobs j ON j.job_id = t.job_id
             WHERE ${rebuild ? "t.status = 'failed'" : "t.updated_at >= $1"}`;
  const err = jobErrorTextSql();
  return `SELECT job_id AS id, job_id, job_type, stage, (status = 'failed' AND ${err} IS NOT NULL) AS failed,
                 CASE WHEN status = 'failed' THEN ${excerptSql(err)} END AS message,
                 ${failedAtSql("updated_at", "created_at")} AS at
            FROM app.jobs
           WHERE ${rebuild ? "status = 'failed'" : "updated_at >= $1"}`;
}

interface SourceRow {
  id: string;
  job_id: string;
  job_type: string | null;
  stage: number | null;
  failed: boolean;
  message: string | null;
  at: number;
}

interface GroupDraft {
  template: string;
  errorClass: string | null;
  first: number;
  last: number;
  examples: { source: string; id: string; job_id: string; at: string; message: string }[];
}

async function writeBatch(c: PoolClient, source: "task" | "job", rows: SourceRow[]): Promise<number> {
  const failed = rows.filter((r) => r.failed);
  const gone = rows.filter((r) => !r.failed).map((r) => r.id);
  if (gone.length) await c.query("DELETE FROM console.failures WHERE source = $1 AND id = ANY($2)", [source, gone]);
  if (!failed.length) return 0;
  const groups = new Map<string, GroupDraft>();
  const sigs = failed.map((r) => {
    const s = signatureOf(r.message);
    const g = groups.get(s.key);
    if (!g)
      groups.set(s.key, {
        template: s.template,
        errorClass: s.errorClass,
        first: r.at,
        last: r.at,
        examples: [example(source, r)],
      });
    else {
      g.first = Math.min(g.first, r.at);
      g.last = Math.max(g.last, r.at);
      if (g.examples.length < EXAMPLES) g.examples.push(example(source, r));
    }
    return s.key;
  });
  await c.query(
    `INSERT INTO console.failures (source, id, job_id, job_type, stage, signature, failed_at)
     SELECT $1, u.id, u.job_id, u.job_type, u.stage, u.signature, to_timestamp(u.at / 1000.0)
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::float8[])
            AS u(id, job_id, job_type, stage, signature, at)
     ON CONFLICT (source, id) DO UPDATE SET job_id = EXCLUDED.job_id, job_type = EXCLUDED.job_type,
       stage = EXCLUDED.stage, signature = EXCLUDED.signature, failed_at = EXCLUDED.failed_at`,
    [
      source,
      failed.map((r) => r.id),
      failed.map((r) => r.job_id),
      failed.map((r) => r.job_type),
      failed.map((r) => r.stage),
      sigs,
      failed.map((r) => r.at),
    ],
  );
  const keys = [...groups.keys()];
  const gs = [...groups.values()];
  await c.query(
    `INSERT INTO console.failure_signatures AS s (signature, template, error_class, first_seen, last_seen, examples)
     SELECT u.signature, u.template, u.error_class, to_timestamp(u.first / 1000.0), to_timestamp(u.last / 1000.0), u.examples
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::jsonb[])
            AS u(signature, template, error_class, first, last, examples)
     ON CONFLICT (signature) DO UPDATE SET
       first_seen = least(s.first_seen, EXCLUDED.first_seen),
       last_seen = greatest(s.last_seen, EXCLUDED.last_seen),
       examples = CASE WHEN jsonb_array_length(s.examples) >= ${EXAMPLES} THEN s.examples
                  ELSE (SELECT jsonb_agg(e ORDER BY ord) FROM (
                          SELECT e, ord FROM (
                            SELECT DISTINCT ON (e->>'source', e->>'id') e, ord
                              FROM jsonb_array_elements(s.examples || EXCLUDED.examples) WITH ORDINALITY AS x(e, ord)
                             ORDER BY e->>'source', e->>'id', ord) d
                           ORDER BY ord LIMIT ${EXAMPLES}) l) END`,
    [
      keys,
      gs.map((g) => g.template),
      gs.map((g) => g.errorClass),
      gs.map((g) => g.first),
      gs.map((g) => g.last),
      gs.map((g) => JSON.stringify(g.examples)),
    ],
  );
  return failed.length;
}

function example(source: string, r: SourceRow) {
  return {
    source,
    id: r.id,
    job_id: r.job_id,
    at: new Date(r.at).toISOString(),
    message: cutCodePoints(r.message ?? "", EXCERPT),
  };
}

/** At most `max` UTF-16 units, never half of a surrogate pair (jsonb refuses a lone one). */
function cutCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Streams one source through a cursor (flat memory however many rows) into the rollup. */
async function rollSource(c: PoolClient, source: "task" | "job", rebuild: boolean, from: string | null) {
  await c.query(`DECLARE failures_src NO SCROLL CURSOR FOR ${sourceSql(source, rebuild)}`, rebuild ? [] : [from]);
  let rows = 0;
  let failed = 0;
  for (;;) {
    const batch = await c.query<SourceRow>(`FETCH ${BATCH} FROM failures_src`);
    if (!batch.rows.length) break;
    rows += batch.rows.length;
    failed += await writeBatch(c, source, batch.rows);
  }
  await c.query("CLOSE failures_src");
  return { rows, failed };
}

export async function refreshFailures(opts: { rebuild?: boolean } = {}): Promise<RollupRun> {
  const c = await adminPool().connect();
  const t0 = performance.now();
  try {
    const lock = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [LOCK]);
    if (!lock.rows[0].ok) return { ran: false, reason: "busy" };
    try {
      await c.query("BEGIN");
      const st = await c.query<{ from: string | null; rebuilt: boolean; prune: boolean }>(
        `SELECT (watermark - interval '${OVERLAP}')::text AS from, rebuilt_at IS NOT NULL AS rebuilt,
                (pruned_at IS NULL OR pruned_at < now() - interval '${PRUNE_EVERY}') AS prune
           FROM console.failure_rollup`,
      );
      const state = st.rows[0] ?? { from: null, rebuilt: false, prune: true };
      const rebuild = !!opts.rebuild || !state.rebuilt || state.from === null;
      if (rebuild) {
        await c.query("DELETE FROM console.failures");
        await c.query("DELETE FROM console.failure_signatures");
      }
      const tasks = await rollSource(c, "task", rebuild, state.from);
      const jobs = await rollSource(c, "job", rebuild, state.from);
      await c.query(`DELETE FROM console.failures WHERE failed_at < now() - interval '${RETENTION}'`);
      const prune = !rebuild && state.prune;
      if (prune) await pruneDeleted(c);
      const durationMs = Math.round(performance.now() - t0);
      await c.query(
        `INSERT INTO console.failure_rollup AS r (id, watermark, refreshed_at, rebuilt_at, pruned_at, last_rows, last_duration_ms, last_error)
         VALUES (true, now(), clock_timestamp(), CASE WHEN $1 THEN clock_timestamp() END, CASE WHEN $2 THEN clock_timestamp() END, $3, $4, NULL)
         ON CONFLICT (id) DO UPDATE SET watermark = EXCLUDED.watermark, refreshed_at = EXCLUDED.refreshed_at,
           rebuilt_at = coalesce(EXCLUDED.rebuilt_at, r.rebuilt_at), pruned_at = coalesce(EXCLUDED.pruned_at, r.pruned_at),
           last_rows = EXCLUDED.last_rows, last_duration_ms = EXCLUDED.last_duration_ms, last_error = NULL`,
        [rebuild, rebuild || prune, tasks.rows + jobs.rows, durationMs],
      );
      await c.query("COMMIT");
      // After a rebuild (or a prune) most of the table is new: fresh statistics, and the visibility
      // map the index-only scans of the reads depend on.
      if (rebuild || prune) await c.query("VACUUM (ANALYZE) console.failures, console.failure_signatures");
      return {
        ran: true,
        mode: rebuild ? "rebuild" : "incremental",
        rows: tasks.rows + jobs.rows,
        failed: tasks.failed + jobs.failed,
        durationMs,
      };
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      await c
        // Readers see this on the page: a fixed phrase and the SQLSTATE, the driver's text only in the log.
        .query("UPDATE console.failure_rollup SET last_error = $1", [
          `the refresh failed${(err as { code?: string }).code ? ` (SQLSTATE ${(err as { code?: string }).code})` : ""}: see the server log`,
        ])
        .catch(() => undefined);
      throw err;
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext($1))", [LOCK]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}

/** Rows whose task or job the pipeline (or the console's cleanup) has since deleted. */
async function pruneDeleted(c: PoolClient): Promise<void> {
  await c.query(
    `DELETE FROM console.failures f
      WHERE (f.source = 'task' AND NOT EXISTS (SELECT 1 FROM app.tasks t WHERE t.task_id = f.id))
         OR (f.source = 'job' AND NOT EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = f.id))`,
  );
  // Groups with no member left and last seen before every window are gone too.
  await c.query(
    `DELETE FROM console.failure_signatures s
      WHERE s.last_seen < now() - interval '${RETENTION}'
        AND NOT EXISTS (SELECT 1 FROM console.failures f WHERE f.signature = s.signature)`,
  );
}

/** Logs instead of throwing: the schedule's and the pages' background refreshes. */
export async function refreshFailuresQuietly(component: string): Promise<RollupRun | null> {
  try {
    const r = await refreshFailures();
    if (r.ran)
      log.info("failure rollup refreshed", { component, mode: r.mode, rows: r.rows, duration_ms: r.durationMs });
    return r;
  } catch (err) {
    log.error("failure rollup refresh failed", { component, error: (err as Error).message });
    return null;
  }
}
