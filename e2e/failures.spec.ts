import { expect, test } from "@playwright/test";
import { DEMO_FAILURE_GROUP, e2eDb, refreshFailureIndex, signIn } from "./helpers";

/**
 * Failure triage in the browser: the groups of a window with filters in the URL, the drill-down
 * to a group and on to the job, the links in (overview, a failed task, the palette), the admin's
 * refresh, and what a reader and a bad link get.
 */
test.beforeEach(async ({ request }) => {
  await refreshFailureIndex(request);
});

test("groups by signature; window and text filters live in the URL; drill down to the group and its job", async ({
  page,
}) => {
  await signIn(page, "reader", "/failures?window=30d");
  const groups = page.getByTestId("failure-group");
  await expect(groups.first()).toBeVisible();
  const n = await groups.count();
  expect(n).toBeGreaterThan(3);
  await expect(page.getByTestId("failures-freshness")).toContainText("Index refreshed");
  // A reader sees no refresh buttons.
  await expect(page.getByRole("button", { name: "Refresh now" })).toHaveCount(0);

  await page.getByLabel("Message contains").fill("unsupported crs");
  await page.getByLabel("Message contains").press("Enter");
  await expect(page).toHaveURL(/[?&]q=unsupported(\+|%20)crs/);
  await expect(groups).toHaveCount(1);
  await expect(groups.first()).toContainText("GDAL error: Unsupported CRS EPSG:<n>");

  await page.getByLabel("Window").selectOption("7d");
  await expect(page).toHaveURL(/window=7d/);
  await page.goBack();
  await expect(page).toHaveURL(/window=30d/);
  await expect(page.getByLabel("Message contains")).toHaveValue("unsupported crs");

  await groups.first().getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/failures/${DEMO_FAILURE_GROUP}\\?window=30d`));
  await expect(page.getByTestId("failure-template")).toHaveText("GDAL error: Unsupported CRS EPSG:<n>");
  await expect(page).toHaveTitle(/Failure group/);
  const members = page.getByTestId("failure-members").locator("tbody tr");
  await expect(members.first()).toBeVisible();
  const csv = page.getByRole("link", { name: "CSV" });
  await expect(csv).toHaveAttribute("href", new RegExp(`signature=${DEMO_FAILURE_GROUP}&window=30d&format=csv`));
  const jobLink = members.first().getByRole("link");
  const jobId = (await jobLink.textContent())!.trim();
  await jobLink.click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}`));
});

test("links in: the overview's top groups, a failed task on job detail, the command palette", async ({ page }) => {
  await signIn(page, "reader", "/");
  const top = page.getByTestId("top-failure-groups").getByRole("link");
  await expect(top.first()).toBeVisible();
  await top.first().click();
  await expect(page).toHaveURL(/\/failures\/[0-9a-f]{16}\?window=24h/);
  await expect(page.getByTestId("failure-template")).toBeVisible();

  // A failed task of the GDAL group links to it from its job's page.
  const db = await e2eDb();
  const { rows } = await db.query<{ job_id: string; stage: number }>(
    "SELECT job_id, stage FROM app.tasks WHERE status = 'failed' AND error_message = 'GDAL error: Unsupported CRS EPSG:999999' LIMIT 1",
  );
  await db.end();
  await page.goto(`/jobs/${rows[0].job_id}?stage=${rows[0].stage}&status=failed#tasks`);
  const link = page.getByTestId("task-failure-group").first();
  await expect(link).toHaveAttribute("href", `/failures/${DEMO_FAILURE_GROUP}?window=30d`);
  await link.click();
  await expect(page.getByTestId("failure-template")).toHaveText("GDAL error: Unsupported CRS EPSG:<n>");

  const palette = page.getByRole("dialog", { name: "Search the console" });
  await expect(async () => {
    await page.keyboard.press("Control+K");
    await expect(palette).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.keyboard.type("Unsupported CRS");
  await expect(palette.getByRole("option", { name: /GDAL error: Unsupported CRS/ })).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/failures/${DEMO_FAILURE_GROUP}\\?window=30d`));
});

test("an admin refreshes the index from the page and is told what it did", async ({ page }) => {
  await signIn(page, "admin", "/failures");
  await page.getByRole("button", { name: "Refresh now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Refreshed: [\d,]+ rows read/ })).toBeVisible();
});

test("a bad link says so and still shows the page; an unknown group is a 404 page", async ({ page }) => {
  await signIn(page, "reader", "/failures?window=2h&sort=biggest");
  await expect(page.getByTestId("invalid-link")).toContainText("window");
  await expect(page.getByTestId("failure-group").first()).toBeVisible();
  const res = await page.goto("/failures/0123456789abcdef");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("failure-group-not-found")).toBeVisible();
  expect((await page.goto("/failures/not-a-key"))?.status()).toBe(404);
});
