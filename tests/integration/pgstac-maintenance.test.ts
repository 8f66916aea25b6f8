import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "@/lib/auth/permissions";
import { applySqlFile } from "@/lib/db/migrate";
import { adminPool } from "@/lib/db/pool";
import { installPgstac, installedPgstacVersion } from "@/lib/pgstac/apply";
import { localPgstacDir } from "@/lib/pgstac/local";
import { readReleases } from "@/lib/pgstac/releases";
import { bearer } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { failure, settings } from "../helpers/expect-refusal";
import { setAuthorization } from "../helpers/next-headers";
import { loadStac } from "../helpers/stac";

/**
 * pgSTAC's maintenance buttons on the real release files (../shared/pgstac, or wherever
 * lib/pgstac/local.ts finds them): redeploy and full rebuild with the release that switches roles,
 * migrate in place keeping every item, and the refusals. Skipped where no release files exist
 * (the stand-in cannot be migrated).
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { planOperation, runOperation } = await import("@/lib/destructive/pipeline");
const { fullRebuildOperation, redeployPgstacOperation } = await import("@/lib/destructive/operations/schemas");
const { pgstacMigrateOperation } = await import("@/lib/destructive/operations/pgstac-migrate");

const RELEASES = localPgstacDir();
const db = testDatabase("pgmaint");
const admin: User = { id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8", name: "Ada Admin", role: "admin", via: "session" };
const run = (op: Parameters<typeof runOperation>[0], params: Record<string, string> = {}, fingerprint?: string) =>
  runOperation<Record<string, unknown>>(op, params, admin, { confirm: { api: "yes" }, fingerprint }).then(
    (r) => r.result,
  );
const tmp: string[] = [];
/** A copy of the release folder to tamper with. */
function copyOfReleases(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pgstac-copy-"));
  tmp.push(dir);
  for (const f of readdirSync(RELEASES!))
    if (f.endsWith(".sql")) copyFileSync(path.join(RELEASES!, f), path.join(dir, f));
  return dir;
}
afterAll(() => {
  while (tmp.length) rmSync(tmp.pop()!, { recursive: true, force: true });
});

/** Every item, hydrated by pgSTAC itself, keyed by collection/id. */
async function allItems(): Promise<Record<string, unknown>> {
  await db.client.query("BEGIN");
  try {
    await db.client.query("SET LOCAL search_path TO pgstac, public");
    const { rows } = await db.client.query(
      `SELECT collection || '/' || id AS k, get_item(id, collection) AS item FROM items ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.k, r.item]));
  } finally {
    await db.client.query("ROLLBACK");
  }
}
async function auditOf(action: string) {
  return (await db.client.query(`SELECT * FROM console.audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, [action]))
    .rows[0];
}
/** What a pooled admin connection looks like after an operation used it. */
async function adminSession() {
  const c = await adminPool().connect();
  try {
    const r = (
      await c.query(
        `SELECT current_user AS "user", current_setting('search_path') AS path,
                current_setting('check_function_bodies') AS bodies, current_setting('client_min_messages') AS messages`,
      )
    ).rows[0];
    // the release turns these off for itself; a pooled connection must not keep them
    expect([r.bodies, r.messages]).toEqual(["on", "notice"]);
    return { user: r.user, path: r.path };
  } finally {
    c.release();
  }
}

