/**
 * npm run bench:pgstac: "Migrate pgSTAC" through the console (the destructive pipeline: plan under
 * the advisory lock, checksums, one transaction, reader grants, version check, audit row) against
 * the same incremental files applied with psql, on identical databases (not part of npm test).
 *
 * Each round: a database with pgSTAC <from> (its base file) and BENCH_ITEMS items in 5
 * collections loaded through pgSTAC's create_items, copied twice (CREATE DATABASE ... TEMPLATE);
 * one copy is migrated by the console, the other by `psql -f` of the same chain. Prints median
 * and p95 of each and their ratio. Needs a release folder (PGSTAC_MIGRATIONS_DIR or ../shared/pgstac)
 * with a chain from BENCH_FROM (default the oldest base) to the newest base.
 * Env: BENCH_ROUNDS (7), BENCH_ITEMS (20000), BENCH_FROM.
 */
import { execFileSync } from "node:child_process";
import { benchUrl, percentiles, withClient } from "./bench-lib";
import { migrate } from "../lib/db/migrate";
import { installPgstac, installedPgstacVersion } from "../lib/pgstac/apply";
import { localPgstacDir } from "../lib/pgstac/local";
import { migrationPath, newestBase, readReleases } from "../lib/pgstac/releases";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const log = (...a: unknown[]) => console.error("[bench]", ...a);
const dir = localPgstacDir();
if (!dir) throw new Error("no pgSTAC release folder: set PGSTAC_MIGRATIONS_DIR");
const releases = readReleases(dir);
const FROM = process.env.BENCH_FROM ?? releases.bases[0].version;
const chain = migrationPath(releases, FROM, newestBase(releases).version);
const BASE = "geoetl_bench_pgstac";

const admin = (fn: (c: import("pg").Client) => Promise<unknown>) => withClient(benchUrl("postgres"), fn);

async function prepareBase(): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${BASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${BASE}`);
  });
  await withClient(benchUrl(BASE), async (c) => {
    await migrate(c, { fixtures: false }); // console, app, geo, h3: pgSTAC comes next, at FROM
    await installPgstac(c, releases, FROM);
    await migrate(c, { fixtures: false }); // roles.sql again: the reader's grants on pgstac
    const t0 = Date.now();
    await c.query("BEGIN; SET LOCAL search_path TO pgstac, public;");
    for (const id of ["a", "b", "c", "d", "e"])
      await c.query(
        `SELECT create_collection(jsonb_build_object('id', 'bench-' || $1::text, 'type', 'Collection', 'stac_version', '1.0.0',
           'description', 'generated', 'license', 'CC0-1.0', 'links', '[]'::jsonb,
           'extent', '{"spatial": {"bbox": [[-180, -80, 180, 80]]}, "temporal": {"interval": [["2024-01-01T00:00:00Z", null]]}}'::jsonb))`,
        [id],
      );
    for (let start = 0; start < ITEMS; start += 5000)
      await c.query(
        `SELECT create_items(jsonb_agg(jsonb_build_object(
             'type', 'Feature', 'stac_version', '1.0.0', 'id', 'item-' || n,
             'collection', 'bench-' || (ARRAY['a','b','c','d','e'])[1 + n % 5],
             'geometry', ST_AsGeoJSON(ST_MakeEnvelope(x, y, x + 0.1, y + 0.1, 4326))::jsonb,
             'bbox', jsonb_build_array(x, y, x + 0.1, y + 0.1),
             'properties', jsonb_build_object('datetime', to_char(timestamptz '2024-01-01' + n * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'title', 'Item ' || n),
             'links', '[]'::jsonb, 'assets', '{}'::jsonb)))
           FROM (SELECT n, (n * 7919 % 3500) / 10.0 - 175 AS x, (n * 104729 % 1500) / 10.0 - 75 AS y
                   FROM generate_series($1::int, $2::int) n) g`,
        [start, Math.min(ITEMS, start + 5000) - 1],
      );
    await c.query("COMMIT");
    await c.query("VACUUM ANALYZE");
    log(`${BASE}: pgSTAC ${FROM} with ${ITEMS} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
}

async function copy(name: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${BASE}`);
  });
}

async function main(): Promise<void> {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
  log(`chain ${FROM} → ${chain.to}: ${chain.files.map((f) => f.name).join(", ")}`);
  await prepareBase();
  process.env.PGSTAC_MIGRATIONS_DIR = dir!;
  delete process.env.PGSTAC_SQL_FILE;
  const { runOperation } = await import("../lib/destructive/pipeline");
  const { pgstacMigrateOperation } = await import("../lib/destructive/operations/pgstac-migrate");
  const { endPools } = await import("../lib/db/pool");
  const { resetConfigCache } = await import("../lib/config");
  const consoleMs: number[] = [];
  const psqlMs: number[] = [];
  const user = { id: "bench", name: "Bench", role: "admin" as const, via: "bearer" as const };
  for (let round = 0; round < ROUNDS; round++) {
    const viaConsole = `${BASE}_console`;
    const viaPsql = `${BASE}_psql`;
    await endPools(); // the pools let go of last round's copy before it is dropped
    await copy(viaConsole);
    await copy(viaPsql);
    // psql: the files of the chain, each with ON_ERROR_STOP, in one transaction (-1), like pypgstac.
    let t0 = performance.now();
    execFileSync(
      "psql",
      ["-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", ...chain.files.flatMap((f) => ["-f", f.file]), benchUrl(viaPsql)],
      { stdio: ["ignore", "ignore", "inherit"], env: process.env },
    );
    psqlMs.push(performance.now() - t0);
    // the console: pools pointed at its copy
    process.env.DATABASE_URL = benchUrl(viaConsole);
    process.env.DATABASE_READER_URL = benchUrl(viaConsole, "geoetl_reader");
    resetConfigCache();
    t0 = performance.now();
    await runOperation(pgstacMigrateOperation, {}, user, { confirm: { api: "yes" } });
    consoleMs.push(performance.now() - t0);
    for (const db of [viaConsole, viaPsql])
      await withClient(benchUrl(db), async (c) => {
        const v = await installedPgstacVersion(c);
        const n = (await c.query(`SELECT count(*)::int AS n FROM pgstac.items`)).rows[0].n;
        if (v !== chain.to || n !== ITEMS) throw new Error(`${db}: pgSTAC ${v} with ${n} items after the migration`);
      });
    log(`round ${round + 1}: console ${consoleMs.at(-1)!.toFixed(0)} ms, psql ${psqlMs.at(-1)!.toFixed(0)} ms`);
  }
  await endPools();
  const c = percentiles(consoleMs);
  const p = percentiles(psqlMs);
  console.log(`pgSTAC migrate ${FROM} → ${chain.to} (${chain.files.length} file(s)), ${ITEMS} items, ${ROUNDS} rounds`);
  console.log(`  console (pipeline)  median ${c.median.toFixed(0)} ms  p95 ${c.p95.toFixed(0)} ms`);
  console.log(`  psql -1 -f          median ${p.median.toFixed(0)} ms  p95 ${p.p95.toFixed(0)} ms`);
  console.log(`  ratio console / psql (median) ${(c.median / p.median).toFixed(2)}×`);
  await admin(async (a) => {
    for (const db of [`${BASE}_console`, `${BASE}_psql`]) await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
