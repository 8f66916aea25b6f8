import { createHmac } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { bearer, providerPublicJwk, sessionCookie, signedToken } from "../helpers/auth";
import { setAuthorization, setCookie } from "../helpers/next-headers";
import { LOCAL_CLIENT_ID } from "../../scripts/idp/config";

/**
 * The guard against the real local OpenID provider: tokens are verified with jose against its
 * JWKS over HTTPS, exactly as against Entra. Only next/headers is a stand-in (no Next request
 * scope in Vitest).
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
const { getCurrentUser, requireRole } = await import("@/lib/auth/guard");

async function asBearer(token: string | null) {
  setCookie("geoetl_session", null);
  setAuthorization(token);
  return getCurrentUser();
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("bearer tokens", () => {
  it("accepts the provider's client-credentials tokens, with the role from the app roles", async () => {
    expect(await asBearer(await bearer("reader"))).toMatchObject({
      role: "reader",
      via: "bearer",
      name: "geoetl-cli-reader",
    });
    expect(await asBearer(await bearer("admin"))).toMatchObject({ role: "admin", via: "bearer" });
    expect(await asBearer(`Bearer ${await signedToken({ roles: [] })}`)).toMatchObject({ role: null });
  });

  it("refuses expired, not-yet-valid, wrong-audience, wrong-issuer and wrong-tenant tokens", async () => {
    const cases: Record<string, string> = {
      expired: await signedToken({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
      "not yet valid": await signedToken({ nbf: Math.floor(Date.now() / 1000) + 3600 }),
      "wrong audience": await signedToken({ aud: "api://someone-else" }),
      "wrong issuer": await signedToken({
        iss: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
      }),
      "no oid": await signedToken({ oid: undefined }),
    };
    for (const [what, token] of Object.entries(cases)) expect(await asBearer(`Bearer ${token}`), what).toBeNull();
    // The client id is an accepted audience too (Entra v2 tokens for the app itself).
    expect(await asBearer(`Bearer ${await signedToken({ aud: LOCAL_CLIENT_ID })}`)).toMatchObject({ role: "admin" });
  });

  it("refuses alg none, HS256 signed with the public key, a tampered payload and garbage", async () => {
    const claims = {
      iss: process.env.ENTRA_AUTHORITY,
      aud: `api://${LOCAL_CLIENT_ID}`,
      oid: "x",
      tid: "y",
      roles: ["GeoAdmin.Admin"],
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
    const pub = providerPublicJwk();
    const hsInput = `${b64({ alg: "HS256", typ: "JWT", kid: pub.kid })}.${b64(claims)}`;
    const hs = `${hsInput}.${createHmac("sha256", JSON.stringify(pub)).update(hsInput).digest("base64url")}`;
    const good = await signedToken({ roles: ["GeoAdmin.Reader"] });
    const [h, , s] = good.split(".");
    const tampered = `${h}.${b64({ ...claims, roles: ["GeoAdmin.Admin"] })}.${s}`;
    for (const [what, token] of Object.entries({ none, hs, tampered, garbage: "Fe26.2**forged" })) {
      expect(await asBearer(`Bearer ${token}`), what).toBeNull();
    }
    expect(await asBearer("Basic YWRtaW46YWRtaW4=")).toBeNull();
  });

  it("remembers a verified token only as itself: a tampered copy, or another audience, is verified again", async () => {
    const { verifyAccessToken } = await import("@/lib/auth/oidc");
    const { getConfig } = await import("@/lib/config");
    const auth = getConfig().auth!;
    const good = await signedToken({ roles: ["GeoAdmin.Reader"] });
    expect(await verifyAccessToken(auth, good)).toMatchObject({ roles: ["GeoAdmin.Reader"] });
    expect(await verifyAccessToken(auth, good)).toMatchObject({ roles: ["GeoAdmin.Reader"] }); // remembered
    const [h, p, s] = good.split(".");
    const forged = `${h}.${b64({ ...JSON.parse(Buffer.from(p, "base64url").toString()), roles: ["GeoAdmin.Admin"] })}.${s}`;
    expect(await verifyAccessToken(auth, forged)).toBeNull();
    expect(await verifyAccessToken(auth, `${good.slice(0, -2)}AA`)).toBeNull();
    expect(await verifyAccessToken({ ...auth, audiences: ["api://someone-else"] }, good)).toBeNull();
    // An expired token is refused whether or not a fresher one with the same claims was seen.
    const expired = await signedToken(
      { roles: ["GeoAdmin.Reader"] },
      { expiresIn: Math.floor(Date.now() / 1000) - 3600 },
    );
    expect(await verifyAccessToken(auth, expired)).toBeNull();
  });

  it("turns a missing or refused token into 401 and a reader into 403 on admin work", async () => {
    setCookie("geoetl_session", null);
    setAuthorization(null);
    await expect(requireRole("reader")).rejects.toMatchObject({ status: 401 });
    setAuthorization(await bearer("reader"));
    await expect(requireRole("admin")).rejects.toMatchObject({ status: 403 });
    setAuthorization(`Bearer ${await signedToken({ roles: [] })}`);
    await expect(requireRole("reader")).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/no role/),
    });
  });
});

describe("session cookies", () => {
  const now = Math.floor(Date.now() / 1000);
  async function asSession(value: string | null) {
    setAuthorization(null);
    setCookie("geoetl_session", value);
    return getCurrentUser();
  }

  it("a fresh session is the signed-in person with their role", async () => {
    expect(await asSession(await sessionCookie("admin"))).toMatchObject({
      name: "Ada Admin",
      role: "admin",
      via: "session",
    });
    expect(await asSession(await sessionCookie("reader"))).toMatchObject({ role: "reader" });
    expect(await asSession(await sessionCookie("norole"))).toMatchObject({ role: null });
  });

  it("ends after the idle timeout (60 min) and after the absolute lifetime (8 h), whatever the activity", async () => {
    expect(await asSession(await sessionCookie("admin", { seen: now - 61 * 60 }))).toBeNull();
    expect(await asSession(await sessionCookie("admin", { iat: now - 8 * 3600 - 1, seen: now }))).toBeNull();
    expect(await asSession(await sessionCookie("admin", { iat: now - 7 * 3600, seen: now - 59 * 60 }))).not.toBeNull();
  });

  it("refuses a cookie sealed with another key or tampered with", async () => {
    const good = await sessionCookie("admin");
    expect(await asSession(`${good.slice(0, -4)}AAAA`)).toBeNull();
    expect(await asSession("Fe26.2**forged")).toBeNull();
  });
});
