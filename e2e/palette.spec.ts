import { expect, test, type Page } from "@playwright/test";
import { e2eDb, signIn, seriousViolations } from "./helpers";

/**
 * The command palette, from the keyboard only: Ctrl+K, a job id prefix, Enter → the job's page;
 * arrow keys move the active result; Escape closes and gives focus back; axe with it open; no
 * page error or CSP violation on the way.
 */
let jobId = "";

test.beforeAll(async () => {
  // A job whose first 8 characters no other job shares, so the prefix names it.
  const db = await e2eDb();
  const { rows } = await db.query<{ job_id: string }>(
    `SELECT job_id FROM app.jobs j
      WHERE NOT EXISTS (SELECT 1 FROM app.jobs k WHERE left(k.job_id, 8) = left(j.job_id, 8) AND k.job_id <> j.job_id)
        AND EXISTS (SELECT 1 FROM app.tasks t WHERE t.job_id = j.job_id)
      ORDER BY created_at DESC, job_id LIMIT 1`,
  );
  await db.end();
  jobId = rows[0].job_id;
});

let problems: string[] = [];
test.beforeEach(async ({ page }) => {
  problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
});
test.afterEach(async ({ page }) => {
  const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []).catch(() => []);
  expect([...problems, ...csp.map((v) => `CSP violation: ${v}`)]).toEqual([]);
});

const palette = (page: Page) => page.getByRole("dialog", { name: "Search the console" });
const combobox = (page: Page) => palette(page).getByRole("combobox");

/** Control+K, again until the page has hydrated and the palette answers (pressing it on an open palette only refocuses the input). */
async function openWithKeyboard(page: Page) {
  await expect(async () => {
    await page.keyboard.press("Control+K");
    await expect(palette(page)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(combobox(page)).toBeFocused();
}

test("Ctrl+K, a job id prefix, Enter: lands on the job", async ({ page }) => {
  await signIn(page, "reader");
  await openWithKeyboard(page);
  // Enter straight after typing: the palette waits for the answer to exactly that text.
  await page.keyboard.type(jobId.slice(0, 8));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`/jobs/${jobId}`);
  await expect(page.getByTestId("job-id")).toHaveText(jobId);
  await expect(palette(page)).toBeHidden();
});

test("arrow keys move through results grouped by kind; Enter opens the active one; Escape gives focus back", async ({
  page,
}) => {
  await signIn(page, "reader", "/tasks");
  // Open from the header button (Tab to it, Enter), then close with Escape: focus goes back to it.
  const button = page.getByRole("button", { name: "Search (Ctrl+K)" });
  await button.focus();
  await page.keyboard.press("Enter");
  await expect(combobox(page)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(palette(page)).toBeHidden();
  await expect(button).toBeFocused();

  await openWithKeyboard(page);
  await page.keyboard.type(jobId.slice(0, 8));
  const list = palette(page).getByRole("listbox");
  await expect(list.getByRole("group", { name: "Jobs" }).getByRole("option")).toHaveCount(1);
  await expect(list.getByRole("group", { name: "Tasks" }).getByRole("option").first()).toBeVisible();
  const options = list.getByRole("option");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await expect(combobox(page)).toHaveAttribute("aria-expanded", "true");
  await expect(combobox(page)).toHaveAttribute("aria-activedescendant", (await options.first().getAttribute("id"))!);
  await page.keyboard.press("ArrowDown");
  await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(combobox(page)).toHaveAttribute("aria-activedescendant", (await options.nth(1).getAttribute("id"))!);
  const taskHref = (await options.nth(1).getAttribute("data-href"))!;
  expect(taskHref).toMatch(new RegExp(`^/jobs/${jobId}\\?stage=\\d+#tasks$`));
  await page.keyboard.press("ArrowUp");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(taskHref);

  // Nothing found, then Escape: closed, and focus is back on the page, not lost in the dialog.
  await openWithKeyboard(page);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("zz-no-such-thing");
  await expect(palette(page).getByTestId("palette-status")).toHaveText("No matches");
  await expect(combobox(page)).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Escape");
  await expect(palette(page)).toBeHidden();
});

for (const theme of ["light", "dark"] as const) {
  test(`axe with the palette open and showing results, ${theme} theme: no serious or critical violation`, async ({
    page,
    context,
    baseURL,
  }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signIn(page, "reader");
    await openWithKeyboard(page);
    await page.keyboard.type(jobId.slice(0, 6));
    await expect(palette(page).getByRole("option").first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    const found = await seriousViolations(page, "results");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("zz-no-such-thing");
    await expect(palette(page).getByTestId("palette-status")).toHaveText("No matches");
    found.push(...(await seriousViolations(page, "no matches")));
    expect(found).toEqual([]);
  });
}
