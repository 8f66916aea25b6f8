import { expect, test, type Page } from "@playwright/test";
import { apiToken, e2eDb, signIn } from "./helpers";

/**
 * Geo layers: list, layer page with the map (tiles from PostGIS), click → attributes, unpublish
 * with the typed confirmation, the audit log, and the reader's closed door.
 * Unpublishes only shipping_routes and mystery_upload: other specs rely on the rest.
 */

/** Pixel of a rendered feature, asked from the map itself (no guessing where land is). */
async function featurePixel(page: Page): Promise<{ x: number; y: number; name: string }> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="layer-map"]') as HTMLElement & {
      __map?: {
        queryRenderedFeatures(q?: unknown): { properties: Record<string, unknown> }[];
        project(ll: [number, number]): { x: number; y: number };
        getCanvas(): HTMLCanvasElement;
      };
    };
    const map = el.__map!;
    const canvas = map.getCanvas();
    // scan a grid for the first pixel with a feature under it
    for (let y = 40; y < canvas.clientHeight - 20; y += 12) {
      for (let x = 40; x < canvas.clientWidth - 40; x += 12) {
        const hit = (
          map as unknown as { queryRenderedFeatures(p: [number, number]): { properties: Record<string, unknown> }[] }
        ).queryRenderedFeatures([x, y]);
        if (hit.length) return { x, y, name: String(hit[0].properties.name ?? "") };
      }
    }
    throw new Error("no rendered feature found");
  });
}

test("the geo list shows published layers with filters in the URL", async ({ page }) => {
  await signIn(page, "reader");
  await page.goto("/geo");
  const table = page.getByTestId("geo-table");
  await expect(table.getByTestId("geo-row-world_countries")).toBeVisible();
  await expect(table.getByTestId("geo-row-world_countries")).toContainText("postgis-geo-world_countries");
  await expect(table.getByTestId("geo-row-rivers_sample")).toContainText("not catalogued");
  await page.locator(`select[name="has_stac"]`).selectOption("false");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/has_stac=false/);
  await expect(table.getByTestId("geo-row-world_countries")).toHaveCount(0);
  await expect(table.getByTestId("geo-row-rivers_sample")).toBeVisible();
  await page.goto("/geo?q=country");
  await expect(page.getByTestId("geo-row-world_countries")).toBeVisible();
});

test("a layer page draws the map from vector tiles; a click shows the feature's attributes", async ({ page }) => {
  const tileStatuses: number[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/tiles/world_countries/")) tileStatuses.push(r.status());
  });
  await signIn(page, "reader");
  await page.goto("/geo/world_countries");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const map = page.getByTestId("layer-map");
  await expect(map.locator("canvas.maplibregl-canvas")).toBeVisible();
  await expect(map).toHaveAttribute("data-status", "ready", { timeout: 20_000 });
  await expect(page.getByTestId("map-feature-count")).toContainText("features");
  expect(tileStatuses.length).toBeGreaterThan(0);
  expect(tileStatuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  expect(tileStatuses.every((s) => s === 200 || s === 204 || s === 304)).toBe(true);
  // the canvas really drew something: a screenshot of the map has more than the background colour
  const png = (await map.screenshot()).toString("base64");
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const off = document.createElement("canvas");
    off.width = img.width;
    off.height = img.height;
    const ctx = off.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < d.length; i += 16) seen.add(`${d[i] >> 4},${d[i + 1] >> 4},${d[i + 2] >> 4}`);
    return seen.size;
  }, png);
  expect(colours).toBeGreaterThan(2);

  const { x, y, name } = await featurePixel(page);
  expect(name).not.toBe("");
  await map.click({ position: { x, y } });
  const popup = page.locator(".maplibregl-popup");
  await expect(popup).toBeVisible();
  await expect(popup).toContainText(name);
  await expect(popup).toContainText("continent");
  // attribute table below the map, keyset-paged
  await expect(page.getByTestId("attribute-table")).toContainText("objectid");
  await page.getByRole("link", { name: "Next rows →" }).click();
  await expect(page).toHaveURL(/after=\d+/);
  // STAC JSON is shown
  await expect(page.getByTestId("stac-json")).toContainText("postgis-geo-world_countries", { useInnerText: false });
});

