import { beforeAll, describe, expect, it, vi } from "vitest";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { AppError } from "@/lib/api/errors";
import { apiRequestsOfJob } from "@/lib/db/activity";
import { catalogTile } from "@/lib/db/catalog-tiles";
import { layersOfItem, listItems } from "@/lib/db/stac-catalog";
import { bearer } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";

// The routes run for real (auth guard included); next/headers hands them a reader's bearer token.
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("catalog");

beforeAll(async () => {
  setAuthorization(await bearer("reader"));
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies
async function call(
  handler: (req: Request, ctx: never) => Promise<Response>,
  path: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await handler(new Request(`http://console.test${path}`), { params: Promise.resolve(params) } as never);
  return { status: res.status, body: res.status === 204 ? {} : await res.json() };
}

const VECTORS = "system-vectors";
const RASTERS = "system-rasters";

describe("STAC API", async () => {
  const collections = (await import("@/app/api/stac/collections/route")).GET;
  const items = (await import("@/app/api/stac/collections/[id]/items/route")).GET;
  const item = (await import("@/app/api/stac/collections/[id]/items/[item]/route")).GET;

  it("lists collections shaped like the STAC API, with exact item counts and links", async () => {
    const r = await call(collections, "/api/stac/collections");
    expect(r.status).toBe(200);
    const ids = r.body.collections.map((c: Json) => c.id);
    expect(ids).toEqual([RASTERS, VECTORS]);
    const { rows } = await db.client.query(
      "SELECT collection, count(*)::int AS n FROM pgstac.items GROUP BY collection ORDER BY collection",
    );
    for (const c of r.body.collections) {
      expect(c.type).toBe("Collection");
      expect(c["geoetl:item_count"]).toEqual({ value: rows.find((x) => x.collection === c.id).n, exact: true });
      expect(c.links.map((l: Json) => l.rel)).toEqual(["self", "items"]);
    }
    expect(r.body.links[0]).toMatchObject({ rel: "self" });
  });

  it("pages whole items (get_item) newest first with next/prev links, the same rows as the table in order", async () => {
    const { rows } = await db.client.query(
      "SELECT id FROM pgstac.items WHERE collection = $1 ORDER BY datetime DESC, id DESC",
      [RASTERS],
    );
    const all = rows.map((r) => r.id);
    expect(all.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let url = `/api/stac/collections/${RASTERS}/items?limit=3`;
    const pages: Json[] = [];
    for (;;) {
      const r = await call(items, url, { id: RASTERS });
      expect(r.status).toBe(200);
      expect(r.body.type).toBe("FeatureCollection");
      expect(r.body.numberReturned).toBe(r.body.features.length);
      for (const f of r.body.features) {
        // Hydrated: the columns pgSTAC keeps outside content are back in the JSON.
        expect(f).toMatchObject({ type: "Feature", collection: RASTERS });
        expect(f.geometry.type).toBe("Polygon");
        expect(f.properties.datetime).toBeTruthy();
      }
      seen.push(...r.body.features.map((f: Json) => f.id));
      pages.push(r.body);
      const next = r.body.links.find((l: Json) => l.rel === "next");
      if (!next) break;
      url = new URL(next.href).pathname + new URL(next.href).search;
    }
    expect(seen).toEqual(all);
    const prev = pages[2].links.find((l: Json) => l.rel === "prev");
    const back = await call(items, new URL(prev.href).pathname + new URL(prev.href).search, { id: RASTERS });
    expect(back.body.features.map((f: Json) => f.id)).toEqual(pages[1].features.map((f: Json) => f.id));
  });

  it("filters by id prefix (taken literally) and datetime window", async () => {
    const r = await call(items, `/api/stac/collections/${VECTORS}/items?id_prefix=postgis-geo-world`, { id: VECTORS });
    expect(r.body.features.map((f: Json) => f.id)).toEqual(["postgis-geo-world_countries"]);
    expect(
      (await call(items, `/api/stac/collections/${VECTORS}/items?id_prefix=%25`, { id: VECTORS })).body.features,
    ).toEqual([]);
    const future = await call(items, `/api/stac/collections/${VECTORS}/items?since=2999-01-01T00:00:00Z`, {
      id: VECTORS,
    });
    expect(future.body.features).toEqual([]);
    const page = await listItems({ collection: VECTORS, limit: 100 });
    const mid = page.rows[Math.floor(page.rows.length / 2)].datetime;
    const older = await listItems({ collection: VECTORS, until: new Date(mid), limit: 100 });
    expect(older.rows.every((i) => i.datetime < mid)).toBe(true);
    expect(older.rows.length).toBeLessThan(page.rows.length);
  });

  it("answers bad input with a 400 naming the parameter and unknown names with a 404", async () => {
    for (const [qs, parameter] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["cursor=bm9wZQ", "cursor"],
      ["id_prefix=a%00b", "id_prefix"],
      ["since=yesterday", "since"],
      ["since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "since"],
    ]) {
      const r = await call(items, `/api/stac/collections/${VECTORS}/items?${qs}`, { id: VECTORS });
      expect(r.status, qs).toBe(400);
      expect(r.body.error, qs).toMatchObject({ code: "bad_request", parameter });
    }
    expect((await call(items, "/api/stac/collections/nope/items", { id: "nope" })).status).toBe(404);
    expect((await call(items, "/api/stac/collections/x/items", { id: "a\u0000b" })).status).toBe(404);
    expect((await call(item, "/x", { id: VECTORS, item: "nope" })).status).toBe(404);
    expect((await call(item, "/x", { id: "nope", item: "postgis-geo-world_countries" })).status).toBe(404);
  });

  it("serves one item as a Feature with self and collection links, and knows its layer both ways", async () => {
    const r = await call(item, "/x", { id: VECTORS, item: "postgis-geo-world_countries" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: "postgis-geo-world_countries", collection: VECTORS, type: "Feature" });
    expect(r.body.assets.data.href).toBe("postgis://geo.world_countries");
    expect(r.body.links.filter((l: Json) => ["self", "collection"].includes(l.rel))).toHaveLength(2);
    expect(await layersOfItem(VECTORS, "postgis-geo-world_countries")).toEqual([
      expect.objectContaining({ table_name: "world_countries" }),
    ]);
  });
});

describe("catalog tiles", () => {
  const layerOf = (data: Buffer, name: string) => {
    const l = new VectorTile(new PbfReader(data)).layers[name];
    return Array.from({ length: l.length }, (_, i) => l.feature(i));
  };

  it("draws every footprint of a collection at z0, with the item id, in a stable order", async () => {
    const t = await catalogTile("stac", RASTERS, 0, 0, 0);
    const ids = layerOf(t.data!, "footprints").map((f) => f.properties.id);
    const { rows } = await db.client.query("SELECT id FROM pgstac.items WHERE collection = $1", [RASTERS]);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    expect((await catalogTile("stac", RASTERS, 0, 0, 0)).etag).toBe(t.etag);
  });

  it("an empty tile of a known collection is empty (204); an unknown name is a 404", async () => {
    // z10 in the South Pacific (the vector collection has a world-wide footprint; the rasters do not).
    expect((await catalogTile("stac", RASTERS, 10, 10, 600)).data).toBeNull();
    await expect(catalogTile("stac", "nope", 10, 10, 600)).rejects.toMatchObject({ code: "not_found" });
    await expect(catalogTile("grid", "nope", 10, 10, 600)).rejects.toMatchObject({ code: "not_found" });
    await expect(catalogTile("filter", "nope", 10, 10, 600)).rejects.toMatchObject({ code: "not_found" });
    // Names PostgreSQL cannot even hold as text: a 404, not a 500 from the query.
    for (const kind of ["stac", "grid", "filter"] as const)
      for (const name of ["a\u0000b", "x".repeat(300), "tab\there"])
        await expect(catalogTile(kind, name, 0, 0, 0)).rejects.toMatchObject({ code: "not_found" });
    await expect(catalogTile("grid", "africa_land_res2", 3, 8, 0)).rejects.toBeInstanceOf(AppError);
  });

  it("draws a grid's hexagons and only the cells a filter names", async () => {
    const grid = layerOf((await catalogTile("grid", "africa_land_res2", 0, 0, 0)).data!, "cells");
    const { rows } = await db.client.query(
      "SELECT count(*)::int AS n FROM h3.grids WHERE grid_id = 'africa_land_res2'",
    );
    expect(grid.length).toBe(rows[0].n);
    // A hexagon: one ring of 6 corners (+ the closing point).
    expect(grid[0].loadGeometry()[0].length).toBe(7);
    const filter = layerOf((await catalogTile("filter", "sahel_res2", 0, 0, 0)).data!, "cells");
    const { rows: named } = await db.client.query(
      "SELECT cardinality(h3_indices) AS n FROM h3.reference_filters WHERE filter_name = 'sahel_res2'",
    );
    expect(filter.length).toBe(named[0].n);
    expect(filter.length).toBeLessThan(grid.length);
  });
});

describe("platform activity API", async () => {
  const requests = (await import("@/app/api/dbadmin/api-requests/route")).GET;
  const janitor = (await import("@/app/api/dbadmin/janitor-runs/route")).GET;

  it("lists API requests newest first, keyset-paged, filtered by status, data type and dataset prefix", async () => {
    const all = await call(requests, "/api/dbadmin/api-requests?limit=1000");
    const total = all.body.api_requests.length;
    expect(total).toBeGreaterThan(5);
    const times = all.body.api_requests.map((r: Json) => r.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    const seen: string[] = [];
    let cursor = "";
    do {
      const r = await call(requests, `/api/dbadmin/api-requests?limit=4&cursor=${cursor}`);
      seen.push(...r.body.api_requests.map((x: Json) => x.request_id));
      cursor = r.body.next_cursor ?? "";
    } while (cursor);
    expect(seen).toEqual(all.body.api_requests.map((r: Json) => r.request_id));
    const raster = await call(requests, "/api/dbadmin/api-requests?data_type=raster&limit=1000");
    expect(raster.body.api_requests.length).toBeGreaterThan(0);
    expect(raster.body.api_requests.every((r: Json) => r.data_type === "raster")).toBe(true);
    const one = all.body.api_requests[0];
    const byDataset = await call(requests, `/api/dbadmin/api-requests?dataset=${one.dataset_id.slice(0, 4)}`);
    expect(byDataset.body.api_requests.every((r: Json) => r.dataset_id.startsWith(one.dataset_id.slice(0, 4)))).toBe(
      true,
    );
    expect((await call(requests, "/api/dbadmin/api-requests?dataset=%25")).body.api_requests).toEqual([]);
    expect(await apiRequestsOfJob(one.job_id)).toEqual([expect.objectContaining({ request_id: one.request_id })]);
  });

  it("refuses bad parameters with a 400 naming them", async () => {
    for (const [qs, parameter] of [
      ["status=exploded", "status"],
      ["limit=-1", "limit"],
      ["cursor=%00", "cursor"],
      ["until=2026-13-01T00:00:00Z", "until"],
    ]) {
      const r = await call(requests, `/api/dbadmin/api-requests?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.error, qs).toMatchObject({ code: "bad_request", parameter });
    }
    const forged = Buffer.from(
      JSON.stringify({ d: "n", s: "started", k: ["2026-01-01T00:00:00Z", "not-a-uuid"] }),
    ).toString("base64url");
    expect((await call(janitor, `/api/dbadmin/janitor-runs?cursor=${forged}`)).status).toBe(200);
  });

  it("says which janitor checks have not succeeded within JANITOR_STALE_HOURS, and pages the runs", async () => {
    const r = await call(janitor, "/api/dbadmin/janitor-runs?limit=5");
    expect(r.status).toBe(200);
    expect(r.body.stale_after_hours).toBe(24);
    const byType = Object.fromEntries(r.body.run_types.map((t: Json) => [t.run_type, t]));
    expect(byType.stac_reconcile).toMatchObject({ stale: true, last_status: "failed" });
    expect(byType.task_watchdog.stale).toBe(false);
    expect(r.body.runs).toHaveLength(5);
    const next = await call(janitor, `/api/dbadmin/janitor-runs?limit=5&cursor=${r.body.next_cursor}`);
    expect(next.body.runs[0].started_at <= r.body.runs[4].started_at).toBe(true);
    const onlyStac = await call(janitor, "/api/dbadmin/janitor-runs?run_type=stac_reconcile");
    expect(onlyStac.body.runs.map((x: Json) => x.status)).toEqual(["failed", "completed"]);
  });
});
