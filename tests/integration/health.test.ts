import { Client } from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { User } from "@/lib/auth/permissions";
import { resetConfigCache } from "@/lib/config";
import type { HealthReport } from "@/lib/db/health-report";
import { bearer } from "../helpers/auth";
import { urlFor } from "../helpers/cluster";
import { testDatabase } from "../helpers/db";
import { failure } from "../helpers/expect-refusal";
import { setAuthorization } from "../helpers/next-headers";

/**
 * The health page's data and its cancel/terminate operations against a real database: a
 * pg_sleep on a separate connection is a long-running query, an UPDATE waiting on another
 * transaction's row is a lock wait; both show up in GET /api/dbadmin/health; cancel and terminate
 * go through the destructive pipeline (confirmation, fingerprint, audit) and never touch the
 * console's own connections. The health pool answers while the reader pool is exhausted.
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
// Small reader/admin pools, so exhausting one is quick.
process.env.DB_POOL_MAX = "3";
resetConfigCache();

const healthRoute = await import("@/app/api/dbadmin/health/route");
const cancelRoute = await import("@/app/api/dbadmin/health/cancel/route");
const terminateRoute = await import("@/app/api/dbadmin/health/terminate/route");
const { planOperation, runOperation } = await import("@/lib/destructive/pipeline");
const { cancelQueryOperation, terminateSessionOperation } = await import("@/lib/destructive/operations/sessions");
const { adminPool, healthPool, readerPool } = await import("@/lib/db/pool");
const { checkDatabase } = await import("@/lib/db/health");
const { collectHealth, healthReport } = await import("@/lib/db/health-report");

const db = testDatabase("health");
const admin: User = { id: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8", name: "Ada Admin", role: "admin", via: "session" };

// Every extra connection a test opens, closed after it (a test that fails midway leaves none behind).
const opened: Client[] = [];
async function connect(applicationName: string, user = "postgres"): Promise<Client & { pid: number }> {
  const c = new Client({ connectionString: urlFor(db.name, user), application_name: applicationName });
  c.on("error", () => undefined); // a terminated connection emits 'error'
  await c.connect();
  opened.push(c);
  const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  return Object.assign(c, { pid });
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.end().catch(() => undefined)));
});

/** Starts a pg_sleep on its own connection; the promise settles when the query ends (with the error, if it was ended). */
async function sleeper(seconds = 60, name = "health-test-sleeper") {
  const c = await connect(name);
  const done = c.query(`SELECT pg_sleep(${seconds})`).then(
    () => null,
    (e: { code?: string }) => e,
  );
  await waitFor(
    async () =>
      (await db.client.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [c.pid])).rows[0]?.state === "active",
  );
  return { client: c, pid: c.pid, done };
}

