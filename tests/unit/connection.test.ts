import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { AZURE_PG_SCOPE, passwordFor, poolConfigFor, sslFor } from "@/lib/db/connection";

/** Stands in for Azure's token endpoint, the one thing we cannot run here. */
class FakeCredential implements TokenCredential {
  calls: string[] = [];
  constructor(readonly clientId?: string) {}
  async getToken(scope: string | string[]): Promise<AccessToken> {
    this.calls.push(String(scope));
    return {
      token: `token-${this.clientId ?? "system"}-${this.calls.length}`,
      expiresOnTimestamp: Date.now() + 3600_000,
    };
  }
}

describe("managed identity as pg's password", () => {
  it("asks the user-assigned identity for a fresh token on every new connection", async () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://x@srv/geo?sslmode=verify-full",
      DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: "12345678-1234-1234-1234-123456789abc",
      DB_ADMIN_MANAGED_IDENTITY_NAME: "geoadmin",
    });
    const made: FakeCredential[] = [];
    const password = passwordFor(cfg.admin, (id) => {
      const c = new FakeCredential(id);
      made.push(c);
      return c;
    });
    expect(typeof password).toBe("function");
    const fn = password as () => Promise<string>;
    expect(await fn()).toBe("token-12345678-1234-1234-1234-123456789abc-1");
    expect(await fn()).toBe("token-12345678-1234-1234-1234-123456789abc-2");
    expect(made).toHaveLength(1);
    expect(made[0].calls).toEqual([AZURE_PG_SCOPE, AZURE_PG_SCOPE]);
  });

  it("uses the system-assigned identity (no client id) on Azure", async () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://geoadmin@srv/geo?sslmode=verify-full",
      WEBSITE_SITE_NAME: "app",
    });
    const fn = passwordFor(cfg.admin, (id) => new FakeCredential(id)) as () => Promise<string>;
    expect(await fn()).toBe("token-system-1");
  });

  it("surfaces an identity that returns no token", async () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://geoadmin@srv/geo?sslmode=verify-full",
      WEBSITE_SITE_NAME: "app",
    });
    const fn = passwordFor(cfg.admin, () => ({ getToken: async () => null })) as () => Promise<string>;
    await expect(fn()).rejects.toThrow(/no token/);
  });

  it("passes a plain password through and sets pool limits", () => {
    const cfg = parseConfig({ DATABASE_URL: "postgresql://u:pw@127.0.0.1:6000/geo" });
    const pc = poolConfigFor(cfg.admin, { max: 4, statementTimeoutMs: 1234, applicationName: "t" });
    expect(pc).toMatchObject({
      host: "127.0.0.1",
      port: 6000,
      user: "u",
      password: "pw",
      database: "geo",
      max: 4,
      statement_timeout: 1234,
      application_name: "t",
      ssl: false,
    });
  });

  it("maps sslmode to TLS options", () => {
    expect(sslFor("disable")).toBe(false);
    expect(sslFor("require")).toEqual({ rejectUnauthorized: false });
    expect(sslFor("verify-full")).toMatchObject({ rejectUnauthorized: true });
    const ca = sslFor("verify-ca") as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown };
    expect(ca.rejectUnauthorized).toBe(true);
    expect(ca.checkServerIdentity()).toBeUndefined();
    expect(() => sslFor("verify-full", "/nonexistent/ca.pem")).toThrow(/cannot read the CA bundle/);
  });
});