test("a reader sees no unpublish button and the API answers 403 (and nothing changes)", async ({ page, request }) => {
  await signIn(page, "reader");
  await page.goto("/geo/shipping_routes");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Unpublish" })).toHaveCount(0);
  await page.goto("/orphans");
  await expect(page.getByTestId("orphan-table-mystery_upload")).toBeVisible();
  await expect(page.getByRole("button", { name: "Unpublish" })).toHaveCount(0);

  const res = await request.post("/api/dbadmin/geo/unpublish?table_name=shipping_routes&confirm=yes", {
    headers: { Authorization: `Bearer ${apiToken("reader")}` },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
  const db = await e2eDb();
  try {
    const { rows } = await db.query(`SELECT to_regclass('geo.shipping_routes') IS NOT NULL AS ok`);
    expect(rows[0].ok).toBe(true);
    const audit = await db.query(
      `SELECT outcome, actor_role FROM console.audit_log WHERE target = 'shipping_routes' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]).toEqual({ outcome: "refused", actor_role: "reader" });
  } finally {
    await db.end();
  }
});

test("the JSON API: metadata, orphans, tile errors and caching, unpublish needs confirm=yes", async ({ request }) => {
  const admin = { Authorization: `Bearer ${apiToken("admin")}` };
  const meta = await request.get("/api/dbadmin/geo/metadata?has_stac=true&limit=2", { headers: admin });
  expect(meta.status()).toBe(200);
  const m = await meta.json();
  expect(m).toMatchObject({ limit: 2, offset: 0, filters_applied: { has_stac: true } });
  expect(m.metadata).toHaveLength(2);
  expect(m.total).toBeGreaterThanOrEqual(2);
  expect((await request.get("/api/dbadmin/geo/metadata?limit=abc", { headers: admin })).status()).toBe(400);
  expect((await request.get("/api/dbadmin/geo/metadata")).status()).toBe(401);

  const orphans = await (await request.get("/api/dbadmin/geo/orphans", { headers: admin })).json();
  expect(orphans.summary.health_status).toBe("ORPHANS_DETECTED");

  const tile = await request.get("/api/tiles/world_countries/0/0/0.mvt", { headers: admin });
  expect(tile.status()).toBe(200);
  expect(tile.headers()["content-type"]).toBe("application/vnd.mapbox-vector-tile");
  expect(tile.headers()["cache-control"]).toContain("max-age");
  const etag = tile.headers()["etag"];
  expect(etag).toBeTruthy();
  expect(
    (
      await request.get("/api/tiles/world_countries/0/0/0.mvt", { headers: { ...admin, "If-None-Match": etag } })
    ).status(),
  ).toBe(304);
  expect((await request.get("/api/tiles/world_countries/10/0/512.mvt", { headers: admin })).status()).toBe(204);
  expect((await request.get("/api/tiles/world-countries/0/0/0.mvt", { headers: admin })).status()).toBe(400);
  expect((await request.get("/api/tiles/no_such_table/0/0/0.mvt", { headers: admin })).status()).toBe(404);
  expect((await request.get("/api/tiles/world_countries/2/9/0.mvt", { headers: admin })).status()).toBe(400);
  expect((await request.get("/api/tiles/world_countries/0/0/0.png", { headers: admin })).status()).toBe(400);

  const noConfirm = await request.post("/api/dbadmin/geo/unpublish?table_name=shipping_routes", { headers: admin });
  expect(noConfirm.status()).toBe(400);
  expect((await noConfirm.json()).error.message).toContain("confirm");
  const missing = await request.post("/api/dbadmin/geo/unpublish?table_name=nonexistent_table&confirm=yes", {
    headers: admin,
  });
  expect(await missing.json()).toEqual({
    success: false,
    error: "Table 'nonexistent_table' does not exist in geo schema",
    table_name: "nonexistent_table",
  });
});

test("odd input is a 400 or ignored, never a 500: control characters, 20-digit cursors, 1/yes booleans", async ({
  page,
  request,
}) => {
  const admin = { Authorization: `Bearer ${apiToken("admin")}` };
  for (const [param, value] of [
    ["job_id", "a%00b"],
    ["q", "%00"],
  ]) {
    const res = await request.get(`/api/dbadmin/geo/metadata?${param}=${value}`, { headers: admin });
    expect(res.status(), `${param}=${value}`).toBe(400);
    expect((await res.json()).error.parameter).toBe(param);
  }
  const yes = await request.get("/api/dbadmin/geo/metadata?has_stac=yes", { headers: admin });
  expect(yes.status()).toBe(200);
  expect((await yes.json()).filters_applied).toEqual({ has_stac: true });
  expect((await request.get("/api/tiles/a%00b/0/0/0.mvt", { headers: admin })).status()).toBe(400);
  expect(
    (await request.post("/api/dbadmin/geo/unpublish?table_name=a%00b&confirm=yes", { headers: admin })).status(),
  ).toBe(400);

  await signIn(page, "reader");
  for (const path of [
    "/geo?q=%00&job_id=%01",
    "/geo?has_stac=1",
    "/geo/world_countries?after=99999999999999999999",
    "/audit?before=9999999999999999999",
    "/audit?action=%00",
  ]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
  }
  await page.goto("/geo?has_stac=0");
  await expect(page.getByTestId("geo-row-rivers_sample")).toBeVisible();
  await expect(page.getByTestId("geo-row-world_countries")).toHaveCount(0);
});

test("an admin unpublishes a layer with the typed confirmation; it leaves the list and the audit log shows it", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/geo/shipping_routes");
  await page.getByRole("button", { name: "Unpublish" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const impact = dialog.getByTestId("operation-plan");
  await expect(impact).toContainText("postgis-geo-shipping_routes");
  await expect(impact).toContainText('geo."shipping_routes"');
  await expect(impact).toContainText("rows");
  const go = dialog.getByRole("button", { name: "Unpublish a layer" });
  await expect(go).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill("shipping_route");
  await expect(go).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill("shipping_routes");
  await expect(go).toBeEnabled();
  await go.click();
  // The result comes from the action's own response, not from the URL.
  await expect(dialog.getByTestId("operation-result")).toContainText('"stac_item": "postgis-geo-shipping_routes"');
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page).toHaveURL(/\/geo$/);
  await expect(page.getByTestId("geo-row-shipping_routes")).toHaveCount(0);
  await expect(page.getByTestId("geo-row-world_countries")).toBeVisible();

  await page.goto("/audit");
  const row = page.getByTestId("audit-row").filter({ hasText: "shipping_routes" }).filter({ hasText: "success" });
  await expect(row.first()).toBeVisible();
  await expect(row.first()).toContainText("Ada Admin");
  await expect(row.first()).toContainText("geo.unpublish");
});

test("an admin removes an orphaned table from the orphans page", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/orphans");
  await expect(page.getByTestId("health-status")).toHaveText("ORPHANS_DETECTED");
  const row = page.getByTestId("orphan-table-mystery_upload");
  await expect(row).toContainText("250");
  await row.getByRole("button", { name: "Unpublish" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("operation-plan")).toContainText('geo."mystery_upload"');
  await expect(dialog).toContainText("No metadata found");
  await dialog.getByLabel(/Type .* to confirm/).fill("mystery_upload");
  await dialog.getByRole("button", { name: "Unpublish a layer" }).click();
  await expect(dialog.getByTestId("operation-result")).toContainText('"was_orphaned": true');
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByTestId("orphan-table-mystery_upload")).toHaveCount(0);
});