describe.skipIf(!RELEASES)("pgSTAC maintenance on the real release files", () => {
  beforeEach(() =>
    settings({
      ALLOW_DESTRUCTIVE_MAINTENANCE: "true",
      PGSTAC_MIGRATIONS_DIR: RELEASES!,
      PGSTAC_TARGET_VERSION: undefined,
      PGSTAC_SQL_FILE: undefined,
      PGSTAC_MIGRATE_COMMAND: undefined,
    }),
  );

  it("the test database runs real pgSTAC 0.9.8, loaded through its loaders", async () => {
    expect(await installedPgstacVersion(db.client)).toBe("0.9.8");
    const { rows } = await db.client.query(
      `SELECT obj_description('pgstac'::regnamespace, 'pg_namespace') AS comment, (SELECT count(*)::int FROM pgstac.items) AS items`,
    );
    expect(rows[0].comment ?? "").not.toMatch(/stand-in/);
    expect(rows[0].items).toBeGreaterThan(100);
  });

  it("redeploy installs the newest release, reports its version, and leaves the session as it was (no pgstac_ingest)", async () => {
    const plan = await planOperation(redeployPgstacOperation, {});
    expect(plan.items.map((i) => i.name)).toEqual(["pgstac", "pgstac--0.9.8.sql"]);
    const r = await run(redeployPgstacOperation, {}, plan.fingerprint);
    expect(r).toMatchObject({ status: "success", pgstac_version: "0.9.8" });
    expect(await installedPgstacVersion(db.client)).toBe("0.9.8");
    const { rows } = await db.client.query(
      `SELECT (SELECT count(*)::int FROM pgstac.items) AS items, (SELECT string_agg(id, ',' ORDER BY id) FROM pgstac.collections) AS collections`,
    );
    expect(rows[0]).toEqual({ items: 0, collections: "system-rasters,system-vectors" });
    expect(await auditOf("maintenance.pgstac.redeploy")).toMatchObject({ outcome: "success" });
    for (let i = 0; i < 3; i++) expect(await adminSession()).toEqual({ user: "postgres", path: '"$user", public' });
  });

  it("full rebuild with the real release: app and pgstac back, the audit row written as the admin", async () => {
    const r = await run(fullRebuildOperation);
    expect(r).toMatchObject({ status: "success", pgstac_version: "0.9.8" });
    expect(await auditOf("maintenance.full-rebuild")).toMatchObject({ outcome: "success" });
    expect((await db.client.query(`SELECT to_regclass('app.jobs') AS t`)).rows[0].t).toBe("app.jobs");
    expect(await adminSession()).toEqual({ user: "postgres", path: '"$user", public' });
  });

  it("a broken release file rolls everything back: the old schema and every item stay", async () => {
    await db.client.query("BEGIN");
    await loadStac(db.client, [
      { id: "keep-1", collection: "system-vectors" },
      { id: "keep-2", collection: "system-rasters" },
    ]);
    await db.client.query("COMMIT");
    const before = await allItems();
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(2);
    const dir = copyOfReleases();
    appendFileSync(path.join(dir, "pgstac--0.9.8.sql"), "\nSELECT this_function_does_not_exist();\n");
    settings({ PGSTAC_MIGRATIONS_DIR: dir });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const op of [redeployPgstacOperation, fullRebuildOperation]) {
      const e = await failure(run(op));
      expect(e.status, op.action).toBe(500);
      expect(e.message).toMatch(/nothing was changed/);
      expect(await auditOf(op.action)).toMatchObject({ outcome: "failed" });
    }
    logged.mockRestore();
    expect(await allItems()).toEqual(before);
    expect(await adminSession()).toEqual({ user: "postgres", path: '"$user", public' });
  });

  it("a release file that changes between plan and confirm: 409, nothing changed", async () => {
    const dir = copyOfReleases();
    settings({ PGSTAC_MIGRATIONS_DIR: dir });
    const plan = await planOperation(redeployPgstacOperation, {});
    appendFileSync(path.join(dir, "pgstac--0.9.8.sql"), "\n-- edited\n");
    const before = await allItems();
    const e = await failure(run(redeployPgstacOperation, {}, plan.fingerprint));
    expect(e).toMatchObject({ status: 409, details: { reason: "stale_plan" } });
    expect(await allItems()).toEqual(before);
  });

  describe("migrate in place", () => {
    /** pgSTAC 0.9.7 from its base file, with items in three collections. */
    async function installOld() {
      await db.client.query("DROP SCHEMA pgstac CASCADE");
      expect(await installPgstac(db.client, readReleases(RELEASES!), "0.9.7")).toBe("0.9.7");
      await applySqlFile(db.client, "roles.sql"); // the reader's grants on the new schema
      await db.client.query("BEGIN");
      await loadStac(
        db.client,
        Array.from({ length: 60 }, (_, i) => ({
          id: `item-${i}`,
          collection: ["system-vectors", "system-rasters", "team"][i % 3],
          datetime: new Date(Date.UTC(2024, i % 12, 1 + (i % 27))).toISOString(),
          properties: { title: `Item ${i}`, "geoetl:job_id": `job-${i}` },
        })),
      );
      await db.client.query("COMMIT");
    }

    it("0.9.7 → 0.9.8 by the incremental file: get_version() is 0.9.8 and every item is the same", async () => {
      await installOld();
      const before = await allItems();
      expect(Object.keys(before)).toHaveLength(60);
      const plan = await planOperation(pgstacMigrateOperation, {});
      expect(plan.target).toBe("pgstac 0.9.7 → 0.9.8");
      expect(plan.items[0]).toMatchObject({
        kind: "migration file",
        name: "pgstac--0.9.7--0.9.8.sql",
        detail: expect.stringMatching(/^sha256 [0-9a-f]{64}, /),
      });
      expect(plan.items[1].detail).toBe("60 items in 3 collections stay");
      expect(plan.confirmText).toBe("migrate pgstac");
      const r = await runOperation<Record<string, unknown>>(pgstacMigrateOperation, {}, admin, {
        confirm: { typed: "migrate pgstac" },
        fingerprint: plan.fingerprint,
      });
      expect(r.result).toMatchObject({
        status: "success",
        from_version: "0.9.7",
        to_version: "0.9.8",
        pgstac_version: "0.9.8",
      });
      expect(await installedPgstacVersion(db.client)).toBe("0.9.8");
      expect(await allItems()).toEqual(before);
      expect(await auditOf("maintenance.pgstac.migrate")).toMatchObject({
        outcome: "success",
        target: "pgstac 0.9.7 → 0.9.8",
      });
      expect(await adminSession()).toEqual({ user: "postgres", path: '"$user", public' });
    });

    it("refuses with a reason and changes nothing: up to date (409), unknown version (400), a gap (409), a tampered file (409)", async () => {
      expect(await failure(run(pgstacMigrateOperation))).toMatchObject({
        status: 409,
        details: { reason: "pgstac_up_to_date" },
      });
      expect(await failure(run(pgstacMigrateOperation, { version: "9.9.9" }))).toMatchObject({
        status: 400,
        details: { parameter: "version" },
      });
      expect(await failure(run(pgstacMigrateOperation, { version: "0.9.x" }))).toMatchObject({
        status: 400,
        details: { parameter: "version" },
      });
      expect(await failure(run(pgstacMigrateOperation, { version: "0.9.7" }))).toMatchObject({
        status: 409,
        details: { reason: "pgstac_downgrade" },
      });
      await installOld();
      const before = await allItems();
      // a folder without the incremental file: no chain from 0.9.7
      const gap = copyOfReleases();
      rmSync(path.join(gap, "pgstac--0.9.7--0.9.8.sql"));
      settings({ PGSTAC_MIGRATIONS_DIR: gap });
      expect(await failure(run(pgstacMigrateOperation))).toMatchObject({
        status: 409,
        details: { reason: "pgstac_no_chain" },
      });
      // a file tampered with after the plan was shown
      const dir = copyOfReleases();
      settings({ PGSTAC_MIGRATIONS_DIR: dir });
      const plan = await planOperation(pgstacMigrateOperation, {});
      writeFileSync(path.join(dir, "pgstac--0.9.7--0.9.8.sql"), "DROP SCHEMA pgstac CASCADE;");
      expect(await failure(run(pgstacMigrateOperation, {}, plan.fingerprint))).toMatchObject({
        status: 409,
        details: { reason: "stale_plan" },
      });
      expect(await installedPgstacVersion(db.client)).toBe("0.9.7");
      expect(await allItems()).toEqual(before);
      // no folder configured
      settings({ PGSTAC_MIGRATIONS_DIR: undefined, PGSTAC_SQL_FILE: path.join(RELEASES!, "pgstac--0.9.8.sql") });
      expect(await failure(run(pgstacMigrateOperation))).toMatchObject({
        status: 409,
        details: { reason: "pgstac_migrations_not_configured" },
      });
      expect(await installedPgstacVersion(db.client)).toBe("0.9.7");
    });

    it("is allowed where schema-destroying maintenance is off; a reader gets 403 and it is audited", async () => {
      settings({ ALLOW_DESTRUCTIVE_MAINTENANCE: "false" });
      const r = await run(pgstacMigrateOperation);
      expect(r).toMatchObject({ status: "success", to_version: "0.9.8" });
      const route = await import("@/app/api/dbadmin/maintenance/pgstac/migrate/route");
      const token = await bearer("reader");
      setAuthorization(token);
      const res = await route.POST(
        new Request("http://console.test/api/dbadmin/maintenance/pgstac/migrate?confirm=yes", {
          method: "POST",
          headers: { authorization: token },
        }),
        {} as never,
      );
      expect(res.status).toBe(403);
      expect(await auditOf("maintenance.pgstac.migrate")).toMatchObject({ outcome: "refused", actor_role: "reader" });
    });
  });
});
