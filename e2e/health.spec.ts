import { expect, test } from "@playwright/test";
import type { Client } from "pg";
import { e2eDb, signIn, seriousViolations } from "./helpers";

/**
 * /health in a real browser against a real database: a lock wait and a pg_sleep arranged from
 * here show up on the page (blocked and blocking side by side, threshold words); an admin cancels
 * the query and terminates the blocking session through the operation dialog and sees the result;
 * a reader sees everything but no buttons; the console's own connections are never offered.
 */

async function session(name: string): Promise<Client & { pid: number }> {
  const c = await e2eDb();
  c.on("error", () => undefined); // a terminated connection emits 'error'
  await c.query(`SET application_name = '${name}'`);
  const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  return Object.assign(c, { pid });
}

/** blocker holds a row of app.jobs in an open transaction; waiter's UPDATE of the same row waits for it. */
async function lockWait(db: Client) {
  const [{ job_id }] = (await db.query<{ job_id: string }>(`SELECT job_id FROM app.jobs ORDER BY job_id LIMIT 1`)).rows;
  const blocker = await session("e2e-blocker");
  await blocker.query("BEGIN");
  await blocker.query(`UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1`, [job_id]);
  const waiter = await session("e2e-waiter");
  const waiting = waiter.query(`UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1`, [job_id]).then(
    () => "done",
    (e: { code?: string }) => e.code ?? "error",
  );
  await expect
    .poll(
      async () =>
        (await db.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [waiter.pid])).rows[0]
          ?.wait_event_type,
    )
    .toBe("Lock");
  return { blocker, waiter, waiting };
}

async function sleeper(db: Client, name: string) {
  const c = await session(name);
  const done = c.query("SELECT pg_sleep(120)").then(
    () => "finished",
    (e: { code?: string }) => e.code ?? "error",
  );
  await expect
    .poll(async () => (await db.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [c.pid])).rows[0]?.state)
    .toBe("active");
  return { client: c, pid: c.pid, done };
}

test("a reader sees the blocked and the blocking session side by side, and the thresholds in words", async ({
  page,
}) => {
  const db = await e2eDb();
  const { blocker, waiter, waiting } = await lockWait(db);
  try {
    await signIn(page, "reader", "/health");
    await expect(page.getByRole("heading", { level: 1, name: "Health" })).toBeVisible();
    const row = page.getByTestId(`lock-wait-${waiter.pid}`);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute("data-blocking-pid", String(blocker.pid));
    await expect(row).toContainText("e2e-waiter");
    await expect(row).toContainText("e2e-blocker");
    await expect(row).toContainText("app.jobs");
    await expect(row).toContainText("idle in transaction");
    await expect(page.getByRole("heading", { name: /Locks: who waits on whom/ })).toContainText("warning");
    // Thresholds and levels are words, not only colours.
    await expect(page.getByTestId("connections-summary")).toContainText(
      /in use \([\d.]+ %\): (ok|warning|critical)\. Thresholds: warning above 80 % \(\d+\), critical above 95 % \(\d+\)/,
    );
    await expect(page.getByTestId("health-overall")).toContainText(/Overall: (ok|warning|critical)/);
    await expect(page.getByTestId("connections-chart")).toBeVisible();
    // Read-only: no cancel or terminate anywhere.
    await expect(page.getByRole("button", { name: /Cancel the query|Terminate the session/ })).toHaveCount(0);
    // Slow queries come from pg_stat_statements, which the local cluster loads.
    await expect(page.getByTestId("slow-queries")).toBeVisible();
    // Query texts expand from the keyboard.
    const summary = row.locator("summary").first();
    if (await summary.count()) {
      await summary.focus();
      await page.keyboard.press("Enter");
      await expect(row.locator("details[open]").first()).toBeVisible();
    }
    expect(await seriousViolations(page, "/health")).toEqual([]);
  } finally {
    await blocker.query("ROLLBACK").catch(() => undefined);
    await waiting;
    await Promise.all([blocker.end(), waiter.end(), db.end()]);
  }
});

