import { expect, test } from "@playwright/test";
import { DEMO_JOB, e2eDb, signIn } from "./helpers";

// One behaviour for every list page: a link parameter the page cannot read is named, dropped, and
// the rest of the view still shows; a forged cursor is treated the same way.
const BAD_LINKS: { path: string; params: string[]; table: string }[] = [
  { path: "/jobs?limit=7&status=failed", params: ["limit"], table: "jobs-table" },
  { path: "/jobs?cursor=Zm9yZ2Vk", params: ["cursor"], table: "jobs-table" },
  { path: "/tasks?status=bogus&stuck=maybe", params: ["status", "stuck"], table: "" },
  { path: "/geo?has_stac=maybe", params: ["has_stac"], table: "geo-table" },
  { path: "/geo?cursor=Zm9yZ2Vk", params: ["cursor"], table: "geo-table" },
  { path: "/audit?before=-1&since=yesterday", params: ["before", "since"], table: "" },
  { path: `/jobs/${DEMO_JOB}?stage=x`, params: ["stage"], table: "" },
];

test.beforeEach(async ({ page }) => {
  await signIn(page, "reader");
});

for (const { path, params, table } of BAD_LINKS) {
  test(`${path}: names ${params.join(", ")}, drops it and shows the rest`, async ({ page }) => {
    const res = await page.goto(path);
    expect(res?.status()).toBe(200);
    const notice = page.getByTestId("invalid-link");
    await expect(notice).toBeVisible();
    for (const p of params) await expect(notice.locator("code", { hasText: new RegExp(`^${p}$`) })).toBeVisible();
    if (table) await expect(page.getByTestId(table)).toBeVisible();
    await notice.getByRole("link", { name: "Clear all filters" }).click();
    await expect(page.getByTestId("invalid-link")).toHaveCount(0);
  });
}

test("the tasks filters live in the URL and Back undoes a change", async ({ page }) => {
  await page.goto("/tasks");
  await page.getByRole("checkbox", { name: "failed" }).check();
  await expect(page).toHaveURL(/\/tasks\?status=failed$/);
  await expect(page.locator("[data-task-id]").first()).toBeVisible();
  await expect(page.getByTestId("tasks-total")).toContainText("match");
  await page.getByLabel("Job id", { exact: true }).fill(DEMO_JOB);
  await page.getByLabel("Job id", { exact: true }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`status=failed&job_id=${DEMO_JOB}`));
  await page.goBack();
  await expect(page).toHaveURL(/\/tasks\?status=failed$/);
  await expect(page.getByLabel("Job id", { exact: true })).toHaveValue("");
});

test("live refresh on a server-rendered page (tasks): a change in the database shows up, and the choice is kept", async ({
  page,
}) => {
  const db = await e2eDb();
  const { rows } = await db.query<{ task_id: string; status: string }>(
    "SELECT task_id, status FROM app.tasks WHERE job_id = $1 ORDER BY created_at DESC, task_id DESC LIMIT 1",
    [DEMO_JOB],
  );
  const task = rows[0];
  await page.goto(`/tasks?job_id=${DEMO_JOB}&limit=100`);
  const row = page.locator(`tr[data-task-id="${task.task_id}"]`);
  await expect(row).toBeVisible();
  const next = task.status === "completed" ? "pending" : "completed";
  await expect(row.getByText(next, { exact: true })).toHaveCount(0);
  // Until the page has hydrated a choice does not stick: choose until it is remembered.
  await expect(async () => {
    await page.getByLabel("Live refresh").selectOption("5");
    expect(await page.evaluate(() => localStorage.getItem("geoetl.refresh.tasks"))).toBe("5");
  }).toPass();
  try {
    await db.query("UPDATE app.tasks SET status = $2 WHERE task_id = $1", [task.task_id, next]);
    await expect(row.getByText(next, { exact: true })).toBeVisible({ timeout: 15_000 });
  } finally {
    await db.query("UPDATE app.tasks SET status = $2 WHERE task_id = $1", [task.task_id, task.status]);
    await db.end();
  }
  await page.reload();
  await expect(page.getByLabel("Live refresh")).toHaveValue("5");
  await page.getByLabel("Live refresh").selectOption("0");
});

test("a table that scrolls is a focusable, labelled region (keyboard users can scroll it)", async ({ page }) => {
  await page.goto("/jobs");
  const region = page.getByRole("region", { name: "Jobs" });
  await expect(region).toHaveAttribute("tabindex", "0");
  await region.focus();
  await expect(region).toBeFocused();
});
