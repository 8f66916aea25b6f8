import { describe, expect, it } from "vitest";
import { pgstacRead } from "@/lib/db/pgstac-session";
import { readQuery } from "@/lib/db/pool";
import { createSystemCollections, deleteStacItem, getStacItem, listOrphanStacItems } from "@/lib/db/stac";
import { testDatabase } from "../helpers/db";
import { loadStac } from "../helpers/stac";

/**
 * The console's pgSTAC calls on the test database's pgSTAC: real pgSTAC 0.9.8 from its release
 * file when the files are found (lib/pgstac/local.ts), else the stand-in. pgSTAC's functions and
 * triggers name its tables unqualified, so a call without search_path = pgstac, public fails
 * (42P01); the console's helpers set that path.
 */
const db = testDatabase("pgstac");

const ITEM = "postgis-geo-world_countries";
const VECTORS = "system-vectors";

/** Runs fn in a transaction of the test's own admin connection, always rolled back. */
async function inRolledBackTransaction<T>(fn: () => Promise<T>): Promise<T> {
  await db.client.query("BEGIN");
  try {
    return await fn();
  } finally {
    await db.client.query("ROLLBACK");
  }
}

async function sqlstate(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error("expected the statement to fail");
}

describe("pgSTAC needs its search path", () => {
  it('delete_item without it fails with 42P01 (relation "items" does not exist)', async () => {
    const path = (await db.client.query(`SHOW search_path`)).rows[0].search_path;
    expect(path).not.toMatch(/pgstac/);
    await inRolledBackTransaction(async () => {
      await expect(db.client.query(`SELECT pgstac.delete_item($1, $2)`, [ITEM, VECTORS])).rejects.toThrow(
        /relation "items" does not exist/,
      );
    });
    await inRolledBackTransaction(async () => {
      expect(await sqlstate(db.client.query(`SELECT pgstac.delete_item($1, $2)`, [ITEM, VECTORS]))).toBe("42P01");
    });
  });

  it("with it, pgSTAC's loaders store an item get_item returns whole, and deleting the collection takes its items", async () => {
    await inRolledBackTransaction(async () => {
      await loadStac(db.client, [{ id: "i1", collection: "with-path", properties: { title: "one" } }]);
      expect((await db.client.query(`SHOW search_path`)).rows[0].search_path).toBe("pgstac, public");
      const item = (await db.client.query(`SELECT pgstac.get_item('i1', 'with-path') AS item`)).rows[0].item;
      expect(item).toMatchObject({ id: "i1", collection: "with-path", type: "Feature", properties: { title: "one" } });
      expect(item.geometry.type).toBe("Polygon");
      const stored = (await db.client.query(`SELECT content, datetime FROM pgstac.items WHERE id = 'i1'`)).rows[0];
      expect(Object.keys(stored.content)).not.toContain("geometry"); // dehydrated
      expect(new Date(stored.datetime).toISOString()).toBe("2024-01-01T00:00:00.000Z");
      await db.client.query(`DELETE FROM pgstac.collections WHERE id = 'with-path'`);
      expect((await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items WHERE id = 'i1'`)).rows[0].n).toBe(0);
    });
  });

  it("get_item, all_collections and get_version carry their own path or qualify, as in pgSTAC 0.9.8", async () => {
    const item = await db.client.query(`SELECT pgstac.get_item($1, $2) AS item`, [ITEM, VECTORS]);
    expect(item.rows[0].item.id).toBe(ITEM);
    expect((await db.client.query(`SELECT pgstac.all_collections() AS c`)).rows[0].c).toHaveLength(2);
    expect((await db.client.query(`SELECT pgstac.get_version() AS v`)).rows[0].v).toBe("0.9.8");
  });

  it("stores item content dehydrated, as pgSTAC does: no id, collection, geometry or type in it", async () => {
    const { rows } = await db.client.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE content ?| ARRAY['id', 'collection', 'geometry', 'type'])::int AS hydrated FROM pgstac.items`,
    );
    expect(rows[0].n).toBeGreaterThan(5);
    expect(rows[0].hydrated).toBe(0);
  });
});

describe("deleteStacItem (the unpublish step)", () => {
  it("deletes inside the caller's transaction and SAVEPOINT, and raises P0002 for a missing item", async () => {
    await inRolledBackTransaction(async () => {
      await db.client.query("SAVEPOINT stac");
      await deleteStacItem(db.client, ITEM, VECTORS);
      await db.client.query("RELEASE SAVEPOINT stac");
      const left = await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items WHERE id = $1`, [ITEM]);
      expect(left.rows[0].n).toBe(0);
      // kept after RELEASE, for the rest of the transaction (whose SQL is schema-qualified)
      expect((await db.client.query(`SHOW search_path`)).rows[0].search_path).toBe("pgstac, public");

      await db.client.query("SAVEPOINT again");
      expect(await sqlstate(deleteStacItem(db.client, ITEM, VECTORS))).toBe("P0002");
      await db.client.query("ROLLBACK TO SAVEPOINT again");
    });
    // rolled back: the item is there again, and the session's path is untouched
    expect((await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items WHERE id = $1`, [ITEM])).rows[0].n).toBe(
      1,
    );
    expect((await db.client.query(`SHOW search_path`)).rows[0].search_path).not.toMatch(/pgstac/);
  });

  it("ROLLBACK TO SAVEPOINT puts the caller's search path back", async () => {
    await inRolledBackTransaction(async () => {
      const before = (await db.client.query(`SHOW search_path`)).rows[0].search_path;
      await db.client.query("SAVEPOINT stac");
      await deleteStacItem(db.client, ITEM, VECTORS);
      await db.client.query("ROLLBACK TO SAVEPOINT stac");
      expect((await db.client.query(`SHOW search_path`)).rows[0].search_path).toBe(before);
    });
  });
});

describe("pgstacRead", () => {
  it("reads with pgSTAC's path in a read-only transaction that leaves nothing behind on the pooled connection", async () => {
    const [r] = await pgstacRead<{ path: string; ro: string; v: string }>(
      `SELECT current_setting('search_path') AS path, current_setting('transaction_read_only') AS ro, pgstac.get_version() AS v`,
    );
    expect(r).toEqual({ path: "pgstac, public", ro: "on", v: "0.9.8" });
    await expect(pgstacRead(`SELECT pgstac.delete_item($1, $2)`, [ITEM, VECTORS])).rejects.toMatchObject({
      code: "25006",
    }); // read-only transaction
    const after = await readQuery<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    expect(after[0].path).not.toMatch(/pgstac/);
    expect((await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items WHERE id = $1`, [ITEM])).rows[0].n).toBe(
      1,
    );
  });
});

describe("getStacItem", () => {
  it("returns the hydrated item from pgstac.get_item: id, collection, GeoJSON geometry, type, and the stored content", async () => {
    const r = await getStacItem(ITEM, VECTORS);
    expect(r.status).toBe("found");
    if (r.status !== "found") return;
    expect(r.item).toMatchObject({ id: ITEM, collection: VECTORS, type: "Feature", stac_version: "1.0.0" });
    const geometry = r.item.geometry as { type: string; coordinates: number[][][] };
    expect(geometry.type).toBe("Polygon");
    expect(geometry.coordinates[0]).toHaveLength(5);
    expect(r.item.properties).toMatchObject({ "postgis:table": "world_countries" });
    expect((await getStacItem(ITEM, null)).status).toBe("found");
    expect((await getStacItem(ITEM, "system-rasters")).status).toBe("missing");
  });
});

describe("createSystemCollections", () => {
  it("leaves existing collections alone, and recreates missing ones with the demo seed's content", async () => {
    await inRolledBackTransaction(async () => {
      expect(await createSystemCollections(db.client)).toEqual([]);
      const seeded = (await db.client.query(`SELECT id, content FROM pgstac.collections ORDER BY id`)).rows;
      expect(seeded.map((c) => c.id)).toEqual(["system-rasters", "system-vectors"]);
      await db.client.query(`DELETE FROM pgstac.collections`); // as after a pgSTAC redeploy (path set above)
      expect(await createSystemCollections(db.client)).toEqual(["system-rasters", "system-vectors"]);
      const created = (await db.client.query(`SELECT id, content FROM pgstac.collections ORDER BY id`)).rows;
      // system-vectors: identical (its extent comes from the metadata of the catalogued layers)
      expect(created[1].content).toEqual(seeded[1].content);
      // system-rasters: identical but for its start time (the demo's first raster job; else now)
      const { extent: seededExtent, ...seededRest } = seeded[0].content;
      const { extent: createdExtent, ...createdRest } = created[0].content;
      expect(createdRest).toEqual(seededRest);
      expect(createdExtent.spatial).toEqual(seededExtent.spatial);
      expect(createdExtent.temporal.interval[0][1]).toBeNull();
      // and each takes items again (pgSTAC makes their partitions as items arrive)
      await loadStac(db.client, [
        { id: "v1", collection: "system-vectors" },
        { id: "r1", collection: "system-rasters" },
      ]);
      expect((await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items`)).rows[0].n).toBe(2);
    });
  });
});

