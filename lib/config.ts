import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

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
  AUTH_MODE: z.enum(["local", "entra"], { message: 'expected "local" (development sign-in) or "entra"' }).default("local"),
  SESSION_SECRET: z.string().min(32, { message: "expected at least 32 characters of random secret" }).optional(),
  LOCAL_AUTH_SECRET: z.string().min(32, { message: "expected at least 32 characters" }).optional(),
  ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD: z.enum(["0", "1"]).default("0"),
  STUCK_TASK_MINUTES: intVar("minutes", 10, 1),
  // Bounded: Node timers overflow past 2^31 ms (~596 h) and would then fire every millisecond.
  ORPHAN_CHECK_INTERVAL_HOURS: intVar("hours (0 turns the check off)", 6, 0, 500),
  BASEMAP_STYLE_URL: z.string().url({ message: "expected a URL of a MapLibre style JSON" }).optional(),
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
  authMode: "local" | "entra";
  sessionSecret: string;
  localAuth: { enabled: boolean; secret?: string; refusal?: string };
  stuckTaskMinutes: number;
  orphanCheckIntervalHours: number;
  basemapStyleUrl?: string;
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

  // seeds/003 priority chain: user-assigned MI, else system-assigned MI (on Azure), else password.
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
  if (adminAuth.kind === "managed-identity" && (base.sslMode === "disable" || base.sslMode === "allow")) {
    problems.push("DATABASE_URL: Azure needs TLS: use sslmode=require or verify-full with managed identity");
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

  // seeds/000 connection budget: max_connections x 0.5, spread over instances and both pools.
  const budget = Math.max(2, Math.floor((env.DB_MAX_CONNECTIONS * 0.5) / env.CONSOLE_INSTANCES));
  const poolMax = env.DB_POOL_MAX || Math.max(1, Math.floor(budget / 2));

  const production = env.NODE_ENV === "production";

  // Local sign-in and local bearer tokens: development only, on a loopback database only.
  let refusal: string | undefined;
  if (env.AUTH_MODE !== "local") refusal = "AUTH_MODE is not local";
  else if (production && env.ALLOW_LOCAL_AUTH_IN_PRODUCTION_BUILD !== "1") refusal = "NODE_ENV is production";
  else if (env.WEBSITE_SITE_NAME) refusal = "running on Azure (WEBSITE_SITE_NAME is set)";
  else if (!(LOOPBACK.has(admin.host) || admin.host.startsWith("/"))) refusal = "the database is not on this machine";
  if (env.AUTH_MODE === "local" && refusal && refusal !== "AUTH_MODE is not local" && production) {
    problems.push(`AUTH_MODE: local sign-in is refused because ${refusal}; set AUTH_MODE=entra`);
  }

  // The session key. A well-known development key only where local sign-in is allowed anyway;
  // anywhere else a random per-process key, so nobody can forge a cookie with a public secret.
  let sessionSecret = env.SESSION_SECRET;
  if (!sessionSecret) {
    if (production && env.AUTH_MODE === "entra") problems.push("SESSION_SECRET: required in production (32+ random characters)");
    sessionSecret = !refusal
      ? (env.LOCAL_AUTH_SECRET ?? "geoetl-local-development-session-secret-not-for-production")
      : randomBytes(32).toString("hex");
  }

  if (problems.length) throw new ConfigError(problems);

  return {
    nodeEnv: env.NODE_ENV,
    admin,
    reader,
    poolMax,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    authMode: env.AUTH_MODE,
    sessionSecret,
    localAuth: { enabled: !refusal, secret: env.LOCAL_AUTH_SECRET, refusal },
    stuckTaskMinutes: env.STUCK_TASK_MINUTES,
    orphanCheckIntervalHours: env.ORPHAN_CHECK_INTERVAL_HOURS,
    basemapStyleUrl: env.BASEMAP_STYLE_URL,
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
