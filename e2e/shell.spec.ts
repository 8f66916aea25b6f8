import { expect, test } from "@playwright/test";
import { apiToken, signIn } from "./helpers";

test("anonymous visitors are sent to the sign-in page, and back to where they were going after it", async ({ page }) => {
  await page.goto("/jobs?status=failed");
  await expect(page).toHaveURL(/\/signin\?next=%2Fjobs%3Fstatus%3Dfailed$/);
  await page.getByLabel("Name").fill("Ada Admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/jobs\?status=failed$/);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
});

test("a crafted next= cannot send a signed-in user to another site", async ({ page }) => {
  await page.goto(`/signin?next=${encodeURIComponent("/\\evil.example")}`);
  await page.getByLabel("Name").fill("Ada Admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
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
