import { expect, test } from "@playwright/test";
import { apiToken, e2eDb, signIn } from "./helpers";

test("an admin previews and runs a cleanup with the typed confirmation, sees the result and its audit entry", async ({
  page,
}) => {
  const db = await e2eDb();
  try {
    const expected = (
      await db.query(
        `SELECT count(*)::int AS n FROM app.jobs WHERE status = 'completed' AND updated_at < now() - interval '20 days'`,
      )
    ).rows[0].n;
    expect(expected).toBeGreaterThan(0);
    await signIn(page, "admin", "/maintenance");
    await expect(page.getByTestId("verify-checks")).toBeVisible();
    // Days live in the URL; the dialog's plan says exactly how many jobs go.
    await page.getByRole("spinbutton", { name: "Days" }).fill("20");
    await page.getByRole("button", { name: "Set" }).click();
    await expect(page).toHaveURL(/\/maintenance\?days=20$/);
    await page.getByRole("button", { name: "Clean up jobs older than 20 days" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("operation-plan")).toContainText(`${expected.toLocaleString("en-US")} rows`);
    const go = dialog.getByRole("button", { name: "Clean up old completed jobs" });
    await expect(go).toBeDisabled();
    await dialog.getByLabel(/Type .* to confirm/).fill("cleanup");
    await go.click();
    await expect(dialog.getByTestId("operation-result")).toContainText(`"jobs_deleted": ${expected}`);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(page.getByTestId("operation-runs")).toContainText("maintenance.cleanup");
    expect(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM app.jobs WHERE status = 'completed' AND updated_at < now() - interval '20 days'`,
        )
      ).rows[0].n,
    ).toBe(0);

    const audit = await db.query(
      `SELECT outcome, actor_name, fingerprint FROM console.audit_log WHERE action = 'maintenance.cleanup' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0]).toMatchObject({
      outcome: "success",
      actor_name: "Ada Admin",
      fingerprint: expect.any(String),
    });
    await page.goto("/audit?action=maintenance.cleanup");
    await expect(page.getByText("maintenance.cleanup").first()).toBeVisible();
  } finally {
    await db.end();
  }
});

test("the dialog works from the keyboard: Escape closes it and focus returns to its button", async ({ page }) => {
  await signIn(page, "admin", "/maintenance");
  const button = page.getByRole("button", { name: /Clean up jobs older than/ });
  await button.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("operation-plan")).toBeVisible();
  await expect(dialog.getByLabel(/Type .* to confirm/)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
});

test("a reader sees the status but no maintenance buttons, and gets 403 from every maintenance API", async ({
  page,
  request,
}) => {
  await signIn(page, "reader", "/maintenance");
  await expect(page.getByTestId("verify-checks")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Read-only" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Clean up|Redeploy|Full rebuild|Clear|Migrate/ })).toHaveCount(0);
  const reader = { Authorization: `Bearer ${apiToken("reader")}` };
  for (const path of [
    "/api/dbadmin/maintenance/cleanup?days=30&confirm=yes",
    "/api/dbadmin/maintenance/redeploy?confirm=yes",
    "/api/dbadmin/maintenance/full-rebuild?confirm=yes",
    "/api/dbadmin/maintenance/pgstac/redeploy?confirm=yes",
    "/api/dbadmin/maintenance/pgstac/migrate?confirm=yes",
    "/api/dbadmin/maintenance/audit-retention?confirm=yes",
    "/api/stac/nuke?mode=all&confirm=yes",
    "/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes",
  ]) {
    const r = await request.post(path, { headers: reader });
    expect(r.status(), path).toBe(403);
    expect((await r.json()).error.code, path).toBe("forbidden");
  }
  const db = await e2eDb();
  try {
    expect(
      (
        await db.query(
          `SELECT to_regclass('app.jobs') IS NOT NULL AND to_regclass('geo.world_countries') IS NOT NULL AS ok`,
        )
      ).rows[0].ok,
    ).toBe(true);
  } finally {
    await db.end();
  }
});

const REAL_PGSTAC = !!process.env.PGSTAC_MIGRATIONS_DIR && process.env.PGSTAC_MIGRATIONS_DIR !== "none";

test("on real pgSTAC: verify is green, the overview and health name pgSTAC 0.9.8, and Migrate pgSTAC says there is nothing to do", async ({
  page,
}) => {
  test.skip(!REAL_PGSTAC, "no pgSTAC release files on this machine (the stand-in runs)");
  await signIn(page, "admin", "/maintenance");
  await expect(page.getByRole("heading", { name: /Schema verification/ })).toContainText("all checks ok");
  await expect(page.getByTestId("verify-checks")).toContainText("Logical schema, ok");
  await expect(page.getByTestId("pgstac-migrate-status")).toContainText("Installed: pgSTAC 0.9.8");
  await page.getByRole("button", { name: "Migrate pgSTAC" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("pgSTAC 0.9.8 is installed already: nothing to migrate.");
  await page.keyboard.press("Escape");
  await page.goto("/");
  await expect(page.getByTestId("pgstac-version")).toHaveText("pgSTAC 0.9.8");
  await page.goto("/health");
  await expect(page.getByText(/· pgSTAC 0\.9\.8/)).toBeVisible();
});
