import { execFileSync, spawn } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { signatureOf } from "../lib/failures/signature";
import { Client } from "pg";

export type Account = "admin" | "reader" | "norole";
export const ACCOUNTS: Record<Account, { username: string; password: string; name: string }> = {
  admin: { username: "ada@geoetl.local", password: "admin-demo", name: "Ada Admin" },
  reader: { username: "rita@geoetl.local", password: "reader-demo", name: "Rita Reader" },
  norole: { username: "nora@geoetl.local", password: "norole-demo", name: "Nora Norole" },
};

/** Fills the local OpenID provider's real login form (the page a person sees). */
export async function fillProviderLogin(page: Page, who: Account) {
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Username").fill(ACCOUNTS[who].username);
  await page.getByLabel("Password").fill(ACCOUNTS[who].password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Signs in the way a person does: open a console page, get sent to the provider's login page,
 * fill it, land back on the console. `path` is where to start (and end up).
 */
export async function signIn(page: Page, who: Account = "admin", path = "/", base?: string) {
  await page.goto(base ? new URL(path, base).toString() : path);
  await fillProviderLogin(page, who);
  if (who === "norole") await expect(page.getByTestId("no-access")).toBeVisible();
  else await expect(page.getByTestId("user-role")).toHaveText(who);
}

/** A bearer token from `npm run token` (its last line), as a script would get it. */
export function apiToken(role: "admin" | "reader"): string {
  const out = execFileSync("npx", ["tsx", "scripts/token.ts", role], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out.trim().split("\n").pop()!;
}

/** Admin connection to the e2e database, for arranging rows the UI should then show. */
export async function e2eDb(): Promise<Client> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  return c;
}

/** A job of the seeded demo data, and every console page (the CSP and axe walks visit them all). */
export const DEMO_JOB = "7e0eb20b9f85341b7ae251c93e9fe68c0c5e6f37f715aa792e2252a8b3c83446";
/** A failure group of the demo data (its failed raster tasks), once the failure index is built. */
export const DEMO_FAILURE_GROUP = signatureOf("GDAL error: Unsupported CRS EPSG:999999").key;

/** Builds the failure index now (as admin), so a test does not depend on the schedule having run. */
export async function refreshFailureIndex(request: APIRequestContext): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await request.post("/api/dbadmin/failures/refresh", {
      headers: { Authorization: `Bearer ${apiToken("admin")}` },
    });
    if (res.status() === 200) return;
    // 409: the schedule is running one right now.
    if (res.status() !== 409) throw new Error(`failure refresh answered ${res.status()}: ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the failure index stayed busy");
}

export const CONSOLE_PAGE_PATHS = [
  "/",
  "/jobs",
  `/jobs/${DEMO_JOB}`,
  "/tasks",
  "/failures",
  `/failures/${DEMO_FAILURE_GROUP}`,
  "/geo",
  "/geo/world_countries",
  "/stac",
  "/stac/system-vectors",
  "/stac/system-vectors/postgis-geo-world_countries",
  "/h3",
  "/h3/africa_land_res2",
  "/h3/filters/sahel_res2",
  "/activity",
  "/activity/janitor",
  "/orphans",
  "/audit",
  "/health",
  "/maintenance",
];

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  // Only violations come back in full: the passes' node lists were most of the scan's time.
  const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
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

/**
 * Another `next start` of the same build on `port`, with `env` over this process's environment:
 * `exited` settles when it stops, `output()` is what it printed so far (its JSON log lines).
 */
export function startServer(env: Record<string, string>, port: number) {
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}
