import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { getConfig } from "../../config";
import { applySqlFile } from "../../db/migrate";
import { applyReleaseSql, installedPgstacVersion, pgstacVersionVia } from "../../pgstac/apply";
import {
  type MigrationPlan,
  PgstacReleaseError,
  type ReleaseFile,
  migrationPath,
  readReleases,
} from "../../pgstac/releases";
import type { Operation, PlanItem, Querier, Step } from "../types";
import { readRelease } from "./schemas";

/**
 * Migrate pgSTAC in place, as `pypgstac migrate` does: from the installed version (get_version())
 * to the target (PGSTAC_TARGET_VERSION, a `version` parameter, or the folder's newest base) by the
 * shortest chain of the folder's incremental files; a database without pgSTAC gets the base file.
 * Every collection and item stays, so unlike redeploy it is allowed in production (admins only).
 * The plan lists each file with its checksum: a folder that changes before the confirmation is a
 * stale plan (409), and a file whose checksum changed after the plan is refused before it runs.
 */
const Input = z.object({
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: "expected a pgSTAC version like 0.9.8" })
    .optional(),
});
type Input = z.infer<typeof Input>;

interface MigrateData {
  path: MigrationPlan;
}

function migrationsDir(): { dir: string; target?: string } {
  const install = getConfig().pgstacInstall;
  if (install?.kind !== "dir")
    throw new AppError(
      "conflict",
      "Migrating pgSTAC needs its release files: set PGSTAC_MIGRATIONS_DIR to pypgstac's migrations folder (pgstac--X.Y.Z.sql and pgstac--A--B.sql files).",
      { reason: "pgstac_migrations_not_configured" },
    );
  return install;
}

const fileItem = (f: ReleaseFile): PlanItem => ({
  kind: "migration file",
  name: f.name,
  detail: `sha256 ${f.sha256}, ${(f.bytes / 1024).toFixed(0)} KB`,
});

async function stacCounts(q: Querier): Promise<{ items: number; collections: number } | null> {
  const [has] = await q<{ ok: boolean }>(`SELECT to_regclass('pgstac.items') IS NOT NULL AS ok`);
  if (!has.ok) return null;
  const [n] = await q<{ items: string; collections: string }>(
    `SELECT (SELECT count(*) FROM pgstac.items)::text AS items, (SELECT count(*) FROM pgstac.collections)::text AS collections`,
  );
  return { items: Number(n.items), collections: Number(n.collections) };
}

/** As after a redeploy: tables a migration adds are readable by the console's reader role. */
const readerGrants: Step<MigrateData> = {
  label: "Grant the reader role SELECT on pgstac",
  async run(client) {
    await applySqlFile(client, "roles.sql");
  },
};

const verifyVersion: Step<MigrateData> = {
  label: "Check pgSTAC's version",
  async run(client, plan, state) {
    const v = await installedPgstacVersion(client);
    if (v !== plan.data.path.to)
      throw new AppError(
        "internal",
        `After the migration get_version() says ${v ?? "nothing"}, not ${plan.data.path.to}: rolled back, nothing changed.`,
      );
    state.out.pgstac_version = v;
  },
};

export const pgstacMigrateOperation: Operation<Input, MigrateData, Record<string, unknown>> = {
  action: "maintenance.pgstac.migrate",
  title: "Migrate pgSTAC",
  input: Input,
  scope: "global",
  transaction: "single",
  statementTimeoutMs: 600_000,
  async plan(q, input) {
    const { dir, target } = migrationsDir();
    let path: MigrationPlan;
    try {
      const releases = readReleases(dir);
      const installed = await pgstacVersionVia(q);
      path = migrationPath(releases, installed, input.version ?? target);
    } catch (err) {
      if (!(err instanceof PgstacReleaseError)) throw err;
      if (err.reason === "unknown_target")
        throw new AppError("bad_request", err.message, { parameter: "version", reason: err.reason });
      throw new AppError("conflict", err.message, { reason: `pgstac_${err.reason}` });
    }
    const counts = await stacCounts(q);
    const kept: PlanItem[] = counts
      ? [
          {
            kind: "stays",
            name: "pgstac.items, pgstac.collections",
            detail: `${counts.items.toLocaleString("en-US")} items in ${counts.collections.toLocaleString("en-US")} collections stay`,
          },
        ]
      : [];
    return {
      target: `pgstac ${path.from ?? "(not installed)"} → ${path.to}`,
      summary: path.from
        ? `Migrate pgSTAC from ${path.from} to ${path.to} in place, in one transaction, with ${path.files.length} file${path.files.length === 1 ? "" : "s"} from ${dir}. Every collection and item stays.`
        : `Install pgSTAC ${path.to} from ${path.files[0].name} (${dir}) into this database, in one transaction.`,
      items: [...path.files.map(fileItem), ...kept],
      dependents: [],
      warnings: kept.length ? [] : ["pgSTAC is not installed here: this is its first install."],
      confirmText: "migrate pgstac",
      state: { from: path.from, to: path.to, files: path.files.map((f) => [f.name, f.sha256]) },
      data: { path },
    };
  },
  steps: (plan) => [
    ...plan.data.path.files.map((f): Step<MigrateData> => ({
      label: `Apply ${f.name}`,
      async run(client) {
        await applyReleaseSql(client, readRelease(f));
      },
    })),
    readerGrants,
    verifyVersion,
  ],
  result: (plan, state) => ({
    status: "success",
    message: plan.data.path.from
      ? `pgSTAC migrated from ${plan.data.path.from} to ${plan.data.path.to}`
      : `pgSTAC ${plan.data.path.to} installed`,
    from_version: plan.data.path.from,
    to_version: plan.data.path.to,
    files_applied: plan.data.path.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
    pgstac_version: state.out.pgstac_version ?? null,
  }),
};
