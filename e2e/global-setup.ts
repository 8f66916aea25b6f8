import { execFileSync } from "node:child_process";

/**
 * Fresh e2e database for every run: the same migrated + demo-seeded data the demo shows.
 * Runs before webServer starts (Playwright starts the server after globalSetup).
 */
export default async function globalSetup() {
  execFileSync("npx", ["tsx", "scripts/e2e-db.ts"], { stdio: "inherit" });
}
