import "server-only";
import { readQuery } from "./pool";

/**
 * "Exact when cheap, an estimate when not." A COUNT(*) over millions of rows on every page view
 * or refresh is the classic way to make a console slow, so:
 *  1. ask the planner how many rows the filter matches (EXPLAIN, no execution, ~1 ms);
 *  2. if that is small, count for real, but never past `exactUpTo` rows (LIMIT inside);
 *  3. otherwise, or when the capped count hits its cap, report the planner's estimate.
 */
export interface CountResult {
  value: number;
  exact: boolean;
}

export const EXACT_COUNT_UP_TO = 10_000;

/** `selectOne` is `SELECT 1 FROM ... WHERE ...` with $n parameters (no ORDER BY / LIMIT). */
export async function countOrEstimate(
  selectOne: string,
  params: unknown[],
  exactUpTo = EXACT_COUNT_UP_TO,
): Promise<CountResult> {
  const estimate = await planRows(selectOne, params);
  if (estimate <= exactUpTo * 20) {
    const rows = await readQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM (${selectOne} LIMIT ${exactUpTo + 1}) capped`,
      params,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n <= exactUpTo) return { value: n, exact: true };
    return { value: Math.max(estimate, n), exact: false };
  }
  return { value: estimate, exact: false };
}

export async function planRows(sql: string, params: unknown[]): Promise<number> {
  const rows = await readQuery<{ "QUERY PLAN": Array<{ Plan: { "Plan Rows": number } }> }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  return Math.round(rows[0]?.["QUERY PLAN"]?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

/** Rows of a table per the statistics (pg_class.reltuples); null when never analysed. */
export async function tableRowEstimate(qualified: "app.jobs" | "app.tasks"): Promise<number | null> {
  const rows = await readQuery<{ n: number }>(
    `SELECT c.reltuples::float8 AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = $1 AND c.relname = $2`,
    qualified.split("."),
  );
  const n = rows[0]?.n;
  return n === undefined || n < 0 ? null : Math.round(n);
}
