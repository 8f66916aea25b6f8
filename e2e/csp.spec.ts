import { expect, test } from "@playwright/test";
import { CONSOLE_PAGE_PATHS, signIn } from "./helpers";

/**
 * Every page, the map included, under the real Content-Security-Policy: no violation and no
 * console error. Violations are caught twice: the browser's securitypolicyviolation event and
 * the console error Chromium logs for each.
 */
test("every page runs under the CSP without a violation or a console error", async ({ page }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${page.url()}: console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await signIn(page, "admin");
  for (const path of CONSOLE_PAGE_PATHS) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    // Let client code run (hydration, first queries); pages with live refresh never go network-idle.
    await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => undefined);
    if (path.startsWith("/geo/")) {
      // The map has loaded its worker and drawn tiles.
      await expect(page.getByTestId("layer-map")).toHaveAttribute("data-status", "ready", { timeout: 20_000 });
    }
    const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    for (const v of csp) problems.push(`${path}: CSP violation: ${v}`);
  }
  expect(problems).toEqual([]);
});
