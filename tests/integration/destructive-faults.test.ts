import { Client } from "pg";
import { describe, expect, it, vi } from "vitest";
import type { User } from "@/lib/auth/permissions";
import { urlFor } from "../helpers/cluster";
import { testDatabase } from "../helpers/db";

/**
 * Destructive actions on the worst day: a connection killed in the middle (crash safety), and
 * the same actions sent many times at once (exactly the expected winners, every attempt audited).
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { runOperation } = await import("@/lib/destructive/pipeline");
const { unpublishOperation } = await import("@/lib/destructive/operations/unpublish");
const { cleanupOperation } = await import("@/lib/destructive/operations/cleanup");
const { redeployAppOperation } = await import("@/lib/destructive/operations/schemas");

const db = testDatabase("faults");
const admin: User = { id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8", name: "Ada Admin", role: "admin", via: "session" };
const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: { status?: number; code?: string }) => ({ ok: false as const, e }),
  );

async function layerState(table: string) {
  const { rows } = await db.client.query(
    `SELECT to_regclass('geo.' || quote_ident($1)) IS NOT NULL AS has_table,
            (SELECT count(*)::int FROM geo.table_metadata WHERE table_name = $1) AS metadata_rows,
            (SELECT count(*)::int FROM pgstac.items WHERE id = 'postgis-geo-' || $1) AS stac_items,
            (SELECT count(*)::int FROM geo.${"populated_places"}) AS sample_rows`,
    [table],
  );
  return rows[0];
}
const audits = async (action: string, since: number) =>
  (
    await db.client.query<{ outcome: string }>(
      `SELECT outcome FROM console.audit_log WHERE action = $1 AND id > $2 ORDER BY id`,
      [action, since],
    )
  ).rows.map((r) => r.outcome);
const lastAuditId = async () =>
  (await db.client.query(`SELECT coalesce(max(id), 0)::int AS id FROM console.audit_log`)).rows[0].id as number;

describe("crash safety", () => {
  it(
    "an unpublish whose connection is killed mid-way (STAC item and metadata already deleted, DROP waiting) leaves the database as before",
    { timeout: 20_000 },
    async () => {
      const before = await layerState("populated_places");
      expect(before).toMatchObject({ has_table: true, metadata_rows: 1, stac_items: 1 });
      const since = await lastAuditId();
      // A reader holds the table: the unpublish gets as far as DROP TABLE and waits there.
      const reader = new Client({ connectionString: urlFor(db.name) });
      await reader.connect();
      await reader.query(`BEGIN; LOCK TABLE geo.populated_places IN ACCESS SHARE MODE`);
      try {
        const run = settle(
          runOperation(unpublishOperation, { table_name: "populated_places" }, admin, {
            confirm: { api: "yes" },
            acceptDependents: true,
          }),
        );
        // Find the unpublishing backend while it waits on the lock, and kill it (a crash, a failover).
        let pid: number | null = null;
        for (let i = 0; i < 100 && pid === null; i++) {
          const { rows } = await db.client.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query ILIKE '%DROP TABLE%'`,
          );
          pid = rows[0]?.pid ?? null;
          if (pid === null) await new Promise((r) => setTimeout(r, 50));
        }
        expect(pid, "the unpublish reached DROP TABLE and waits").not.toBeNull();
        await db.client.query(`SELECT pg_terminate_backend($1)`, [pid]);
        const outcome = await run;
        expect(outcome.ok).toBe(false);
      } finally {
        await reader.query("ROLLBACK");
        await reader.end();
      }
      expect(await layerState("populated_places")).toEqual(before);
      expect(await audits("geo.unpublish", since)).toEqual(["failed"]);
    },
  );
});

describe("the same destructive action many times at once", () => {
  it(
    "five unpublishes of one layer: exactly one wins, the rest find nothing (404), one audit row each",
    { timeout: 30_000 },
    async () => {
      const since = await lastAuditId();
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          settle(runOperation(unpublishOperation, { table_name: "rivers_sample" }, admin, { confirm: { api: "yes" } })),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? 0 : r.e.status))).toEqual([404, 404, 404, 404]);
      expect(await layerState("rivers_sample")).toMatchObject({ has_table: false, metadata_rows: 0 });
      const outcomes = await audits("geo.unpublish", since);
      expect(outcomes).toHaveLength(5);
      expect(outcomes.filter((o) => o === "success")).toHaveLength(1);
    },
  );

  it(
    "three cleanups at once: one runs, the others are refused with 409 while it holds the maintenance lock, or find nothing left; no partial state",
    { timeout: 30_000 },
    async () => {
      const since = await lastAuditId();
      const old = async () =>
        (
          await db.client.query<{ jobs: number; orphans: number }>(
            `SELECT (SELECT count(*)::int FROM app.jobs WHERE status = 'completed' AND updated_at < now() - interval '3 days') AS jobs,
                  (SELECT count(*)::int FROM app.tasks t WHERE NOT EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = t.job_id)) AS orphans`,
          )
        ).rows[0];
      expect((await old()).jobs).toBeGreaterThan(0);
      const results = await Promise.all(
        Array.from({ length: 3 }, () =>
          settle(
            runOperation<Record<string, unknown>>(cleanupOperation, { days: "3" }, admin, { confirm: { api: "yes" } }),
          ),
        ),
      );
      const deleted = results.filter((r) => r.ok).map((r) => (r.ok ? Number(r.v.result.jobs_deleted) : 0));
      const refused = results.filter((r) => !r.ok).map((r) => (r.ok ? 0 : r.e.status));
      // One did the work; any other either waited its turn and found nothing, or was refused (409).
      expect(deleted.filter((n) => n > 0)).toHaveLength(1);
      expect(deleted.filter((n) => n === 0).length + refused.length).toBe(2);
      expect(refused.every((s) => s === 409)).toBe(true);
      expect(await old()).toEqual({ jobs: 0, orphans: 0 });
      const outcomes = await audits("maintenance.cleanup", since);
      // One row per attempt (a busy refusal was written twice before).
      expect(outcomes).toHaveLength(3);
      expect(outcomes.filter((o) => o === "success").length).toBe(deleted.length);
      expect(outcomes.filter((o) => o === "conflict").length).toBe(refused.length);
    },
  );

  it(
    "two redeploys and an unpublish at once: each either runs whole or is refused with 409; app ends complete; one audit row per attempt",
    { timeout: 30_000 },
    async () => {
      const since = await lastAuditId();
      const results = await Promise.all([
        settle(runOperation(redeployAppOperation, {}, admin, { confirm: { api: "yes" } })),
        settle(runOperation(redeployAppOperation, {}, admin, { confirm: { api: "yes" } })),
        settle(runOperation(unpublishOperation, { table_name: "shipping_routes" }, admin, { confirm: { api: "yes" } })),
      ]);
      const [r1, r2, u] = results;
      // The maintenance lock lets one global operation run; the other is refused. Both redeploys
      // are refused only when the unpublish held the lock first (global operations never wait).
      const redeployed = [r1, r2].filter((r) => r.ok).length;
      if (redeployed === 0) expect(u.ok).toBe(true);
      for (const r of [r1, r2, u]) if (!r.ok) expect(r.e.status).toBe(409);
      // app is whole: every table of the seed's shape, empty, whatever the interleaving.
      const tables = (
        await db.client.query<{ t: string }>(
          `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'app' ORDER BY 1`,
        )
      ).rows.map((r) => r.t);
      expect(tables).toEqual(expect.arrayContaining(["jobs", "tasks"]));
      if (redeployed) expect((await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n).toBe(0);
      // The unpublish ran whole or not at all.
      const layer = await layerState("shipping_routes");
      expect(u.ok ? [false, 0] : [true, 1]).toEqual([layer.has_table, layer.metadata_rows]);
      const redeploys = await audits("maintenance.redeploy", since);
      expect(redeploys).toHaveLength(2);
      expect(redeploys.filter((o) => o === "success")).toHaveLength([r1, r2].filter((r) => r.ok).length);
      expect(await audits("geo.unpublish", since)).toEqual([u.ok ? "success" : "conflict"]);
    },
  );
});
