import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the demo and the tests find real pgSTAC releases, first that exists:
 *   1. PGSTAC_MIGRATIONS_DIR (as in production);
 *   2. ../shared/pgstac beside the checkout (the team's copy of the release files);
 *   3. an installed pypgstac's migrations folder (python3 -c 'import pypgstac').
 * null: none, so the demo and tests fall back to the stand-in (sql/fixtures/pgstac_standin.sql).
 * PGSTAC_MIGRATIONS_DIR=none forces the stand-in.
 */
export function localPgstacDir(root = process.cwd()): string | null {
  const configured = process.env.PGSTAC_MIGRATIONS_DIR;
  if (configured === "none") return null;
  if (configured) return path.resolve(root, configured);
  const shared = path.resolve(root, "..", "shared", "pgstac");
  if (existsSync(path.join(shared, "pgstac--0.9.8.sql"))) return shared;
  try {
    const dir = execFileSync(
      "python3",
      ["-c", "import os, pypgstac; print(os.path.join(os.path.dirname(pypgstac.__file__), 'migrations'))"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 },
    ).trim();
    return dir && existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}
