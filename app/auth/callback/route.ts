import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { redeemCode } from "@/lib/auth/entra";
import { verifyIdToken } from "@/lib/auth/oidc";
import { signInProblem } from "@/lib/auth/problem";
import { flowCookieName, getSession, unsealFlow } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/**
 * GET /auth/callback?code&state: public (the authority sends the browser here). The state must
 * match this browser's flow cookie (login CSRF), the code is redeemed with the PKCE verifier,
 * and the ID token is verified with jose (signature, issuer, audience, expiry, nonce) before
 * anything of it goes into the session.
 */
export async function GET(req: Request) {
  const cfg = getConfig();
  if (!cfg.auth) return signInProblem("not_configured");
  const url = new URL(req.url);
  const jar = await cookies();
  const flowName = flowCookieName(cfg.origin);
  const flow = await unsealFlow(jar.get(flowName)?.value, cfg.session.secret);
  jar.delete(flowName);
  if (url.searchParams.get("error"))
    return signInProblem("failed", new Error(`authority error: ${url.searchParams.get("error")}`));
  const code = url.searchParams.get("code");
  if (!flow) return signInProblem("expired");
  if (!code || url.searchParams.get("state") !== flow.state) return signInProblem("state", new Error("state mismatch"));
  let claims;
  try {
    const idToken = await redeemCode(cfg.auth, cfg.origin, code, flow);
    claims = await verifyIdToken(cfg.auth, idToken, flow.nonce);
  } catch (err) {
    return signInProblem("failed", err);
  }
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const now = Math.floor(Date.now() / 1000);
  const session = await getSession();
  session.user = {
    oid: String(claims.oid),
    tid: String(claims.tid),
    name: (str(claims.name) ?? str(claims.preferred_username) ?? String(claims.oid)).slice(0, 200),
    username: str(claims.preferred_username)?.slice(0, 200),
    roles: Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === "string").slice(0, 50)
      : [],
    iat: now,
    seen: now,
  };
  await session.save();
  return NextResponse.redirect(`${cfg.origin}${flow.next}`, 303);
}
