import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { errorResponse } from "@/lib/api/respond";
import { bearer } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";

/**
 * The worst day, for real: the console's pools reach the database through a TCP relay this test
 * controls, so "the database goes away" is the relay refusing and cutting every connection, and
 * "it comes back" is the relay listening again; no restart of anything. The pools are small
 * (DB_POOL_MAX=2) to show what happens when more requests come than connections.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("outage");

class Relay {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}
  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = null;
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

let relay: Relay;
beforeAll(async () => {
  relay = new Relay(await freePort(), Number(process.env.PGPORT ?? 54329));
  await relay.up();
  // Through the relay from now on (the pools are created on first use, after this).
  for (const k of ["DATABASE_URL", "DATABASE_READER_URL"] as const) {
    const u = new URL(process.env[k]!);
    u.port = String(relay.port);
    process.env[k] = u.toString();
  }
  process.env.DB_POOL_MAX = "2";
  setAuthorization(await bearer("reader"));
});
afterAll(async () => {
  await relay.down().catch(() => undefined);
});

describe("database outage and pool exhaustion", async () => {
  const jobs = (await import("@/app/api/dbadmin/jobs/route")).GET;
  const health = (await import("@/app/api/health/route")).GET;
  const { readQuery } = await import("@/lib/db/pool");
  const listJobs = () => jobs(new Request("http://console.test/api/dbadmin/jobs?limit=1"), {} as never);

  it("the database goes away: 503 with the JSON error and Retry-After, fast; it comes back: the console recovers by itself", async () => {
    expect((await listJobs()).status).toBe(200);
    await relay.down();
    const t0 = performance.now();
    const res = await listJobs();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json()).error).toMatchObject({ code: "database_unavailable" });
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.headers.get("retry-after")).toBe("5");
    // Nothing hangs: well within the 5 s connection timeout (the connection is refused).
    expect(performance.now() - t0).toBeLessThan(6_000);

    await relay.up();
    const back = performance.now();
    let status = 0;
    while (performance.now() - back < 10_000) {
      status = (await listJobs()).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(performance.now() - back).toBeLessThan(10_000);
    expect((await health()).status).toBe(200);
  });

  it("more requests than connections: they wait a bounded time, then 503; never more connections than the budget; /api/health answers", async () => {
    const inUse = async () =>
      (
        await db.client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'geoetl-admin-console:reader'`,
        )
      ).rows[0].n;
    const started = performance.now();
    // Six 6-second queries on two connections: two run, the others wait 5 s (the pool's connection timeout) and fail.
    const attempts = Array.from({ length: 6 }, () =>
      readQuery("SELECT pg_sleep(6)").then(
        () => 200,
        (err) => errorResponse(err).status,
      ),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const peak = await inUse();
    const h0 = performance.now();
    const probe = await health();
    const probeMs = performance.now() - h0;
    const statuses = await Promise.all(attempts);
    expect(peak).toBeLessThanOrEqual(2);
    expect(probe.status).toBe(200);
    expect(probeMs).toBeLessThan(1_500);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(4);
    expect(performance.now() - started).toBeLessThan(8_000);
  }, 20_000);
});
