import "server-only";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { migrationFiles } from "./migrate";
import { pgstacRead } from "./pgstac-session";
import { readQuery } from "./pool";
import { log } from "../log";

/**
 * Schema verification, read-only. Every check says
 * ok or failed and why; a missing schema or object is a failed check, never an exception. All
 * reads go through the reader pool, whose connections carry statement_timeout
 * (DB_STATEMENT_TIMEOUT_MS); the pgSTAC call goes through pgstacRead (search_path = pgstac, public).
 * Only an unreachable database throws (the route answers 503).
 */
export interface VerifyCheck {
  id: string;
  label: string;
  ok: boolean;
  /** What was found; on a failure, what to do about it. */
  detail: string;
  /** The seed's own words for what this check expects (seeds 000/003), so a red line can be traced. */
  expectation?: string;
}

export interface VerifyResult {
  ok: boolean;
  checked_at: string;
  checks: VerifyCheck[];
}

/**
 * What sql/app/*.sql and sql/h3/*.sql create (tests/integration/verify.test.ts parses those files
 * and fails when these lists drift from them). sql/app defines no enum types: job and task
 * statuses are CHECK constraints there (the pipeline's generated DDL may use enum types instead;
 * either passes).
 */
export const EXPECTED = {
  schemas: ["app", "pgstac", "geo", "h3", "platform", "console"],
  appTables: ["jobs", "tasks", "api_requests", "janitor_runs"],
  appFunctions: ["update_updated_at_column()"],
  appEnums: [] as string[],
  appStatusChecks: { jobs: "jobs_status_check", tasks: "tasks_status_check" } as Record<string, string>,
  /** Seed 003: "Platform tables are logically separate but physically in `app` schema". */
  platformTables: ["api_requests", "janitor_runs"],
  /** Their columns, as sql/app creates them (tests/integration/verify.test.ts checks the drift). */
  platformColumns: {
    api_requests: [
      "request_id",
      "dataset_id",
      "resource_id",
      "version_id",
      "job_id",
      "data_type",
      "status",
      "parameters",
      "created_at",
      "updated_at",
    ],
    janitor_runs: [
      "run_id",
      "run_type",
      "started_at",
      "completed_at",
      "status",
      "items_scanned",
      "items_fixed",
      "actions_taken",
      "error_details",
    ],
  } as Record<string, readonly string[]>,
  h3Tables: ["grids", "reference_filters", "grid_metadata"],
  geoTables: ["table_metadata"],
  /** What the console calls. */
  pgstacConsoleFunctions: ["get_version()", "get_item(text,text)", "delete_item(text,text)"],
  /** STAC search (pgSTAC 0.9.x: search(_search jsonb), search_query(_search, updatestats, _metadata)). */
  pgstacSearchFunctions: ["search(jsonb)", "search_query(jsonb,boolean,jsonb)"],
  /** pgSTAC's search hash functions, which TiTiler needs. */
  pgstacHashFunctions: ["search_tohash(jsonb)", "search_hash(jsonb,jsonb)"],
} as const;

const PGSTAC_MAJOR_MINOR = "0.9.";

/** The seeds' words for each check (seed 003 "Schema Verification" and its schema sections, seed 000). */
const SEED = {
  schemas:
    "Seed 003, Check All Schemas Exist: WHERE schema_name IN ('app', 'pgstac', 'geo', 'h3', 'platform'); the console adds console (its audit log).",
  platform:
    'Seed 003, platform schema: "Platform tables are logically separate but physically in app schema for simplicity" (api_requests, janitor_runs).',
  app: "Seed 003, app schema: tables jobs, tasks, api_requests, janitor_runs; verify app (tables, functions, enums).",
  geo: "Seed 003: geo holds the business data; the console reads its catalog, geo.table_metadata.",
  version: "Seed 003, Check pgstac Version: SELECT pgstac.get_version(); the pipeline pins pgSTAC 0.9.8.",
  consoleFns:
    "The console reads items with pgstac.get_item and unpublishes them with pgstac.delete_item (seed 003's unpublish order).",
  search: "Seed 003, Check pgstac Functions: the STAC API (search, search_query) runs on them.",
  hash: "Seed 003, Check Search Hash Functions (Critical for TiTiler): search_tohash and search_hash, COUNT = 2.",
  h3: "Seed 003, h3 schema: static bootstrap tables grids, reference_filters, grid_metadata.",
  migrations: "The console's own DDL under sql/, as lib/db/migrate.ts applies it.",
};