test("an admin cancels a pg_sleep through the dialog and sees the result; the console's own connection is not offered", async ({
  page,
}) => {
  const db = await e2eDb();
  const sleep = await sleeper(db, "e2e-sleeper");
  const own = await sleeper(db, "geoetl-admin-console:other-instance");
  try {
    await page.waitForTimeout(1_200);
    await signIn(page, "admin", "/health?long_query_seconds=1");
    const row = page.getByTestId(`long-query-${sleep.pid}`);
    await expect(row).toContainText("e2e-sleeper");
    await expect(row).toContainText("pg_sleep(120)");
    // The other console instance's query: listed, with the reason instead of buttons.
    const ownRow = page.getByTestId(`long-query-${own.pid}`);
    await expect(ownRow.getByTestId("end-refusal")).toContainText("never ends its own connections");
    await expect(ownRow.getByRole("button")).toHaveCount(0);

    await row.getByRole("button", { name: `Cancel the query of pid ${sleep.pid}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("operation-plan")).toContainText("pg_sleep(120)");
    await expect(page.getByText("Live refresh is paused while the dialog is open.")).toBeVisible();
    expect(await seriousViolations(page, "/health")).toEqual([]);
    const go = dialog.getByRole("button", { name: "Cancel a running query" });
    await expect(go).toBeDisabled();
    // Beside "Cancel a running query", the dismiss button says what it does.
    await expect(dialog.getByRole("button", { name: "Keep it running" })).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
    await dialog.getByLabel(/Type .* to confirm/).fill(String(sleep.pid));
    await go.click();
    await expect(dialog.getByTestId("operation-result")).toContainText('"ended": true');
    await expect(dialog.getByTestId("operation-result")).toContainText(`The query on pid ${sleep.pid} was cancelled.`);
    expect(await sleep.done).toBe("57014"); // canceling statement due to user request
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(row).toHaveCount(0); // refreshed: the query is gone
    const audit = await db.query(
      `SELECT outcome, target, actor_name FROM console.audit_log WHERE action = 'health.cancel' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]).toEqual({ outcome: "success", target: `pid ${sleep.pid}`, actor_name: "Ada Admin" });
    expect((await db.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [own.pid])).rows[0].state).toBe(
      "active",
    );
  } finally {
    await db
      .query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1)`, [[sleep.pid, own.pid]])
      .catch(() => undefined);
    await Promise.all([sleep.done, own.done]);
    await Promise.all([sleep.client.end(), own.client.end(), db.end()]);
  }
});

test("an admin terminates the blocking session from the locks panel, with the typed confirmation", async ({ page }) => {
  const db = await e2eDb();
  const { blocker, waiter, waiting } = await lockWait(db);
  try {
    await signIn(page, "admin", "/health");
    const row = page.getByTestId(`lock-wait-${waiter.pid}`);
    await expect(row).toBeVisible();
    // Idle in a transaction: nothing to cancel, so only terminate is offered.
    await expect(row.getByRole("button", { name: `Cancel the query of pid ${blocker.pid}` })).toHaveCount(0);
    await row.getByRole("button", { name: `Terminate the session of pid ${blocker.pid}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("operation-plan")).toContainText(`pid ${blocker.pid}`);
    const go = dialog.getByRole("button", { name: "Terminate a session" });
    await dialog.getByLabel(/Type .* to confirm/).fill(String(blocker.pid));
    await expect(go).toBeDisabled(); // the pid alone is not enough
    await dialog.getByLabel(/Type .* to confirm/).fill(`terminate ${blocker.pid}`);
    await go.click();
    await expect(dialog.getByTestId("operation-result")).toContainText(
      `The session pid ${blocker.pid} was terminated.`,
    );
    expect(await waiting).toBe("done"); // the waiter got its row
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(row).toHaveCount(0);
    const audit = await db.query(
      `SELECT outcome, target FROM console.audit_log WHERE action = 'health.terminate' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]).toEqual({ outcome: "success", target: `pid ${blocker.pid}` });
  } finally {
    await blocker.query("ROLLBACK").catch(() => undefined);
    await waiting;
    await Promise.all([blocker.end().catch(() => undefined), waiter.end(), db.end()]);
  }
});
