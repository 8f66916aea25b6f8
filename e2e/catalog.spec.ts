import { expect, test, type Page } from "@playwright/test";
import { e2eDb, signIn } from "./helpers";

/** How many features the map has drawn, asked from the map itself once it is idle. */
async function renderedFeatures(page: Page): Promise<{ count: number; sample: Record<string, unknown> | null }> {
  const map = page.getByTestId("layer-map");
  await expect(map).toHaveAttribute("data-status", "ready", { timeout: 20_000 });
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="layer-map"]') as HTMLElement & {
      __map?: { queryRenderedFeatures(): { properties: Record<string, unknown> }[] };
    };
    const hits = el.__map!.queryRenderedFeatures();
    return { count: hits.length, sample: hits[0]?.properties ?? null };
  });
}

test.beforeEach(async ({ page }) => {
  await signIn(page, "reader");
});

test("open a collection, see its footprints on the map, open an item, follow it to its layer and back", async ({
  page,
}) => {
  const tiles: number[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/tiles/stac/")) tiles.push(r.status());
  });
  await page.goto("/stac");
  await page.getByTestId("stac-collection-system-rasters").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/stac\/system-rasters$/);
  const drawn = await renderedFeatures(page);
  expect(drawn.count).toBeGreaterThan(0);
  expect(String(drawn.sample?.id)).toMatch(/./);
  expect(tiles.length).toBeGreaterThan(0);
  expect(tiles.every((s) => s === 200 || s === 204 || s === 304)).toBe(true);
  await expect(page.getByTestId("stac-items").locator("tbody tr").first()).toBeVisible();

  await page.goto("/stac/system-vectors");
  await page.getByRole("link", { name: "postgis-geo-world_countries" }).click();
  await expect(page).toHaveURL(/\/stac\/system-vectors\/postgis-geo-world_countries$/);
  await expect(page.getByTestId("stac-assets")).toContainText("postgis://geo.world_countries");
  expect((await renderedFeatures(page)).count).toBeGreaterThan(0);
  await page.getByTestId("item-layer").getByRole("link", { name: "world_countries" }).click();
  await expect(page).toHaveURL(/\/geo\/world_countries$/);
  await page.getByRole("link", { name: "postgis-geo-world_countries" }).click();
  await expect(page).toHaveURL(/\/stac\/system-vectors\/postgis-geo-world_countries$/);
  await page.getByTestId("item-job").getByRole("link").click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f]{64}$/);
});

test("the item list filters by id prefix in the URL", async ({ page }) => {
  await page.goto("/stac/system-vectors");
  await page.getByLabel("Item id starts with").fill("postgis-geo-pop");
  await page.getByLabel("Item id starts with").press("Enter");
  await expect(page).toHaveURL(/id_prefix=postgis-geo-pop/);
  await expect(page.getByTestId("stac-items").locator("tbody tr")).toHaveCount(1);
});

test("open a grid and see hexagons; a filter draws only its cells", async ({ page }) => {
  await page.goto("/h3");
  await page.getByRole("link", { name: "africa_land_res2" }).first().click();
  await expect(page).toHaveURL(/\/h3\/africa_land_res2$/);
  const grid = await renderedFeatures(page);
  expect(grid.count).toBeGreaterThan(50);
  expect(grid.sample).toMatchObject({ resolution: 2 });
  await page.goto("/h3/filters/sahel_res2");
  const filter = await renderedFeatures(page);
  expect(filter.count).toBeGreaterThan(0);
  expect(filter.count).toBeLessThan(grid.count);
});

test("the janitor warning names the check that has not succeeded within 24 h", async ({ page }) => {
  await page.goto("/activity");
  const warning = page.getByTestId("janitor-stale");
  await expect(warning).toContainText("stac_reconcile");
  await warning.getByRole("link", { name: "stac_reconcile" }).click();
  await expect(page).toHaveURL(/\/activity\/janitor\?run_type=stac_reconcile$/);
  await expect(page.getByTestId("janitor-type-stac_reconcile")).toHaveAttribute("data-stale", "true");
  await expect(page.getByTestId("janitor-type-task_watchdog")).not.toHaveAttribute("data-stale", "true");
  await expect(page.getByTestId("janitor-run")).toHaveCount(2);
});

test("an API request links to its job, and the job page shows the request that created it", async ({ page }) => {
  const db = await e2eDb();
  const { rows } = await db.query<{ job_id: string; dataset_id: string }>(
    "SELECT job_id, dataset_id FROM app.api_requests WHERE job_id IS NOT NULL ORDER BY created_at DESC LIMIT 1",
  );
  await db.end();
  await page.goto(`/activity?dataset=${rows[0].dataset_id}`);
  await page
    .getByTestId("api-requests")
    .getByRole("link", { name: rows[0].job_id.slice(0, 8) })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${rows[0].job_id}$`));
  await expect(page.getByTestId("job-requests")).toContainText(rows[0].dataset_id);
});
