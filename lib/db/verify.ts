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
  detail: string;
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

const PLATFORM_REASON =
  "The pipeline's docs list it for API request tracking; the console's DDL keeps that table in app (app.api_requests), so a database set up by the console has no platform schema.";

interface Snapshot {
  schemas: string[];
  tables: string[];
  functions: { sig: string; ok: boolean }[];
  app_enums: string[];
  status_columns: { table_name: string; type: string; is_enum: boolean; checks: string[] | null }[];
  pgstac_comment: string | null;
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
       (SELECT obj_description(n.oid, 'pg_namespace') FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pgstac') AS pgstac_comment`,
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
    const ok = s.schemas.includes(name);
    const detail = ok
      ? `Schema ${name} is present.`
      : name === "platform"
        ? `Schema platform is missing: ${PLATFORM_REASON}`
        : `Schema ${name} is missing.`;
    return { id: `schema:${name}`, label: `Schema ${name}`, ok, detail };
  });
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
  ];
  return { ok: checks.every((c) => c.ok), checked_at: new Date().toISOString(), checks };
}
