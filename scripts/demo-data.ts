/**
 * Deterministic demo data for the GeoETL Admin Console.
 *
 *   seedDemo(client, { now })   loads everything in one transaction (schema must be migrated with
 *                               fixtures; the data tables must be empty)
 *   npx tsx scripts/demo-data.ts <database-url>
 *                               migrates (with the pgSTAC stand-in) and seeds if app.jobs is empty
 *
 * The SQL lives in sql/demo/*.sql and runs in file-name order. Every "random" choice there is a
 * hash of a fixed key, so two runs produce the same rows; only absolute timestamps follow `now`
 * (ages and durations are fixed), so the data always looks a few minutes to 30 days old.
 *
 * What it creates:
 *   app.jobs ~2,400 (ingest_vector, process_raster, process_vector, h3_aggregate, stac_catalog),
 *   app.tasks ~30,000 incl. one job with 2,048 tasks and 10-30 stuck processing tasks,
 *   app.api_requests, app.janitor_runs, h3.grids / grid_metadata / reference_filters,
 *   geo tables from Natural Earth countries (world-atlas), geo.table_metadata, pgSTAC collections
 *   system-vectors and system-rasters with their items, and two deliberate orphans:
 *   geo.mystery_upload (table without metadata) and the deleted_parcels metadata row (no table).
 */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Client, type ClientBase } from "pg";
import { feature } from "topojson-client";
import { migrate } from "../lib/db/migrate";
import { withPgstacPath } from "../lib/db/pgstac-path";

const DEMO_SQL_DIR = path.join(process.cwd(), "sql", "demo");
/**
 * Demo files that write into pgSTAC's tables, whose triggers name pgSTAC's tables unqualified: they
 * run with search_path = pgstac, public (as on pypgstac's connections), so the seed loads into a
 * real pgSTAC 0.9 too. The path is restored after each of them; every demo file schema-qualifies
 * its own tables either way.
 */
const PGSTAC_DEMO_FILES = new Set(["30_stac.sql"]);

/** Geo tables seedDemo creates (schema geo). mystery_upload is the deliberate orphan. */
export const DEMO_GEO_TABLES = [
  "world_countries",
  "admin_boundaries_arcgis",
  "countries_web_mercator",
  "populated_places",
  "shipping_routes",
  "rivers_sample",
  "mystery_upload",
] as const;
/** Orphans planted on purpose, for the orphan check and unpublish demos. */
export const DEMO_ORPHAN_TABLE = "mystery_upload";
export const DEMO_ORPHAN_METADATA = "deleted_parcels";

// Continents by ISO 3166-1 numeric code (as in world-atlas ids); the three features without an
// id are matched by name below.
const CONTINENT_CODES: Record<string, string> = {
  Africa:
    "012 024 072 108 120 140 148 178 180 204 226 231 232 262 266 270 288 324 384 404 426 430 434 450 454 466 478 504 508 516 562 566 624 646 686 694 706 710 716 728 729 732 748 768 788 800 818 834 854 894",
  Europe:
    "008 040 056 070 100 112 191 203 208 233 246 250 276 300 348 352 372 380 428 440 442 498 499 528 578 616 620 642 643 688 703 705 724 752 756 804 807 826",
  Asia: "004 031 050 051 064 096 104 116 144 156 158 196 268 275 356 360 364 368 376 392 398 400 408 410 414 417 418 422 458 496 512 524 586 608 626 634 682 704 760 762 764 784 792 795 860 887",
  "North America": "044 084 124 188 192 214 222 304 320 332 340 388 484 558 591 630 780 840",
  "South America": "032 068 076 152 170 218 238 328 600 604 740 858 862",
  Oceania: "036 090 242 540 548 554 598",
  Antarctica: "010 260",
};
const CONTINENT_BY_NAME: Record<string, string> = { "N. Cyprus": "Asia", Somaliland: "Africa", Kosovo: "Europe" };
const CONTINENT_BY_CODE = new Map<string, string>(
  Object.entries(CONTINENT_CODES).flatMap(([continent, codes]) =>
    codes.split(" ").map((code) => [code, continent] as const),
  ),
);

type CountryRow = { iso_n3: string | null; name: string; continent: string; geometry: unknown };

/** Natural Earth 1:110m countries from world-atlas, as GeoJSON geometries in file order. */
export function demoCountries(): CountryRow[] {
  const req = createRequire(path.join(process.cwd(), "package.json"));
  const file = req.resolve("world-atlas/countries-110m.json");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TopoJSON typing is not worth the ceremony here
  const topology = JSON.parse(readFileSync(file, "utf8")) as any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const fc = feature(topology, topology.objects.countries) as any as {
    features: Array<{ id?: string | number; properties: { name: string }; geometry: unknown }>;
  };
  return fc.features.map((f) => {
    const iso = f.id === undefined || f.id === null ? null : String(f.id).padStart(3, "0");
    const name = f.properties.name;
    const continent = (iso && CONTINENT_BY_CODE.get(iso)) || CONTINENT_BY_NAME[name];
    if (!continent) throw new Error(`demo-data: no continent for country ${iso ?? "?"} ${name}`);
    return { iso_n3: iso, name, continent, geometry: f.geometry };
  });
}

