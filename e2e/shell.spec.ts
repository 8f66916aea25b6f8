import { expect, test } from "@playwright/test";
import { apiToken, signIn } from "./helpers";

test("anonymous visitors are sent to the sign-in page", async ({ page }) => {
  await page.goto("/jobs");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("an admin signs in and sees the shell with every section", async ({ page }) => {
  await signIn(page, "admin");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Jobs", "Tasks", "Geo layers", "Orphans", "Maintenance", "Health", "Audit"]) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("user-menu")).toContainText("Ada Admin");
  // Dark mode toggles and survives a reload (cookie).
  await page.getByRole("button", { name: "Toggle dark mode" }).click();
  const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(dark);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test("the sign-in form says what is wrong next to the field", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Name").fill("   ");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();
});

test("health answers ok; the API needs a caller", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok", database: "ok" });
  const whoami = await request.get("/api/me");
  expect(whoami.status()).toBe(401);
  expect((await whoami.json()).error.code).toBe("unauthorized");
  const withToken = await request.get("/api/me", { headers: { Authorization: `Bearer ${apiToken("reader")}` } });
  expect(withToken.status()).toBe(200);
  expect(await withToken.json()).toMatchObject({ role: "reader" });
  const forged = await request.get("/api/me", { headers: { Authorization: "Bearer Fe26.2**forged" } });
  expect(forged.status()).toBe(401);
});
