import type { AccessToken, TokenCredential } from "@azure/identity";
import { Pool } from "pg";
import { describe, expect, it } from "vitest";
import type { DbTarget } from "@/lib/config";
import { poolConfigFor } from "@/lib/db/connection";
import { testDatabase } from "../helpers/db";

/**
 * Managed-identity tokens that expire in a second, against a real PostgreSQL. The "token endpoint"
 * issues the token the "server" (a login role whose password is rotated) accepts; every second
 * the server rotates it, and the old token stops working: it expired. The fake credential caches
 * a token until it expires, like @azure/identity. The console's pool config (poolConfigFor) must
 * ask for a token on every new connection, so no query fails because an old one expired.
 * (Rotations happen between queries: a rotation during a handshake would fail for the
 * simulation's sake, since this server accepts only the newest token.)
 */
const db = testDatabase("token");
const ROLE = "geoetl_mi_token_test";
const LIFETIME_MS = 1_000;

const newToken = (n: number) => `tok-${n}-${Math.random().toString(36).slice(2)}`;

class ExpiringCredential implements TokenCredential {
  issued = 0;
  private cached: AccessToken | null = null;
  constructor(private readonly endpoint: () => AccessToken) {}
  async getToken(): Promise<AccessToken> {
    if (!this.cached || this.cached.expiresOnTimestamp <= Date.now()) {
      this.issued++;
      this.cached = this.endpoint();
    }
    return this.cached;
  }
}

describe("managed identity tokens that expire", () => {
  it("new connections get fresh tokens; no query fails because an old one expired", async () => {
    await db.client.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await db.client.query(`CREATE ROLE ${ROLE} LOGIN`);
    await db.client.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${ROLE}`);
    let server = { token: newToken(0), expiresOnTimestamp: Date.now() + LIFETIME_MS };
    const rotate = async () => {
      server = { token: newToken(rotations + 1), expiresOnTimestamp: Date.now() + LIFETIME_MS };
      await db.client.query(`ALTER ROLE ${ROLE} PASSWORD '${server.token}'`);
      rotations++;
    };
    let rotations = -1;
    await rotate();
    const credential = new ExpiringCredential(() => ({ ...server }));
    const target: DbTarget = {
      host: "127.0.0.1",
      port: Number(process.env.PGPORT ?? 54329),
      user: ROLE,
      database: db.name,
      auth: { kind: "managed-identity", clientId: "00000000-0000-0000-0000-000000000001", assigned: "user" },
      sslMode: "disable",
    };
    const pool = new Pool({
      ...poolConfigFor(target, { max: 1, statementTimeoutMs: 5_000, applicationName: "token-test" }, () => credential),
      idleTimeoutMillis: 300, // connections come and go during the test, each opening with the token of its time
    });
    pool.on("error", () => undefined);
    const failures: string[] = [];
    let ok = 0;
    try {
      const until = Date.now() + 3_500;
      while (Date.now() < until) {
        if (Date.now() >= server.expiresOnTimestamp) await rotate(); // the old token no longer opens a connection
        try {
          await pool.query("SELECT 1");
          ok += 1;
        } catch (err) {
          failures.push((err as Error).message);
        }
        // Now and then every connection goes (a failover, an idle timeout): the next ones reconnect.
        if (ok % 5 === 0)
          await db.client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE]);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await pool.end();
      await db.client.query(`DROP OWNED BY ${ROLE}; DROP ROLE ${ROLE}`).catch(() => undefined);
    }
    expect(failures).toEqual([]);
    expect(rotations).toBeGreaterThanOrEqual(3); // tokens really expired
    expect(credential.issued).toBeGreaterThanOrEqual(3); // and the pool's new connections asked for fresh ones
    expect(ok).toBeGreaterThan(15);
  }, 15_000);
});
