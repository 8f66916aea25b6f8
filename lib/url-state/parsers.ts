import { createLoader, createParser, type inferParserType, type ParserMap } from "nuqs/server";
import type { z } from "zod";

/**
 * One way for list pages to keep their view in the URL: nuqs parsers, defined once per page
 * (lib/url-state/<page>.ts), read by the server page (`readUrlState`) and written by the client
 * filters (`useQueryStates`); links are built by the page's serializer.
 *
 * Each parser validates with the same zod field as the JSON API, so a value the API refuses with
 * a 400 is one the page reports as an invalid link parameter: one rule, two entry points.
 */
export function parseAsZod<T>(field: z.ZodType<T | undefined>, serialize: (v: T) => string) {
  return createParser<T>({
    parse: (value) => {
      const r = field.safeParse(value);
      return r.success && r.data !== undefined ? r.data : null;
    },
    serialize,
  });
}

type RawSearchParams = Record<string, string | string[] | undefined>;

/** A repeated key (`?status=a&status=b`, as a plain GET form sends) reads as the list "a,b". */
function flatten(sp: RawSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

export interface UrlState<V> {
  values: V;
  /** The link parameters this page knows that had a value it could not read (left out of `values`). */
  invalid: string[];
}

/**
 * The page's view from its search params: every known key parsed (defaults where absent), and the
 * keys whose value was present but not valid, which the page reports (InvalidLinkNotice) rather
 * than silently dropping.
 */
export function readUrlState<P extends ParserMap>(
  parsers: P,
  searchParams: RawSearchParams,
): UrlState<inferParserType<P>> {
  const flat = flatten(searchParams);
  const unreadable = (k: string) => (parsers[k].parse as (v: string) => unknown)(flat[k]) === null;
  const invalid = Object.keys(parsers).filter((k) => flat[k] !== undefined && flat[k] !== "" && unreadable(k));
  return { values: createLoader(parsers)(flat) as inferParserType<P>, invalid };
}
