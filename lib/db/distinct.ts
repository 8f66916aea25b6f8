import "server-only";
import { readQuery } from "./pool";

/**
 * Distinct values of an indexed low-cardinality column by a loose index scan (a recursive CTE
 * that jumps from one value to the next): milliseconds on millions of rows where SELECT DISTINCT
 * would read them all. Table and column are constants from our own code, never user input.
 */
export async function distinctValues(
  table: "app.jobs" | "app.tasks",
  column: "job_type" | "task_type",
  max = 500,
): Promise<string[]> {
  const rows = await readQuery<{ v: string }>(
    `WITH RECURSIVE t AS (
       (SELECT ${column} AS v FROM ${table} ORDER BY ${column} LIMIT 1)
       UNION ALL
       SELECT (SELECT ${column} FROM ${table} WHERE ${column} > t.v ORDER BY ${column} LIMIT 1) FROM t WHERE t.v IS NOT NULL
     ) SELECT v FROM t WHERE v IS NOT NULL LIMIT $1`,
    [max],
  );
  return rows.map((r) => r.v);
}
