import type { ClientBase } from "pg";
import { type PgstacReleases, type ReleaseFile, migrationPath, readReleaseFile } from "./releases";

/**
 * Runs one pgSTAC release file on a client that is inside a transaction, and puts the session
 * back as it was. A release switches roles as it goes and ends with `SET ROLE pgstac_ingest`
 * and a session-wide `SET search_path TO pgstac, public`; left so, every later statement of the
 * same transaction (the console's grants, its audit row) would run as pgstac_ingest, and a pooled
 * connection would keep both after COMMIT. RESET undoes the session-level values (transactionally:
 * a rollback restores them too), then the transaction's own search_path is put back with SET LOCAL.
 */
export async function applyReleaseSql(client: ClientBase, sql: string): Promise<void> {
  const saved = (await client.query<{ path: string }>("SELECT current_setting('search_path') AS path")).rows[0].path;
  await client.query(sql);
  await client.query("RESET ROLE");
  await client.query("RESET search_path");
  // The release also turns these off for itself; a pooled connection must not keep them.
  await client.query("RESET check_function_bodies");
  await client.query("RESET client_min_messages");
  await client.query("SELECT set_config('search_path', $1, true)", [saved]);
}

/** pgstac.get_version(), or null when pgSTAC is not installed (no schema, or no function). */
export async function pgstacVersionVia(
  query: <T extends Record<string, unknown>>(sql: string) => Promise<T[]>,
): Promise<string | null> {
  // Two statements: a call naming a missing schema fails when parsed, before any CASE could skip it.
  const [has] = await query<{ ok: boolean }>("SELECT to_regprocedure('pgstac.get_version()') IS NOT NULL AS ok");
  if (!has.ok) return null;
  return (await query<{ v: string | null }>("SELECT pgstac.get_version() AS v"))[0]?.v ?? null;
}

export const installedPgstacVersion = (client: ClientBase) =>
  pgstacVersionVia((sql) => client.query(sql).then((r) => r.rows));

/**
 * Applies the files of a migration path in order (the caller holds the transaction), checking
 * each file's checksum against the one it was listed with. Returns the version now installed.
 */
export async function applyReleaseFiles(client: ClientBase, files: ReleaseFile[]): Promise<string | null> {
  for (const f of files) await applyReleaseSql(client, readReleaseFile(f));
  return installedPgstacVersion(client);
}

/**
 * What the demo and the test harness do with a folder: the base install of `version` (default
 * the newest) into a database without pgSTAC, in its own transaction. A database that already
 * has pgSTAC is left alone; returns what is installed afterwards.
 */
export async function installPgstac(client: ClientBase, releases: PgstacReleases, version?: string): Promise<string> {
  const installed = await installedPgstacVersion(client);
  if (installed) return installed;
  const plan = migrationPath(releases, null, version);
  await client.query("BEGIN");
  try {
    const v = await applyReleaseFiles(client, plan.files);
    await client.query("COMMIT");
    return v ?? plan.to;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new Error(`installing pgSTAC ${plan.to} from ${plan.files[0].file} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
