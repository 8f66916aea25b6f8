import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { Client } from "pg";
import { apiToken, signIn, startServer } from "./helpers";

/**
 * Two console processes on one database, as behind a load balancer: the session cookie, the
 * scheduled orphan check and the destructive pipeline's locks must not care which instance
 * answers. Both run from this build on their own database (a fresh demo seed, so nothing here
 * disturbs the other specs), with the orphan check every 3.6 s (ORPHAN_CHECK_INTERVAL_HOURS=0.001).
 * Both share CONSOLE_ORIGIN (instance A's); B also accepts its own address, which a load balancer
 * would not need (it forwards the public Host).
 */
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);
const [PORT_A, PORT_B] = [BASE_PORT + 93, BASE_PORT + 94];
const [A, B] = [`http://127.0.0.1:${PORT_A}`, `http://127.0.0.1:${PORT_B}`];
const DB = "geoetl_e2e_pair";
const INTERVAL_MS = 3_600;
const dbUrl = (url: string) => {
  const u = new URL(url);
  u.pathname = `/${DB}`;
  return u.toString();
};

test.describe.configure({ mode: "serial" });

let servers: ReturnType<typeof startServer>[] = [];
let db: Client;

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  execFileSync("npx", ["tsx", "scripts/e2e-db.ts"], { env: { ...process.env, CONSOLE_DB: DB }, stdio: "ignore" });
  db = new Client({ connectionString: dbUrl(process.env.DATABASE_URL!) });
  await db.connect();
  const env = {
    DATABASE_URL: dbUrl(process.env.DATABASE_URL!),
    DATABASE_READER_URL: dbUrl(process.env.DATABASE_READER_URL!),
    CONSOLE_ORIGIN: A,
    CONSOLE_EXTRA_HOSTS: `127.0.0.1:${PORT_B}`,
    ORPHAN_CHECK_INTERVAL_HOURS: String(INTERVAL_MS / 3_600_000),
  };
  servers = [startServer(env, PORT_A), startServer(env, PORT_B)];
  for (const base of [A, B])
    await expect(async () => expect((await request.get(`${base}/api/health`)).status()).toBe(200)).toPass({
      timeout: 60_000,
    });
});

test.afterAll(async () => {
  for (const s of servers) s.child.kill();
  await Promise.all(servers.map((s) => s.exited));
  await db?.end();
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
});

test("a session started on one instance is valid on the other", async ({ page }) => {
  await signIn(page, "admin", "/jobs", A);
  await page.goto(`${B}/jobs`);
  await expect(page).toHaveURL(`${B}/jobs`);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
  const me = await page.request.get(`${B}/api/me`);
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ name: "Ada Admin", role: "admin" });
});

test("the same unpublish sent to both instances at once has exactly one winner", async ({ request }) => {
  const token = apiToken("admin");
  const since = (await db.query<{ id: number }>("SELECT coalesce(max(id), 0)::int AS id FROM console.audit_log"))
    .rows[0].id;
  const attempts = [A, B, A, B, A, B].map((base) =>
    request.post(`${base}/api/dbadmin/geo/unpublish?table_name=rivers_sample&confirm=yes`, {
      // A client's request id is not trusted: the audit rows carry the console's own.
      headers: { Authorization: `Bearer ${token}`, "x-request-id": "forged" },
    }),
  );
  const statuses = (await Promise.all(attempts)).map((r) => r.status()).sort();
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  // The others waited for the lock and found nothing left (404), or were refused while it was held (409).
  expect(statuses.filter((s) => s !== 200).every((s) => s === 404 || s === 409)).toBe(true);
  const left = await db.query(
    `SELECT to_regclass('geo.rivers_sample') AS t, (SELECT count(*)::int FROM geo.table_metadata WHERE table_name = 'rivers_sample') AS m`,
  );
  expect(left.rows[0]).toEqual({ t: null, m: 0 });
  const audit = await db.query<{ outcome: string; request_id: string }>(
    `SELECT outcome, request_id FROM console.audit_log WHERE id > $1 AND action = 'geo.unpublish'`,
    [since],
  );
  expect(audit.rows).toHaveLength(6);
  expect(audit.rows.filter((r) => r.outcome === "success")).toHaveLength(1);
  expect(new Set(audit.rows.map((r) => r.request_id)).size).toBe(6);
  for (const r of audit.rows) expect(r.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
});

test("the scheduled orphan check runs once per interval across both instances", async () => {
  test.setTimeout(60_000);
  const reports = async () =>
    (
      await db.query<{ checked_at: Date }>(`SELECT checked_at FROM console.orphan_reports ORDER BY checked_at`)
    ).rows.map((r) => r.checked_at.getTime());
  await expect(async () => expect((await reports()).length).toBeGreaterThanOrEqual(3)).toPass({ timeout: 40_000 });
  const at = await reports();
  // Never twice within an interval (the check allows 5% slack for an early timer).
  for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(INTERVAL_MS * 0.95 - 50);
  // Both instances woke up on schedule: each logged its checks, run or skipped as another had just run.
  const lines = servers.map((s) =>
    s
      .output()
      .split("\n")
      .filter((l) => /"msg":"orphan check( skipped)?"/.test(l)),
  );
  for (const l of lines) expect(l.length).toBeGreaterThan(0);
  const ran = lines.flat().filter((l) => l.includes('"msg":"orphan check"')).length;
  const skipped = lines.flat().filter((l) => l.includes('"msg":"orphan check skipped"')).length;
  expect(skipped).toBeGreaterThan(0);
  expect(ran).toBeGreaterThanOrEqual(at.length);
});
