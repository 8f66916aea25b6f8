import "server-only";
import { AppError } from "../api/errors";
import type { UrlState } from "./parsers";

/**
 * Runs a list page's queries for its URL state. A value only the query can judge (a cursor that
 * was forged or made for another sort) is a 400 in the API; on a page it is treated like any
 * other unreadable link parameter: dropped, reported, and the page loads without it.
 */
export async function loadForUrlState<V extends Record<string, unknown>, R>(
  state: UrlState<V>,
  load: (values: V) => Promise<R>,
): Promise<{ data: R; state: UrlState<V> }> {
  try {
    return { data: await load(state.values), state };
  } catch (err) {
    const key = err instanceof AppError && err.code === "bad_request" ? err.details?.parameter : undefined;
    if (typeof key !== "string" || !(key in state.values) || state.values[key] === null) throw err;
    const values = { ...state.values, [key]: null };
    return { data: await load(values), state: { values, invalid: [...state.invalid, key] } };
  }
}

/** nuqs gives null for "not in the URL"; the query functions take undefined. */
export function orUndefined<V extends Record<string, unknown>>(
  v: V,
): { [K in keyof V]: Exclude<V[K], null> | undefined } {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x ?? undefined])) as {
    [K in keyof V]: Exclude<V[K], null> | undefined;
  };
}
