import "server-only";
import { headers } from "next/headers";
import { AppError } from "../api/errors";
import { getConfig } from "../config";
import { verifyAccessToken } from "./oidc";
import { hasRole, roleFromClaims, type Role, type User } from "./permissions";
import { getSession, sessionExpiry } from "./session";
import type { SessionData } from "./session-rules";

/**
 * The auth guard. Every layout, page, route handler and server action calls requireUser() or
 * requireRole() itself, first thing: a proxy or a layout alone protects nothing, because
 * route handlers and server actions are reachable by a plain HTTP request.
 * Callers prove who they are with the session cookie (browsers) or an Entra access token
 * (`Authorization: Bearer`, scripts and daemon apps); both are checked on every request.
 */
export async function getCurrentUser(): Promise<User | null> {
  const authz = (await headers()).get("authorization");
  if (authz) return userFromBearer(authz);
  return userFromSession();
}

async function userFromSession(): Promise<User | null> {
  return userOfSession((await getSession()).user);
}

/** The caller a session names, or null when there is none or it has expired (also the proxy's reading of the cookie). */
export function userOfSession(user: SessionData["user"]): User | null {
  const cfg = getConfig();
  if (!user || sessionExpiry(user, cfg.session)) return null;
  return {
    id: user.oid,
    name: user.name,
    username: user.username,
    tenantId: user.tid,
    role: cfg.auth ? roleFromClaims(user.roles, cfg.auth.roles) : null,
    via: "session",
  };
}

async function userFromBearer(header: string): Promise<User | null> {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header.trim());
  const auth = getConfig().auth;
  if (!m || !auth) return null;
  const claims = await verifyAccessToken(auth, m[1]);
  if (!claims) return null;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  return {
    id: String(claims.oid),
    name:
      str(claims.name) ?? str(claims.preferred_username) ?? str(claims.azp) ?? str(claims.appid) ?? String(claims.oid),
    username: str(claims.preferred_username),
    tenantId: String(claims.tid),
    role: roleFromClaims(claims.roles, auth.roles),
    via: "bearer",
  };
}

export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user)
    throw new AppError("unauthorized", "Sign in first (session cookie or Authorization: Bearer <Entra access token>).");
  return user;
}

export async function requireRole(role: Role): Promise<User> {
  const user = await requireUser();
  if (!hasRole(user, role)) {
    const has = user.role ? `you have the ${user.role} role` : "your account has no role in this console";
    throw new AppError("forbidden", `This needs the ${role} role; ${has}.`);
  }
  return user;
}
