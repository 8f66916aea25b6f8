import { expect, test } from "@playwright/test";
import { apiToken, e2eDb, signIn } from "./helpers";

test.describe("jobs", () => {
  let consoleErrors: string[] = [];
  test.beforeEach(async ({ page }) => {
    consoleErrors = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /hydrat/i.test(m.text())) consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await signIn(page, "reader");
  });
  test.afterEach(() => {
    expect(consoleErrors, "no hydration or page errors").toEqual([]);
  });

  test("the overview shows counts, the hourly chart, failures, stuck tasks and pgSTAC", async ({ page }) => {
    const db = await e2eDb();
    const counts = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM app.jobs)::int AS jobs,
                  (SELECT count(*) FROM app.tasks WHERE status = 'processing' AND coalesce(heartbeat, updated_at) < now() - interval '10 minutes')::int AS stuck`,
        )
      ).rows[0] as { jobs: number; stuck: number };
    // The demo's heartbeats age with the clock: a task may cross the 10-minute line while the page
    // loads, so the page's number lies between the counts taken before and after.
    const before = await counts();
    await page.goto("/");
    await expect(page.getByTestId("total-jobs")).toHaveText(before.jobs.toLocaleString("en-US"));
    const shown = Number((await page.getByTestId("stuck-count").innerText()).replace(/[^0-9]/g, ""));
    const after = await counts();
    await db.end();
    expect(shown).toBeGreaterThanOrEqual(before.stuck);
    expect(shown).toBeLessThanOrEqual(after.stuck);
    await expect(page.getByTestId("pgstac-version")).toContainText("0.9.8");
    await expect(page.getByTestId("jobs-chart")).toBeVisible();
    await expect(page.getByTestId("latest-failures").locator("li")).toHaveCount(8);
    await page.getByRole("link", { name: "7 d" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(page.getByTestId("jobs-chart")).toHaveAttribute("aria-label", /last 7 days/);
    await page.getByRole("link", { name: "See stuck tasks" }).click();
    await expect(page).toHaveURL(/\/tasks\?stuck=true/);
    const stuckRows = page.locator("tr[data-stuck=true]");
    await expect(stuckRows.first()).toBeVisible();
    expect(await stuckRows.count()).toBeGreaterThanOrEqual(Math.min(before.stuck, 50));
    expect(await stuckRows.count()).toBeLessThanOrEqual(50);
    await stuckRows.first().getByRole("link").click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f]+/);
  });

  test("a /jobs?status=failed link reproduces the view; paging forward and Back keep the URL", async ({ page }) => {
    await page.goto("/jobs?status=failed");
    const table = page.getByTestId("jobs-table");
    await expect(table).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "failed", exact: true })).toBeChecked();
    const statuses = await page.getByTestId("job-status").allTextContents();
    expect(statuses.length).toBe(25);
    expect(new Set(statuses)).toEqual(new Set(["failed"]));
    await expect(page.getByTestId("jobs-total")).toContainText(/\d+ jobs match/);
    const firstOnPage1 = await table.locator("tbody tr[data-job-id]").first().getAttribute("data-job-id");

    await page.getByRole("link", { name: "Older →" }).click();
    await expect(page).toHaveURL(/status=failed/);
    await expect(page).toHaveURL(/cursor=/);
    await expect(table.locator("tbody tr[data-job-id]").first()).not.toHaveAttribute("data-job-id", firstOnPage1!);
    expect(new Set(await page.getByTestId("job-status").allTextContents())).toEqual(new Set(["failed"]));

    await page.goBack();
    await expect(page).not.toHaveURL(/cursor=/);
    await expect(table.locator("tbody tr[data-job-id]").first()).toHaveAttribute("data-job-id", firstOnPage1!);

    // Newer from page 2 lands exactly on page 1 again.
    await page.goForward();
    await expect(page).toHaveURL(/cursor=/);
    await page.getByRole("link", { name: "← Newer" }).click();
    await expect(table.locator("tbody tr[data-job-id]").first()).toHaveAttribute("data-job-id", firstOnPage1!);
  });

  test("open a job, see its stages, expand a failed task's error", async ({ page }) => {
    const db = await e2eDb();
    const { rows } = await db.query(
      "SELECT t.job_id, t.error_message FROM app.tasks t WHERE t.status = 'failed' AND t.error_message IS NOT NULL ORDER BY t.task_id LIMIT 1",
    );
    await db.end();
    const jobId: string = rows[0].job_id;
    await page.goto(`/jobs?q=${jobId.slice(0, 12)}`);
    await page
      .getByRole("link", { name: jobId.slice(0, 10) })
      .first()
      .click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
    await expect(page.getByTestId("job-id")).toHaveText(jobId);
    await expect(page.getByRole("heading", { name: "Stages" })).toBeVisible();
    await expect(page.getByTestId("stage-1")).toBeVisible();

    await page.getByRole("link", { name: /^failed \(\d+\)$/ }).click();
    await expect(page).toHaveURL(/status=failed/);
    const error = page.getByTestId("task-error").first();
    await expect(error).toBeHidden();
    await page
      .locator("details summary")
      .filter({ hasText: rows[0].error_message.split("\n")[0].slice(0, 40) })
      .first()
      .click();
    await expect(error).toBeVisible();
    await expect(error).toContainText(rows[0].error_message.split("\n")[0]);
  });

  test("an unknown job id is a 404 page", async ({ page }) => {
    const res = await page.goto("/jobs/this-job-does-not-exist");
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId("job-not-found")).toBeVisible();
  });

  test("a job id PostgreSQL cannot hold (a NUL byte) is a 404 page, not the error page", async ({ page }) => {
    for (const path of ["/jobs/%00", "/jobs/abc%00def", "/jobs/%01"]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(page.getByTestId("job-not-found")).toBeVisible();
    }
  });

  test("live refresh shows a status change made in the database, and is remembered", async ({ page }) => {
    await page.goto("/jobs");
    const firstRow = page.locator("tbody tr[data-job-id]").first();
    const jobId = (await firstRow.getAttribute("data-job-id"))!;
    const before = (await firstRow.getAttribute("data-status"))!;
    const after = before === "failed" ? "completed" : "failed";

    const select = page.getByLabel("Live refresh");
    await expect(async () => {
      await select.selectOption("5");
      expect(await page.evaluate(() => localStorage.getItem("geoetl.refresh.jobs"))).toBe("5");
    }).toPass();

    // Open the row first: a refresh must not close it.
    await page.getByRole("button", { name: `Show details of job ${jobId}` }).click();
    await expect(page.getByRole("button", { name: `Hide details of job ${jobId}` })).toBeVisible();

    const db = await e2eDb();
    await db.query("UPDATE app.jobs SET status = $2 WHERE job_id = $1", [jobId, after]);
    await db.end();

    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await expect(row).toHaveAttribute("data-status", after, { timeout: 15_000 });
    await expect(row).toHaveAttribute("data-changed", "true");
    await expect(page.getByRole("button", { name: `Hide details of job ${jobId}` })).toBeVisible();

    await page.reload();
    await expect(page.getByLabel("Live refresh")).toHaveValue("5");
  });

  test("a page left open after its session ended says so and keeps its rows", async ({ page, context }) => {
    // API polling does not keep a session alive (only navigation does): after the idle timeout
    // the next refresh is a 401. Clearing the cookie is that, as the server sees it.
    await page.goto("/jobs");
    const rows = await page.locator("tbody tr[data-job-id]").count();
    expect(rows).toBeGreaterThan(0);
    await expect(async () => {
      await page.getByLabel("Live refresh").selectOption("5");
      expect(await page.evaluate(() => localStorage.getItem("geoetl.refresh.jobs"))).toBe("5");
    }).toPass();
    await context.clearCookies();
    await expect(page.getByText("Your session has ended. Reload the page to sign in again.")).toBeVisible({
      timeout: 15_000,
    });
    await expect(page.locator("tbody tr[data-job-id]")).toHaveCount(rows);
    // Reloading leads to the sign-in page, and back here after it.
    await page.reload();
    await expect(page.getByLabel("Username")).toBeVisible();
  });
});

test("the jobs API: seed shapes, 400 naming the parameter, 401 without a caller", async ({ request }) => {
  const auth = { Authorization: `Bearer ${apiToken("reader")}` };
  const ok = await request.get("/api/dbadmin/jobs?hours=720&limit=10&status=failed", { headers: auth });
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(body.jobs).toHaveLength(10);
  expect(body.next_cursor).toEqual(expect.any(String));
  const bad = await request.get("/api/dbadmin/jobs?hours=-1", { headers: auth });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("hours");
  expect((await request.get("/api/dbadmin/stats")).status()).toBe(401);
  const stats = await (await request.get("/api/dbadmin/stats", { headers: auth })).json();
  expect(stats).toMatchObject({
    total_jobs: expect.any(Number),
    total_tasks: expect.any(Number),
    schemas: expect.arrayContaining(["app"]),
  });
  expect((await request.get("/api/dbadmin/jobs/nope", { headers: auth })).status()).toBe(404);
});
