/**
 * Stand-in for `next/headers` when a test calls a route handler directly: Vitest has no Next
 * request scope. Everything else (the guard, token checks, the handler) runs for real.
 * Use: vi.mock("next/headers", () => import("../helpers/next-headers")); then setAuthorization().
 */
let authorization: string | null = null;

export function setAuthorization(value: string | null): void {
  authorization = value;
}

export const headers = async () => new Headers(authorization ? { authorization } : {});
export const cookies = async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined });
