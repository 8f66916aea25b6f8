/**
 * The session cookie's content and its two time limits. No server-only imports: proxy.ts uses
 * these too (it slides the idle timeout).
 *
 * The session lives in an encrypted cookie (iron-session), so any console instance can serve any
 * request. It holds only who the person is and when they signed in / were last seen: the role is
 * derived from `roles` on every request.
 */
export interface SessionUser {
  oid: string;
  tid: string;
  name: string;
  username?: string;
  roles: string[];
  /** Sign-in time (seconds): the absolute lifetime counts from here. */
  iat: number;
  /** Last request seen (seconds): the idle timeout counts from here; refreshed by proxy.ts. */
  seen: number;
}

export interface SessionData {
  user?: SessionUser;
}

/** Over HTTPS the cookie is `__Host-` (Secure, no Domain, Path=/): a sibling subdomain cannot set it. */
export function sessionCookieName(origin: string): string {
  return origin.startsWith("https://") ? "__Host-geoetl_session" : "geoetl_session";
}

/** Why a session is no longer valid, or null while it is. Pure: unit-tested. */
export function sessionExpiry(
  user: Pick<SessionUser, "iat" | "seen">,
  limits: { maxAgeSeconds: number; idleSeconds: number },
  now = Math.floor(Date.now() / 1000),
): "absolute" | "idle" | null {
  if (!Number.isFinite(user.iat) || now - user.iat >= limits.maxAgeSeconds) return "absolute";
  if (!Number.isFinite(user.seen) || now - user.seen >= limits.idleSeconds) return "idle";
  return null;
}
