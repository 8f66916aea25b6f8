import { NextResponse, type NextRequest } from "next/server";
import { sealData, unsealData } from "iron-session";
import { getConfig } from "@/lib/config";
import { sessionCookieName, sessionExpiry, type SessionData } from "@/lib/auth/session-rules";
import { assertSameOrigin, SAFE_METHODS } from "@/lib/auth/csrf";
import { recordCrossSite } from "@/lib/auth/cross-site";
import { userOfSession } from "@/lib/auth/guard";
import type { User } from "@/lib/auth/permissions";
import {
  apiSecurityHeaders,
  contentSecurityPolicy,
  hostAllowed,
  NONCE_HEADER,
  REQUEST_ID_HEADER,
  securityHeaders,
} from "@/lib/security/headers";

/**
 * Not a guard: every page, route handler and action checks the caller itself. For every page,
 * server action and sign-in request (not /api/: see the matcher) it (1) refuses a Host that is not the console's (DNS rebinding), (2) sets the security headers
 * with a fresh CSP nonce, (3) slides the session's idle timeout, and (4) tells pages which URL
 * was asked for, so sign-in can come back to it.
 */
export const PATH_HEADER = "x-console-path";
const SEEN_REFRESH_S = 60;

export async function proxy(req: NextRequest) {
  const cfg = getConfig();
  if (!hostAllowed(req.headers.get("host"), cfg.allowedHosts)) {
    return NextResponse.json(
      { error: { code: "misdirected", message: `This console answers on ${cfg.origin} only.` } },
      { status: 421 },
    );
  }

  // Server actions are plain POSTs to page paths: the same cross-site rule as the route handlers
  // (apiRoute), answered the same way (403 JSON, audited against the session it carried). Next's
  // own Origin check would answer a foreign Origin with a 500 and let a missing one through.
  if (!SAFE_METHODS.has(req.method) && !req.nextUrl.pathname.startsWith("/auth/")) {
    try {
      assertSameOrigin(req, cfg.origin, sessionCookieName(cfg.origin));
    } catch (err) {
      const requestId = crypto.randomUUID();
      let status = 403;
      let body: unknown = { error: { code: "forbidden", message: (err as Error).message, reason: "cross_site" } };
      try {
        await recordCrossSite(req, "action", requestId, await sessionUser(req, cfg));
      } catch (limited) {
        // Past the refusal limit: 429, as everywhere.
        status = 429;
        body = { error: { code: "too_many_requests", message: (limited as Error).message } };
      }
      const res = NextResponse.json(body, { status });
      for (const [k, v] of Object.entries(apiSecurityHeaders({ https: cfg.origin.startsWith("https://") })))
        res.headers.set(k, v);
      res.headers.set(REQUEST_ID_HEADER, requestId);
      return res;
    }
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, {
    dev: cfg.nodeEnv === "development",
    basemapStyleUrl: cfg.basemapStyleUrl,
  });
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, `${req.nextUrl.pathname}${req.nextUrl.search}`);
  // Next reads the nonce from the request's CSP header and puts it on its scripts.
  headers.set("content-security-policy", csp);
  headers.set(NONCE_HEADER, nonce);
  // Our own id: a client-sent one is not trusted (it would end up in the audit log).
  headers.set(REQUEST_ID_HEADER, crypto.randomUUID());
  const res = NextResponse.next({ request: { headers } });
  for (const [k, v] of Object.entries(securityHeaders({ csp, https: cfg.origin.startsWith("https://") })))
    res.headers.set(k, v);

  await slideSession(req, res, cfg);
  return res;
}

/** The caller a session cookie names, when it is valid (for the audit row of a refusal). */
async function sessionUser(req: NextRequest, cfg: ReturnType<typeof getConfig>): Promise<User | null> {
  const raw = req.cookies.get(sessionCookieName(cfg.origin))?.value;
  if (!raw) return null;
  const opts = { password: cfg.session.secret, ttl: cfg.session.maxAgeSeconds };
  return userOfSession((await unsealData<SessionData>(raw, opts).catch(() => ({}) as SessionData)).user);
}

/** Re-seals a valid session with a new "last seen" (at most once a minute); expired ones are left to the guard. */
async function slideSession(req: NextRequest, res: NextResponse, cfg: ReturnType<typeof getConfig>) {
  const name = sessionCookieName(cfg.origin);
  const raw = req.cookies.get(name)?.value;
  if (!raw) return;
  const opts = { password: cfg.session.secret, ttl: cfg.session.maxAgeSeconds };
  const data = await unsealData<SessionData>(raw, opts).catch(() => ({}) as SessionData);
  const user = data.user;
  const now = Math.floor(Date.now() / 1000);
  if (!user || sessionExpiry(user, cfg.session, now) || now - user.seen < SEEN_REFRESH_S) return;
  res.cookies.set(name, await sealData({ user: { ...user, seen: now } }, opts), {
    httpOnly: true,
    sameSite: "lax",
    secure: cfg.origin.startsWith("https://"),
    path: "/",
    maxAge: Math.max(1, cfg.session.maxAgeSeconds - (now - user.iat)),
  });
}

// Not /api/: route handlers get the Host check, request id and headers from apiRoute (lib/api/respond.ts),
// at a fraction of what Next's proxy machinery costs per request. So API calls (a page's own polling
// included) do not slide the session's idle timeout: only navigation and server actions count as activity.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"] };
