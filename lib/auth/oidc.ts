import "server-only";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { AppError } from "../api/errors";
import type { AuthConfig } from "../config";
import { log } from "../log";

/**
 * The OpenID authority's metadata and keys, and token verification with jose. msal-node only
 * decodes tokens; every token the console trusts (the ID token at sign-in, bearer tokens on the
 * API) is verified here: RS256 signature against the authority's JWKS, issuer, audience, expiry,
 * not-before. Entra in production, the local provider (scripts/idp) in the demo and tests: same
 * code, the authority URL differs.
 */
export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  [k: string]: unknown;
}

const METADATA_TTL_MS = 60 * 60 * 1000;
const ALGORITHMS = ["RS256"];
const CLOCK_TOLERANCE_S = 60;

interface Cache {
  authority: string;
  at: number;
  metadata: OidcMetadata;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}
const g = globalThis as unknown as { __geoetlOidc?: Cache; __geoetlOidcPending?: Promise<Cache> };

async function load(authority: string): Promise<Cache> {
  let res: Response;
  try {
    res = await fetch(`${authority}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    log.error("OpenID discovery failed", { authority, error: String((err as Error)?.cause ?? err) });
    throw new AppError("service_unavailable", "The sign-in service cannot be reached. Retry in a moment.");
  }
  if (!res.ok)
    throw new AppError(
      "service_unavailable",
      `The sign-in service answered ${res.status} to discovery. Retry in a moment.`,
    );
  const metadata = (await res.json()) as OidcMetadata;
  // The issuer in the metadata must be the authority we were configured with (OpenID Discovery §4.3).
  if (metadata.issuer?.replace(/\/+$/, "") !== authority) {
    throw new AppError(
      "service_unavailable",
      "The sign-in service's metadata names another issuer; check ENTRA_AUTHORITY.",
    );
  }
  return {
    authority,
    at: Date.now(),
    metadata,
    jwks: createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: 5000 }),
  };
}

async function cache(auth: AuthConfig): Promise<Cache> {
  const c = g.__geoetlOidc;
  if (c && c.authority === auth.authority && Date.now() - c.at < METADATA_TTL_MS) return c;
  // One discovery request at a time, whatever the number of concurrent requests.
  g.__geoetlOidcPending ??= load(auth.authority).finally(() => (g.__geoetlOidcPending = undefined));
  g.__geoetlOidc = await g.__geoetlOidcPending;
  return g.__geoetlOidc;
}

export async function oidcMetadata(auth: AuthConfig): Promise<OidcMetadata> {
  return (await cache(auth)).metadata;
}

/** The ID token from the sign-in: for this client, with the nonce this browser was given. */
export async function verifyIdToken(auth: AuthConfig, token: string, nonce: string): Promise<JWTPayload> {
  const { jwks } = await cache(auth);
  const { payload } = await jwtVerify(token, jwks, {
    issuer: auth.authority,
    audience: auth.clientId,
    algorithms: ALGORITHMS,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp", "iat", "oid", "tid"],
  });
  if (payload.nonce !== nonce) throw new Error("nonce mismatch");
  return payload;
}

/**
 * Access tokens already verified, by their text, until they expire (at most VERIFIED_TTL_MS, at
 * most VERIFIED_MAX of them): a script sends the same token on every call, and the RS256
 * verification was most of the guard's cost per request (~0.16 ms of ~0.4). A key the authority
 * withdraws stops unknown tokens at once, and cached ones within VERIFIED_TTL_MS.
 */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 1_000;
const verified = new Map<string, { payload: JWTPayload; until: number }>();

/** A bearer access token for the console's API; null when it does not verify (→ 401). */
export async function verifyAccessToken(auth: AuthConfig, token: string): Promise<JWTPayload | null> {
  const key = `${auth.authority} ${auth.audiences.join(" ")} ${token}`;
  const hit = verified.get(key);
  if (hit && Date.now() < hit.until) return hit.payload;
  if (hit) verified.delete(key);
  const { jwks } = await cache(auth);
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: auth.authority,
      audience: auth.audiences,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["exp", "oid", "tid"],
    });
    // Until its own expiry (no clock tolerance here: the cache never extends a token's life).
    const until = Math.min(Date.now() + VERIFIED_TTL_MS, Number(payload.exp) * 1000);
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(key, { payload, until });
    return payload;
  } catch {
    return null;
  }
}
