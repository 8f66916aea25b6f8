import "server-only";
import { AppError } from "./errors";
import { isSafeText } from "./params";
import { getConfig } from "../config";

/** A name from the URL path that PostgreSQL could never hold (control characters, too long) cannot exist: 404. */
export function pathName(v: string, noun: string, max = 256): string {
  if (!isSafeText(v, max) || v.length === 0) throw new AppError("not_found", `No ${noun} "${v.slice(0, 80)}".`);
  return v;
}

/** Absolute links for STAC responses, from the console's public origin (CONSOLE_ORIGIN). */
export function stacHref(path: string, query?: Record<string, string | undefined>): string {
  const url = new URL(path, getConfig().origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export const collectionPath = (id: string) => `/api/stac/collections/${encodeURIComponent(id)}`;