// Loaded once per transaction, before the geo step. Polygons become valid MultiPolygons in 4326.
// world-atlas rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180, a stripe
// across a flat map: shift those to 0..360 and cut them back at 180. Antarctica spans every
// longitude on purpose and is left alone.
const LOAD_COUNTRIES_SQL = `
CREATE TEMP TABLE demo_countries ON COMMIT DROP AS
WITH raw AS (
  SELECT e.ord::int AS ord, e.f, ST_SetSRID(ST_GeomFromGeoJSON(e.f->'geometry'), 4326) AS g
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(f, ord)
)
SELECT ord, f->>'iso_n3' AS iso_n3, f->>'name' AS name, f->>'continent' AS continent,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(
           CASE WHEN ST_XMax(g) - ST_XMin(g) > 180 AND ST_YMin(g) > -60
                THEN ST_WrapX(ST_ShiftLongitude(g), 180, -360) ELSE g END), 3))::geometry(MultiPolygon, 4326) AS geom
FROM raw`;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Loads the demo data set. Assumes migrate(client, { fixtures: true }) has run and the data
 * tables are empty; refuses (before writing anything) if any demo object already exists.
 */
export async function seedDemo(
  client: ClientBase,
  opts: { now?: Date } = {},
): Promise<{ jobs: number; tasks: number; geoTables: string[] }> {
  const now = opts.now ?? new Date();
  const countries = demoCountries();
  const files = readdirSync(DEMO_SQL_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();

  await client.query("BEGIN");
  try {
    const existing = await client.query<{ what: string }>(
      `SELECT 'geo.' || c.relname AS what FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'geo' AND c.relname = ANY($1::text[])
       UNION ALL SELECT 'geo.table_metadata row ' || table_name FROM geo.table_metadata WHERE table_name = ANY($2::text[])
       UNION ALL SELECT 'pgstac collection ' || id FROM pgstac.collections WHERE id IN ('system-vectors', 'system-rasters')
       UNION ALL SELECT 'app.jobs (' || count(*) || ' rows)' FROM app.jobs HAVING count(*) > 0`,
      [DEMO_GEO_TABLES, [...DEMO_GEO_TABLES, DEMO_ORPHAN_METADATA]],
    );
    if (existing.rows.length > 0) {
      throw new Error(`seedDemo expects an empty database, found: ${existing.rows.map((r) => r.what).join(", ")}`);
    }

    await client.query("SELECT set_config('demo.now', $1, true)", [now.toISOString()]);
    for (const file of files) {
      if (file.startsWith("20_")) await client.query(LOAD_COUNTRIES_SQL, [JSON.stringify(countries)]);
      try {
        const t0 = Date.now();
        const pgstac = PGSTAC_DEMO_FILES.has(file);
        const saved = pgstac
          ? (await client.query<{ path: string }>("SELECT current_setting('search_path') AS path")).rows[0].path
          : null;
        if (pgstac) await withPgstacPath(client);
        await client.query(readFileSync(path.join(DEMO_SQL_DIR, file), "utf8"));
        if (saved !== null) await client.query("SELECT set_config('search_path', $1, true)", [saved]);
        if (process.env.DEMO_DEBUG) console.error(file, Date.now() - t0, "ms");
      } catch (err) {
        throw new Error(`demo data ${file} failed: ${(err as Error).message}`, { cause: err });
      }
    }

    // Planner statistics for everything just loaded.
    const analyzeTargets = [
      "app.jobs",
      "app.tasks",
      "app.api_requests",
      "app.janitor_runs",
      "geo.table_metadata",
      ...DEMO_GEO_TABLES.map((t) => `geo.${quoteIdent(t)}`),
      "h3.grids",
      "h3.grid_metadata",
      "h3.reference_filters",
      "pgstac.collections",
      "pgstac.items",
    ];
    await client.query(`ANALYZE ${analyzeTargets.join(", ")}`);

    const { rows } = await client.query<{ jobs: number; tasks: number }>(
      "SELECT (SELECT count(*) FROM app.jobs)::int AS jobs, (SELECT count(*) FROM app.tasks)::int AS tasks",
    );
    await client.query("COMMIT");
    return { jobs: rows[0].jobs, tasks: rows[0].tasks, geoTables: [...DEMO_GEO_TABLES] };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

async function main(): Promise<void> {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("usage: npx tsx scripts/demo-data.ts <database-url>");
    process.exit(2);
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await migrate(client, { fixtures: true });
    const migrated = `migrated ${applied.length} file(s)`;
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM app.jobs");
    if (rows[0].n > 0) {
      console.log(`demo-data: ${migrated}; app.jobs already has ${rows[0].n} rows, seeding skipped`);
      return;
    }
    const started = Date.now();
    const r = await seedDemo(client);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `demo-data: ${migrated}; seeded ${r.jobs} jobs, ${r.tasks} tasks, ${r.geoTables.length} geo tables (${r.geoTables.join(", ")}) in ${secs}s`,
    );
  } finally {
    await client.end();
  }
}

if (/demo-data\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  main().catch((err: unknown) => {
    console.error(`demo-data: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
