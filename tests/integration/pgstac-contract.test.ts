import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigCache } from "@/lib/config";
import { catalogTile } from "@/lib/db/catalog-tiles";
import { migrate } from "@/lib/db/migrate";
import { pgstacInfo } from "@/lib/db/overview";
import { endPools, readQuery, withAdminTransaction } from "@/lib/db/pool";
import { deleteStacItem, getStacItem, listOrphanStacItems } from "@/lib/db/stac";
import { getItem, hydrateItems, listCollections, listItems } from "@/lib/db/stac-catalog";
import { localPgstacDir } from "@/lib/pgstac/local";
import { seedDemo } from "@/scripts/demo-data";
import { createDatabaseFromTemplate, dropDatabase, urlFor } from "../helpers/cluster";

/**
 * The stand-in (sql/fixtures/pgstac_standin.sql) is only worth keeping while it answers the
 * console's pgSTAC calls as real pgSTAC does. Two databases with the same demo data, one on real
 * pgSTAC 0.9.8 (the test template) and one on the stand-in, and every call the console makes into
 * pgSTAC on both: the same results, but for the one thing that is meant to differ (which it is).
 */
const RELEASES = localPgstacDir();
const names = { real: "", standIn: "" };

async function pointAt(db: string) {
  await endPools();
  process.env.DATABASE_URL = urlFor(db);
  process.env.DATABASE_READER_URL = urlFor(db, "geoetl_reader");
  resetConfigCache();
}

/** Everything the console reads from pgSTAC, as the console's own functions return it. */
async function consoleView(db: string) {
  await pointAt(db);
  const collections = await listCollections();
  const items: Record<string, unknown> = {};
  const pages: Record<string, unknown> = {};
  for (const c of collections) {
    const page = await listItems({ collection: c.id, limit: 1000 });
    pages[c.id] = page.rows;
    const ids = page.rows.map((r) => r.id);
    const hydrated = await hydrateItems(c.id, ids);
    ids.forEach((id, i) => (items[`${c.id}/${id}`] = hydrated[i]));
    if (ids[0]) expect(await getItem(c.id, ids[0])).toEqual(hydrated[0]);
  }
  const first = Object.keys(items)[0].split("/");
  const single = await getStacItem(first[1], first[0]);
  const tile = await catalogTile("stac", "system-vectors", 0, 0, 0);
  // unpublish's step and the orphan check, rolled back
  let deleteMissing = "";
  await withAdminTransaction(async (client) => {
    await client.query("SAVEPOINT s");
    await deleteStacItem(client, first[1], first[0]);
    await client.query("RELEASE SAVEPOINT s");
    await client.query("SAVEPOINT t");
    deleteMissing = await deleteStacItem(client, first[1], first[0]).then(
      () => "deleted",
      (e: { code?: string }) => e.code ?? "?",
    );
    await client.query("ROLLBACK TO SAVEPOINT t");
    await client.query(`DELETE FROM geo.table_metadata WHERE table_name = 'world_countries'`);
    const orphans = await listOrphanStacItems((sql, params) => client.query(sql, params).then((r) => r.rows), 10);
    pages.orphans = orphans.map((o) => o.id);
    throw Object.assign(new Error("rollback"), { rollback: true });
  }).catch((e: { rollback?: boolean }) => {
    if (!e.rollback) throw e;
  });
  const info = await pgstacInfo();
  return {
    collections: collections.map((c) => ({ ...c })),
    items,
    pages,
    single,
    tileBytes: tile.data?.length ?? 0,
    deleteMissing,
    info,
    stillThere: (await readQuery(`SELECT count(*)::int AS n FROM pgstac.items`))[0],
  };
}

describe.skipIf(!RELEASES)("real pgSTAC and the stand-in answer the console alike", () => {
  beforeAll(async () => {
    names.real = await createDatabaseFromTemplate("geoetl_test_contract_real");
    names.standIn = `geoetl_test_contract_standin_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: urlFor("postgres") });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${names.standIn}`);
    await admin.end();
    const c = new Client({ connectionString: urlFor(names.standIn) });
    await c.connect();
    await migrate(c, { fixtures: true, pgstacDir: null });
    await seedDemo(c, { now: new Date() });
    await c.end();
  }, 120_000);
  afterAll(async () => {
    await endPools();
    await Promise.all([dropDatabase(names.real), dropDatabase(names.standIn)]);
  });

  it("collections, item pages, hydrated items, tiles, delete_item and the orphan check are the same", async () => {
    const real = await consoleView(names.real);
    const standIn = await consoleView(names.standIn);
    expect(Object.keys(real.items).length).toBeGreaterThan(100);
    // The one difference on purpose: the console says which it runs on.
    expect(real.info).toMatchObject({ standIn: false, label: "pgSTAC 0.9.8", version: "0.9.8" });
    expect(standIn.info).toMatchObject({ standIn: true, label: "pgSTAC stand-in", version: "0.9.8" });
    // The demo's timestamps follow "now", which differs between the two seeds by seconds.
    const timeless = (v: unknown) =>
      JSON.parse(JSON.stringify(v).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, "<time>"));
    const { info: _r, ...r } = real;
    const { info: _s, ...s } = standIn;
    expect(timeless(s)).toEqual(timeless(r));
    expect(real.deleteMissing).toBe("P0002");
  });
});
