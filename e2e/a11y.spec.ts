import { expect, test } from "@playwright/test";
import { CONSOLE_PAGE_PATHS, seriousViolations, signIn } from "./helpers";

/**
 * axe-core over every page, as admin and as reader, in the light and the dark theme: no serious or
 * critical violation. The dialogs are scanned open too.
 */
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
      for (const path of CONSOLE_PAGE_PATHS) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
        found.push(...(await seriousViolations(page, path)));
      }
      if (who === "admin") {
        await page.goto("/maintenance");
        await page.getByRole("button", { name: /Clean up jobs older than/ }).click();
        await expect(page.getByRole("dialog").getByTestId("operation-plan")).toBeVisible();
        found.push(...(await seriousViolations(page, "/maintenance (cleanup dialog)")));
      }
      await page.goto("/signin?problem=signed_out");
      found.push(...(await seriousViolations(page, "/signin")));
      expect(found).toEqual([]);
    });
  }
}
