/**
 * Stand-in for `next/headers` when a test calls a route handler or server action directly:
 * Vitest has no Next request scope. Everything else (the guard, token checks, session sealing,
 * the handler) runs for real.
 * Use: vi.mock("next/headers", () => import("../helpers/next-headers")); then setAuthorization()
 * or setCookie().
 */
let authorization: string | null = null;
const jar = new Map<string, string>();

export function setAuthorization(value: string | null): void {
  authorization = value;
}

export function setCookie(name: string, value: string | null): void {
  if (value === null) jar.delete(name);
  else jar.set(name, value);
}

export const headers = async () => new Headers(authorization ? { authorization } : {});
export const cookies = async () => ({
  get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
  getAll: () => [...jar].map(([name, value]) => ({ name, value })),
  has: (name: string) => jar.has(name),
  set: (name: string, value: string) => void jar.set(name, value),
  delete: (name: string) => void jar.delete(name),
});
