import "server-only";
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import type { PoolClient } from "pg";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { getConfig } from "../../config";
import { applySqlFile, migrationFiles } from "../../db/migrate";
import { withPgstacPath } from "../../db/pgstac-session";
import { createSystemCollections } from "../../db/stac";
import { applyReleaseSql } from "../../pgstac/apply";
import {
  PgstacReleaseError,
  type ReleaseFile,
  describeReleaseFile,
  migrationPath,
  readReleaseFile,
  readReleases,
} from "../../pgstac/releases";
import { schemaDependents } from "../dependents";
import type { Operation, Plan, PlanItem, Querier, Step, StepState } from "../types";

/**
 * The pipeline's schema maintenance, development only (ALLOW_DESTRUCTIVE_MAINTENANCE=true):
 * redeploy app, redeploy pgSTAC, full rebuild (both, atomically), clear STAC. The geo and h3
 * schemas (business data) and console (the audit log) are never touched: no step names them, and
 * a DROP SCHEMA ... CASCADE that would reach into them is refused by the plan's dependents check.
 */
const NoInput = z.object({});
type NoInput = z.infer<typeof NoInput>;

interface SchemaData {
  appTables: string[];
  pgstacTables: string[];
  /** The pgSTAC release file a redeploy or rebuild installs (its checksum is in the plan). */
  release?: ReleaseFile;
}

