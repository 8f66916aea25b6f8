import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

const UUID = "12345678-1234-1234-1234-123456789abc";

function errorLines(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).lines;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("rejects a malformed DATABASE_URL with one line naming the variable", () => {
    const lines = errorLines({ DATABASE_URL: "mysql://nope" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DATABASE_URL: expected a URL like postgresql:\/\//);
  });

  it("reports every bad variable, one line each", () => {
    const lines = errorLines({ DATABASE_URL: "http://x", DB_POOL_MAX: "many", PGSSLMODE: "sometimes" });
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual(["DATABASE_URL", "DB_POOL_MAX", "PGSSLMODE"]);
  });

  it("fails with a clear message when no database is configured", () => {
    expect(errorLines({})[0]).toMatch(/DATABASE_URL: expected postgresql:\/\//);
  });

  it("uses the user-assigned managed identity first (seeds/003 priority 1)", () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://ignored:secret@srv.postgres.database.azure.com/geo?sslmode=require",
      DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: UUID,
      DB_ADMIN_MANAGED_IDENTITY_NAME: "rmhpgflexadmin",
      WEBSITE_SITE_NAME: "app",
      AUTH_MODE: "entra",
    });
    expect(cfg.admin.auth).toEqual({ kind: "managed-identity", clientId: UUID, assigned: "user" });
    expect(cfg.admin.user).toBe("rmhpgflexadmin");
    expect(cfg.admin).not.toHaveProperty("password");
  });

  it("falls back to the system-assigned identity on Azure (priority 2), then a password (priority 3)", () => {
    const azure = parseConfig({ DATABASE_URL: "postgresql://geoadmin@srv/geo?sslmode=require", WEBSITE_SITE_NAME: "app", AUTH_MODE: "entra" });
    expect(azure.admin.auth).toEqual({ kind: "managed-identity", assigned: "system" });
    const pw = parseConfig({ DATABASE_URL: "postgresql://u:p%40ss@db.example.com/geo?sslmode=verify-full" });
    expect(pw.admin.auth).toEqual({ kind: "password", password: "p@ss" });
    expect(pw.admin.sslMode).toBe("verify-full");
  });

  it("fails when a remote database has no way to authenticate (priority 4)", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u@db.example.com/geo" })[0]).toMatch(/no way to authenticate/);
  });

  it("needs sslrootcert for verify-ca and TLS for managed identity", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u:p@db.example.com/geo?sslmode=verify-ca" })[0]).toMatch(/^PGSSLROOTCERT/);
    expect(errorLines({ DATABASE_URL: "postgresql://u@db/geo?sslmode=disable", DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: UUID, DB_ADMIN_MANAGED_IDENTITY_NAME: "x", AUTH_MODE: "entra" })[0]).toMatch(/needs TLS/);
  });

  it("supports the libpq PG* variables", () => {
    const cfg = parseConfig({ PGHOST: "db.internal", PGPORT: "6432", PGUSER: "geo", PGPASSWORD: "pw", PGDATABASE: "gis", PGSSLMODE: "require" });
    expect(cfg.admin).toMatchObject({ host: "db.internal", port: 6432, user: "geo", database: "gis", sslMode: "require" });
  });

  it("gives the reader its own connection and identity", () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://admin:pw@127.0.0.1/geo",
      DATABASE_READER_URL: "postgresql://reader:rpw@replica.example.com/geo?sslmode=require",
    });
    expect(cfg.reader).toMatchObject({ host: "replica.example.com", user: "reader", auth: { kind: "password", password: "rpw" } });
    const mi = parseConfig({ DATABASE_URL: "postgresql://admin:pw@db.example.com/geo?sslmode=require", DB_READER_MANAGED_IDENTITY_CLIENT_ID: UUID, DB_READER_MANAGED_IDENTITY_NAME: "geo-reader" });
    expect(mi.reader).toMatchObject({ user: "geo-reader", auth: { kind: "managed-identity", clientId: UUID } });
    expect(mi.admin.auth.kind).toBe("password");
  });

  it("sizes the pool from the seed's budget: max_connections x 0.5 over instances and both pools", () => {
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", DB_MAX_CONNECTIONS: "100", CONSOLE_INSTANCES: "5" }).poolMax).toBe(5);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" }).poolMax).toBe(12);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", DB_POOL_MAX: "3" }).poolMax).toBe(3);
  });

  it("refuses local sign-in in production unless on a loopback database with the explicit local flag", () => {
    expect(errorLines({ NODE_ENV: "production", DATABASE_URL: "postgresql://u@127.0.0.1/g" })[0]).toMatch(/^AUTH_MODE: local sign-in is refused because NODE_ENV is production/);
    const local = parseConfig({ NODE_ENV: "production", DATABASE_URL: "postgresql://u@127.0.0.1/g", ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD: "1" });
    expect(local.localAuth.enabled).toBe(true);
    expect(errorLines({ NODE_ENV: "production", DATABASE_URL: "postgresql://u:p@db.example.com/g", ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD: "1" })[0]).toMatch(/not on this machine/);
    expect(parseConfig({ DATABASE_URL: "postgresql://u:p@db.example.com/g" }).localAuth).toMatchObject({ enabled: false });
  });

  it("bounds the orphan check interval (Node timers overflow past ~596 h)", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: "720" })[0]).toMatch(/^ORPHAN_CHECK_INTERVAL_HOURS: expected .*0\.\.500/);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: "0" }).orphanCheckIntervalHours).toBe(0);
  });

  it("uses the well-known development session key only where local sign-in is allowed", () => {
    const local = parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" });
    expect(local.sessionSecret).toMatch(/^geoetl-local-development/);
    const remote = parseConfig({ DATABASE_URL: "postgresql://u:p@db.example.com/g" });
    expect(remote.localAuth.enabled).toBe(false);
    expect(remote.sessionSecret).not.toMatch(/geoetl-local-development/);
    expect(remote.sessionSecret).toHaveLength(64);
    expect(parseConfig({ DATABASE_URL: "postgresql://u:p@db.example.com/g" }).sessionSecret).not.toBe(remote.sessionSecret);
  });
});