const PLATFORM_LOGICAL =
  "Logical schema, ok: its tables live in app (app.api_requests, app.janitor_runs), where seed 003 puts them; they are checked under platform tables.";

interface Snapshot {
  schemas: string[];
  tables: string[];
  functions: { sig: string; ok: boolean }[];
  app_enums: string[];
  status_columns: { table_name: string; type: string; is_enum: boolean; checks: string[] | null }[];
  pgstac_comment: string | null;
  /** Columns of app.* and platform.* tables: "schema.table" → column names. */
  columns: Record<string, string[]>;
}

const qualifiedFunctions = (): string[] => [
  ...EXPECTED.appFunctions.map((f) => `app.${f}`),
  ...[...EXPECTED.pgstacConsoleFunctions, ...EXPECTED.pgstacSearchFunctions, ...EXPECTED.pgstacHashFunctions].map(
    (f) => `pgstac.${f}`,
  ),
];

/** One catalog read: what exists. to_regprocedure() answers NULL (no error) for a missing schema. */
async function snapshot(): Promise<Snapshot> {
  const [s] = await readQuery<Snapshot>(
    `SELECT
       (SELECT coalesce(array_agg(n.nspname::text ORDER BY n.nspname), '{}') FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY($1::text[])) AS schemas,
       (SELECT coalesce(array_agg(n.nspname || '.' || c.relname ORDER BY 1), '{}')
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition) AS tables,
       (SELECT json_agg(json_build_object('sig', f.sig, 'ok', to_regprocedure(f.sig) IS NOT NULL) ORDER BY f.ord)
          FROM unnest($2::text[]) WITH ORDINALITY AS f(sig, ord)) AS functions,
       (SELECT coalesce(array_agg(t.typname::text ORDER BY t.typname), '{}')
          FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'app' AND t.typtype = 'e') AS app_enums,
       (SELECT coalesce(json_agg(json_build_object(
                 'table_name', c.relname, 'type', format_type(a.atttypid, a.atttypmod), 'is_enum', t.typtype = 'e',
                 'checks', (SELECT array_agg(con.conname::text ORDER BY con.conname) FROM pg_catalog.pg_constraint con
                             WHERE con.conrelid = c.oid AND con.contype = 'c' AND a.attnum = ANY (con.conkey)))), '[]')
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'status' AND NOT a.attisdropped
          JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         WHERE n.nspname = 'app' AND c.relname = ANY($3::text[])) AS status_columns,
       (SELECT obj_description(n.oid, 'pg_namespace') FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pgstac') AS pgstac_comment,
       (SELECT coalesce(json_object_agg(t.name, t.cols), '{}') FROM (
          SELECT n.nspname || '.' || c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS cols
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE n.nspname IN ('app', 'platform') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           GROUP BY 1) t) AS columns`,
    [EXPECTED.schemas, qualifiedFunctions(), Object.keys(EXPECTED.appStatusChecks)],
  );
  return s;
}

const list = (xs: readonly string[]) => xs.join(", ");

/** A check over a list of named objects of one schema. */
function objectsCheck(
  id: string,
  label: string,
  schema: string,
  has: Snapshot["schemas"],
  expected: readonly string[],
  present: (name: string) => boolean,
  what: string,
): VerifyCheck {
  if (!has.includes(schema))
    return {
      id,
      label,
      ok: false,
      detail: `Schema ${schema} is missing, so none of its ${what} are there (${list(expected.map((e) => `${schema}.${e}`))}).`,
    };
  const missing = expected.filter((e) => !present(e));
  return missing.length
    ? {
        id,
        label,
        ok: false,
        detail: `Missing ${what}: ${list(missing.map((e) => `${schema}.${e}`))} (${expected.length - missing.length} of ${expected.length} present).`,
      }
    : {
        id,
        label,
        ok: true,
        detail: `All ${expected.length} present: ${list(expected.map((e) => `${schema}.${e}`))}.`,
      };
}