async function tablesIn(q: Querier, schema: string): Promise<{ name: string; rows: number }[]> {
  const rows = await q<{ name: string; rows: string }>(
    `SELECT c.relname AS name, greatest(c.reltuples, 0)::bigint::text AS rows
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => ({ name: r.name, rows: Number(r.rows) }));
}

const schemaItem = (schema: string, tables: { name: string; rows: number }[]): PlanItem => ({
  kind: "schema",
  name: schema,
  detail: tables.length
    ? `${tables.length} tables (${tables.map((t) => `${t.name} ≈ ${t.rows.toLocaleString("en-US")} rows`).join(", ")})`
    : "absent or empty",
});

const appFiles = () => migrationFiles().filter((f) => f.startsWith("app/"));

function pgstacInstall() {
  const install = getConfig().pgstacInstall;
  if (!install) {
    throw new AppError(
      "conflict",
      "pgSTAC is installed by its own tooling and none is configured: set PGSTAC_MIGRATIONS_DIR (pypgstac's migrations folder), PGSTAC_SQL_FILE (one release file) or PGSTAC_MIGRATE_COMMAND (e.g. pypgstac migrate).",
      {
        reason: "pgstac_install_not_configured",
      },
    );
  }
  return install;
}

/**
 * The one release file a redeploy or rebuild installs: the configured file, or the folder's base
 * file of PGSTAC_TARGET_VERSION (default the newest). Read now, so the plan carries its checksum
 * and a file changed between plan and confirm is a stale plan (409), not a surprise.
 */
function baseRelease(
  install: { kind: "dir"; dir: string; target?: string } | { kind: "sql"; file: string },
): ReleaseFile {
  try {
    if (install.kind === "dir") return migrationPath(readReleases(install.dir), null, install.target).files[0];
    const file = path.resolve(install.file);
    if (!statSync(file).isFile()) throw new Error("not a file");
    return describeReleaseFile(file);
  } catch (err) {
    throw new AppError(
      "conflict",
      err instanceof PgstacReleaseError
        ? err.message
        : `The pgSTAC release file ${install.kind === "sql" ? install.file : install.dir} cannot be read.`,
      { reason: "pgstac_release_unreadable" },
    );
  }
}

async function plannedSchemas(q: Querier, schemas: ("app" | "pgstac")[]) {
  const app = schemas.includes("app") ? await tablesIn(q, "app") : [];
  const pgstac = schemas.includes("pgstac") ? await tablesIn(q, "pgstac") : [];
  const dependents: PlanItem[] = [];
  // Dependents outside the dropped schemas (a view in geo on app.jobs would go with DROP ... CASCADE).
  for (const s of schemas)
    for (const d of await schemaDependents(q, s))
      if (!schemas.some((x) => d.name.includes(` ${x}.`))) dependents.push(d);
  return { app, pgstac, dependents };
}

// ---------- steps shared by the operations ----------

const dropSchema = (schema: "app" | "pgstac"): Step<SchemaData> => ({
  label: `Drop schema ${schema}`,
  async run(client) {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  },
});

const deployApp: Step<SchemaData> = {
  label: "Deploy schema app",
  async run(client, _plan, state) {
    for (const file of appFiles()) await applySqlFile(client, file);
    await applySqlFile(client, "roles.sql"); // the reader's grants on the new tables
    state.out.tables_created = (
      await client.query<{ t: string }>(
        `SELECT relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relkind IN ('r','p') ORDER BY 1`,
      )
    ).rows.map((r) => r.t);
  },
};

/** The release file of the plan (refused if its checksum changed since), then the reader's grants. */
const deployPgstac: Step<SchemaData> = {
  label: "Deploy schema pgstac",
  async run(client, plan) {
    const release = plan.data.release;
    if (!release) throw new AppError("internal", "The plan names no pgSTAC release file.");
    await applyReleaseSql(client, readRelease(release));
    await applySqlFile(client, "roles.sql");
  },
};

/** readReleaseFile, with a changed file as a 409 (the plan no longer holds). */
export function readRelease(f: ReleaseFile): string {
  try {
    return readReleaseFile(f);
  } catch (err) {
    if (err instanceof PgstacReleaseError)
      throw new AppError("conflict", `${err.message} Review the new plan and confirm again.`, {
        reason: "stale_plan",
      });
    throw new AppError("conflict", `The pgSTAC release file ${f.name} cannot be read any more.`, {
      reason: "pgstac_release_unreadable",
    });
  }
}

const releaseItem = (f: ReleaseFile): PlanItem => ({
  kind: "release file",
  name: f.name,
  detail: `sha256 ${f.sha256.slice(0, 12)}…, ${(f.bytes / 1024).toFixed(0)} KB`,
});

const systemCollections: Step<SchemaData> = {
  label: "Create the system STAC collections",
  async run(client) {
    await createSystemCollections(client);
  },
};

const verifyApp: Step<SchemaData> = {
  label: "Verify schema app",
  async run(client) {
    const r = await client.query<{ missing: string[] }>(
      `SELECT array_agg(t) FILTER (WHERE to_regclass('app.' || t) IS NULL) AS missing FROM unnest(ARRAY['jobs', 'tasks']) t`,
    );
    if (r.rows[0].missing?.length)
      throw new AppError(
        "internal",
        `Verification failed: app tables missing after deploy: ${r.rows[0].missing.join(", ")}`,
      );
  },
};

const verifyPgstac: Step<SchemaData> = {
  label: "Verify schema pgstac",
  async run(client, _plan, state) {
    await withPgstacPath(client);
    const v = (await client.query<{ v: string | null }>(`SELECT pgstac.get_version() AS v`)).rows[0]?.v;
    if (!v) throw new AppError("internal", "Verification failed: pgstac.get_version() returned nothing after deploy");
    state.out.pgstac_version = v;
    await client.query(`SELECT set_config('search_path', 'public', true)`);
  },
};

const schemaResult = (message: string, schemas: string[]) => (_plan: Plan<SchemaData>, state: StepState) => ({
  status: "success" as const,
  message,
  schemas_created: schemas,
  tables_created: (state.out.tables_created as string[] | undefined) ?? [],
  ...(state.out.pgstac_version ? { pgstac_version: state.out.pgstac_version } : {}),
});

// ---------- the operations ----------

export const redeployAppOperation: Operation<NoInput, SchemaData, ReturnType<ReturnType<typeof schemaResult>>> = {
  action: "maintenance.redeploy",
  title: "Redeploy the app schema",
  input: NoInput,
  scope: "global",
  schemaDestroying: true,
  transaction: "single",
  statementTimeoutMs: 300_000,
  async plan(q) {
    const { app, dependents } = await plannedSchemas(q, ["app"]);
    return {
      target: "app",
      summary:
        "Drop schema app (every job, task, API request and janitor run) and create it again, empty, from the console's sql/app files.",
      items: [schemaItem("app", app)],
      dependents,
      warnings: [],
      confirmText: "redeploy",
      state: { app: app.map((t) => t.name), dependents },
      data: { appTables: app.map((t) => t.name), pgstacTables: [] },
    };
  },
  steps: () => [dropSchema("app"), deployApp, verifyApp],
  result: schemaResult("Schema redeployed successfully", ["app"]),
};

export const redeployPgstacOperation: Operation<NoInput, SchemaData, Record<string, unknown>> = {
  action: "maintenance.pgstac.redeploy",
  title: "Redeploy pgSTAC",
  input: NoInput,
  scope: "global",
  schemaDestroying: true,
  transaction: "single",
  statementTimeoutMs: 300_000,
  async plan(q) {
    const install = pgstacInstall();
    if (install.kind === "command")
      return {
        target: "pgstac",
        summary: `Run the configured pgSTAC migration (${install.command}); it upgrades pgstac in place.`,
        items: [{ kind: "command", name: install.command }],
        dependents: [],
        warnings: [],
        confirmText: "redeploy pgstac",
        state: { install },
        data: { appTables: [], pgstacTables: [] },
      };
    const release = baseRelease(install);
    const { pgstac, dependents } = await plannedSchemas(q, ["pgstac"]);
    return {
      target: "pgstac",
      summary: `Drop schema pgstac (every collection and item) and install it again from ${release.name}, then create the system collections.`,
      items: [schemaItem("pgstac", pgstac), releaseItem(release)],
      dependents,
      warnings: [],
      confirmText: "redeploy pgstac",
      state: { pgstac: pgstac.map((t) => t.name), dependents, release: [release.file, release.sha256] },
      data: { appTables: [], pgstacTables: pgstac.map((t) => t.name), release },
    };
  },
  steps: () => {
    const install = pgstacInstall();
    if (install.kind === "command") return [runMigrateCommand(install.command), verifyPgstac];
    return [dropSchema("pgstac"), deployPgstac, systemCollections, verifyPgstac];
  },
  result: (_plan, state) => ({
    status: "success",
    message: `pgSTAC redeployed successfully${state.out.pgstac_version ? ` (pgSTAC ${String(state.out.pgstac_version)})` : ""}`,
    schemas_created: ["pgstac"],
    pgstac_version: state.out.pgstac_version ?? null,
  }),
};

export const fullRebuildOperation: Operation<NoInput, SchemaData, Record<string, unknown>> = {
  action: "maintenance.full-rebuild",
  title: "Full rebuild (app + pgSTAC)",
  input: NoInput,
  scope: "global",
  schemaDestroying: true,
  transaction: "single",
  statementTimeoutMs: 600_000,
  async plan(q) {
    const install = pgstacInstall();
    if (install.kind === "command") {
      throw new AppError(
        "conflict",
        "A full rebuild is atomic only with release SQL (a migration command cannot run inside the rebuild's transaction). Set PGSTAC_MIGRATIONS_DIR or PGSTAC_SQL_FILE, or redeploy app and pgSTAC separately.",
        {
          reason: "pgstac_install_not_atomic",
        },
      );
    }
    const release = baseRelease(install);
    const { app, pgstac, dependents } = await plannedSchemas(q, ["app", "pgstac"]);
    return {
      target: "app + pgstac",
      summary: `In one transaction: drop app and pgstac, deploy app, install pgSTAC from ${release.name}, create the system STAC collections, verify both. geo, h3 and console are not touched.`,
      items: [schemaItem("app", app), schemaItem("pgstac", pgstac), releaseItem(release)],
      dependents,
      warnings: [],
      confirmText: "full rebuild",
      state: {
        app: app.map((t) => t.name),
        pgstac: pgstac.map((t) => t.name),
        dependents,
        release: [release.file, release.sha256],
      },
      data: { appTables: app.map((t) => t.name), pgstacTables: pgstac.map((t) => t.name), release },
    };
  },
  steps: () => [
    dropSchema("app"),
    dropSchema("pgstac"),
    deployApp,
    deployPgstac,
    systemCollections,
    verifyApp,
    verifyPgstac,
  ],
  result: (plan, state) => ({ ...schemaResult("Full rebuild completed", ["app", "pgstac"])(plan, state) }),
};

const NukeInput = z.object({ mode: z.enum(["all", "items"], { message: 'expected "all" or "items"' }) });
type NukeInput = z.infer<typeof NukeInput>;

export const stacNukeOperation: Operation<NukeInput, { mode: "all" | "items" }, Record<string, unknown>> = {
  action: "stac.nuke",
  title: "Clear STAC",
  input: NukeInput,
  scope: "global",
  schemaDestroying: true,
  transaction: "single",
  statementTimeoutMs: 300_000,
  async plan(q, { mode }) {
    const [c] = await q<{ present: boolean }>(`SELECT to_regclass('pgstac.items') IS NOT NULL AS present`);
    if (!c.present) throw new AppError("not_found", "pgSTAC is not installed in this database: nothing to clear.");
    const [n] = await q<{ items: string; collections: string }>(
      `SELECT (SELECT count(*) FROM pgstac.items)::text AS items, (SELECT count(*) FROM pgstac.collections)::text AS collections`,
    );
    const items: PlanItem[] = [
      { kind: "STAC items", name: "pgstac.items", detail: `${Number(n.items).toLocaleString("en-US")} items` },
    ];
    if (mode === "all")
      items.push({
        kind: "STAC collections",
        name: "pgstac.collections",
        detail: `${Number(n.collections).toLocaleString("en-US")} collections`,
      });
    return {
      target: `pgstac (${mode})`,
      summary: mode === "all" ? "Delete every STAC collection and item." : "Delete every STAC item; collections stay.",
      items,
      dependents: [],
      warnings: [
        "Geo layers keep their metadata rows; their stac_item_id will point at nothing until they are catalogued again.",
      ],
      confirmText: mode === "all" ? "clear stac" : "clear stac items",
      state: { mode, items: n.items, collections: n.collections },
      data: { mode },
    };
  },
  steps: (_plan, { mode }) => [
    {
      label: mode === "all" ? "Delete STAC items and collections" : "Delete STAC items",
      async run(client, _p, state) {
        await withPgstacPath(client);
        state.out.items_deleted = Number((await client.query(`DELETE FROM pgstac.items`)).rowCount ?? 0);
        if (mode === "all")
          state.out.collections_deleted = Number((await client.query(`DELETE FROM pgstac.collections`)).rowCount ?? 0);
        await client.query(`SELECT set_config('search_path', 'public', true)`);
      },
    },
  ],
  result: (_plan, state) => ({
    status: "success",
    message: "STAC data cleared",
    items_deleted: state.out.items_deleted ?? 0,
    collections_deleted: state.out.collections_deleted ?? 0,
  }),
};

/** PGSTAC_MIGRATE_COMMAND, with the admin connection's settings as libpq variables; bounded in time. */
function runMigrateCommand(command: string): Step<SchemaData> {
  return {
    label: "Run the pgSTAC migration command",
    async run(_client: PoolClient, _plan, state) {
      const t = getConfig().admin;
      const env = {
        ...process.env,
        PGHOST: t.host,
        PGPORT: String(t.port),
        PGUSER: t.user,
        PGDATABASE: t.database,
        PGSSLMODE: t.sslMode,
      };
      const out = await new Promise<string>((resolve, reject) =>
        execFile("sh", ["-c", command], { env, timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
          err
            ? reject(
                new AppError(
                  "internal",
                  `The pgSTAC migration command failed (exit ${(err as { code?: unknown }).code ?? "?"}); see the server log.`,
                ),
              )
            : resolve(`${stdout}${stderr}`.slice(-2000)),
        ),
      );
      state.out.command_output = out;
    },
  };
}
