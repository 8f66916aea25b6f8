import { describe, expect, it, vi } from "vitest";
import { readerPool } from "@/lib/db/pool";
import {
  latestOrphanReport,
  logOrphanReport,
  ORPHAN_EXACT_COUNT_MAX_ROWS,
  orphanReport,
  runOrphanCheck,
} from "@/lib/db/orphans";
// Renamed on import: it is a Vitest fixture, not a React hook (eslint react-hooks/rules-of-hooks).
import { testDatabase } from "../helpers/db";

const db = testDatabase("geoorph");

describe("orphan report", () => {
  it("finds the orphaned table, the orphaned metadata and the tracked tables (seed shape)", async () => {
    const r = await orphanReport();
    expect(r.success).toBe(true);
    expect(new Date(r.timestamp).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(r.orphaned_tables).toHaveLength(1);
    expect(r.orphaned_tables[0]).toMatchObject({
      table_name: "mystery_upload",
      row_count: 250,
      row_count_exact: true,
      reason: "Table exists in geo schema but has no metadata record",
    });
    expect(r.orphaned_tables[0].size_bytes).toBeGreaterThan(0);
    expect(r.orphaned_metadata).toEqual([
      expect.objectContaining({
        table_name: "deleted_parcels",
        stac_item_id: null,
        stac_collection_id: null,
        reason: "Metadata exists but table was dropped",
      }),
    ]);
    expect(r.orphaned_metadata[0].etl_job_id).toMatch(/^[0-9a-f]{64}$/);
    expect(r.tracked_tables).toEqual([
      "admin_boundaries_arcgis",
      "countries_web_mercator",
      "populated_places",
      "rivers_sample",
      "shipping_routes",
      "world_countries",
    ]);
    expect(r.summary).toEqual({
      total_geo_tables: 7,
      total_metadata_records: 7,
      tracked: 6,
      orphaned_tables: 1,
      orphaned_metadata: 1,
      orphaned_stac_items: 0,
      health_status: "ORPHANS_DETECTED",
    });
    expect(r.orphaned_stac_items).toEqual([]);
    expect(r.stac_checked).toBe(true);
  });

  it("reports HEALTHY when nothing is orphaned, and sees a new orphan at once", async () => {
    await db.client.query(`BEGIN`);
    try {
      await db.client.query(
        `DROP TABLE geo.mystery_upload; DELETE FROM geo.table_metadata WHERE table_name = 'deleted_parcels'`,
      );
      await db.client.query(`COMMIT`);
    } catch (e) {
      await db.client.query(`ROLLBACK`);
      throw e;
    }
    expect((await orphanReport()).summary.health_status).toBe("HEALTHY");
    await db.client.query(`CREATE TABLE geo."Odd Name" (id int); INSERT INTO geo."Odd Name" VALUES (1), (2), (3)`);
    const r = await orphanReport();
    expect(r.summary.health_status).toBe("ORPHANS_DETECTED");
    expect(r.orphaned_tables).toEqual([expect.objectContaining({ table_name: "Odd Name", row_count: 3 })]);
    await db.client.query(`DROP TABLE geo."Odd Name"`);
  });

  it("lists STAC items whose layer is gone (table and metadata row deleted); they count towards ORPHANS_DETECTED", async () => {
    const clean = await orphanReport();
    expect(clean.summary).toMatchObject({ orphaned_stac_items: 0, health_status: "HEALTHY" });
    expect(clean.orphaned_stac_items).toEqual([]);
    // inside a transaction of the test's connection (orphanReport(client)), rolled back after
    await db.client.query("BEGIN");
    try {
      await db.client.query(
        `DROP TABLE geo.shipping_routes; DELETE FROM geo.table_metadata WHERE table_name = 'shipping_routes'`,
      );
      const r = await orphanReport(db.client);
      expect(r.orphaned_stac_items).toEqual([
        {
          id: "postgis-geo-shipping_routes",
          collection: "system-vectors",
          datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
          reason: "STAC item exists but no metadata record names it (its layer is gone)",
        },
      ]);
      expect(r.orphaned_tables).toEqual([]);
      expect(r.orphaned_metadata).toEqual([]);
      expect(r.summary).toMatchObject({ orphaned_stac_items: 1, tracked: 5, health_status: "ORPHANS_DETECTED" });
    } finally {
      await db.client.query("ROLLBACK");
    }
    // committed, through the reader pool: still one statement
    await db.client.query("BEGIN; SET LOCAL search_path TO pgstac, public");
    await db.client.query(
      `INSERT INTO pgstac.items (id, geometry, collection, datetime, end_datetime, content)
       VALUES ('postgis-geo-left_behind', ST_MakeEnvelope(0, 0, 1, 1, 4326), 'system-vectors', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z', '{}')`,
    );
    await db.client.query("COMMIT");
    try {
      const spy = vi.spyOn(readerPool(), "query");
      const r = await orphanReport();
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockRestore();
      expect(r.orphaned_stac_items).toEqual([
        expect.objectContaining({ id: "postgis-geo-left_behind", datetime: "2024-05-01T12:00:00.000Z" }),
      ]);
      expect(r.summary.health_status).toBe("ORPHANS_DETECTED");
      const lines: Record<string, unknown>[] = [];
      logOrphanReport(r, 1, (level, msg, fields) => lines.push({ level, msg, ...fields }));
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: "orphaned STAC item", id: "postgis-geo-left_behind" }),
      );
    } finally {
      await db.client.query(
        "BEGIN; SET LOCAL search_path TO pgstac, public; DELETE FROM pgstac.items WHERE id = 'postgis-geo-left_behind'; COMMIT",
      );
    }
    expect((await orphanReport()).summary.health_status).toBe("HEALTHY");
  });

  it("without pgSTAC the report still comes, with stac_checked: false (also inside a transaction)", async () => {
    await db.client.query("BEGIN");
    try {
      await db.client.query(`DROP SCHEMA pgstac CASCADE`);
      const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const r = await orphanReport(db.client);
      logged.mockRestore();
      expect(r.stac_checked).toBe(false);
      expect(r.orphaned_stac_items).toEqual([]);
      expect(r.summary).toMatchObject({ orphaned_stac_items: 0, tracked: 6, health_status: "HEALTHY" });
    } finally {
      await db.client.query("ROLLBACK");
    }
  });

  it("never treats the pipeline's own geo tables as layers or orphans", async () => {
    const { PROTECTED_GEO_TABLES } = await import("@/lib/db/protected-tables");
    expect(PROTECTED_GEO_TABLES).toContain("table_metadata");
    const r = await orphanReport();
    expect([...r.tracked_tables, ...r.orphaned_tables.map((t) => t.table_name)]).not.toContain("table_metadata");
  });

  it("the scheduled check stores its result, logs structured lines, and runs once across instances", async () => {
    const first = await runOrphanCheck({ minIntervalMs: 60_000 });
    expect(first.ran).toBe(true);
    const stored = await latestOrphanReport();
    expect(stored?.health_status).toBe("HEALTHY");
    expect(stored?.report.summary.tracked).toBe(6);
    // another instance, within the interval: skipped
    expect(await runOrphanCheck({ minIntervalMs: 60_000 })).toMatchObject({ ran: false, reason: "recent" });
    // another instance holding the lock right now: skipped
    await db.client.query("BEGIN");
    await db.client.query(`SELECT pg_advisory_xact_lock(hashtext('geoetl-console-orphan-check'))`);
    expect(await runOrphanCheck({ force: true })).toEqual({ ran: false, reason: "locked" });
    await db.client.query("ROLLBACK");
    const forced = await runOrphanCheck({ force: true });
    expect(forced.ran).toBe(true);
    const lines: Record<string, unknown>[] = [];
    if (forced.ran)
      logOrphanReport(forced.report, forced.durationMs, (level, msg, fields) => lines.push({ level, msg, ...fields }));
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "orphan check",
      health_status: "HEALTHY",
      tracked: 6,
    });
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM console.orphan_reports`);
    expect(rows[0].n).toBe(2);
  });

  it("builds the report in one statement, however many geo tables there are", async () => {
    await db.client.query(
      `DO $$ BEGIN FOR i IN 1..200 LOOP EXECUTE format('CREATE TABLE geo.%I (id int)', 'bulk_' || i); END LOOP; END $$`,
    );
    await db.client.query(
      `INSERT INTO geo.table_metadata (table_name) SELECT 'bulk_' || i FROM generate_series(1, 150) i`,
    );
    const spy = vi.spyOn(readerPool(), "query");
    const r = await orphanReport();
    expect(spy).toHaveBeenCalledTimes(1); // one round trip
    spy.mockRestore();
    expect(r.summary.total_geo_tables).toBe(206);
    expect(r.summary.orphaned_tables).toBe(50);
    expect(r.summary.tracked).toBe(156);
    expect(r.orphaned_tables.every((t) => t.row_count === 0)).toBe(true);
  });

  it("orphaned metadata carries its STAC collection (what the unpublish dialog shows)", async () => {
    await db.client.query(
      `INSERT INTO geo.table_metadata (table_name, stac_item_id, stac_collection_id) VALUES ('gone_layer', 'postgis-geo-gone_layer', 'system-vectors')`,
    );
    try {
      const r = await orphanReport();
      expect(r.orphaned_metadata).toContainEqual(
        expect.objectContaining({
          table_name: "gone_layer",
          stac_item_id: "postgis-geo-gone_layer",
          stac_collection_id: "system-vectors",
        }),
      );
    } finally {
      await db.client.query(`DELETE FROM geo.table_metadata WHERE table_name = 'gone_layer'`);
    }
  });

  it("counts big orphaned tables from the planner's estimate instead of count(*) on every request", async () => {
    await db.client.query(
      `CREATE TABLE geo.huge_orphan (id int); INSERT INTO geo.huge_orphan SELECT generate_series(1, 10); ANALYZE geo.huge_orphan`,
    );
    try {
      const small = (await orphanReport()).orphaned_tables.find((t) => t.table_name === "huge_orphan");
      expect(small).toMatchObject({ row_count: 10, row_count_exact: true });
      // what ANALYZE would say of a 5-million-row table (the row count stays 10, so an exact count would show 10)
      await db.client.query(`UPDATE pg_class SET reltuples = 5e6 WHERE oid = 'geo.huge_orphan'::regclass`);
      const big = (await orphanReport()).orphaned_tables.find((t) => t.table_name === "huge_orphan");
      expect(big).toMatchObject({ row_count: 5_000_000, row_count_exact: false });
      expect(big!.row_count).toBeGreaterThanOrEqual(ORPHAN_EXACT_COUNT_MAX_ROWS);
    } finally {
      await db.client.query(`DROP TABLE geo.huge_orphan`);
    }
  });
});
