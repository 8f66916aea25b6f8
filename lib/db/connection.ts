import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import type { PoolConfig } from "pg";
import { tolerantTypes } from "./timestamps";
import type { ConnectionOptions } from "node:tls";
import { readCaFile, type DbTarget, type SslMode } from "../config";

/** Scope of Azure Database for PostgreSQL's Entra tokens. */
export const AZURE_PG_SCOPE = "https://ossrdbms-aad.database.windows.net/.default";

export type CredentialFactory = (clientId?: string) => TokenCredential;

/** Default: @azure/identity's ManagedIdentityCredential (user-assigned when a client id is given). */
export const managedIdentityCredential: CredentialFactory = (clientId) =>
  clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();

/**
 * pg's `password` for a target: a string, or, with managed identity, an async function that pg
 * calls for every new connection, so each connection gets a fresh (cached-until-near-expiry) token.
 */
export function passwordFor(
  target: DbTarget,
  credentials: CredentialFactory = managedIdentityCredential,
): string | (() => Promise<string>) | undefined {
  if (target.auth.kind === "password") return target.auth.password;
  const credential = credentials(target.auth.clientId);
  return async () => {
    const token = await credential.getToken(AZURE_PG_SCOPE);
    if (!token?.token) throw new Error("Managed identity returned no token for Azure PostgreSQL");
    return token.token;
  };
}

/** libpq sslmode → node TLS options. */
export function sslFor(mode: SslMode, rootCert?: string): boolean | ConnectionOptions {
  switch (mode) {
    case "disable":
    case "allow":
    case "prefer":
      // pg has no opportunistic TLS: "prefer"/"allow" connect in clear, like libpq on a server without TLS.
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      // Trust the CA but not the host name (libpq semantics).
      return {
        rejectUnauthorized: true,
        ca: rootCert ? readCaFile(rootCert) : undefined,
        checkServerIdentity: () => undefined,
      };
    case "verify-full":
      return { rejectUnauthorized: true, ca: rootCert ? readCaFile(rootCert) : undefined };
  }
}

export function poolConfigFor(
  target: DbTarget,
  opts: {
    max: number;
    statementTimeoutMs: number;
    applicationName: string;
    lockTimeoutMs?: number;
    connectionTimeoutMs?: number;
  },
  credentials?: CredentialFactory,
): PoolConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: passwordFor(target, credentials),
    ssl: sslFor(target.sslMode, target.sslRootCert),
    max: opts.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000,
    statement_timeout: opts.statementTimeoutMs,
    ...(opts.lockTimeoutMs ? { lock_timeout: opts.lockTimeoutMs } : {}),
    application_name: opts.applicationName,
    // ±infinity and out-of-range timestamps stay PostgreSQL's text instead of breaking Date (lib/db/timestamps.ts).
    types: tolerantTypes,
  };
}
