import { types } from "pg";

/**
 * Timestamps a JS Date cannot hold. PostgreSQL's timestamps may be `infinity` / `-infinity` (a
 * buggy writer produces them) or out of Date's range; pg's own parser turns the first into the
 * numbers ±Infinity and the second into an Invalid Date, and every `toISOString()` then throws.
 * The console's pools parse timestamps with `parseTimestamp`: a Date where one exists, otherwise
 * PostgreSQL's own text ("infinity", "-infinity", "275760-09-14 00:00:00+00"), which JSON carries
 * as is and the pages show as "∞" / "−∞" / the raw text. `isoTime` is the one way to serialise
 * any of them.
 */
export type DbTimestamp = Date | string;

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const DATE = 1082;

function tolerant(oid: number) {
  const parse = types.getTypeParser(oid, "text") as (v: string) => unknown;
  return (text: string): DbTimestamp => {
    if (text === "infinity" || text === "-infinity") return text;
    const d = parse(text);
    return d instanceof Date && Number.isFinite(d.getTime()) ? d : text;
  };
}

const PARSERS: Record<number, (text: string) => DbTimestamp> = {
  [TIMESTAMPTZ]: tolerant(TIMESTAMPTZ),
  [TIMESTAMP]: tolerant(TIMESTAMP),
  [DATE]: tolerant(DATE),
};

/** pg's `types` option for a pool: tolerant timestamps, every other type as pg parses it. */
export const tolerantTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    format !== "binary" && PARSERS[oid]
      ? PARSERS[oid]
      : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser,
};

/** Any timestamp the database gave (Date, text, ±Infinity from a plain client) as JSON's string, or null. */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : null;
  if (v === Infinity) return "infinity";
  if (v === -Infinity) return "-infinity";
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isFinite(t) && !/^-?infinity$/.test(v) ? new Date(t).toISOString() : v;
  }
  return null;
}

/** Milliseconds since the epoch, or null for an infinite or unreadable timestamp (no arithmetic on those). */
export function timeMs(v: unknown): number | null {
  const iso = isoTime(v);
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** A timestamp's position on the time line for comparisons: ±Infinity for the infinities, null when unreadable. */
export function orderMs(v: unknown): number | null {
  if (v === "infinity" || v === Infinity) return Infinity;
  if (v === "-infinity" || v === -Infinity) return -Infinity;
  return timeMs(v);
}

/** b - a in seconds when both are finite, else null (PostgreSQL cannot subtract infinite timestamps either). */
export function secondsBetween(a: unknown, b: unknown): number | null {
  const x = timeMs(a);
  const y = timeMs(b);
  return x === null || y === null ? null : (y - x) / 1000;
}

/** SQL: the seconds from `a` to `b`, NULL when either is infinite (instead of an error). */
export const secondsBetweenSql = (a: string, b: string) =>
  `CASE WHEN isfinite(${a}) AND isfinite(${b}) THEN extract(epoch FROM ${b} - ${a})::float8 END`;
