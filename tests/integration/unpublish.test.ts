import { Client } from "pg";
import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/api/errors";
import type { User } from "@/lib/auth/permissions";
import { testDatabase } from "../helpers/db";
import { failure } from "../helpers/expect-refusal";
import { urlFor } from "../helpers/cluster";

/**
 * Unpublish on the destructive pipeline, against a real database: exactly what the plan lists
 * goes, nothing else; every hole the review found has its test here.
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { planOperation, runOperation } = await import("@/lib/destructive/pipeline");
const { unpublishOperation } = await import("@/lib/destructive/operations/unpublish");

const db = testDatabase("unpub");
const admin: User = {
  id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8",
  name: "Ada Admin",
  username: "ada@geoetl.local",
  role: "admin",
  via: "session",
};

const unpublish = (table_name: string, opts: { fingerprint?: string; acceptDependents?: boolean } = {}) =>
  runOperation<Record<string, unknown>>(unpublishOperation, { table_name }, admin, {
    confirm: { api: "yes" },
    ...opts,
  }).then((r) => r.result);

async function state(table: string) {
  const { rows } = await db.client.query(
    `SELECT to_regclass('geo.' || quote_ident($1)) IS NOT NULL AS has_table,
            EXISTS (SELECT 1 FROM geo.table_metadata WHERE table_name = $1) AS has_metadata,
            EXISTS (SELECT 1 FROM pgstac.items WHERE id = 'postgis-geo-' || $1) AS has_stac`,
    [table],
  );
  return rows[0] as { has_table: boolean; has_metadata: boolean; has_stac: boolean };
}
async function catalog() {
  const { rows } = await db.client.query(
    `SELECT (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'geo') AS tables,
            (SELECT count(*)::int FROM geo.table_metadata) AS metadata, (SELECT count(*)::int FROM pgstac.items) AS items`,
  );
  return rows[0];
}
async function lastAudit() {
  const { rows } = await db.client.query(`SELECT * FROM console.audit_log ORDER BY id DESC LIMIT 1`);
  return rows[0];
}

describe("unpublish through the destructive pipeline", () => {
  it("plans exactly what will go, with a fingerprint that only changes with the state", async () => {
    const p = await planOperation(unpublishOperation, { table_name: "world_countries" });
    expect(p.items.map((i) => `${i.kind}: ${i.name}`)).toEqual([
      "STAC item: postgis-geo-world_countries",
      "metadata row: geo.table_metadata 'world_countries'",
      'table: geo."world_countries"',
    ]);
    expect(p.items[2].detail).toMatch(/rows, .*(kB|MB)/);
    expect(p.dependents).toEqual([]);
    expect(p.confirmText).toBe("world_countries");
    expect((await planOperation(unpublishOperation, { table_name: "world_countries" })).fingerprint).toBe(
      p.fingerprint,
    );
    expect(p).not.toHaveProperty("data");
  });

  it("removes the STAC item, the metadata row and the table, in the seed's shape, and audits it with who, what and how long", async () => {
    const r = await unpublish("world_countries");
    expect(r).toEqual({
      success: true,
      table_name: "world_countries",
      deleted: { stac_item: "postgis-geo-world_countries", metadata_row: true, geo_table: true },
      warnings: [],
      was_orphaned: false,
      dependents_dropped: [],
    });
    expect(await state("world_countries")).toEqual({ has_table: false, has_metadata: false, has_stac: false });
    const a = await lastAudit();
    expect(a).toMatchObject({
      actor_oid: admin.id,
      actor_name: "Ada Admin",
      actor_username: "ada@geoetl.local",
      actor_role: "admin",
      action: "geo.unpublish",
      target: "world_countries",
      outcome: "success",
      error: null,
    });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{24}$/);
    expect(a.duration_ms).toBeGreaterThanOrEqual(0);
    expect(a.details.result.deleted).toEqual(r.deleted);
  });

  it("refuses the layer catalog itself (and any protected table): 400, nothing touched, audited", async () => {
    const before = await catalog();
    const e = await failure(unpublish("table_metadata"));
    expect(e).toMatchObject({ status: 400, details: { parameter: "table_name" } });
    expect(e.message).toMatch(/catalog/);
    expect(await catalog()).toEqual(before);
    expect(await lastAudit()).toMatchObject({ target: "table_metadata", outcome: "refused" });
  });

  it("a crafted name is only ever a lookup: 404, nothing dropped", async () => {
    const before = await catalog();
    const e = await failure(unpublish('x"; DROP TABLE geo.populated_places; --'));
    expect(e).toMatchObject({
      status: 404,
      message: `Table 'x"; DROP TABLE geo.populated_places; --' does not exist in geo schema`,
    });
    expect(await catalog()).toEqual(before);
    expect(await lastAudit()).toMatchObject({ outcome: "failed", error: { code: "not_found" } });
    expect((await failure(unpublish("bad\u0000name"))).status).toBe(400);
  });

  it("an orphan whose name is not a plain identifier can be unpublished (quoted from the catalog)", async () => {
    await db.client.query(`CREATE TABLE geo."2024-roads" (id int); CREATE TABLE geo."Mixed Case" (id int)`);
    expect(await unpublish("2024-roads")).toMatchObject({
      success: true,
      deleted: { geo_table: true },
      was_orphaned: true,
    });
    expect(await unpublish("Mixed Case")).toMatchObject({ success: true, deleted: { geo_table: true } });
    const { rows } = await db.client.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'geo' AND tablename IN ('2024-roads', 'Mixed Case')`,
    );
    expect(rows[0].n).toBe(0);
  });

  it("dependents outside the table (views elsewhere, foreign keys) are listed and refused unless accepted; then they go and the audit says so", async () => {
    await db.client.query(`
      CREATE VIEW public.v_places AS SELECT * FROM geo.populated_places;
      CREATE VIEW public.v_places_2 AS SELECT * FROM public.v_places;
      ALTER TABLE geo.populated_places ADD CONSTRAINT pp_unique_objectid UNIQUE (objectid);
      CREATE TABLE public.place_notes (objectid int REFERENCES geo.populated_places (objectid));`);
    const before = await catalog();
    const plan = await planOperation(unpublishOperation, { table_name: "populated_places" });
    expect(plan.dependents.map((d) => d.name)).toEqual(
      expect.arrayContaining(["public.v_places", "public.v_places_2", expect.stringMatching(/place_notes/)]),
    );
    const e = await failure(unpublish("populated_places"));
    expect(e).toMatchObject({ status: 409, details: { reason: "dependents" } });
    expect(e.message).toMatch(/v_places/);
    expect(await catalog()).toEqual(before);
    expect(await lastAudit()).toMatchObject({ target: "populated_places", outcome: "conflict" });

    const r = await unpublish("populated_places", { acceptDependents: true, fingerprint: plan.fingerprint });
    expect(r.dependents_dropped).toEqual(expect.arrayContaining(["view public.v_places", "view public.v_places_2"]));
    const left = await db.client
      .query(`SELECT to_regclass('public.v_places') AS v, to_regclass('public.place_notes') AS t,
      (SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'public.place_notes'::regclass AND contype = 'f') AS fks`);
    expect(left.rows[0]).toEqual({ v: null, t: "place_notes", fks: 0 }); // the other table stays, only its foreign key went
    expect((await lastAudit()).details.result.dependents_dropped).toEqual(r.dependents_dropped);
  });

  it("honours table_metadata.schema_name: a row about another schema is not this geo table's and is left alone", async () => {
    await db.client.query(
      `UPDATE geo.table_metadata SET schema_name = 'elsewhere' WHERE table_name = 'shipping_routes'`,
    );
    const plan = await planOperation(unpublishOperation, { table_name: "shipping_routes" });
    expect(plan.items.map((i) => i.kind)).toEqual(["table"]);
    const r = await unpublish("shipping_routes");
    expect(r).toMatchObject({ was_orphaned: true, deleted: { stac_item: null, metadata_row: false, geo_table: true } });
    expect(await state("shipping_routes")).toEqual({ has_table: false, has_metadata: true, has_stac: true });
  });

  it("a stale confirmation (republished since the plan) is refused with 409 'changed since you looked'", async () => {
    const plan = await planOperation(unpublishOperation, { table_name: "countries_web_mercator" });
    // Republish: the pipeline drops and recreates the table and rewrites its metadata row.
    await db.client.query(`CREATE TABLE geo.cwm_copy AS TABLE geo.countries_web_mercator;
      DROP TABLE geo.countries_web_mercator; ALTER TABLE geo.cwm_copy RENAME TO countries_web_mercator;
      UPDATE geo.table_metadata SET updated_at = now() WHERE table_name = 'countries_web_mercator'`);
    const e = await failure(unpublish("countries_web_mercator", { fingerprint: plan.fingerprint }));
    expect(e).toMatchObject({ status: 409, details: { reason: "stale_plan" } });
    expect(e.message).toMatch(/Changed since you looked/);
    expect(await state("countries_web_mercator")).toMatchObject({ has_table: true, has_metadata: true });
    expect(await lastAudit()).toMatchObject({ outcome: "conflict", fingerprint: expect.any(String) });
  });

  it("a pgSTAC failure rolls back only the STAC step, with a warning (raw text logged, never shown)", async () => {
    await db.client.query(`
      CREATE OR REPLACE FUNCTION public.test_stac_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'relation "partition_sys_meta" does not exist'; END $$;
      CREATE TRIGGER test_stac_boom BEFORE DELETE ON pgstac.items FOR EACH ROW EXECUTE FUNCTION public.test_stac_boom();`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const r = await unpublish("admin_boundaries_arcgis");
      expect(r.deleted).toEqual({ stac_item: null, metadata_row: true, geo_table: true });
      expect(r.warnings).toEqual([
        "STAC item deletion failed (pgstac error, SQLSTATE P0001); metadata and table were still removed",
      ]);
      expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/partition_sys_meta/);
      expect(await state("admin_boundaries_arcgis")).toEqual({ has_table: false, has_metadata: false, has_stac: true });
      expect(JSON.stringify(await lastAudit())).not.toMatch(/partition_sys_meta/);
    } finally {
      logged.mockRestore();
      await db.client.query(`DROP TRIGGER test_stac_boom ON pgstac.items; DROP FUNCTION public.test_stac_boom();`);
    }
  });

  it("an orphaned metadata row (table gone) is cleaned up, with its STAC item", async () => {
    const r = await unpublish("deleted_parcels");
    expect(r.deleted).toMatchObject({ metadata_row: true, geo_table: false });
    expect(r.warnings).toContain("Table geo.deleted_parcels did not exist: removed the orphaned metadata row");
  });

  it(
    "two unpublishes of one table at once: one succeeds, the other finds nothing (404), even when the first waits on locks for longer than lock_timeout in total",
    { timeout: 20_000 },
    async () => {
      // The first run waits 2 s on the metadata row, then 2 s on the table: each wait is under the
      // 3 s lock_timeout, together they are over it. The second run waits on the advisory lock all
      // that time: that wait must not be bounded by lock_timeout (it would be a 409, not a 404).
      const rowLock = new Client({ connectionString: urlFor(db.name) });
      const tableLock = new Client({ connectionString: urlFor(db.name) });
      await Promise.all([rowLock.connect(), tableLock.connect()]);
      try {
        await db.client.query(`INSERT INTO geo.table_metadata (table_name) VALUES ('mystery_upload')`);
        await rowLock.query(`BEGIN; SELECT 1 FROM geo.table_metadata WHERE table_name = 'mystery_upload' FOR UPDATE`);
        await tableLock.query(`BEGIN; LOCK TABLE geo.mystery_upload IN ACCESS SHARE MODE`);
        const runs = Promise.all([
          unpublish("mystery_upload").then(
            (r) => r,
            (e) => e,
          ),
          new Promise((r) => setTimeout(r, 200)).then(() =>
            unpublish("mystery_upload").then(
              (r) => r,
              (e) => e,
            ),
          ),
        ]);
        setTimeout(() => void rowLock.query("COMMIT"), 2000);
        setTimeout(() => void tableLock.query("COMMIT"), 4000);
        const [first, second] = await runs;
        expect(first).toMatchObject({ success: true, deleted: { geo_table: true } });
        expect(second).toBeInstanceOf(AppError);
        expect(second).toMatchObject({ status: 404 });
      } finally {
        await rowLock.end();
        await tableLock.end();
      }
    },
  );

  it(
    "gives up after lock_timeout when the table is in use: 409, nothing deleted, audited as a conflict",
    { timeout: 15_000 },
    async () => {
      await db.client.query("BEGIN");
      await db.client.query("LOCK TABLE geo.rivers_sample IN ACCESS SHARE MODE");
      const release = setTimeout(() => void db.client.query("ROLLBACK"), 10_000);
      const e = await failure(unpublish("rivers_sample"));
      clearTimeout(release);
      await db.client.query("ROLLBACK");
      expect(e).toMatchObject({
        status: 409,
        message: "The table is in use (map tiles or queries are reading it); retry in a moment.",
      });
      expect(await state("rivers_sample")).toMatchObject({ has_table: true, has_metadata: true });
      expect(await lastAudit()).toMatchObject({
        target: "rivers_sample",
        outcome: "conflict",
        error: { sqlstate: "55P03" },
      });
    },
  );

  it("a failure in the middle rolls everything back and is audited with a fixed phrase and the SQLSTATE", async () => {
    await db.client.query(`CREATE OR REPLACE FUNCTION public.test_no_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'secret internal detail' USING ERRCODE = 'XX123'; END $$;
      CREATE EVENT TRIGGER test_no_drop ON sql_drop EXECUTE FUNCTION public.test_no_drop();`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const e = await failure(unpublish("rivers_sample"));
      expect(e.status).toBe(500);
      expect(await state("rivers_sample")).toMatchObject({ has_table: true, has_metadata: true });
      const a = await lastAudit();
      expect(a).toMatchObject({ target: "rivers_sample", outcome: "failed", error: { sqlstate: "XX123" } });
      expect(JSON.stringify(a)).not.toMatch(/secret internal detail/);
    } finally {
      logged.mockRestore();
      await db.client.query(`DROP EVENT TRIGGER test_no_drop; DROP FUNCTION public.test_no_drop()`);
    }
  });

  it("without confirm=yes nothing runs: 400 naming confirm, audited as refused", async () => {
    const e = await failure(
      runOperation(unpublishOperation, { table_name: "rivers_sample" }, admin, { confirm: { api: undefined } }),
    );
    expect(e).toMatchObject({ status: 400, details: { parameter: "confirm" } });
    const typed = await failure(
      runOperation(unpublishOperation, { table_name: "rivers_sample" }, admin, { confirm: { typed: "rivers" } }),
    );
    expect(typed).toMatchObject({ status: 400, details: { parameter: "confirmation" } });
    expect(await state("rivers_sample")).toMatchObject({ has_table: true });
    expect(await lastAudit()).toMatchObject({ outcome: "refused" });
  });
});
