import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ClientBase } from "pg";

/**
 * Applies the DDL under sql/ in a fixed order and records each file in console.schema_migrations.
 * Every file is idempotent (IF NOT EXISTS / OR REPLACE), so a changed file is simply re-applied.
 */
const SQL_DIR = path.join(process.cwd(), "sql");
// console first: it holds the migrations table every later file is recorded in.
const ORDER = ["console", "00_extensions.sql", "app", "geo", "h3"];

export interface MigrateOptions {
  /** Add the pgSTAC stand-in (demo and tests only). */
  fixtures?: boolean;
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
  if (opts.fixtures) files.push("fixtures/pgstac_standin.sql");
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

export async function migrate(client: ClientBase, opts: MigrateOptions = {}): Promise<string[]> {
  const applied: string[] = [];
  // One migrator at a time across processes (tests start several workers).
  await client.query("SELECT pg_advisory_lock(hashtext('geoetl-console-migrate'))");
  try {
    for (const file of migrationFiles(opts)) {
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
