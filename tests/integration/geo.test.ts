import { beforeAll, describe, expect, it, vi } from "vitest";
import { getLayer, listFeatures, listMetadata, listMetadataPage } from "@/lib/db/geo";
import { findGeoTable, isPlainIdentifier, qualifiedGeoTable } from "@/lib/db/identifiers";
import { readQuery } from "@/lib/db/pool";
import { getStacItem } from "@/lib/db/stac";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";
import { bearer } from "../helpers/auth";

// The metadata route runs for real (auth guard included); next/headers hands it a bearer token.
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("geometa");

beforeAll(async () => {
  setAuthorization(await bearer("reader"));
});

describe("GET /api/dbadmin/geo/metadata", async () => {
  const { GET } = await import("@/app/api/dbadmin/geo/metadata/route");
  const call = async (qs: string) => {
    const res = await GET(new Request(`http://console.test/api/dbadmin/geo/metadata${qs}`), {} as never);
    return { status: res.status, body: await res.json() };
  };

  it("refuses control characters in job_id and q with a 400 naming the parameter (not a 500)", async () => {
    for (const [param, value] of [
      ["job_id", "a%00b"],
      ["q", "x%00"],
      ["q", "tab%09here"],
    ]) {
      const r = await call(`?${param}=${value}`);
      expect(r.status, `${param}=${value}`).toBe(400);
      expect(r.body.error).toMatchObject({ code: "bad_request", parameter: param });
    }
  });

  it("reads has_stac like every other boolean parameter (true/false, 1/0, yes/no)", async () => {
    for (const v of ["true", "1", "yes"]) expect((await call(`?has_stac=${v}`)).body.total, v).toBe(5);
    for (const v of ["false", "0", "no"])
      expect((await call(`?has_stac=${v}`)).body.filters_applied, v).toEqual({ has_stac: false });
    expect((await call("?has_stac=maybe")).body.error).toMatchObject({ parameter: "has_stac" });
  });

  it("pages by keyset with cursor= (next_cursor), and refuses a forged cursor with a 400", async () => {
    const first = await call("?limit=3&cursor=");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 7, prev_cursor: null });
    expect(first.body.metadata).toHaveLength(3);
    const second = await call(`?limit=3&cursor=${first.body.next_cursor}`);
    const offset = await call("?limit=3&offset=3");
    expect(second.body.metadata.map((m: { table_name: string }) => m.table_name)).toEqual(
      offset.body.metadata.map((m: { table_name: string }) => m.table_name),
    );
    expect((await call("?cursor=bm9wZQ")).body.error).toMatchObject({ code: "bad_request", parameter: "cursor" });
  });
});

