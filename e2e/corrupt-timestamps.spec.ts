import { expect, test } from "@playwright/test";
import { CONSOLE_PAGE_PATHS, DEMO_JOB, e2eDb, signIn } from "./helpers";

/**
 * A buggy writer's timestamps on the pages: ±infinity, year 0001 and 9999 in jobs, tasks
 * (heartbeats of processing tasks), API requests, janitor runs, a layer's metadata and STAC items.
 * Every page still renders (no error page), showing "∞" / "−∞". The rows are put back afterwards.
 */
const VALUES = ["infinity", "-infinity", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59+00"];

test("every page renders with ±infinity and edge-year timestamps in the data", async ({ page }) => {
  test.setTimeout(120_000);
  const db = await e2eDb();
  const saved: [string, unknown[]][] = [];
  try {
    await db.query("BEGIN");
    // Keep what is changed, to put it back in the finally below.
    const jobs = (
      await db.query(`SELECT job_id, created_at, updated_at FROM app.jobs WHERE job_id <> $1 ORDER BY job_id LIMIT 4`, [
        DEMO_JOB,
      ])
    ).rows;
    const tasks = (
      await db.query(
        `SELECT task_id, status, heartbeat, created_at, updated_at FROM app.tasks WHERE job_id = $1 ORDER BY task_id LIMIT 4`,
        [DEMO_JOB],
      )
    ).rows;
    const runs = (
      await db.query(`SELECT run_id, started_at, completed_at FROM app.janitor_runs ORDER BY run_id LIMIT 4`)
    ).rows;
    const items = (
      await db.query(
        `SELECT id, datetime, end_datetime FROM pgstac.items WHERE collection = 'system-vectors' ORDER BY id LIMIT 4`,
      )
    ).rows;
    for (const [i, v] of VALUES.entries()) {
      await db.query(`UPDATE app.jobs SET created_at = $1, updated_at = $1 WHERE job_id = $2`, [v, jobs[i].job_id]);
      await db.query(
        `UPDATE app.tasks SET heartbeat = $1, created_at = $1, updated_at = $1, status = 'processing' WHERE task_id = $2`,
        [v, tasks[i].task_id],
      );
      await db.query(`UPDATE app.janitor_runs SET started_at = $1, completed_at = $1 WHERE run_id = $2`, [
        v,
        runs[i].run_id,
      ]);
      await db.query("SET LOCAL search_path TO pgstac, public");
      await db.query(`UPDATE pgstac.items SET datetime = $1, end_datetime = $1 WHERE id = $2`, [v, items[i].id]);
      await db.query("SET LOCAL search_path TO public");
    }
    await db.query("COMMIT");
    // Each row back as it was: every column read above, keyed by the first one.
    const restore = (table: string, rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const [key, ...cols] = Object.keys(r);
        const sets = cols.map((c, i) => `${c} = $${i + 2}`).join(", ");
        saved.push([`UPDATE ${table} SET ${sets} WHERE ${key} = $1`, [r[key], ...cols.map((c) => r[c])]]);
      }
    };
    restore("app.jobs", jobs);
    restore("app.tasks", tasks);
    restore("app.janitor_runs", runs);
    restore("pgstac.items", items);

    await signIn(page, "reader", "/jobs");
    await expect(page.getByText("∞").first()).toBeVisible();
    for (const path of [
      ...CONSOLE_PAGE_PATHS,
      "/stac/system-vectors",
      `/jobs/${jobs[0].job_id}`,
      `/jobs/${jobs[1].job_id}`,
    ]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBeLessThan(500);
      await expect(page.getByRole("main"), path).toBeVisible();
      await expect(page.getByText(/Could not load this page|Something went wrong/), path).toHaveCount(0);
    }
    await page.goto(`/jobs/${DEMO_JOB}`);
    await expect(page.getByText("−∞").first()).toBeVisible();
  } finally {
    await db.query("ROLLBACK").catch(() => undefined);
    await db.query("BEGIN; SET LOCAL search_path TO pgstac, public");
    for (const [sql, params] of saved) await db.query(sql, params);
    await db.query("COMMIT");
    await db.end();
  }
});
