import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ClientBase } from "pg";
import { installPgstac } from "../pgstac/apply";
import { localPgstacDir } from "../pgstac/local";
import { readReleases } from "../pgstac/releases";

/**
 * Applies the DDL under sql/ in a fixed order and records each file in console.schema_migrations.
 * Every file is idempotent (IF NOT EXISTS / OR REPLACE), so a changed file is simply re-applied.
 */
const SQL_DIR = path.join(process.cwd(), "sql");
// console first: it holds the migrations table every later file is recorded in.
const ORDER = ["console", "00_extensions.sql", "app", "geo", "h3"];

export interface MigrateOptions {
  /**
   * Demo and tests: add a pgSTAC. The real one from `pgstacDir` (a release folder, see
   * lib/pgstac/local.ts) when given, else the stand-in (sql/fixtures/pgstac_standin.sql).
   */
  fixtures?: boolean;
  pgstacDir?: string | null;
  /** Only the console's own schema: for a real database whose app/geo/h3/pgstac the pipeline owns. */
  consoleOnly?: boolean;
}

export function migrationFiles(opts: MigrateOptions = {}): string[] {
  const files: string[] = [];
  for (const entry of opts.consoleOnly ? ["console"] : ORDER) {
    if (entry.endsWith(".sql")) files.push(entry);
    else
      files.push(
        ...readdirSync(path.join(SQL_DIR, entry))
          .filter((f) => f.endsWith(".sql"))
          .sort()
          .map((f) => `${entry}/${f}`),
      );
  }
  if (opts.consoleOnly) return files;
  if (opts.fixtures && !opts.pgstacDir) files.push("fixtures/pgstac_standin.sql");
  files.push("roles.sql"); // grants last, so they cover every schema created above
  return files;
}

function readSqlFile(file: string): { sql: string; checksum: string } {
  const sql = readFileSync(path.join(SQL_DIR, file), "utf8");
  return { sql, checksum: createHash("sha256").update(sql).digest("hex") };
}

/**
 * Applies one file of sql/ and records it, inside the caller's transaction (maintenance redeploys
 * run several files and the drop before them in one transaction).
 */
export async function applySqlFile(client: ClientBase, file: string, sql?: string, checksum?: string): Promise<void> {
  if (sql === undefined || checksum === undefined) ({ sql, checksum } = readSqlFile(file));
  await client.query(sql);
  await client.query(
    `INSERT INTO console.schema_migrations (name, checksum) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
    [file, checksum],
  );
}

export async function migrate(client: ClientBase, options: MigrateOptions = {}): Promise<string[]> {
  // Demo and tests: real pgSTAC wherever its release files are found (undefined = look for them).
  const opts =
    options.fixtures && options.pgstacDir === undefined ? { ...options, pgstacDir: localPgstacDir() } : options;
  const applied: string[] = [];
  // One migrator at a time across processes (tests start several workers).
  await client.query("SELECT pg_advisory_lock(hashtext('geoetl-console-migrate'))");
  try {
    for (const file of migrationFiles(opts)) {
      // Real pgSTAC goes in before the grants, by its own release file (skipped when installed).
      if (file === "roles.sql" && opts.fixtures && opts.pgstacDir) {
        const before = await client.query("SELECT to_regnamespace('pgstac') IS NOT NULL AS present");
        const standIn = await client.query<{ c: string | null }>(
          "SELECT obj_description(to_regnamespace('pgstac'), 'pg_namespace') AS c",
        );
        if (before.rows[0].present && standIn.rows[0].c?.startsWith("pgSTAC stand-in"))
          throw new Error(
            `this database has the pgSTAC stand-in, and real pgSTAC was found at ${opts.pgstacDir}: start it over (npm run demo:reset) or set PGSTAC_MIGRATIONS_DIR=none`,
          );
        const installed = await installPgstac(client, readReleases(opts.pgstacDir));
        if (!before.rows[0].present) applied.push(`pgstac ${installed}`);
      }
      const { sql, checksum } = readSqlFile(file);
      const done = await client
        .query<{ checksum: string }>("SELECT checksum FROM console.schema_migrations WHERE name = $1", [file])
        .then((r) => r.rows[0]?.checksum)
        .catch(() => undefined); // first run: console.schema_migrations does not exist yet
      if (done === checksum && file !== "roles.sql") continue;
      await client.query("BEGIN");
      try {
        await applySqlFile(client, file, sql, checksum);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('geoetl-console-migrate'))");
  }
  return applied;
}