describe("geo metadata API data", () => {
  it("lists every metadata row newest first with total, limit, offset and filters_applied (seed shape)", async () => {
    const all = await listMetadata({ limit: 100, offset: 0 });
    expect(all.total).toBe(7);
    expect(all.metadata).toHaveLength(7);
    expect(all.filters_applied).toEqual({});
    const wc = all.metadata.find((m) => m.table_name === "world_countries")!;
    expect(Object.keys(wc)).toEqual(
      expect.arrayContaining([
        "table_name",
        "schema_name",
        "title",
        "description",
        "attribution",
        "license",
        "keywords",
        "feature_count",
        "geometry_type",
        "source_file",
        "source_format",
        "etl_job_id",
        "stac_item_id",
        "stac_collection_id",
        "bbox",
        "created_at",
      ]),
    );
    expect(wc.bbox).toHaveLength(4);
    expect(typeof wc.feature_count).toBe("number");
    const times = all.metadata.map((m) => m.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters by has_stac, job_id and text, and pages", async () => {
    const notCatalogued = await listMetadata({ has_stac: false, limit: 100, offset: 0 });
    expect(notCatalogued.metadata.map((m) => m.table_name).sort()).toEqual(["deleted_parcels", "rivers_sample"]);
    expect(notCatalogued.filters_applied).toEqual({ has_stac: false });
    const catalogued = await listMetadata({ has_stac: true, limit: 100, offset: 0 });
    expect(catalogued.total).toBe(5);
    const job = catalogued.metadata[0].etl_job_id!;
    const byJob = await listMetadata({ job_id: job, limit: 100, offset: 0 });
    expect(byJob.metadata.every((m) => m.etl_job_id === job)).toBe(true);
    expect(byJob.filters_applied).toEqual({ job_id: job });
    const text = await listMetadata({ q: "PARCELS", limit: 100, offset: 0 });
    expect(text.metadata.map((m) => m.table_name)).toEqual(["deleted_parcels"]);
    expect((await listMetadata({ q: "%", limit: 100, offset: 0 })).total).toBe(0); // LIKE wildcards are literal
    const page2 = await listMetadata({ limit: 3, offset: 3 });
    expect(page2).toMatchObject({ total: 7, limit: 3, offset: 3 });
    expect(page2.metadata).toHaveLength(3);
  });

  it("walks the whole list by keyset, forwards and back, with the same rows as OFFSET", async () => {
    const all = (await listMetadata({ limit: 100, offset: 0 })).metadata.map((m) => m.table_name);
    const seen: string[] = [];
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await listMetadataPage({ limit: 2, cursor });
      pages.push(page);
      seen.push(...page.metadata.map((m) => m.table_name));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
    const back = await listMetadataPage({ limit: 2, cursor: pages[2].prev_cursor ?? undefined });
    expect(back.metadata).toEqual(pages[1].metadata);
    const filtered = await listMetadataPage({ limit: 2, has_stac: true });
    expect(filtered).toMatchObject({ total: 5, filters_applied: { has_stac: true } });
  });
});

describe("layer page data", () => {
  it("describes a 3857 layer with a lon/lat bbox and the exact feature count", async () => {
    const layer = (await getLayer("countries_web_mercator"))!;
    expect(layer.exists).toBe(true);
    expect(layer.geometry).toMatchObject({ column: "geom", srid: 3857 });
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM geo.countries_web_mercator`);
    expect(layer.row_count).toBe(rows[0].n);
    expect(layer.row_count_exact).toBe(true);
    expect(layer.bbox![0]).toBeGreaterThanOrEqual(-180);
    expect(layer.bbox![3]).toBeLessThanOrEqual(90);
  });

  it("a large layer without a bbox in its metadata costs no full scan: estimated count and extent, said so", async () => {
    await db.client.query(`
      CREATE TABLE geo.big_points (objectid SERIAL PRIMARY KEY, geom geometry(Point, 4326));
      INSERT INTO geo.big_points (geom)
        SELECT ST_SetSRID(ST_MakePoint(10 + (n % 100) / 10.0, 40 + (n / 100 % 100) / 10.0), 4326) FROM generate_series(1, 60000) n;
      ANALYZE geo.big_points;`);
    const layer = (await getLayer("big_points"))!;
    expect(layer.row_count_exact).toBe(false);
    expect(layer.row_count).toBeGreaterThan(50_000);
    expect(layer.row_count).toBeLessThan(70_000);
    // The planner's extent (column statistics) covers the data, roughly.
    const [w, s2, e, n] = layer.bbox!;
    expect(w).toBeLessThanOrEqual(10.01);
    expect(s2).toBeLessThanOrEqual(40.01);
    expect(e).toBeGreaterThanOrEqual(19.8);
    expect(n).toBeGreaterThanOrEqual(49.8);
    expect(e).toBeLessThan(21);
  });

  it("knows orphans both ways, and nothing at all", async () => {
    expect(await getLayer("mystery_upload")).toMatchObject({ exists: true, metadata: null });
    expect(await getLayer("deleted_parcels")).toMatchObject({ exists: false, geometry: null });
    expect(await getLayer("no_such_layer")).toBeNull();
  });

  it("pages the attribute table by objectid (keyset)", async () => {
    const first = await listFeatures("populated_places", { limit: 5 });
    expect(first.keyColumn).toBe("objectid");
    expect(first.columns).toContain("name");
    expect(first.columns).not.toContain("geom");
    expect(first.rows.map((r) => Number(r.objectid))).toEqual([1, 2, 3, 4, 5]);
    const second = await listFeatures("populated_places", { limit: 5, after: first.nextAfter });
    expect(second.rows.map((r) => Number(r.objectid))).toEqual([6, 7, 8, 9, 10]);
    const bogus = await listFeatures("populated_places", { limit: 2, after: "1; DROP TABLE x" });
    expect(bogus.rows.map((r) => Number(r.objectid))).toEqual([1, 2]);
    // numbers that do not fit bigint start from the beginning instead of a 500 (22003)
    for (const huge of ["9223372036854775808", "99999999999999999999", "-9223372036854775809"]) {
      const page = await listFeatures("populated_places", { limit: 2, after: huge });
      expect(
        page.rows.map((r) => Number(r.objectid)),
        huge,
      ).toEqual([1, 2]);
    }
    expect((await listFeatures("populated_places", { limit: 2, after: "9223372036854775807" })).rows).toEqual([]);
  });

  it("reads the STAC item, and degrades when it or pgSTAC is missing", async () => {
    const item = await getStacItem("postgis-geo-world_countries", "system-vectors");
    expect(item.status).toBe("found");
    if (item.status === "found")
      expect(item.item).toMatchObject({ id: "postgis-geo-world_countries", collection: "system-vectors" });
    expect((await getStacItem("nope", "system-vectors")).status).toBe("missing");
  });

  it("a pgSTAC failure reaches the page as a fixed sentence with the SQLSTATE, the raw text only in the server log", async () => {
    await db.client.query(`ALTER FUNCTION pgstac.get_item(text, text) RENAME TO get_item_away`);
    await db.client.query(`CREATE FUNCTION pgstac.get_item(text, text) RETURNS jsonb LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'internal detail: relation "partition_sys_meta" does not exist' USING ERRCODE = 'XX001'; END $$`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const r = await getStacItem("postgis-geo-world_countries", "system-vectors");
      expect(r.status).toBe("unavailable");
      if (r.status === "unavailable") {
        expect(r.reason).toBe("pgSTAC could not be read (SQLSTATE XX001). The error was logged on the server.");
        expect(r.reason).not.toMatch(/partition_sys_meta/);
      }
      expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/partition_sys_meta/);
    } finally {
      logged.mockRestore();
      await db.client.query(`DROP FUNCTION pgstac.get_item(text, text)`);
      await db.client.query(`ALTER FUNCTION pgstac.get_item_away(text, text) RENAME TO get_item`);
    }
  });
});

describe("identifiers", () => {
  it("accepts plain names only and resolves them against the catalog", async () => {
    expect(isPlainIdentifier("world_countries")).toBe(true);
    for (const bad of ["", "1abc", "a-b", "a b", 'a"b', "a;b", "geo.world_countries", "x".repeat(64)])
      expect(isPlainIdentifier(bad)).toBe(false);
    expect(await findGeoTable(readQuery, "world_countries")).toBe("world_countries");
    expect(await findGeoTable(readQuery, "jobs")).toBeNull(); // app.jobs is not in schema geo
    expect(qualifiedGeoTable('Odd"Name')).toBe('"geo"."Odd""Name"');
  });
});
