import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

const UUID = "12345678-1234-1234-1234-123456789abc";
const UUID2 = "87654321-4321-4321-4321-cba987654321";

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

  it("uses the user-assigned managed identity first", () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://ignored:secret@srv.postgres.database.azure.com/geo?sslmode=verify-full",
      DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: UUID,
      DB_ADMIN_MANAGED_IDENTITY_NAME: "rmhpgflexadmin",
      WEBSITE_SITE_NAME: "app",
    });
    expect(cfg.admin.auth).toEqual({ kind: "managed-identity", clientId: UUID, assigned: "user" });
    expect(cfg.admin.user).toBe("rmhpgflexadmin");
    expect(cfg.admin).not.toHaveProperty("password");
  });

  it("falls back to the system-assigned identity on Azure (priority 2), then a password (priority 3)", () => {
    const azure = parseConfig({
      DATABASE_URL: "postgresql://geoadmin@srv/geo?sslmode=verify-full",
      WEBSITE_SITE_NAME: "app",
    });
    expect(azure.admin.auth).toEqual({ kind: "managed-identity", assigned: "system" });
    const pw = parseConfig({ DATABASE_URL: "postgresql://u:p%40ss@db.example.com/geo?sslmode=verify-full" });
    expect(pw.admin.auth).toEqual({ kind: "password", password: "p@ss" });
    expect(pw.admin.sslMode).toBe("verify-full");
  });

  it("fails when a remote database has no way to authenticate (priority 4)", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u@db.example.com/geo" })[0]).toMatch(/no way to authenticate/);
  });

  it("needs sslrootcert for verify-ca and TLS for managed identity", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u:p@db.example.com/geo?sslmode=verify-ca" })[0]).toMatch(
      /^PGSSLROOTCERT/,
    );
  });

  it("refuses to send a managed identity's token without verify-full, for either connection", () => {
    for (const mode of ["disable", "prefer", "require", "verify-ca&sslrootcert=/etc/ssl/certs/ca-certificates.crt"]) {
      const admin = errorLines({
        DATABASE_URL: `postgresql://u@db/geo?sslmode=${mode}`,
        DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: UUID,
        DB_ADMIN_MANAGED_IDENTITY_NAME: "x",
      });
      expect(admin, mode).toEqual([
        expect.stringMatching(/^DATABASE_URL: a managed identity needs sslmode=verify-full/),
      ]);
    }
    // The default sslmode (prefer) is refused too: the reader's identity was not checked at all before.
    const reader = errorLines({
      DATABASE_URL: "postgresql://admin:pw@db.example.com/geo?sslmode=verify-full",
      DATABASE_READER_URL: "postgresql://r@replica.example.com/geo",
      DB_READER_MANAGED_IDENTITY_CLIENT_ID: UUID,
    });
    expect(reader).toEqual([
      expect.stringMatching(/^DATABASE_READER_URL: a managed identity needs sslmode=verify-full/),
    ]);
    expect(
      parseConfig({
        DATABASE_URL: "postgresql://u@db/geo?sslmode=verify-full",
        DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: UUID,
        DB_ADMIN_MANAGED_IDENTITY_NAME: "x",
      }).admin.sslMode,
    ).toBe("verify-full");
  });

  it("supports the libpq PG* variables", () => {
    const cfg = parseConfig({
      PGHOST: "db.internal",
      PGPORT: "6432",
      PGUSER: "geo",
      PGPASSWORD: "pw",
      PGDATABASE: "gis",
      PGSSLMODE: "require",
    });
    expect(cfg.admin).toMatchObject({
      host: "db.internal",
      port: 6432,
      user: "geo",
      database: "gis",
      sslMode: "require",
    });
  });

  it("gives the reader its own connection and identity", () => {
    const cfg = parseConfig({
      DATABASE_URL: "postgresql://admin:pw@127.0.0.1/geo",
      DATABASE_READER_URL: "postgresql://reader:rpw@replica.example.com/geo?sslmode=require",
    });
    expect(cfg.reader).toMatchObject({
      host: "replica.example.com",
      user: "reader",
      auth: { kind: "password", password: "rpw" },
    });
    const mi = parseConfig({
      DATABASE_URL: "postgresql://admin:pw@db.example.com/geo?sslmode=verify-full",
      DB_READER_MANAGED_IDENTITY_CLIENT_ID: UUID,
      DB_READER_MANAGED_IDENTITY_NAME: "geo-reader",
    });
    expect(mi.reader).toMatchObject({ user: "geo-reader", auth: { kind: "managed-identity", clientId: UUID } });
    expect(mi.admin.auth.kind).toBe("password");
  });

  it("sizes the pool from the seed's budget: max_connections x 0.5 over instances and both pools", () => {
    expect(
      parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", DB_MAX_CONNECTIONS: "100", CONSOLE_INSTANCES: "5" })
        .poolMax,
    ).toBe(5);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" }).poolMax).toBe(12);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", DB_POOL_MAX: "3" }).poolMax).toBe(3);
  });

  it("needs the Entra settings, the origin and a session key in production, one line each", () => {
    const lines = errorLines({ NODE_ENV: "production", DATABASE_URL: "postgresql://u@127.0.0.1/g" });
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual([
      "CONSOLE_ORIGIN",
      "ENTRA_CLIENT_ID",
      "ENTRA_CLIENT_SECRET",
      "ENTRA_TENANT_ID",
      "SESSION_SECRET",
    ]);
    const dev = parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" });
    expect(dev.auth).toBeNull();
    expect(dev.authMissing).toMatch(/ENTRA_TENANT_ID/);
  });

  it("builds the Entra settings: v2 authority, audiences, role names, certificate or secret", () => {
    const base = { DATABASE_URL: "postgresql://u@127.0.0.1/g", ENTRA_TENANT_ID: UUID, ENTRA_CLIENT_ID: UUID2 };
    const cfg = parseConfig({ ...base, ENTRA_CLIENT_SECRET: "s3cret", CONSOLE_ORIGIN: "https://console.example.com" });
    expect(cfg.auth).toMatchObject({
      authority: `https://login.microsoftonline.com/${UUID}/v2.0`,
      audiences: [`api://${UUID2}`, UUID2],
      roles: { admin: "GeoAdmin.Admin", reader: "GeoAdmin.Reader" },
      credential: { kind: "secret", secret: "s3cret" },
    });
    expect(cfg.allowedHosts).toEqual(["console.example.com"]);
    const cert = parseConfig({
      ...base,
      ENTRA_CLIENT_CERTIFICATE_PATH: "/k.pem",
      ENTRA_CLIENT_CERTIFICATE_THUMBPRINT: "ab".repeat(32),
      ENTRA_ADMIN_ROLE: "Ops.Admin",
    });
    expect(cert.auth).toMatchObject({
      credential: { kind: "certificate", path: "/k.pem" },
      roles: { admin: "Ops.Admin" },
    });
    expect(errorLines({ ...base, ENTRA_CLIENT_CERTIFICATE_PATH: "/k.pem" })).toEqual([
      expect.stringMatching(/^ENTRA_CLIENT_CERTIFICATE_THUMBPRINT: required/),
    ]);
    expect(errorLines({ ...base, ENTRA_CLIENT_SECRET: "x", ENTRA_AUTHORITY: "http://idp.example.com/t/v2.0" })).toEqual(
      [expect.stringMatching(/^ENTRA_AUTHORITY: expected an https URL/)],
    );
    expect(errorLines({ ...base, ENTRA_CLIENT_SECRET: "x", CONSOLE_ORIGIN: "https://c.example.com/app" })).toEqual([
      expect.stringMatching(/^CONSOLE_ORIGIN: /),
    ]);
  });

  it("bounds the orphan check interval (Node timers overflow past ~596 h)", () => {
    expect(errorLines({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: "720" })[0]).toMatch(
      /^ORPHAN_CHECK_INTERVAL_HOURS: expected hours between checks .*0\.001\.\.500/,
    );
    expect(
      parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: "0" })
        .orphanCheckIntervalHours,
    ).toBe(0);
    // Fractions (tests cannot wait hours), but not below 3.6 s, and no negative or exotic numbers.
    expect(
      parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: "0.002" })
        .orphanCheckIntervalHours,
    ).toBe(0.002);
    for (const bad of ["0.0001", "-1", "1e2", "six"])
      expect(errorLines({ DATABASE_URL: "postgresql://u@127.0.0.1/g", ORPHAN_CHECK_INTERVAL_HOURS: bad })[0]).toMatch(
        /^ORPHAN_CHECK_INTERVAL_HOURS: expected hours/,
      );
  });

  it("serves the anonymous bench twins only when asked, and only on a loopback origin", () => {
    const base = { DATABASE_URL: "postgresql://u@127.0.0.1/g" };
    expect(parseConfig(base).benchBareRoutes).toBe(false);
    expect(
      parseConfig({ ...base, BENCH_BARE_ROUTES: "1", CONSOLE_ORIGIN: "http://127.0.0.1:3298" }).benchBareRoutes,
    ).toBe(true);
    expect(errorLines({ ...base, BENCH_BARE_ROUTES: "1", CONSOLE_ORIGIN: "https://console.example.com" })).toEqual([
      expect.stringMatching(/^BENCH_BARE_ROUTES: only for benchmarks on a loopback CONSOLE_ORIGIN/),
    ]);
  });

  it("reads the health thresholds and the health pool, with the runbook's defaults", () => {
    const base = { DATABASE_URL: "postgresql://u@127.0.0.1/g" };
    expect(parseConfig(base).health).toEqual({
      connectionsWarnPct: 80,
      connectionsCritPct: 95,
      longQuerySeconds: 300,
      deadTupleRatioWarn: 0.2,
      poolMax: 2,
      statementTimeoutMs: 3000,
    });
    expect(parseConfig(base).connectionBudget).toEqual({
      maxConnections: 50,
      instances: 1,
      perInstance: 25,
      poolMaxOverridden: false,
    });
    const custom = parseConfig({
      ...base,
      HEALTH_CONNECTIONS_WARN_PCT: "70",
      HEALTH_CONNECTIONS_CRIT_PCT: "90",
      HEALTH_LONG_QUERY_SECONDS: "60",
      HEALTH_DEAD_TUPLE_RATIO_WARN: "0.05",
    });
    expect(custom.health).toMatchObject({
      connectionsWarnPct: 70,
      connectionsCritPct: 90,
      longQuerySeconds: 60,
      deadTupleRatioWarn: 0.05,
    });
    expect(errorLines({ ...base, HEALTH_CONNECTIONS_WARN_PCT: "120" })[0]).toMatch(
      /^HEALTH_CONNECTIONS_WARN_PCT: expected .*1\.\.100/,
    );
    expect(errorLines({ ...base, HEALTH_DEAD_TUPLE_RATIO_WARN: "20%" })[0]).toMatch(
      /^HEALTH_DEAD_TUPLE_RATIO_WARN: expected a dead-tuple ratio/,
    );
    expect(errorLines({ ...base, HEALTH_DEAD_TUPLE_RATIO_WARN: "0" })[0]).toMatch(/^HEALTH_DEAD_TUPLE_RATIO_WARN/);
    expect(errorLines({ ...base, HEALTH_CONNECTIONS_WARN_PCT: "90", HEALTH_CONNECTIONS_CRIT_PCT: "85" })).toEqual([
      expect.stringMatching(/^HEALTH_CONNECTIONS_CRIT_PCT: must be above/),
    ]);
  });

  it("makes a random per-process session key when none is given (never a well-known one)", () => {
    const a = parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" }).session.secret;
    expect(a).toHaveLength(64);
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/g" }).session.secret).not.toBe(a);
    expect(
      parseConfig({
        DATABASE_URL: "postgresql://u@127.0.0.1/g",
        SESSION_SECRET: "k".repeat(40),
        SESSION_IDLE_MINUTES: "5",
      }).session,
    ).toEqual({
      secret: "k".repeat(40),
      maxAgeSeconds: 8 * 3600,
      idleSeconds: 300,
    });
  });
});
