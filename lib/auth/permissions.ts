/** Who may do what. Pure functions, unit-tested; the guard and the UI both ask these. */
export type Role = "admin" | "reader";
export const ROLES: readonly Role[] = ["admin", "reader"] as const;

export interface User {
  /** Entra object id (oid) of the person or daemon app. */
  id: string;
  name: string;
  /** preferred_username (a person's sign-in name); absent for daemon apps. */
  username?: string;
  tenantId?: string;
  /** The console role from the token's app roles; null = signed in without access. */
  role: Role | null;
  /** How the caller proved who they are. */
  via: "session" | "bearer";
}

/** The console role named by a token's `roles` claim (Entra app roles). Admin wins over reader. */
export function roleFromClaims(roles: unknown, names: { admin: string; reader: string }): Role | null {
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  if (list.includes(names.admin)) return "admin";
  if (list.includes(names.reader)) return "reader";
  return null;
}

/** Admins can do everything readers can; no role, nothing. */
export function hasRole(user: Pick<User, "role">, needed: Role): boolean {
  if (!user.role) return false;
  return needed === "reader" || user.role === "admin";
}

/** Every change to the database (maintenance, unpublish, cleanup) needs an admin. */
export const canMutate = (user: Pick<User, "role"> | null | undefined): boolean => !!user && hasRole(user, "admin");
