import { execFileSync } from "node:child_process";
import { expect, type Page } from "@playwright/test";
import { Client } from "pg";

/** Signs in through the real local sign-in form. */
export async function signIn(page: Page, role: "admin" | "reader" = "admin", name = role === "admin" ? "Ada Admin" : "Rita Reader") {
  await page.goto("/signin");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("radio", { name: new RegExp(`^${role} `) }).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-role")).toHaveText(role);
}

/** A bearer token from `npm run token` (its last line), as a script would get it. */
export function apiToken(role: "admin" | "reader"): string {
  const out = execFileSync("npx", ["tsx", "scripts/token.ts", role], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return out.trim().split("\n").pop()!;
}

/** Admin connection to the e2e database, for arranging rows the UI should then show. */
export async function e2eDb(): Promise<Client> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  return c;
}
