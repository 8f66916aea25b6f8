import { z } from "zod";

/**
 * Building blocks for request parameters, shared by every route, page and action so the same
 * input is refused the same way everywhere (a 400 naming the parameter, never a 500).
 */

// PostgreSQL text cannot hold NUL, and no identifier, id or search term needs control characters.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Free text (a search term, a type name, an id): trimmed, bounded, no control characters. */
export const safeText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `expected at most ${max} characters` })
    .refine((v) => !CONTROL_CHARS.test(v), { message: "must not contain control characters" });

/** True when a value could be passed to PostgreSQL as text at all (path ids and the like). */
export const isSafeText = (v: string, max: number): boolean => v.length <= max && !CONTROL_CHARS.test(v);

/** A boolean query parameter: true/false, also 1/0 and yes/no, so every route reads them alike. */
export const boolParam = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: 'expected "true" or "false"' })
  .transform((v) => v === "true" || v === "1" || v === "yes");

// Strict ISO-8601 in UTC or with an offset: Date.parse alone accepts "1" (year 2001) and
// normalises "2026-02-30", which PostgreSQL then rejects.
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar timestamp in ISO-8601 form, as PostgreSQL will accept it. */
export function isIsoTimestamp(v: string): boolean {
  const m = ISO_TIMESTAMP.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  const validDate = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  const validTime =
    (m[4] === undefined || Number(m[4]) < 24) &&
    (m[5] === undefined || Number(m[5]) < 60) &&
    (m[6] === undefined || Number(m[6]) < 60);
  return validDate && validTime && validOffset(m[7]) && !Number.isNaN(Date.parse(toUtcIso(v)));
}

// PostgreSQL reads UTC offsets up to ±15:59; "+16:00" passed Date.parse and then failed in the
// query (SQLSTATE 22009) as a 500.
function validOffset(offset: string | undefined): boolean {
  if (!offset || offset === "Z") return true;
  const digits = offset.slice(1).replace(":", "");
  return Number(digits.slice(0, 2)) <= 15 && Number(digits.slice(2)) < 60;
}

/**
 * The timestamp as JavaScript and PostgreSQL should both read it: a date-time without an offset
 * is UTC (not the server's time zone, which JavaScript and PostgreSQL would each assume).
 */
export function toUtcIso(v: string): string {
  const t = v.replace(" ", "T");
  return /T/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t}Z` : t;
}

const INT64_MAX = BigInt("9223372036854775807");

/** A decimal string that fits PostgreSQL's bigint. */
export function isInt64(v: string): boolean {
  if (!/^-?\d{1,19}$/.test(v)) return false;
  const n = BigInt(v);
  return n <= INT64_MAX && n >= -INT64_MAX - BigInt(1);
}

/** An empty or blank query parameter counts as not given. */
export const emptyToUndefined = (v: unknown) =>
  v === null || (typeof v === "string" && v.trim() === "") ? undefined : v;

/**
 * A comma-separated list of known values (status=failed,processing; outcome=refused,conflict):
 * duplicates dropped, in the order given; an unknown one is a 400 naming it.
 */
export const enumList = <T extends readonly [string, ...string[]]>(values: T, noun: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((s, ctx) => {
        const list = [
          ...new Set(
            s
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean),
          ),
        ];
        const unknown = list.filter((x) => !(values as readonly string[]).includes(x));
        if (unknown.length || list.length === 0) {
          ctx.addIssue({
            code: "custom",
            message: `unknown ${noun} "${unknown[0] ?? s}": expected one or more of ${values.join(", ")} (comma-separated)`,
          });
          return z.NEVER;
        }
        return list as T[number][];
      })
      .optional(),
  );

export const MAX_LIMIT = 1000;

/** A page size: 1..max (default `def`); a larger one is capped, not refused (a script asking for 5000 gets 1000 and a cursor). */
export const limitParam = (def: number, max = MAX_LIMIT) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+$/, { message: `expected a whole number between 1 and ${max}` })
      .transform(Number)
      .refine((n) => n >= 1, { message: `expected a whole number between 1 and ${max}` })
      .transform((n) => Math.min(n, max))
      .optional()
      .default(def),
  );

/** An OFFSET (the pipeline API's paging): a whole number up to 999,999,999, the same digits-only rule as limit. */
export const offsetParam = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^\d{1,9}$/, { message: "expected a whole number between 0 and 999999999" })
    .transform(Number)
    .optional()
    .default(0),
);

/** An ISO date-time; without an offset it is UTC (README), never the server's time zone. */
export const isoDateParam = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    // Strict: Date.parse alone reads "1" as the year 2001 and rolls "2026-02-30" into March.
    .refine(isIsoTimestamp, { message: "expected an ISO date-time like 2026-01-31T12:00:00Z" })
    .transform((s) => new Date(toUtcIso(s)))
    .optional(),
);

/** An opaque keyset cursor (checked when decoded: lib/db/cursor.ts). */
export const cursorParam = z.preprocess(emptyToUndefined, safeText(512).optional());
