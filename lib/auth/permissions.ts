/** Who may do what. Pure functions, unit-tested; the guard and the UI both ask these. */
export type Role = "admin" | "reader";
export const ROLES: readonly Role[] = ["admin", "reader"] as const;

export interface User {
  id: string;
  name: string;
  email?: string;
  role: Role;
  /** How the caller proved who they are. */
  via: "session" | "bearer";
}

/** Admins can do everything readers can. */
export function hasRole(user: Pick<User, "role">, needed: Role): boolean {
  return needed === "reader" || user.role === "admin";
}

/** Every change to the database (maintenance, unpublish, cleanup) needs an admin. */
export const canMutate = (user: Pick<User, "role"> | null | undefined): boolean => !!user && hasRole(user, "admin");
