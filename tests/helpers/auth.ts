import { readFileSync } from "node:fs";
import { importJWK, SignJWT, type JWK } from "jose";
import { sealData } from "iron-session";
import { clientCredentialsToken } from "../../scripts/idp/client";
import { DEMO_ACCOUNTS, LOCAL_API_AUDIENCE, LOCAL_TENANT_ID, issuer } from "../../scripts/idp/config";
import { JWKS_PATH } from "../../scripts/idp/files";

/**
 * Credentials for tests, from the real local OpenID provider (scripts/test.sh starts it and
 * exports ENTRA_* so the console trusts it, as it would trust Entra).
 */

/** A real access token: the client-credentials grant `npm run token` makes. */
export const bearer = async (role: "admin" | "reader") =>
  `Bearer ${await clientCredentialsToken(`geoetl-cli-${role}`)}`;

/**
 * A token signed with the provider's own key but with chosen claims (expired, wrong audience...),
 * to prove the console checks more than the signature.
 */
export async function signedToken(
  claims: Record<string, unknown>,
  opts: { expiresIn?: string | number; alg?: string } = {},
): Promise<string> {
  const jwk = (JSON.parse(readFileSync(JWKS_PATH, "utf8")) as { keys: JWK[] }).keys[0];
  const key = await importJWK(jwk, "RS256");
  const base = {
    iss: issuer(),
    aud: LOCAL_API_AUDIENCE,
    tid: LOCAL_TENANT_ID,
    oid: "0f0f0f0f-0000-4000-8000-000000000001",
    roles: ["GeoAdmin.Admin"],
    ver: "2.0",
  };
  return new SignJWT({ ...base, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: jwk.kid, typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "10m")
    .sign(key);
}

/** The public key of the provider as PEM-ish bytes (for the HS256-with-public-key attack). */
export function providerPublicJwk(): JWK {
  const { kty, n, e, kid } = (JSON.parse(readFileSync(JWKS_PATH, "utf8")) as { keys: JWK[] }).keys[0];
  return { kty, n, e, kid };
}

/** A session cookie as the callback would seal it, for calling server actions directly. */
export async function sessionCookie(
  who: "admin" | "reader" | "norole",
  times: { iat?: number; seen?: number } = {},
): Promise<string> {
  const a = DEMO_ACCOUNTS.find((d) =>
    who === "admin"
      ? d.roles.includes("GeoAdmin.Admin")
      : who === "reader"
        ? d.roles.includes("GeoAdmin.Reader")
        : d.roles.length === 0,
  )!;
  const now = Math.floor(Date.now() / 1000);
  const user = {
    oid: a.oid,
    tid: LOCAL_TENANT_ID,
    name: a.name,
    username: a.username,
    roles: a.roles,
    iat: times.iat ?? now,
    seen: times.seen ?? now,
  };
  return sealData({ user }, { password: process.env.SESSION_SECRET!, ttl: 8 * 3600 });
}
