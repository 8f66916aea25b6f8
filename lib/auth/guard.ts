import "server-only";
import { headers } from "next/headers";
import { AppError } from "../api/errors";
import { getConfig } from "../config";
import { hasRole, type Role, type User } from "./permissions";
import { unsealLocalToken } from "./local-token";
import { getSession } from "./session";

/**
 * The auth guard. Every layout, route handler and server action calls requireUser() or
 * requireRole() itself, first thing: a proxy or a layout alone protects nothing, because
 * route handlers and server actions are reachable by a plain HTTP request.
 */
export async function getCurrentUser(): Promise<User | null> {
  const authz = (await headers()).get("authorization");
  if (authz) return userFromBearer(authz);
  const session = await getSession();
  return session.user ? { ...session.user, via: "session" } : null;
}

async function userFromBearer(header: string): Promise<User | null> {
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return null;
  const cfg = getConfig();
  // Local tokens only where local sign-in is allowed (never in production, never on Azure).
  if (cfg.localAuth.enabled && cfg.localAuth.secret) {
    const u = await unsealLocalToken(cfg.localAuth.secret, m[1]);
    if (u) return { ...u, via: "bearer" };
  }
  return null;
}

export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized", "Sign in first (session cookie or Authorization: Bearer token).");
  return user;
}

export async function requireRole(role: Role): Promise<User> {
  const user = await requireUser();
  if (!hasRole(user, role)) throw new AppError("forbidden", `This needs the ${role} role; you are signed in as ${user.role}.`);
  return user;
}
