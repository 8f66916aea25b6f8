import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/api/errors";
import { listAudit } from "@/lib/db/audit";
import { auditDeniedUnpublish, TABLE_IN_USE_MESSAGE, unpublishPreview, unpublishTable } from "@/lib/db/unpublish";
// Renamed on import: it is a Vitest fixture, not a React hook (eslint react-hooks/rules-of-hooks).
import { testDatabase } from "../helpers/db";

const db = testDatabase("geounpub");
const admin = { id: "local:ada", name: "Ada Admin", role: "admin" as const };

async function state(table: string) {
  const { rows } = await db.client.query(
    `SELECT to_regclass('geo.' || quote_ident($1)) IS NOT NULL AS has_table,
            EXISTS (SELECT 1 FROM geo.table_metadata WHERE table_name = $1) AS has_metadata,
            EXISTS (SELECT 1 FROM pgstac.items WHERE id = 'postgis-geo-' || $1) AS has_stac`,
    [table],
  );
  return rows[0] as { has_table: boolean; has_metadata: boolean; has_stac: boolean };
}

async function lastAudit() {
  const { rows } = await db.client.query(`SELECT * FROM console.audit_log ORDER BY id DESC LIMIT 1`);
  return rows[0];
}

describe("unpublish", () => {
  it("previews exactly what will go", async () => {
    const p = await unpublishPreview("world_countries");
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM geo.world_countries`);
    expect(p).toMatchObject({
      table_name: "world_countries",
      table_exists: true,
      row_count: rows[0].n,
      metadata_row: true,
      stac_item_id: "postgis-geo-world_countries",
      stac_collection_id: "system-vectors",
    });
    expect(p!.size_pretty).toMatch(/kB|MB/);
    expect(await unpublishPreview("nope_not_here")).toBeNull();
  });

  it("removes the STAC item, the metadata row and the table, in the seed's shape, and audits it", async () => {
    expect(await state("world_countries")).toEqual({ has_table: true, has_metadata: true, has_stac: true });
    const r = await unpublishTable("world_countries", admin);
    expect(r).toEqual({
      success: true,
      table_name: "world_countries",
      deleted: { stac_item: "postgis-geo-world_countries", metadata_row: true, geo_table: true },
      warnings: [],
      was_orphaned: false,
    });
    expect(await state("world_countries")).toEqual({ has_table: false, has_metadata: false, has_stac: false });
    const a = await lastAudit();
    expect(a).toMatchObject({ actor: "Ada Admin (local:ada)", actor_role: "admin", action: "geo.unpublish", target: "world_countries", outcome: "success" });
    expect(a.details.deleted).toEqual(r.deleted);
  });

  it("a pgSTAC failure rolls back only the STAC step: metadata and table still go, with a warning", async () => {
    await db.client.query(`
      CREATE OR REPLACE FUNCTION public.test_stac_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'relation "partition_sys_meta" does not exist'; END $$;
      CREATE TRIGGER test_stac_boom BEFORE DELETE ON pgstac.items FOR EACH ROW EXECUTE FUNCTION public.test_stac_boom();`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const r = await unpublishTable("admin_boundaries_arcgis", admin);
      expect(r.success).toBe(true);
      expect(r.deleted).toEqual({ stac_item: null, metadata_row: true, geo_table: true });
      expect(r.was_orphaned).toBe(false);
      expect(r.warnings).toHaveLength(1);
      // the seed's prefix and the SQLSTATE, never the raw database text (readers see it on /audit)
      expect(r.warnings![0]).toBe("STAC item deletion failed (pgstac error, SQLSTATE P0001); metadata and table were still removed");
      expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/partition_sys_meta/);
      // the STAC item survived (its step was rolled back), the rest is gone
      expect(await state("admin_boundaries_arcgis")).toEqual({ has_table: false, has_metadata: false, has_stac: true });
      const a = await lastAudit();
      expect(a.outcome).toBe("success");
      expect(a.warnings).toEqual(r.warnings);
      expect(JSON.stringify(a)).not.toMatch(/partition_sys_meta/);
    } finally {
      logged.mockRestore();
      await db.client.query(`DROP TRIGGER test_stac_boom ON pgstac.items; DROP FUNCTION public.test_stac_boom();`);
    }
  });

  it("an orphaned table (no metadata) goes too, and says so", async () => {
    const r = await unpublishTable("mystery_upload", admin);
    expect(r).toEqual({
      success: true,
      table_name: "mystery_upload",
      deleted: { stac_item: null, metadata_row: false, geo_table: true },
      warnings: [
        "No metadata found - table was orphaned (created outside ETL or metadata wiped)",
        "No STAC item ID in metadata (STAC cataloging may have been skipped)",
      ],
      was_orphaned: true,
    });
    expect((await state("mystery_upload")).has_table).toBe(false);
  });

  it("orphaned metadata (table already dropped) is cleaned up", async () => {
    const r = await unpublishTable("deleted_parcels", admin);
    expect(r.success).toBe(true);
    expect(r.deleted).toEqual({ stac_item: null, metadata_row: true, geo_table: false });
    expect(r.warnings).toContain("Table geo.deleted_parcels did not exist: removed the orphaned metadata row");
    expect((await state("deleted_parcels")).has_metadata).toBe(false);
  });

  it("a table that does not exist: success false with an error, audited as a failure", async () => {
    const r = await unpublishTable("nonexistent_table", admin);
    expect(r).toEqual({ success: false, error: "Table 'nonexistent_table' does not exist in geo schema", table_name: "nonexistent_table" });
    expect(await lastAudit()).toMatchObject({ target: "nonexistent_table", outcome: "failure" });
  });

  it("a name that is not a plain identifier never reaches SQL: 400 and an audit row", async () => {
    const before = await db.client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'geo'`);
    await expect(unpublishTable('x"; DROP TABLE geo.populated_places; --', admin)).rejects.toSatisfy((e) => e instanceof AppError && e.status === 400);
    const after = await db.client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'geo'`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(await lastAudit()).toMatchObject({ outcome: "failure", action: "geo.unpublish" });
  });

  it("two unpublishes of the same table at once: one succeeds, the other reports not found", async () => {
    const results = await Promise.all([unpublishTable("populated_places", admin), unpublishTable("populated_places", admin)]);
    const ok = results.filter((r) => r.success);
    const missing = results.filter((r) => !r.success);
    expect(ok).toHaveLength(1);
    expect(missing).toHaveLength(1);
    expect(ok[0].deleted).toEqual({ stac_item: "postgis-geo-populated_places", metadata_row: true, geo_table: true });
    expect(missing[0].error).toMatch(/does not exist/);
    expect(await state("populated_places")).toEqual({ has_table: false, has_metadata: false, has_stac: false });
  });

  it("a failure after the STAC step rolls everything back: never a half-deleted layer", async () => {
    // Make the last step (DROP TABLE) fail after STAC and metadata were deleted: hold a lock, then cancel the waiting DROP.
    await db.client.query("BEGIN");
    await db.client.query("LOCK TABLE geo.rivers_sample IN ACCESS SHARE MODE");
    const pending = unpublishTable("rivers_sample", admin).then(
      () => "resolved",
      (e: Error) => e.message,
    );
    // while our lock is held the unpublish waits on DROP TABLE; cancel it from the server side
    await new Promise((r) => setTimeout(r, 300));
    await db.client.query(
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'DROP TABLE%rivers_sample%' AND pid <> pg_backend_pid()`,
    );
    expect(await pending).toMatch(/canceling statement/);
    await db.client.query("ROLLBACK");
    expect(await state("rivers_sample")).toMatchObject({ has_table: true, has_metadata: true });
    const a = await lastAudit();
    expect(a).toMatchObject({ target: "rivers_sample", outcome: "failure" });
    // the audit row (shown to readers) says what happened without the raw database message
    expect(a.details).toEqual({ error: "The database refused the unpublish; nothing was deleted. The error was logged on the server.", sqlstate: "57014" });
  });

  it("gives up after lock_timeout when the table is in use: 409, nothing deleted, audited", { timeout: 15_000 }, async () => {
    // a long tile read (or any query) holds ACCESS SHARE; DROP TABLE needs ACCESS EXCLUSIVE
    await db.client.query("BEGIN");
    await db.client.query("LOCK TABLE geo.countries_web_mercator IN ACCESS SHARE MODE");
    const release = setTimeout(() => void db.client.query("ROLLBACK"), 10_000); // never hang the suite
    const started = Date.now();
    const outcome = await unpublishTable("countries_web_mercator", admin).then(
      () => "resolved",
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    clearTimeout(release);
    await db.client.query("ROLLBACK");
    expect(outcome).toBeInstanceOf(AppError);
    expect(outcome).toMatchObject({ code: "conflict", status: 409, message: TABLE_IN_USE_MESSAGE });
    expect(elapsed).toBeLessThan(6_000);
    expect(await state("countries_web_mercator")).toEqual({ has_table: true, has_metadata: true, has_stac: true });
    expect(await lastAudit()).toMatchObject({ target: "countries_web_mercator", outcome: "failure", details: { error: TABLE_IN_USE_MESSAGE } });
  });

  it("records denied attempts", async () => {
    await auditDeniedUnpublish("shipping_routes", { id: "local:rita", name: "Rita Reader", role: "reader" }, "needs admin");
    expect(await lastAudit()).toMatchObject({ actor: "Rita Reader (local:rita)", actor_role: "reader", outcome: "denied", target: "shipping_routes" });
    expect((await state("shipping_routes")).has_table).toBe(true);
    const page = await listAudit({ limit: 2 });
    expect(page.rows[0].outcome).toBe("denied");
    expect(page.nextBefore).not.toBeNull();
    const next = await listAudit({ limit: 2, before: page.nextBefore });
    expect(Number(next.rows[0].id)).toBeLessThan(Number(page.rows[1].id) + 1);
  });

  it("without pgSTAC it degrades to a warning", async () => {
    await db.client.query(`DROP SCHEMA pgstac CASCADE`);
    const r = await unpublishTable("shipping_routes", admin);
    expect(r.success).toBe(true);
    expect(r.deleted).toEqual({ stac_item: null, metadata_row: true, geo_table: true });
    expect(r.warnings).toEqual(["pgSTAC is not installed in this database: STAC item 'postgis-geo-shipping_routes' was not deleted"]);
  });
});
