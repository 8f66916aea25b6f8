import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type PgstacInstall, pgstacInstallFrom } from "./pgstac/config";

/**
 * The one place the environment is read. parseConfig() is pure (testable with any env);
 * getConfig() parses process.env once and fails with one line per bad variable.
 */

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

const intVar = (what: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
        ctx.addIssue({ code: "custom", message: `expected ${what} (an integer ${range}), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** Hours as a decimal: 0 (off) or between min and max, e.g. 6 or 0.5 (fractions serve tests that cannot wait hours). */
const hoursVar = (what: string, def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return def;
      const n = Number(v);
      if (!/^\d*\.?\d+$/.test(v.trim()) || (n !== 0 && (n < min || n > max))) {
        ctx.addIssue({
          code: "custom",
          message: `expected ${what} (0 turns it off, else a number ${min}..${max}), got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const ratioVar = (what: string, def: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return def;
      const n = Number(v);
      if (!/^\d*\.?\d+$/.test(v.trim()) || !(n > 0 && n <= 1)) {
        ctx.addIssue({
          code: "custom",
          message: `expected ${what} (a number above 0 and at most 1, e.g. 0.2), got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const postgresUrl = z
  .string()
  .optional()
  .refine(
    (v) => {
      if (!v) return true;
      try {
        const u = new URL(v);
        return (u.protocol === "postgresql:" || u.protocol === "postgres:") && u.hostname !== "";
      } catch {
        return false;
      }
    },
    { message: "expected a URL like postgresql://user:password@host:5432/dbname?sslmode=require" },
  );

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: postgresUrl,
  DATABASE_READER_URL: postgresUrl,
  PGHOST: z.string().optional(),
  PGPORT: intVar("a port number", 5432, 1),
  PGUSER: z.string().optional(),
  PGPASSWORD: z.string().optional(),
  PGDATABASE: z.string().optional(),
  PGSSLMODE: z.enum(SSL_MODES, { message: `expected one of ${SSL_MODES.join(", ")}` }).optional(),
  PGSSLROOTCERT: z.string().optional(),
  POSTGIS_USER: z.string().optional(),
  POSTGIS_PASSWORD: z.string().optional(),
  DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID: z.guid({ message: "expected the identity's client id (a UUID)" }).optional(),
  DB_ADMIN_MANAGED_IDENTITY_NAME: z.string().optional(),
  DB_READER_MANAGED_IDENTITY_CLIENT_ID: z.guid({ message: "expected the identity's client id (a UUID)" }).optional(),
  DB_READER_MANAGED_IDENTITY_NAME: z.string().optional(),
  WEBSITE_SITE_NAME: z.string().optional(),
  DB_MAX_CONNECTIONS: intVar("the server's max_connections", 50, 2),
  CONSOLE_INSTANCES: intVar("how many console instances share the database", 1, 1),
  DB_POOL_MAX: intVar("a pool size", 0, 1),
  DB_STATEMENT_TIMEOUT_MS: intVar("milliseconds", 15000, 100),
  // The health page and its own small pool.
  HEALTH_CONNECTIONS_WARN_PCT: intVar("a percentage of max_connections", 80, 1, 100),
  HEALTH_CONNECTIONS_CRIT_PCT: intVar("a percentage of max_connections", 95, 1, 100),
  HEALTH_LONG_QUERY_SECONDS: intVar("seconds", 300, 1, 86_400),
  HEALTH_DEAD_TUPLE_RATIO_WARN: ratioVar("a dead-tuple ratio", 0.2),
  HEALTH_POOL_MAX: intVar("a pool size", 2, 1, 10),
  HEALTH_STATEMENT_TIMEOUT_MS: intVar("milliseconds", 3000, 100, 60_000),
  // Sign-in (Microsoft Entra ID, or the local OpenID provider of the demo and tests).
  CONSOLE_ORIGIN: z
    .string()
    .optional()
    .refine((v) => !v || /^https?:\/\/[^/?#]+$/.test(v), {
      message: "expected the console's public origin, like https://console.example.com (no path)",
    }),
  CONSOLE_EXTRA_HOSTS: z.string().optional(),
  ENTRA_TENANT_ID: z.guid({ message: "expected the directory (tenant) id, a UUID" }).optional(),
  ENTRA_CLIENT_ID: z.guid({ message: "expected the application (client) id, a UUID" }).optional(),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
  ENTRA_CLIENT_CERTIFICATE_THUMBPRINT: z
    .string()
    .regex(/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, {
      message: "expected the certificate's SHA-256 (64 hex) or SHA-1 (40 hex) thumbprint",
    })
    .optional(),
  ENTRA_AUTHORITY: z
    .string()
    .url({ message: "expected an https URL like https://login.microsoftonline.com/<tenant>/v2.0" })
    .optional(),
  ENTRA_API_AUDIENCE: z.string().min(1).optional(),
  ENTRA_ADMIN_ROLE: z.string().min(1).default("GeoAdmin.Admin"),
  ENTRA_READER_ROLE: z.string().min(1).default("GeoAdmin.Reader"),
  SESSION_SECRET: z.string().min(32, { message: "expected at least 32 characters of random secret" }).optional(),
  SESSION_MAX_AGE_HOURS: intVar("hours", 8, 1, 24 * 14),
  SESSION_IDLE_MINUTES: intVar("minutes", 60, 1, 24 * 60),
  STUCK_TASK_MINUTES: intVar("minutes", 10, 1),
  JANITOR_STALE_HOURS: intVar("hours", 24, 1, 24 * 365),
  // Bounded: Node timers overflow past 2^31 ms (~596 h) and would then fire every millisecond.
  ORPHAN_CHECK_INTERVAL_HOURS: hoursVar("hours between checks", 6, 0.001, 500),
  // The failure triage rollup's incremental refresh (lib/failures/rollup.ts); 0 = only on demand.
  FAILURE_ROLLUP_SECONDS: intVar("seconds between refreshes", 60, 0, 86_400),
  // Refused attempts one identity may write to the audit log per minute (then 429, counted in one row).
  AUDIT_REFUSALS_PER_MINUTE: intVar("refused attempts per identity per minute", 30, 1, 100_000),
  // Audit log months older than this are what the retention operation drops (never automatically).
  AUDIT_RETENTION_MONTHS: intVar("months", 24, 1, 1200),
  ALLOW_DESTRUCTIVE_MAINTENANCE: z.enum(["true", "false"], { message: 'expected "true" or "false"' }).default("false"),
  PGSTAC_MIGRATIONS_DIR: z.string().min(1).optional(),
  PGSTAC_TARGET_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: "expected a pgSTAC version like 0.9.8" })
    .optional(),
  PGSTAC_SQL_FILE: z.string().min(1).optional(),
  PGSTAC_MIGRATE_COMMAND: z.string().min(1).optional(),
  BASEMAP_STYLE_URL: z.string().url({ message: "expected a URL of a MapLibre style JSON" }).optional(),
  // Benchmarks only (scripts/loadtest.ts): the anonymous /api/bench twins of the JSON routes.
  BENCH_BARE_ROUTES: z.enum(["0", "1"], { message: 'expected "0" or "1"' }).default("0"),
});

export type DbAuth =
  | { kind: "password"; password?: string }
  | { kind: "managed-identity"; clientId?: string; assigned: "user" | "system" };

export interface DbTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  auth: DbAuth;
  sslMode: SslMode;
  sslRootCert?: string;
}

export interface Config {
  nodeEnv: "development" | "production" | "test";
  admin: DbTarget;
  reader: DbTarget;
  poolMax: number;
  statementTimeoutMs: number;
  /** What the reader and admin pools were sized from, for the health page. */
  connectionBudget: { maxConnections: number; instances: number; perInstance: number; poolMaxOverridden: boolean };
  health: HealthConfig;
  /** Where the console is served: the redirect URI, the Host check, the CSRF check, cookie names. */
  origin: string;
  /** Host header values accepted besides the origin's (e.g. localhost:3000 for the demo). */
  allowedHosts: string[];
  auth: AuthConfig | null;
  /** Why sign-in is not configured (only outside production; production refuses to start). */
  authMissing?: string;
  session: { secret: string; maxAgeSeconds: number; idleSeconds: number };
  stuckTaskMinutes: number;
  /** /activity warns when a janitor run type's last successful run is older than this. */
  janitorStaleHours: number;
  auditRefusalsPerMinute: number;
  auditRetentionMonths: number;
  /** Schema-destroying maintenance (redeploy, full rebuild, pgSTAC redeploy, clear STAC): development only. */
  allowDestructiveMaintenance: boolean;
  /** How pgSTAC is installed and migrated (lib/pgstac/config.ts). */
  pgstacInstall: PgstacInstall | null;
  orphanCheckIntervalHours: number;
  /** Seconds between the failure rollup's incremental refreshes (0 = off: only on demand). */
  failureRollupSeconds: number;
  /** The anonymous /api/bench twins answer (benchmarks on loopback only; never in a deployment). */
  benchBareRoutes: boolean;
  basemapStyleUrl?: string;
}

export interface HealthConfig {
  /** Connections in use, as a percentage of max_connections: warning above, critical above. */
  connectionsWarnPct: number;
  connectionsCritPct: number;
  /** A query (or an open transaction) older than this is "long-running". */
  longQuerySeconds: number;
  /** Dead tuples / (live + dead) above this flags a table for vacuum. */
  deadTupleRatioWarn: number;
  /** The health pool: its own connections, so a busy reader pool never fails the load balancer's probe. */
  poolMax: number;
  statementTimeoutMs: number;
}

export interface AuthConfig {
  tenantId: string;
  clientId: string;
  credential: { kind: "secret"; secret: string } | { kind: "certificate"; path: string; thumbprint: string };
  /** OpenID authority = the expected token issuer (Entra v2: https://login.microsoftonline.com/<tenant>/v2.0). */
  authority: string;
  /** Audiences accepted on bearer tokens: the API's app id URI and the client id. */
  audiences: string[];
  roles: { admin: string; reader: string };
}

export class ConfigError extends Error {
  constructor(public readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const AZURE_TOKEN_USER_HINT = "DB_ADMIN_MANAGED_IDENTITY_NAME (the PostgreSQL role of the identity)";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function fromUrl(raw: string, env: z.infer<typeof EnvSchema>): Omit<DbTarget, "auth"> & { password?: string } {
  const u = new URL(raw);
  const sslMode = (u.searchParams.get("sslmode") ?? env.PGSSLMODE ?? "prefer") as SslMode;
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
    sslMode,
    sslRootCert: u.searchParams.get("sslrootcert") ?? env.PGSSLROOTCERT,
  };
}

export function parseConfig(raw: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];

  // The admin connection: DATABASE_URL, else the libpq PG* variables.
  let base: (Omit<DbTarget, "auth"> & { password?: string }) | undefined;
  if (env.DATABASE_URL) base = fromUrl(env.DATABASE_URL, env);
  else if (env.PGHOST)
    base = {
      host: env.PGHOST,
      port: env.PGPORT,
      user: env.PGUSER ?? env.POSTGIS_USER ?? "",
      password: env.PGPASSWORD,
      database: env.PGDATABASE ?? "postgres",
      sslMode: env.PGSSLMODE ?? "prefer",
      sslRootCert: env.PGSSLROOTCERT,
    };
  if (!base) {
    throw new ConfigError([
      "DATABASE_URL: expected postgresql://user:password@host:5432/dbname (or set PGHOST, PGUSER, PGDATABASE)",
    ]);
  }
  if (!SSL_MODES.includes(base.sslMode)) {
    problems.push(`DATABASE_URL: sslmode "${base.sslMode}" is not one of ${SSL_MODES.join(", ")}`);
  }
  if (base.sslMode === "verify-ca" && !base.sslRootCert) {
    problems.push("PGSSLROOTCERT: sslmode=verify-ca needs sslrootcert (the CA bundle file)");
  }

  // The pipeline's credential priority chain: user-assigned MI, else system-assigned MI (on Azure), else password.
  let adminAuth: DbAuth;
  let adminUser = base.user;
  if (env.DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID) {
    adminAuth = { kind: "managed-identity", clientId: env.DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID, assigned: "user" };
    adminUser = env.DB_ADMIN_MANAGED_IDENTITY_NAME ?? base.user;
  } else if (env.WEBSITE_SITE_NAME) {
    adminAuth = { kind: "managed-identity", assigned: "system" };
    adminUser = env.DB_ADMIN_MANAGED_IDENTITY_NAME ?? base.user;
  } else {
    const password = base.password ?? env.POSTGIS_PASSWORD;
    const local = LOOPBACK.has(base.host) || base.host.startsWith("/");
    if (!password && !local) {
      problems.push(
        "DATABASE_URL: no way to authenticate: set DB_ADMIN_MANAGED_IDENTITY_CLIENT_ID (managed identity), run on Azure (WEBSITE_SITE_NAME), or give a password",
      );
    }
    adminAuth = { kind: "password", password };
    if (!adminUser && env.POSTGIS_USER) adminUser = env.POSTGIS_USER;
  }
  if (adminAuth.kind === "managed-identity" && !adminUser) {
    problems.push(`${AZURE_TOKEN_USER_HINT}: required with managed identity`);
  }
  const admin: DbTarget = { ...stripPassword(base), user: adminUser, auth: adminAuth };

  // The reader connection: its own URL and/or identity; falls back to the admin target.
  let reader: DbTarget = admin;
  if (env.DATABASE_READER_URL || env.DB_READER_MANAGED_IDENTITY_CLIENT_ID) {
    const rb = env.DATABASE_READER_URL ? fromUrl(env.DATABASE_READER_URL, env) : { ...base };
    if (env.DB_READER_MANAGED_IDENTITY_CLIENT_ID) {
      reader = {
        ...stripPassword(rb),
        user: env.DB_READER_MANAGED_IDENTITY_NAME ?? rb.user,
        auth: { kind: "managed-identity", clientId: env.DB_READER_MANAGED_IDENTITY_CLIENT_ID, assigned: "user" },
      };
    } else {
      reader = { ...stripPassword(rb), auth: { kind: "password", password: rb.password } };
    }
  }

  // The pipeline's connection budget: max_connections x 0.5, spread over instances and both pools.
  const budget = Math.max(2, Math.floor((env.DB_MAX_CONNECTIONS * 0.5) / env.CONSOLE_INSTANCES));
  const poolMax = env.DB_POOL_MAX || Math.max(1, Math.floor(budget / 2));

  const production = env.NODE_ENV === "production";

  if (env.HEALTH_CONNECTIONS_CRIT_PCT <= env.HEALTH_CONNECTIONS_WARN_PCT) {
    problems.push(
      `HEALTH_CONNECTIONS_CRIT_PCT: must be above HEALTH_CONNECTIONS_WARN_PCT (${env.HEALTH_CONNECTIONS_WARN_PCT}); got ${env.HEALTH_CONNECTIONS_CRIT_PCT}`,
    );
  }

  // A managed identity's token is a password that works on every database it may reach: it only
  // travels over TLS that checks the server's name.
  for (const [name, t] of [
    ["DATABASE_URL", admin],
    ["DATABASE_READER_URL", reader === admin ? undefined : reader],
  ] as const) {
    if (t?.auth.kind === "managed-identity" && t.sslMode !== "verify-full") {
      problems.push(
        `${name}: a managed identity needs sslmode=verify-full (its token must not travel unencrypted or to an unchecked server); got ${t.sslMode}`,
      );
    }
  }

  // The console's public origin.
  if (!env.CONSOLE_ORIGIN && production)
    problems.push("CONSOLE_ORIGIN: required in production (e.g. https://geoetl-console.example.com)");
  const origin = env.CONSOLE_ORIGIN ?? "http://localhost:3000";
  // The bench twins answer anyone with data and no sign-in: only a console on loopback may have them.
  if (env.BENCH_BARE_ROUTES === "1" && !["127.0.0.1", "localhost", "[::1]"].includes(new URL(origin).hostname))
    problems.push(`BENCH_BARE_ROUTES: only for benchmarks on a loopback CONSOLE_ORIGIN; got ${origin}`);
  const allowedHosts = [
    new URL(origin).host,
    ...(env.CONSOLE_EXTRA_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  ];

  // Sign-in: every ENTRA_* value, or (outside production) none.
  let auth: AuthConfig | null = null;
  let authMissing: string | undefined;
  const missing: string[] = (["ENTRA_TENANT_ID", "ENTRA_CLIENT_ID"] as const).filter((k) => !env[k]);
  if (!env.ENTRA_CLIENT_SECRET && !env.ENTRA_CLIENT_CERTIFICATE_PATH) missing.push("ENTRA_CLIENT_SECRET");
  if (missing.length) {
    authMissing = `set ${missing.join(", ")}`;
    if (production)
      for (const k of missing)
        problems.push(
          `${k}: required (sign-in with Microsoft Entra ID)${k === "ENTRA_CLIENT_SECRET" ? "; or ENTRA_CLIENT_CERTIFICATE_PATH + ENTRA_CLIENT_CERTIFICATE_THUMBPRINT" : ""}`,
        );
  } else {
    let credential: AuthConfig["credential"];
    if (env.ENTRA_CLIENT_CERTIFICATE_PATH) {
      if (!env.ENTRA_CLIENT_CERTIFICATE_THUMBPRINT)
        problems.push("ENTRA_CLIENT_CERTIFICATE_THUMBPRINT: required with ENTRA_CLIENT_CERTIFICATE_PATH");
      credential = {
        kind: "certificate",
        path: env.ENTRA_CLIENT_CERTIFICATE_PATH,
        thumbprint: env.ENTRA_CLIENT_CERTIFICATE_THUMBPRINT ?? "",
      };
    } else credential = { kind: "secret", secret: env.ENTRA_CLIENT_SECRET! };
    const authority = (env.ENTRA_AUTHORITY ?? `https://login.microsoftonline.com/${env.ENTRA_TENANT_ID}/v2.0`).replace(
      /\/+$/,
      "",
    );
    if (!authority.startsWith("https://"))
      problems.push("ENTRA_AUTHORITY: expected an https URL (tokens and keys are only fetched over TLS)");
    const clientId = env.ENTRA_CLIENT_ID!;
    auth = {
      tenantId: env.ENTRA_TENANT_ID!,
      clientId,
      credential,
      authority,
      audiences: [...new Set([env.ENTRA_API_AUDIENCE ?? `api://${clientId}`, clientId])],
      roles: { admin: env.ENTRA_ADMIN_ROLE, reader: env.ENTRA_READER_ROLE },
    };
  }

  // The session key: required in production; elsewhere a random per-process key (sessions then
  // end at restart, and nobody can forge a cookie with a well-known secret).
  if (!env.SESSION_SECRET && production)
    problems.push("SESSION_SECRET: required in production (32+ random characters)");
  const session = {
    secret: env.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    maxAgeSeconds: env.SESSION_MAX_AGE_HOURS * 3600,
    idleSeconds: env.SESSION_IDLE_MINUTES * 60,
  };

  const pgstacInstall = pgstacInstallFrom(env, problems);

  if (problems.length) throw new ConfigError(problems);

  return {
    nodeEnv: env.NODE_ENV,
    admin,
    reader,
    poolMax,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    connectionBudget: {
      maxConnections: env.DB_MAX_CONNECTIONS,
      instances: env.CONSOLE_INSTANCES,
      perInstance: budget,
      poolMaxOverridden: !!env.DB_POOL_MAX,
    },
    health: {
      connectionsWarnPct: env.HEALTH_CONNECTIONS_WARN_PCT,
      connectionsCritPct: env.HEALTH_CONNECTIONS_CRIT_PCT,
      longQuerySeconds: env.HEALTH_LONG_QUERY_SECONDS,
      deadTupleRatioWarn: env.HEALTH_DEAD_TUPLE_RATIO_WARN,
      poolMax: env.HEALTH_POOL_MAX,
      statementTimeoutMs: env.HEALTH_STATEMENT_TIMEOUT_MS,
    },
    origin,
    allowedHosts,
    auth,
    authMissing,
    session,
    stuckTaskMinutes: env.STUCK_TASK_MINUTES,
    janitorStaleHours: env.JANITOR_STALE_HOURS,
    allowDestructiveMaintenance: env.ALLOW_DESTRUCTIVE_MAINTENANCE === "true",
    auditRefusalsPerMinute: env.AUDIT_REFUSALS_PER_MINUTE,
    auditRetentionMonths: env.AUDIT_RETENTION_MONTHS,
    pgstacInstall,
    orphanCheckIntervalHours: env.ORPHAN_CHECK_INTERVAL_HOURS,
    failureRollupSeconds: env.FAILURE_ROLLUP_SECONDS,
    basemapStyleUrl: env.BASEMAP_STYLE_URL,
    benchBareRoutes: env.BENCH_BARE_ROUTES === "1",
  };
}

function stripPassword<T extends { password?: string }>(t: T): Omit<T, "password"> {
  const { password: _ignored, ...rest } = t;
  return rest;
}

/** Reads a CA file named by sslrootcert; a clear error when it is missing. */
export function readCaFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new ConfigError([`sslrootcert: cannot read the CA bundle at ${path}`]);
  }
}

let cached: Config | undefined;
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests only: parse process.env again on the next getConfig(). */
export function resetConfigCache(): void {
  cached = undefined;
}