function schemaChecks(s: Snapshot): VerifyCheck[] {
  return EXPECTED.schemas.map((name) => {
    const present = s.schemas.includes(name);
    const id = `schema:${name}`;
    const label = `Schema ${name}`;
    if (name === "platform")
      return {
        id,
        label,
        ok: true,
        detail: present
          ? "Schema platform is present (a physical one): its tables are checked under platform tables."
          : PLATFORM_LOGICAL,
        expectation: SEED.platform,
      };
    const fix =
      name === "console"
        ? " Run the console's migrations (npx tsx scripts/migrate.ts)."
        : name === "pgstac"
          ? " Install pgSTAC (pypgstac migrate, or Migrate pgSTAC on /maintenance)."
          : name === "app"
            ? " Redeploy the app schema (/maintenance) or run the pipeline's schema deploy."
            : name === "h3"
              ? " Seed 003 creates it by hand: psql < sql/init/00_create_h3_schema.sql."
              : " The pipeline creates it when it publishes its first layer; the console never writes to geo.";
    return {
      id,
      label,
      ok: present,
      detail: present ? `Schema ${name} is present.` : `Schema ${name} is missing.${fix}`,
      expectation: SEED.schemas,
    };
  });
}

/**
 * The platform tables where they physically are: in a real platform schema when one holds them,
 * else in app (seed 003). Each with the columns the console reads.
 */
function platformCheck(s: Snapshot): VerifyCheck {
  const id = "platform:tables";
  const label = "platform tables (api_requests, janitor_runs)";
  const problems: string[] = [];
  const found: string[] = [];
  for (const t of EXPECTED.platformTables) {
    const where = s.columns[`platform.${t}`] ? `platform.${t}` : `app.${t}`;
    const cols = s.columns[where];
    if (!cols) {
      problems.push(`${t} is in neither platform nor app`);
      continue;
    }
    const missing = EXPECTED.platformColumns[t].filter((c) => !cols.includes(c));
    if (missing.length) problems.push(`${where} lacks column${missing.length > 1 ? "s" : ""} ${list(missing)}`);
    else found.push(`${where} (${cols.length} columns)`);
  }
  return problems.length
    ? {
        id,
        label,
        ok: false,
        detail: `${problems.join("; ")}. Redeploy the app schema (/maintenance) or run the pipeline's schema deploy.`,
        expectation: SEED.platform,
      }
    : { id, label, ok: true, detail: `Found ${list(found)}.`, expectation: SEED.platform };
}

function statusCheck(s: Snapshot): VerifyCheck {
  const id = "app:enums";
  const label = "app status types (enums or CHECK constraints)";
  if (!s.schemas.includes("app")) return { id, label, ok: false, detail: "Schema app is missing." };
  const parts: string[] = [];
  let ok = true;
  const missingEnums = EXPECTED.appEnums.filter((e) => !s.app_enums.includes(e));
  if (missingEnums.length) {
    ok = false;
    parts.push(`missing enum types: ${list(missingEnums.map((e) => `app.${e}`))}`);
  }
  for (const [table, constraint] of Object.entries(EXPECTED.appStatusChecks)) {
    const col = s.status_columns.find((c) => c.table_name === table);
    if (!col) {
      ok = false;
      parts.push(`app.${table}.status: missing (no table or no status column)`);
    } else if (col.is_enum) {
      parts.push(`app.${table}.status: enum ${col.type}`);
    } else if (col.checks?.length) {
      parts.push(
        `app.${table}.status: CHECK ${list(col.checks)}${col.checks.includes(constraint) ? "" : ` (sql/app names it ${constraint})`}`,
      );
    } else {
      ok = false;
      parts.push(`app.${table}.status: unconstrained ${col.type} (expected CHECK ${constraint} or an enum type)`);
    }
  }
  const enums = s.app_enums.length
    ? `enum types in app: ${list(s.app_enums)}`
    : "no enum types in app (sql/app uses CHECK constraints)";
  return { id, label, ok, detail: `${parts.join("; ")}; ${enums}.` };
}