describe("listOrphanStacItems", () => {
  const q = <T extends Record<string, unknown>>(sql: string, params: unknown[]) =>
    db.client.query(sql, params).then((r) => r.rows as T[]);

  it("lists the vector items no metadata row names, by collection and id, bounded by the limit", async () => {
    expect(await listOrphanStacItems(readQuery, 100)).toEqual([]);
    await inRolledBackTransaction(async () => {
      await db.client.query(
        `DELETE FROM geo.table_metadata WHERE table_name IN ('world_countries', 'shipping_routes')`,
      );
      const items = await listOrphanStacItems(q, 100);
      expect(items).toEqual([
        { id: "postgis-geo-shipping_routes", collection: VECTORS, datetime: expect.stringMatching(/Z$/) },
        { id: ITEM, collection: VECTORS, datetime: expect.stringMatching(/Z$/) },
      ]);
      expect(await listOrphanStacItems(q, 1)).toHaveLength(1);
      // raster items are never layer orphans
      expect(items.some((i) => i.collection === "system-rasters")).toBe(false);
    });
  });

  it("also looks in any other collection a metadata row catalogs its layer in", async () => {
    await inRolledBackTransaction(async () => {
      await loadStac(db.client, [
        { id: "kept", collection: "team-vectors" },
        { id: "lost", collection: "team-vectors" },
        { id: "ignored", collection: "elsewhere" },
      ]);
      await db.client.query(
        `INSERT INTO geo.table_metadata (table_name, stac_item_id, stac_collection_id) VALUES ('kept_layer', 'kept', 'team-vectors')`,
      );
      expect((await listOrphanStacItems(q, 100)).map((i) => `${i.collection}/${i.id}`)).toEqual(["team-vectors/lost"]);
    });
  });
});