async function waitFor(check: () => Promise<boolean>, ms = 5_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function getHealth(
  qs = "",
  who: "reader" | "admin" = "reader",
): Promise<{ status: number; body: HealthReport & { error?: { parameter?: string } } }> {
  const token = await bearer(who);
  setAuthorization(token);
  const r = await healthRoute.GET(
    new Request(`http://console.test/api/dbadmin/health${qs}`, { headers: { authorization: token } }),
    {} as never,
  );
  return { status: r.status, body: await r.json() };
}

async function post(route: { POST: (r: Request, c: never) => Promise<Response> }, qs: string, who: "reader" | "admin") {
  const token = await bearer(who);
  setAuthorization(token);
  const r = await route.POST(
    new Request(`http://console.test/x?${qs}`, { method: "POST", headers: { authorization: token } }),
    {} as never,
  );
  return { status: r.status, body: await r.json() };
}

const lastAudit = async () =>
  (await db.client.query(`SELECT * FROM console.audit_log ORDER BY id DESC LIMIT 1`)).rows[0];

describe("GET /api/dbadmin/health", () => {
  it("finds a long-running query and a lock wait (who waits on whom, on which relation)", async () => {
    const sleep = await sleeper();
    const [{ job_id }] = (
      await db.client.query<{ job_id: string }>(`SELECT job_id FROM app.jobs ORDER BY job_id LIMIT 1`)
    ).rows;
    const blocker = await connect("health-test-blocker");
    await blocker.query("BEGIN");
    await blocker.query(`UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1`, [job_id]);
    const waiter = await connect("health-test-waiter");
    const waiting = waiter
      .query(`UPDATE app.jobs SET updated_at = updated_at WHERE job_id = $1`, [job_id])
      .catch(() => undefined);
    await waitFor(
      async () =>
        (await db.client.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [waiter.pid])).rows[0]
          ?.wait_event_type === "Lock",
    );
    await new Promise((r) => setTimeout(r, 1_100));

    const { status, body } = await getHealth("?long_query_seconds=1");
    expect(status).toBe(200);
    expect(body.privileges).toMatchObject({ role: "geoetl_reader", read_all_stats: true });
    expect(body.thresholds).toMatchObject({
      connections_warn_pct: 80,
      connections_crit_pct: 95,
      long_query_seconds: 1,
    });

    // The long-running query: pid, user, application, state, duration, text; an admin could cancel it.
    expect(body.long_queries.available).toBe(true);
    if (!body.long_queries.available) return;
    const q = body.long_queries.queries.find((x) => x.pid === sleep.pid);
    expect(q).toMatchObject({
      user: "postgres",
      application: "health-test-sleeper",
      state: "active",
      database: db.name,
      refusal: { cancel: null, terminate: null },
    });
    expect(q!.query).toContain("pg_sleep(60)");
    expect(q!.duration_seconds).toBeGreaterThan(1);
    // The blocker is idle in a transaction older than 1 s: listed too, with nothing to cancel.
    const idle = body.long_queries.queries.find((x) => x.pid === blocker.pid);
    expect(idle).toMatchObject({ state: "idle in transaction", refusal: { terminate: null } });
    expect(idle!.refusal.cancel).toMatch(/not running a query/);

    // The lock wait, both sides.
    expect(body.locks.available).toBe(true);
    if (!body.locks.available) return;
    const w = body.locks.waits.find((x) => x.blocked.pid === waiter.pid);
    expect(w).toMatchObject({
      blocked: { application: "health-test-waiter", user: "postgres" },
      blocking: {
        pid: blocker.pid,
        application: "health-test-blocker",
        state: "idle in transaction",
        refusal: { terminate: null },
      },
      lock: { relation: "app.jobs" },
    });
    expect(w!.blocked.query).toContain("UPDATE app.jobs");
    expect(w!.blocked.waiting_seconds).toBeGreaterThan(1);
    expect(body.locks.level).toBe("warning");

    // The other sections answer too.
    expect(body.connections).toMatchObject({ available: true, level: "ok" });
    if (body.connections.available) {
      expect(body.connections.total).toBeGreaterThanOrEqual(4);
      expect(body.connections.by_application.map((a) => a.application)).toContain("health-test-sleeper");
    }
    expect(
      body.sizes.available && body.sizes.tables.find((t) => t.schema === "app" && t.name === "jobs"),
    ).toMatchObject({ locked: false, total_bytes: expect.any(Number) });
    expect(body.vacuum.available).toBe(true);
    expect(body.slow_queries).toMatchObject({ available: true, enabled: true });
    expect(body.pools.available && body.pools.pools.map((p) => p.name)).toEqual(["reader", "admin", "health"]);
    expect(body.tls.available && body.tls.targets[0]).toMatchObject({ sslmode: "disable", local: true, warning: null });
    expect(body.replication).toMatchObject({ available: true, in_recovery: false, replicas: [] });
    expect(body.server).toMatchObject({ available: true, database: db.name, max_connections: expect.any(Number) });

    await blocker.query("ROLLBACK");
    await waiting;
  });

  it("refuses a bad threshold with a 400 naming the parameter, and anonymous callers with 401", async () => {
    const bad = await getHealth("?long_query_seconds=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ parameter: "long_query_seconds" });
    setAuthorization(null);
    const anon = await healthRoute.GET(new Request("http://console.test/api/dbadmin/health"), {} as never);
    expect(anon.status).toBe(401);
  });

  it("measures sizes while a table is held in ACCESS EXCLUSIVE mode (estimated, never blocked)", async () => {
    const locker = await connect("health-test-locker");
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE geo.world_countries IN ACCESS EXCLUSIVE MODE");
    const started = Date.now();
    const r = await healthReport({ longQuerySeconds: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.sizes.available).toBe(true);
    if (r.sizes.available) {
      expect(r.sizes.tables.find((t) => t.schema === "geo" && t.name === "world_countries")).toMatchObject({
        locked: true,
        index_bytes: null,
      });
      expect(r.sizes.tables.find((t) => t.schema === "app" && t.name === "jobs")).toMatchObject({ locked: false });
    }
    await locker.query("ROLLBACK");
  });

  it("with fewer rights, says which sections it could not read instead of failing", async () => {
    const role = `geoetl_health_limited_${Math.random().toString(36).slice(2, 8)}`;
    await db.client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${(process.env.PGPASSWORD ?? "").replace(/'/g, "''")}'`);
    try {
      const limited = await connect("health-test-limited", role);
      const r = await collectHealth(async (sql, params) => (await limited.query(sql, params)).rows, {
        longQuerySeconds: 1,
      });
      expect(r.privileges).toMatchObject({ role, read_all_stats: false });
      for (const s of [r.long_queries, r.locks]) {
        expect(s).toMatchObject({ available: false, missing_grant: "pg_read_all_stats" });
        if (!s.available) expect(s.error).toMatch(/Grant it pg_read_all_stats/);
      }
      expect(r.connections).toMatchObject({ available: true, note: expect.stringMatching(/lacks pg_read_all_stats/) });
      expect(r.sizes.available).toBe(true);
      expect(r.server.available).toBe(true);
      await limited.end();
    } finally {
      await db.client.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});

describe("cancel and terminate", () => {
  it("cancel ends the query and writes an audit row", async () => {
    const sleep = await sleeper();
    const r = await post(cancelRoute, `pid=${sleep.pid}&confirm=yes`, "admin");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, action: "cancel", pid: sleep.pid, signalled: true, ended: true });
    expect(await sleep.done).toMatchObject({ code: "57014" }); // canceling statement due to user request
    // The session is still there (only the query ended).
    expect((await sleep.client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    expect(await lastAudit()).toMatchObject({
      action: "health.cancel",
      outcome: "success",
      target: `pid ${sleep.pid}`,
      actor_role: "admin",
      fingerprint: expect.any(String),
    });
  });

  it("terminate needs the confirmation: confirm=yes on the API, the typed text in the dialog", async () => {
    const sleep = await sleeper(60, "health-test-terminate");
    const missing = await post(terminateRoute, `pid=${sleep.pid}`, "admin");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ parameter: "confirm" });
    expect(await lastAudit()).toMatchObject({ action: "health.terminate", outcome: "refused" });

    const plan = await planOperation(terminateSessionOperation, { pid: String(sleep.pid) });
    expect(plan).toMatchObject({ confirmText: `terminate ${sleep.pid}`, target: `pid ${sleep.pid}` });
    expect(plan.items[0]).toMatchObject({ kind: "session", name: `pid ${sleep.pid}` });
    const wrong = await failure(
      runOperation(terminateSessionOperation, { pid: String(sleep.pid) }, admin, {
        confirm: { typed: String(sleep.pid) },
        fingerprint: plan.fingerprint,
      }),
    );
    expect(wrong).toMatchObject({ status: 400, details: { parameter: "confirmation" } });
    expect(
      (await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [sleep.pid])).rows[0].n,
    ).toBe(1);

    const done = await runOperation(terminateSessionOperation, { pid: String(sleep.pid) }, admin, {
      confirm: { typed: `terminate ${sleep.pid}` },
      fingerprint: plan.fingerprint,
    });
    expect(done.result).toMatchObject({ action: "terminate", ended: true });
    expect(await sleep.done).toMatchObject({ code: "57P01" }); // terminating connection due to administrator command
    expect(
      (await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [sleep.pid])).rows[0].n,
    ).toBe(0);
    expect(await lastAudit()).toMatchObject({
      action: "health.terminate",
      outcome: "success",
      target: `pid ${sleep.pid}`,
    });
  });

  it("a reader gets 403 on both, audited, and the query keeps running", async () => {
    const sleep = await sleeper();
    for (const route of [cancelRoute, terminateRoute]) {
      const r = await post(route, `pid=${sleep.pid}&confirm=yes`, "reader");
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
      expect(await lastAudit()).toMatchObject({ outcome: "refused", actor_role: "reader" });
    }
    expect(await lastAudit()).toMatchObject({ action: "health.terminate" });
    expect(
      (await db.client.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [sleep.pid])).rows[0].state,
    ).toBe("active");
  });

  it("refuses the console's own connections, a pid that is not there, and a bad pid", async () => {
    // The reader's, the admin's and the health pool's connections, and another console instance's.
    const own: number[] = [];
    for (const pool of [readerPool(), adminPool(), healthPool()])
      own.push((await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid);
    const otherInstance = await sleeper(60, "geoetl-admin-console:reader");
    own.push(otherInstance.pid);
    for (const pid of own) {
      for (const op of [cancelQueryOperation, terminateSessionOperation]) {
        const e = await failure(planOperation(op, { pid: String(pid) }));
        expect(e.status, `pid ${pid}`).toBe(409);
        expect(e.message).toMatch(/never ends its own connections/);
      }
    }
    // The API refuses it too, audited, and the other instance's query runs on.
    const r = await post(cancelRoute, `pid=${otherInstance.pid}&confirm=yes`, "admin");
    expect(r.status).toBe(409);
    expect(await lastAudit()).toMatchObject({ action: "health.cancel", outcome: "conflict" });
    expect(
      (await db.client.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [otherInstance.pid])).rows[0].state,
    ).toBe("active");

    // No such pid: 404; not a pid: 400 naming it.
    const gone = await failure(planOperation(cancelQueryOperation, { pid: "2147483000" }));
    expect(gone.status).toBe(404);
    for (const pid of ["abc", "-1", "0", "99999999999", ""]) {
      const e = await failure(planOperation(cancelQueryOperation, { pid }));
      expect(e, pid).toMatchObject({ status: 400, details: { parameter: "pid" } });
    }
  });

  it("a cancel whose query changed since the plan is refused (changed since you looked); a terminate still ends the session", async () => {
    const sleep = await sleeper(60, "health-test-stale");
    const plan = await planOperation(cancelQueryOperation, { pid: String(sleep.pid) });
    const terminatePlan = await planOperation(terminateSessionOperation, { pid: String(sleep.pid) });
    expect(plan.confirmText).toBe(String(sleep.pid));
    // Its query ends and another begins on the same session.
    await db.client.query(`SELECT pg_cancel_backend($1)`, [sleep.pid]);
    await sleep.done;
    const next = sleep.client.query("SELECT pg_sleep(60)").catch((e: unknown) => e);
    await waitFor(
      async () =>
        (await db.client.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [sleep.pid])).rows[0]?.state ===
        "active",
    );
    const e = await failure(
      runOperation(cancelQueryOperation, { pid: String(sleep.pid) }, admin, {
        confirm: { typed: String(sleep.pid) },
        fingerprint: plan.fingerprint,
      }),
    );
    expect(e).toMatchObject({ status: 409, details: { reason: "stale_plan" } });
    expect(
      (await db.client.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [sleep.pid])).rows[0].state,
    ).toBe("active");
    // The session is the target of a terminate: its new query does not make that plan stale.
    const t = await runOperation(terminateSessionOperation, { pid: String(sleep.pid) }, admin, {
      confirm: { typed: `terminate ${sleep.pid}` },
      fingerprint: terminatePlan.fingerprint,
    });
    expect(t.result).toMatchObject({ ended: true });
    expect(await next).toMatchObject({ code: "57P01" });
  });
});

describe("the health pool", () => {
  const held: { release(): void }[] = [];
  afterAll(() => held.splice(0).forEach((c) => c.release()));

  it("answers GET /api/health's check while every reader connection is taken", async () => {
    const reader = readerPool();
    for (let i = 0; i < 3; i++) held.push(await reader.connect());
    expect(reader.totalCount).toBe(3);
    expect(reader.idleCount).toBe(0);
    // A read now queues behind the held connections...
    let queued = false;
    const waiting = reader.query("SELECT 1").then(() => (queued = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(reader.waitingCount).toBe(1);
    expect(queued).toBe(false);
    // ...but the health check does not.
    const started = Date.now();
    expect(await checkDatabase()).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    // Nor does the health page, which says the reader pool has a waiting request.
    const r = await healthReport();
    expect(r.pools).toMatchObject({ available: true, level: "warning" });
    if (r.pools.available)
      expect(r.pools.pools.find((p) => p.name === "reader")).toMatchObject({ total: 3, idle: 0, waiting: 1, max: 3 });
    expect(r.server.available).toBe(true);
    // The health connections are read-only sessions with their own name.
    const h = await healthPool().query<{ ro: string; app: string }>(
      "SELECT current_setting('default_transaction_read_only') AS ro, current_setting('application_name') AS app",
    );
    expect(h.rows[0]).toEqual({ ro: "on", app: "geoetl-admin-console:health" });
    held.splice(0).forEach((c) => c.release());
    await waiting;
    expect(queued).toBe(true);
  });
});
