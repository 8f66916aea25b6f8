import { Client } from "pg";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "@/lib/auth/permissions";
import { localPgstacDir } from "@/lib/pgstac/local";
import { bearer } from "../helpers/auth";
import { urlFor } from "../helpers/cluster";
import { testDatabase } from "../helpers/db";
import { failure, settings } from "../helpers/expect-refusal";
import { setAuthorization } from "../helpers/next-headers";

/**
 * The pipeline's maintenance operations on the destructive pipeline, against a real database: what
 * each plan says goes, goes; geo, h3 and the audit log survive every one of them; one operation
 * at a time; schema-destroying ones only where switched on; every attempt audited.
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { planOperation, runOperation } = await import("@/lib/destructive/pipeline");
const { cleanupOperation } = await import("@/lib/destructive/operations/cleanup");
const { fullRebuildOperation, redeployAppOperation, redeployPgstacOperation, stacNukeOperation } =
  await import("@/lib/destructive/operations/schemas");

const db = testDatabase("maint");
const admin: User = { id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8", name: "Ada Admin", role: "admin", via: "session" };
const run = (op: Parameters<typeof runOperation>[0], params: Record<string, string> = {}) =>
  runOperation<Record<string, unknown>>(op, params, admin, { confirm: { api: "yes" } }).then((r) => r.result);

async function survivors() {
  const { rows } = await db.client.query(`SELECT
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'geo') AS geo_tables,
      (SELECT count(*)::int FROM geo.table_metadata) AS metadata,
      (SELECT count(*)::int FROM geo.world_countries) AS world_rows,
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'h3') AS h3_tables,
      (SELECT count(*)::int FROM console.schema_migrations) AS migrations`);
  return rows[0];
}
async function auditCount() {
  return (await db.client.query(`SELECT count(*)::int AS n FROM console.audit_log`)).rows[0].n as number;
}
async function lastAudit() {
  return (await db.client.query(`SELECT * FROM console.audit_log ORDER BY id DESC LIMIT 1`)).rows[0];
}

// pgSTAC's release folder where there is one (real pgSTAC), else the stand-in's file.
const RELEASES = localPgstacDir();
const PGSTAC = RELEASES
  ? { PGSTAC_MIGRATIONS_DIR: RELEASES, PGSTAC_SQL_FILE: undefined }
  : { PGSTAC_MIGRATIONS_DIR: undefined, PGSTAC_SQL_FILE: "sql/fixtures/pgstac_standin.sql" };
beforeEach(() =>
  settings({
    ALLOW_DESTRUCTIVE_MAINTENANCE: "true",
    ...PGSTAC,
    PGSTAC_TARGET_VERSION: undefined,
    PGSTAC_MIGRATE_COMMAND: undefined,
  }),
);

describe("cleanup", () => {
  it("plans exact counts, binds its cut-off, and deletes exactly those jobs and their tasks, in batches", async () => {
    const expected = (
      await db.client
        .query(`SELECT count(*)::int AS jobs, (SELECT count(*)::int FROM app.tasks WHERE job_id IN (SELECT job_id FROM app.jobs WHERE status = 'completed' AND updated_at < now() - interval '10 days')) AS tasks
        FROM app.jobs WHERE status = 'completed' AND updated_at < now() - interval '10 days'`)
    ).rows[0];
    expect(expected.jobs).toBeGreaterThan(0);
    const others = (
      await db.client.query(
        `SELECT count(*)::int AS n FROM app.jobs WHERE NOT (status = 'completed' AND updated_at < now() - interval '10 days')`,
      )
    ).rows[0].n;
    const plan = await planOperation(cleanupOperation, { days: "10" });
    expect(plan.items.map((i) => i.detail)).toEqual([
      `${expected.jobs.toLocaleString("en-US")} rows`,
      `${expected.tasks.toLocaleString("en-US")} rows`,
    ]);
    expect(plan.bind?.before).toMatch(/Z$/);
    const before = await survivors();

    const r = await runOperation<Record<string, unknown>>(cleanupOperation, { days: "10", ...plan.bind }, admin, {
      confirm: { typed: "cleanup" },
      fingerprint: plan.fingerprint,
    });
    expect(r.result).toMatchObject({
      status: "success",
      days: 10,
      jobs_deleted: expected.jobs,
      tasks_deleted: expected.tasks,
    });
    const after = await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`);
    expect(after.rows[0].n).toBe(others);
    expect(await survivors()).toEqual(before);
    expect(await lastAudit()).toMatchObject({
      action: "maintenance.cleanup",
      outcome: "success",
      fingerprint: plan.fingerprint,
    });
  });

  it("days must be an integer >= 1: 400 naming days, nothing deleted", async () => {
    const n = (await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n;
    for (const days of ["0", "-3", "1.5", "abc", "", "99999999"]) {
      const e = await failure(run(cleanupOperation, { days }));
      expect(e, days).toMatchObject({ status: 400, details: { parameter: "days" } });
    }
    expect((await failure(run(cleanupOperation, {}))).details).toMatchObject({ parameter: "days" });
    expect((await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n).toBe(n);
    expect(await lastAudit()).toMatchObject({ outcome: "refused" });
  });

  it("one maintenance operation at a time: a second gets 409 naming the running one", async () => {
    // Another console instance is running a redeploy: it holds the maintenance lock.
    const other = new Client({ connectionString: urlFor(db.name) });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('geoetl-console:maintenance'))`);
      await other.query(
        `INSERT INTO console.operation_runs (action, actor, status, backend_pid, step, steps_total) VALUES ('maintenance.redeploy', 'Other Admin (x)', 'running', pg_backend_pid(), 1, 3)`,
      );
      const e = await failure(run(cleanupOperation, { days: "1" }));
      expect(e).toMatchObject({ status: 409 });
      expect(e.message).toMatch(/maintenance\.redeploy, started by Other Admin/);
      expect(await lastAudit()).toMatchObject({ action: "maintenance.cleanup", outcome: "conflict" });
      // An unpublish is refused too while a global operation runs (it would race the redeploy).
      const { unpublishOperation } = await import("@/lib/destructive/operations/unpublish");
      expect((await failure(run(unpublishOperation, { table_name: "rivers_sample" }))).status).toBe(409);
    } finally {
      await other.end();
    }
    // The lock went with the other session: the next run goes through.
    expect(await run(cleanupOperation, { days: "36500" })).toMatchObject({ jobs_deleted: 0 });
  });
});

// Before the schema operations, which clear STAC.
describe("orphaned STAC items", () => {
  it("lists exactly the items whose layer is gone and removes only those", async () => {
    const { stacOrphansOperation } = await import("@/lib/destructive/operations/stac-orphans");
    expect((await failure(planOperation(stacOrphansOperation, {}))).status).toBe(404);
    await db.client.query(`DELETE FROM geo.table_metadata WHERE table_name = 'shipping_routes'`);
    const plan = await planOperation(stacOrphansOperation, {});
    expect(plan.items.map((i) => i.name)).toEqual(["postgis-geo-shipping_routes"]);
    const items = (await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items`)).rows[0].n;
    const r = await runOperation<Record<string, unknown>>(stacOrphansOperation, {}, admin, {
      confirm: { typed: "remove stac orphans" },
      fingerprint: plan.fingerprint,
    });
    expect(r.result).toMatchObject({ stac_items_deleted: 1, ids: ["postgis-geo-shipping_routes"] });
    expect((await db.client.query(`SELECT count(*)::int AS n FROM pgstac.items`)).rows[0].n).toBe(items - 1);
    expect((await db.client.query(`SELECT to_regclass('geo.shipping_routes') AS t`)).rows[0].t).toBe(
      "geo.shipping_routes",
    );
  });
});

describe("schema maintenance", () => {
  it("is refused unless ALLOW_DESTRUCTIVE_MAINTENANCE=true, with a message saying so, and audited", async () => {
    settings({ ALLOW_DESTRUCTIVE_MAINTENANCE: undefined });
    const before = await survivors();
    for (const [op, params] of [
      [redeployAppOperation, {}],
      [fullRebuildOperation, {}],
      [redeployPgstacOperation, {}],
      [stacNukeOperation, { mode: "all" }],
    ] as const) {
      const e = await failure(run(op, params));
      expect(e).toMatchObject({ status: 409, details: { reason: "destructive_maintenance_disabled" } });
      expect(e.message).toMatch(/ALLOW_DESTRUCTIVE_MAINTENANCE=true/);
      expect(await lastAudit()).toMatchObject({ action: op.action, outcome: "refused" });
    }
    expect(await survivors()).toEqual(before);
    expect((await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n).toBeGreaterThan(0);
  });

  it("redeploy drops and recreates app, empty, in the seed's shape; geo, h3 and the audit log survive", async () => {
    const before = await survivors();
    const audits = await auditCount();
    const r = await run(redeployAppOperation);
    expect(r).toMatchObject({ status: "success", message: "Schema redeployed successfully", schemas_created: ["app"] });
    expect(r.tables_created).toEqual(expect.arrayContaining(["jobs", "tasks"]));
    expect((await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n).toBe(0);
    expect(await survivors()).toEqual(before);
    expect(await auditCount()).toBe(audits + 1);
    // The reader can read the new tables (grants re-applied).
    const reader = new Client({ connectionString: urlFor(db.name, "geoetl_reader") });
    await reader.connect();
    await expect(reader.query(`SELECT count(*) FROM app.tasks`)).resolves.toBeTruthy();
    await reader.end();
  });

  it("a view elsewhere on app.jobs is a dependent: redeploy refuses until it is accepted", async () => {
    await db.client.query(`CREATE VIEW geo.v_job_ids AS SELECT job_id FROM app.jobs`);
    const plan = await planOperation(redeployAppOperation, {});
    expect(plan.dependents.map((d) => d.name).join(" ")).toMatch(/geo\.v_job_ids/);
    const e = await failure(run(redeployAppOperation));
    expect(e).toMatchObject({ status: 409, details: { reason: "dependents" } });
    expect((await db.client.query(`SELECT to_regclass('geo.v_job_ids') AS v`)).rows[0].v).toBe("geo.v_job_ids");
    await db.client.query(`DROP VIEW geo.v_job_ids`);
  });

  it("pgSTAC redeploy needs a pgSTAC install configured (409 saying what to set), then reinstalls with the system collections", async () => {
    settings({ PGSTAC_SQL_FILE: undefined, PGSTAC_MIGRATIONS_DIR: undefined });
    const e = await failure(run(redeployPgstacOperation));
    expect(e).toMatchObject({ status: 409, details: { reason: "pgstac_install_not_configured" } });
    expect(e.message).toMatch(/PGSTAC_MIGRATIONS_DIR .*PGSTAC_SQL_FILE .*PGSTAC_MIGRATE_COMMAND/);
    settings(PGSTAC);
    const before = await survivors();
    const r = await run(redeployPgstacOperation);
    expect(r).toMatchObject({ status: "success", pgstac_version: expect.any(String) });
    const { rows } = await db.client.query(
      `SELECT (SELECT count(*)::int FROM pgstac.items) AS items, (SELECT string_agg(id, ',' ORDER BY id) FROM pgstac.collections) AS collections`,
    );
    expect(rows[0]).toEqual({ items: 0, collections: "system-rasters,system-vectors" });
    expect(await survivors()).toEqual(before);
  });

  it("full rebuild runs the seed's seven steps in one transaction; geo, h3 and console survive", async () => {
    const before = await survivors();
    const plan = await planOperation(fullRebuildOperation, {});
    expect(plan.items.map((i) => i.name)).toEqual([
      "app",
      "pgstac",
      RELEASES ? "pgstac--0.9.8.sql" : "pgstac_standin.sql",
    ]);
    const r = await run(fullRebuildOperation);
    expect(r).toMatchObject({
      status: "success",
      schemas_created: ["app", "pgstac"],
      pgstac_version: expect.any(String),
    });
    const a = await lastAudit();
    expect(a.details.steps).toEqual([
      "Drop schema app",
      "Drop schema pgstac",
      "Deploy schema app",
      "Deploy schema pgstac",
      "Create the system STAC collections",
      "Verify schema app",
      "Verify schema pgstac",
    ]);
    expect(await survivors()).toEqual(before);
  });

  it("a full rebuild whose release file is unreadable is refused before it starts; both schemas stay", async () => {
    settings({ PGSTAC_MIGRATIONS_DIR: undefined, PGSTAC_SQL_FILE: "/nonexistent/pgstac.sql" });
    const jobs = (await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n;
    const e = await failure(run(fullRebuildOperation));
    expect(e).toMatchObject({ status: 409, details: { reason: "pgstac_release_unreadable" } });
    expect((await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n).toBe(jobs);
    expect((await db.client.query(`SELECT to_regclass('pgstac.items') AS t`)).rows[0].t).toBe("pgstac.items");
    expect(await lastAudit()).toMatchObject({ action: "maintenance.full-rebuild", outcome: "conflict" });
  });

  it("clear STAC: items only, then everything", async () => {
    expect(await run(stacNukeOperation, { mode: "items" })).toMatchObject({
      status: "success",
      collections_deleted: 0,
    });
    let c = (
      await db.client.query(
        `SELECT (SELECT count(*)::int FROM pgstac.items) AS i, (SELECT count(*)::int FROM pgstac.collections) AS c`,
      )
    ).rows[0];
    expect(c.i).toBe(0);
    expect(c.c).toBeGreaterThan(0);
    await run(stacNukeOperation, { mode: "all" });
    c = (await db.client.query(`SELECT (SELECT count(*)::int FROM pgstac.collections) AS c`)).rows[0];
    expect(c.c).toBe(0);
    expect((await failure(run(stacNukeOperation, { mode: "everything" }))).details).toMatchObject({
      parameter: "mode",
    });
  });
});

describe("the JSON API of the operations", () => {
  it("POST without confirm=yes is a 400 naming confirm; a reader gets 403 on every one, audited", async () => {
    const routes = {
      cleanup: await import("@/app/api/dbadmin/maintenance/cleanup/route"),
      redeploy: await import("@/app/api/dbadmin/maintenance/redeploy/route"),
      "full-rebuild": await import("@/app/api/dbadmin/maintenance/full-rebuild/route"),
      "pgstac/redeploy": await import("@/app/api/dbadmin/maintenance/pgstac/redeploy/route"),
      nuke: await import("@/app/api/stac/nuke/route"),
    };
    let token = "";
    const post = (mod: { POST: (r: Request, c: never) => Promise<Response> }, qs: string) =>
      mod.POST(
        new Request(`http://console.test/x?${qs}`, { method: "POST", headers: { authorization: token } }),
        {} as never,
      );
    token = await bearer("admin");
    setAuthorization(token);
    const missing = await post(routes.cleanup, "days=30");
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: "bad_request", parameter: "confirm" });

    token = await bearer("reader");
    setAuthorization(token);
    const before = await auditCount();
    for (const [name, mod] of Object.entries(routes)) {
      const r = await post(mod, "confirm=yes&days=1&mode=all");
      expect(r.status, name).toBe(403);
    }
    expect(await auditCount()).toBe(before + Object.keys(routes).length);
    expect(await lastAudit()).toMatchObject({ outcome: "refused", actor_role: "reader" });
  });
});