function fnPresent(s: Snapshot, qualified: string): boolean {
  return s.functions.find((f) => f.sig === qualified)?.ok ?? false;
}

function pgstacFunctionsCheck(
  s: Snapshot,
  id: string,
  label: string,
  expected: readonly string[],
  why: string,
): VerifyCheck {
  const base = objectsCheck(id, label, "pgstac", s.schemas, expected, (f) => fnPresent(s, `pgstac.${f}`), "functions");
  if (base.ok || !s.schemas.includes("pgstac")) return base;
  const standIn = s.pgstac_comment?.startsWith("pgSTAC stand-in") ?? false;
  return {
    ...base,
    detail: `${base.detail} ${why}${standIn ? " This database runs the console's pgSTAC stand-in (sql/fixtures/pgstac_standin.sql, demo and tests only), which does not provide them; a real pgSTAC 0.9.x installed with pypgstac does." : ""}`,
  };
}

async function pgstacVersionCheck(s: Snapshot): Promise<VerifyCheck> {
  const id = "pgstac:version";
  const label = "pgSTAC version";
  if (!s.schemas.includes("pgstac"))
    return { id, label, ok: false, detail: "Schema pgstac is missing: pgSTAC is not installed." };
  try {
    const [r] = await pgstacRead<{ v: string | null }>("SELECT pgstac.get_version() AS v");
    if (!r?.v)
      return { id, label, ok: false, detail: "pgstac.get_version() returned nothing (no row in pgstac.migrations)." };
    return r.v.startsWith(PGSTAC_MAJOR_MINOR)
      ? { id, label, ok: true, detail: `pgSTAC ${r.v}.` }
      : { id, label, ok: false, detail: `pgSTAC ${r.v}: the console is built for pgSTAC ${PGSTAC_MAJOR_MINOR}x.` };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    log.error("verify: pgstac.get_version() failed", { code: e.code, error: e.message });
    return { id, label, ok: false, detail: `pgstac.get_version() failed${e.code ? ` (SQLSTATE ${e.code})` : ""}.` };
  }
}

/** console.schema_migrations against the files lib/db/migrate.ts would apply to this database. */
async function migrationsCheck(s: Snapshot): Promise<VerifyCheck> {
  const id = "console:migrations";
  const label = "Console migrations";
  if (!s.schemas.includes("console"))
    return {
      id,
      label,
      ok: false,
      detail: "Schema console is missing: the console's migrations never ran (npx tsx scripts/migrate.ts).",
    };
  if (!s.tables.includes("console.schema_migrations"))
    return {
      id,
      label,
      ok: false,
      detail: "console.schema_migrations is missing: the console's migrations never ran.",
    };
  const recorded = new Map(
    (await readQuery<{ name: string; checksum: string }>(`SELECT name, checksum FROM console.schema_migrations`)).map(
      (r) => [r.name, r.checksum],
    ),
  );
  // Which set this database was set up with. Only a full migrate() (demo, tests, a local
  // database) applies 00_extensions.sql: then every file it would apply must be there, with or
  // without the pgSTAC stand-in. Otherwise (a real database, whose app/geo/h3/pgstac the pipeline
  // owns) the console's own files must be there, and any other file recorded here (e.g. app/ after
  // a maintenance redeploy) must still match.
  const full = recorded.has("00_extensions.sql");
  const fixtures = recorded.has("fixtures/pgstac_standin.sql");
  const mode = full ? (fixtures ? "all schemas, with the pgSTAC stand-in" : "all schemas") : "console schema only";
  let expected: { name: string; checksum: string }[];
  try {
    const names = full
      ? migrationFiles({ fixtures })
      : [
          ...migrationFiles({ consoleOnly: true }),
          ...migrationFiles({ fixtures: true }).filter((n) => !n.startsWith("console/") && recorded.has(n)),
        ];
    expected = names.map((name) => ({
      name,
      checksum: createHash("sha256")
        .update(readFileSync(path.join(process.cwd(), "sql", name), "utf8"))
        .digest("hex"),
    }));
  } catch (err) {
    return {
      id,
      label,
      ok: false,
      detail: `The migration files under sql/ could not be read (${(err as NodeJS.ErrnoException).code ?? "error"}); are they deployed with the console?`,
    };
  }
  const pending = expected.filter((f) => !recorded.has(f.name)).map((f) => f.name);
  const changed = expected
    .filter((f) => recorded.has(f.name) && recorded.get(f.name) !== f.checksum)
    .map((f) => f.name);
  if (!pending.length && !changed.length)
    return { id, label, ok: true, detail: `All ${expected.length} files applied and up to date (${mode}).` };
  const parts = [
    pending.length ? `not applied: ${list(pending)}` : "",
    changed.length ? `changed since applied: ${list(changed)}` : "",
  ].filter(Boolean);
  const how = full
    ? "npx tsx scripts/migrate.ts"
    : "npx tsx scripts/migrate.ts for console/, the maintenance redeploy for app/";
  return { id, label, ok: false, detail: `${parts.join("; ")} (${mode}). Apply them (${how}).` };
}

