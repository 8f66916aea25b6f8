import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfigCache } from "@/lib/config";
import { bearer, sessionCookie } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization, setCookie } from "../helpers/next-headers";

/**
 * Findings of the outside attack run (issue 24), each with the test that failed before its fix:
 * audit flooding (bounded rows and bytes, 429 + Retry-After, one summary row, admins' operations
 * never suppressed), the CSRF check's order (no credentials → 401) and its audit row, one integer
 * rule for limit/offset, an unknown operation from an admin's form audited.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { resetRefusalLimiter } = await import("@/lib/audit/refusals");
const unpublish = await import("@/app/api/dbadmin/geo/unpublish/route");
const metadata = await import("@/app/api/dbadmin/geo/metadata/route");
const { runOperationAction } = await import("@/lib/destructive/actions");

const db = testDatabase("hard");
const ORIGIN = "http://console.test";
type Handler = (req: Request, ctx: never) => Promise<Response>;
const call = (h: Handler, path: string, init: RequestInit = {}) =>
  h(new Request(`${ORIGIN}${path}`, init), {} as never);
const auditRows = async (sinceId: string) =>
  (
    await db.client.query(
      `SELECT action, outcome, actor_role, octet_length(parameters::text) AS bytes, parameters, details, warnings FROM console.audit_log WHERE id > $1 ORDER BY id`,
      [sinceId],
    )
  ).rows;
const lastId = async () =>
  (await db.client.query(`SELECT coalesce(max(id), 0)::text AS id FROM console.audit_log`)).rows[0].id as string;

beforeEach(() => {
  process.env.CONSOLE_ORIGIN = ORIGIN;
  process.env.AUDIT_REFUSALS_PER_MINUTE = "20";
  resetConfigCache();
  resetRefusalLimiter();
  setAuthorization(null);
  setCookie("geoetl_session", null);
});

describe("audit flooding", () => {
  it("10,000 refused attempts by one identity leave a bounded number of rows and bytes; past the limit 429 with Retry-After", async () => {
    const token = await bearer("reader");
    setAuthorization(token);
    const since = await lastId();
    const junk = "x".repeat(14_000);
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    for (let i = 0; i < 10_000; i++) {
      const res = await call(
        unpublish.POST as Handler,
        `/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes&junk${i % 50}=${junk}`,
        {
          method: "POST",
          headers: { authorization: token },
        },
      );
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) retryAfter ??= res.headers.get("retry-after");
    }
    expect(statuses.get(403)).toBe(20);
    expect(statuses.get(429)).toBe(9_980);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    resetRefusalLimiter(); // closes the window: the suppressed count is written once
    await new Promise((r) => setTimeout(r, 200));
    const rows = await auditRows(since);
    expect(rows).toHaveLength(21);
    expect(rows.slice(0, 20).every((r) => r.action === "geo.unpublish" && r.outcome === "refused")).toBe(true);
    expect(rows[19].warnings.join(" ")).toMatch(/Limit reached/);
    expect(rows[20]).toMatchObject({ action: "audit.suppressed", details: { suppressed: 9_980 } });
    const bytes = rows.reduce((a, r) => a + Number(r.bytes), 0);
    expect(bytes).toBeLessThan(21 * 1_000);
    // unknown parameters are dropped, saying so; known ones kept
    expect(rows[0].parameters).toMatchObject({
      table_name: "world_countries",
      confirm: "yes",
      _dropped: { count: 1, names: ["junk0"] },
    });
  }, 120_000);

  it("an admin's real operations are never suppressed, even past the refusal limit", async () => {
    const token = await bearer("admin");
    setAuthorization(token);
    const since = await lastId();
    for (let i = 0; i < 25; i++)
      await call(unpublish.POST as Handler, `/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=no`, {
        method: "POST",
        headers: { authorization: token },
      });
    const ok = await call(
      unpublish.POST as Handler,
      `/api/dbadmin/geo/unpublish?table_name=mystery_upload&confirm=yes`,
      {
        method: "POST",
        headers: { authorization: token },
      },
    );
    expect(ok.status).toBe(200);
    const rows = await auditRows(since);
    expect(rows.filter((r) => r.outcome === "refused")).toHaveLength(20);
    expect(rows.filter((r) => r.outcome === "success")).toHaveLength(1);
  });
});

describe("cross-site checks and credentials", () => {
  it("a POST with no credentials and no Origin is 401 like any anonymous call (nothing to forge)", async () => {
    const res = await call(
      unpublish.POST as Handler,
      `/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes`,
      {
        method: "POST",
      },
    );
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("a cross-site POST carrying an admin's session: 403 cross_site, audited as a security event, nothing changed", async () => {
    const cookie = await sessionCookie("admin");
    setCookie("geoetl_session", cookie);
    const since = await lastId();
    for (const origin of ["https://evil.example", "null", undefined]) {
      const headers: Record<string, string> = { cookie: `geoetl_session=${cookie}` };
      if (origin) headers.origin = origin;
      const res = await call(
        unpublish.POST as Handler,
        `/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes`,
        {
          method: "POST",
          headers,
        },
      );
      expect(res.status, origin).toBe(403);
      expect((await res.json()).error.reason).toBe("cross_site");
    }
    const rows = await auditRows(since);
    expect(rows.map((r) => [r.action, r.outcome, r.actor_role])).toEqual([
      ["security.cross_site", "refused", "admin"],
      ["security.cross_site", "refused", "admin"],
      ["security.cross_site", "refused", "admin"],
    ]);
    expect(rows[0].parameters).toMatchObject({ origin: "https://evil.example", door: "route" });
    expect((await db.client.query(`SELECT to_regclass('geo.world_countries') AS t`)).rows[0].t).toBe(
      "geo.world_countries",
    );
  });
});

describe("one integer rule", () => {
  it("geo metadata refuses limit=0x10, limit=1e3, offset=1e15 like every route, naming the parameter", async () => {
    setAuthorization(await bearer("reader"));
    for (const [qs, param] of [
      ["limit=0x10", "limit"],
      ["limit=1e3", "limit"],
      ["limit=-1", "limit"],
      ["offset=1e15", "offset"],
      ["offset=1000000000", "offset"],
      ["offset=1.5", "offset"],
    ]) {
      const res = await call(metadata.GET as Handler, `/api/dbadmin/geo/metadata?${qs}`);
      expect(res.status, qs).toBe(400);
      expect((await res.json()).error.parameter, qs).toBe(param);
    }
    const capped = await call(metadata.GET as Handler, `/api/dbadmin/geo/metadata?limit=5000`);
    expect(capped.status).toBe(200);
  });
});

describe("the server action's refusals", () => {
  it("an admin's form naming an unknown operation is refused (400 bad_request) and audited", async () => {
    setCookie("geoetl_session", await sessionCookie("admin"));
    const since = await lastId();
    const form = new FormData();
    form.set("operation", "drop-everything");
    form.set("table_name", "world_countries");
    const r = await runOperationAction({ ok: false }, form);
    expect(r).toMatchObject({ ok: false, code: "bad_request", status: 400, message: "Unknown operation." });
    const rows = await auditRows(since);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "operation.unknown", outcome: "refused", actor_role: "admin" });
    expect(rows[0].parameters).toMatchObject({ operation: "drop-everything" });
  });

  it("a reader's form: 403 forbidden, the same code the API answers", async () => {
    setCookie("geoetl_session", await sessionCookie("reader"));
    const form = new FormData();
    form.set("operation", "unpublish");
    form.set("table_name", "world_countries");
    expect(await runOperationAction({ ok: false }, form)).toMatchObject({ ok: false, code: "forbidden", status: 403 });
  });
});

describe("geometries without a spatial reference (SRID 0)", () => {
  it("a layer with SRID 0: its page data loads without an extent, its tiles are 422; a STAC item with SRID 0: 422", async () => {
    const { getLayer } = await import("@/lib/db/geo");
    const { catalogTile } = await import("@/lib/db/catalog-tiles");
    const { getTile } = await import("@/lib/db/tiles");
    await db.client.query(`CREATE TABLE geo.srid_zero (id serial PRIMARY KEY, geom geometry(Polygon, 0));
      INSERT INTO geo.srid_zero (geom) VALUES (ST_MakeEnvelope(0, 0, 1, 1, 0));
      INSERT INTO geo.table_metadata (table_name, title) VALUES ('srid_zero', 'No SRID');
      ANALYZE geo.srid_zero`);
    const layer = await getLayer("srid_zero");
    expect(layer).toMatchObject({ exists: true, bbox: null, geometry: { srid: 0 } });
    await expect(getTile("srid_zero", 0, 0, 0)).rejects.toMatchObject({ status: 422, details: { reason: "srid_0" } });

    await db.client.query("BEGIN; SET LOCAL search_path TO pgstac, public");
    await db.client.query(
      `UPDATE pgstac.items SET geometry = ST_SetSRID(geometry, 0) WHERE id = (SELECT id FROM pgstac.items WHERE collection = 'system-rasters' ORDER BY id LIMIT 1)`,
    );
    await db.client.query("COMMIT");
    await expect(catalogTile("stac", "system-rasters", 0, 0, 0)).rejects.toMatchObject({
      status: 422,
      details: { reason: "srid_0" },
    });
  });
});

describe("audit log retention", () => {
  it("drops whole months past the retention by DETACH + DROP, audited; newer rows stay and DELETE is still refused", async () => {
    const { planOperation, runOperation } = await import("@/lib/destructive/pipeline");
    const { auditRetentionOperation } = await import("@/lib/destructive/operations/audit-retention");
    const admin = {
      id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8",
      name: "Ada Admin",
      role: "admin" as const,
      via: "session" as const,
    };
    // Nothing that old yet: a 404 saying so.
    await expect(planOperation(auditRetentionOperation, {})).rejects.toMatchObject({ status: 404 });
    // Two old months, written as a pipeline would have written them then.
    for (const month of ["2023-01-15", "2023-02-15"]) {
      await db.client.query(`SELECT console.audit_partition_for($1::timestamptz)`, [month]);
      await db.client.query(
        `INSERT INTO console.audit_log (at, actor, actor_role, action, outcome)
         SELECT $1::timestamptz + n * interval '1 minute', 'old', 'admin', 'geo.unpublish', 'success' FROM generate_series(1, 50) n`,
        [month],
      );
    }
    const recent = (await db.client.query(`SELECT count(*)::int AS n FROM console.audit_log WHERE at > '2024-01-01'`))
      .rows[0].n;
    const plan = await planOperation(auditRetentionOperation, {});
    expect(plan.items.map((i) => [i.name, i.detail])).toEqual([
      ["console.audit_log_2023_01", "50 rows, before 2023-02-01"],
      ["console.audit_log_2023_02", "50 rows, before 2023-03-01"],
    ]);
    expect(plan.confirmText).toBe("drop audit months");
    await expect(db.client.query(`DELETE FROM console.audit_log WHERE at < '2024-01-01'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.client.query(`TRUNCATE console.audit_log_2023_01`)).rejects.toThrow(/append-only/);
    const r = await runOperation<Record<string, unknown>>(auditRetentionOperation, {}, admin, {
      confirm: { typed: "drop audit months" },
      fingerprint: plan.fingerprint,
    });
    expect(r.result).toMatchObject({
      rows_dropped: 100,
      partitions_dropped: ["audit_log_2023_01", "audit_log_2023_02"],
    });
    const left = (
      await db.client.query(
        `SELECT count(*) FILTER (WHERE at < '2024-01-01')::int AS old, count(*) FILTER (WHERE at > '2024-01-01')::int AS recent FROM console.audit_log`,
      )
    ).rows[0];
    expect(left).toEqual({ old: 0, recent: recent + 1 }); // + the retention's own row
    const own = (await db.client.query(`SELECT action, outcome FROM console.audit_log ORDER BY id DESC LIMIT 1`))
      .rows[0];
    expect(own).toEqual({ action: "audit.retention", outcome: "success" });
    // months must be a sane whole number
    await expect(planOperation(auditRetentionOperation, { months: "0" })).rejects.toMatchObject({
      status: 400,
      details: { parameter: "months" },
    });
  });
});

describe("found by the attack review", () => {
  const cut = `${"a".repeat(198)}😀bb`; // a 200-character cut would fall inside the emoji

  it("a parameter cut inside an emoji still leaves its audit row (admin success, reader refusal)", async () => {
    const since = await lastId();
    const admin = await bearer("admin");
    setAuthorization(admin);
    const cleanup = await import("@/app/api/dbadmin/maintenance/cleanup/route");
    const ok = await call(
      cleanup.POST as Handler,
      `/api/dbadmin/maintenance/cleanup?days=300&confirm=yes&cascade=${encodeURIComponent(cut)}`,
      {
        method: "POST",
        headers: { authorization: admin },
      },
    );
    expect(ok.status).toBe(200);
    const reader = await bearer("reader");
    setAuthorization(reader);
    const refused = await call(
      unpublish.POST as Handler,
      `/api/dbadmin/geo/unpublish?confirm=yes&table_name=${encodeURIComponent(cut)}&${encodeURIComponent(`${"b".repeat(63)}😀x`)}=1`,
      {
        method: "POST",
        headers: { authorization: reader },
      },
    );
    expect(refused.status).toBe(403);
    const rows = await auditRows(since);
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ["maintenance.cleanup", "success"],
      ["geo.unpublish", "refused"],
    ]);
    expect(String(rows[0].parameters.cascade)).toMatch(/^a{198}…$/);
  });

  it("cleanup's before= must be a real date: 2020-13-45 or year 0000 is a 400 naming before", async () => {
    setAuthorization(await bearer("reader"));
    const cleanup = await import("@/app/api/dbadmin/maintenance/cleanup/route");
    for (const before of ["2020-13-45T00:00:00Z", "2020-02-30T25:61:61Z", "0000-01-01T00:00:00Z"]) {
      const r = await call(cleanup.GET as Handler, `/api/dbadmin/maintenance/cleanup?days=1&before=${before}`);
      expect(r.status, before).toBe(400);
      expect((await r.json()).error.parameter, before).toBe("before");
    }
  });

  it("retention cannot keep less than AUDIT_RETENTION_MONTHS", async () => {
    const { planOperation } = await import("@/lib/destructive/pipeline");
    const { auditRetentionOperation } = await import("@/lib/destructive/operations/audit-retention");
    await expect(planOperation(auditRetentionOperation, { months: "1" })).rejects.toMatchObject({
      status: 400,
      details: { parameter: "months" },
    });
  });
});
