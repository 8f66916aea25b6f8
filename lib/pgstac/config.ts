import { PgstacReleaseError, migrationPath, readReleases } from "./releases";

/**
 * How the console installs and upgrades pgSTAC (the PGSTAC_* variables), checked at start-up:
 *   PGSTAC_MIGRATIONS_DIR   a folder of release files in pypgstac's layout (pgstac--X.Y.Z.sql,
 *                           pgstac--A--B.sql), e.g. an installed pypgstac's `migrations` folder.
 *                           Redeploy and full rebuild install its newest base file (or
 *                           PGSTAC_TARGET_VERSION); migrate walks its incremental files.
 *   PGSTAC_SQL_FILE         one release file: redeploy and full rebuild only (no migrate).
 *   PGSTAC_MIGRATE_COMMAND  a command that migrates in place (e.g. `pypgstac migrate`): redeploy only.
 */
export type PgstacInstall =
  { kind: "dir"; dir: string; target?: string } | { kind: "sql"; file: string } | { kind: "command"; command: string };

export interface PgstacEnv {
  PGSTAC_MIGRATIONS_DIR?: string;
  PGSTAC_TARGET_VERSION?: string;
  PGSTAC_SQL_FILE?: string;
  PGSTAC_MIGRATE_COMMAND?: string;
}

/** The configured install, or null; pushes one line per problem (the folder is read here once). */
export function pgstacInstallFrom(raw: PgstacEnv, problems: string[]): PgstacInstall | null {
  // "none": the demo's and tests' word for "no release folder here" (scripts/local-env.sh).
  const env = raw.PGSTAC_MIGRATIONS_DIR === "none" ? { ...raw, PGSTAC_MIGRATIONS_DIR: undefined } : raw;
  const set = (["PGSTAC_MIGRATIONS_DIR", "PGSTAC_SQL_FILE", "PGSTAC_MIGRATE_COMMAND"] as const).filter((k) => env[k]);
  if (set.length > 1) {
    problems.push(`${set.join(", ")}: set one of them (they are three ways to install pgSTAC)`);
    return null;
  }
  if (env.PGSTAC_TARGET_VERSION && !env.PGSTAC_MIGRATIONS_DIR)
    problems.push("PGSTAC_TARGET_VERSION: needs PGSTAC_MIGRATIONS_DIR (the folder the version is taken from)");
  if (env.PGSTAC_MIGRATIONS_DIR) {
    try {
      const releases = readReleases(env.PGSTAC_MIGRATIONS_DIR);
      const target = env.PGSTAC_TARGET_VERSION;
      if (target) {
        // Throws unknown_target / no_chain when the folder cannot install that version.
        migrationPath(releases, null, target);
      }
      return { kind: "dir", dir: releases.dir, ...(target ? { target } : {}) };
    } catch (err) {
      const message = err instanceof PgstacReleaseError ? err.message : String(err);
      problems.push(
        `${env.PGSTAC_TARGET_VERSION && /not in|no base file/.test(message) ? "PGSTAC_TARGET_VERSION" : "PGSTAC_MIGRATIONS_DIR"}: ${message}`,
      );
      return null;
    }
  }
  if (env.PGSTAC_SQL_FILE) return { kind: "sql", file: env.PGSTAC_SQL_FILE };
  if (env.PGSTAC_MIGRATE_COMMAND) return { kind: "command", command: env.PGSTAC_MIGRATE_COMMAND };
  return null;
}

/** One phrase for the pages: where this server's pgSTAC comes from. */
export function pgstacInstallLabel(install: PgstacInstall | null): string {
  if (!install) return "nothing configured (set PGSTAC_MIGRATIONS_DIR, PGSTAC_SQL_FILE or PGSTAC_MIGRATE_COMMAND)";
  if (install.kind === "dir")
    return `the release folder ${install.dir}${install.target ? ` (pinned to ${install.target})` : ""}`;
  if (install.kind === "sql") return `the release file ${install.file}`;
  return `the command ${install.command}`;
}