/** The seed quotation of each check that has one. */
const EXPECTATIONS: Record<string, string> = {
  "app:tables": SEED.app,
  "app:enums": SEED.app,
  "app:functions": SEED.app,
  "geo:catalog": SEED.geo,
  "pgstac:version": SEED.version,
  "pgstac:console-functions": SEED.consoleFns,
  "pgstac:search": SEED.search,
  "pgstac:hash": SEED.hash,
  "h3:tables": SEED.h3,
  "console:migrations": SEED.migrations,
};

export async function verifySchemas(): Promise<VerifyResult> {
  const s = await snapshot();
  const checks: VerifyCheck[] = [
    ...schemaChecks(s),
    objectsCheck(
      "app:tables",
      "app tables",
      "app",
      s.schemas,
      EXPECTED.appTables,
      (t) => s.tables.includes(`app.${t}`),
      "tables",
    ),
    platformCheck(s),
    statusCheck(s),
    objectsCheck(
      "app:functions",
      "app functions",
      "app",
      s.schemas,
      EXPECTED.appFunctions,
      (f) => fnPresent(s, `app.${f}`),
      "functions",
    ),
    objectsCheck(
      "geo:catalog",
      "geo catalog table",
      "geo",
      s.schemas,
      EXPECTED.geoTables,
      (t) => s.tables.includes(`geo.${t}`),
      "tables",
    ),
    await pgstacVersionCheck(s),
    pgstacFunctionsCheck(
      s,
      "pgstac:console-functions",
      "pgSTAC functions the console calls",
      EXPECTED.pgstacConsoleFunctions,
      "The console reads and unpublishes STAC items with them.",
    ),
    pgstacFunctionsCheck(
      s,
      "pgstac:search",
      "pgSTAC search functions",
      EXPECTED.pgstacSearchFunctions,
      "STAC API search (stac-fastapi, TiTiler) needs them.",
    ),
    pgstacFunctionsCheck(
      s,
      "pgstac:hash",
      "pgSTAC search hash functions",
      EXPECTED.pgstacHashFunctions,
      "TiTiler needs them.",
    ),
    objectsCheck(
      "h3:tables",
      "h3 tables",
      "h3",
      s.schemas,
      EXPECTED.h3Tables,
      (t) => s.tables.includes(`h3.${t}`),
      "tables",
    ),
    await migrationsCheck(s),
  ].map((c) => (c.expectation || !EXPECTATIONS[c.id] ? c : { ...c, expectation: EXPECTATIONS[c.id] }));
  return { ok: checks.every((c) => c.ok), checked_at: new Date().toISOString(), checks };
}
