import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

/**
 * axe-core over every page, as admin and as reader, in the light and the dark theme: no serious or
 * critical violation. The dialogs are scanned open too.
 */
const JOB = "7e0eb20b9f85341b7ae251c93e9fe68c0c5e6f37f715aa792e2252a8b3c83446";
const PAGES = [
  "/",
  "/jobs",
  `/jobs/${JOB}`,
  "/tasks",
  "/geo",
  "/geo/world_countries",
  "/orphans",
  "/audit",
  "/health",
  "/maintenance",
];

async function scan(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
}

for (const who of ["admin", "reader"] as const) {
  for (const theme of ["light", "dark"] as const) {
    test(`every page as ${who}, ${theme} theme: no serious or critical axe violation`, async ({
      page,
      context,
      baseURL,
    }) => {
      test.setTimeout(180_000);
      await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
      await signIn(page, who);
      const found: string[] = [];
      for (const path of PAGES) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
        found.push(...(await scan(page, path)));
      }
      if (who === "admin") {
        await page.goto("/maintenance");
        await page.getByRole("button", { name: /Clean up jobs older than/ }).click();
        await expect(page.getByRole("dialog").getByTestId("operation-plan")).toBeVisible();
        found.push(...(await scan(page, "/maintenance (cleanup dialog)")));
      }
      await page.goto("/signin?problem=signed_out");
      found.push(...(await scan(page, "/signin")));
      expect(found).toEqual([]);
    });
  }
}
