import { NextResponse } from "next/server";
import { toAppError } from "@/lib/api/errors";
import { startSignIn } from "@/lib/auth/entra";
import { safeNextPath } from "@/lib/auth/next-path";
import { FLOW_TTL_SECONDS, flowCookieName, sealFlow } from "@/lib/auth/session";
import { signInProblem } from "@/lib/auth/problem";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/**
 * GET /auth/sign-in?next=/path: public (it is how one signs in). Starts the authorization code
 * flow: PKCE verifier, state and nonce go into a sealed 10-minute cookie, the browser goes to
 * the authority's authorize endpoint. On another accepted host name (localhost vs 127.0.0.1) it
 * first moves to the configured origin, where the callback and the session cookie live.
 */
export async function GET(req: Request) {
  const cfg = getConfig();
  const url = new URL(req.url);
  const next = safeNextPath(url.searchParams.get("next"));
  const host = req.headers.get("host");
  if (host && host.toLowerCase() !== new URL(cfg.origin).host) {
    return NextResponse.redirect(`${cfg.origin}/auth/sign-in?next=${encodeURIComponent(next)}`, 303);
  }
  if (!cfg.auth) return signInProblem("not_configured");
  try {
    const flow = await startSignIn(cfg.auth, cfg.origin);
    const res = NextResponse.redirect(flow.url, 303);
    res.cookies.set(
      flowCookieName(cfg.origin),
      await sealFlow({ state: flow.state, nonce: flow.nonce, verifier: flow.verifier, next }, cfg.session.secret),
      {
        httpOnly: true,
        secure: cfg.origin.startsWith("https://"),
        sameSite: "lax",
        path: "/",
        maxAge: FLOW_TTL_SECONDS,
      },
    );
    return res;
  } catch (err) {
    return signInProblem(toAppError(err).code === "service_unavailable" ? "unreachable" : "failed", err);
  }
}
