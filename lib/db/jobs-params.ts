import { z } from "zod";
import { boolParam, emptyToUndefined, enumList, isIsoTimestamp, safeText, toUtcIso } from "../api/params";

/**
 * The job and task filters, shared by the pages (URL search params), the JSON API and the
 * exports, so a link to /jobs and a curl of /api/dbadmin/jobs mean the same thing.
 * Pure (no server-only): client components use the same names to build URLs.
 */

export const JOB_STATUSES = ["queued", "processing", "completed", "failed", "completed_with_errors"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TASK_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const MAX_LIMIT = 1000;
export const PAGE_SIZES = [25, 50, 100] as const;
/** Presets of the time window, in hours (the URL keeps `hours`, so a link stays relative to now). */
export const WINDOW_PRESETS = [
  { hours: 1, label: "1 h" },
  { hours: 24, label: "24 h" },
  { hours: 168, label: "7 d" },
  { hours: 720, label: "30 d" },
] as const;

const limitParam = (def: number) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+$/, { message: `expected a whole number between 1 and ${MAX_LIMIT}` })
      .transform(Number)
      .refine((n) => n >= 1, { message: `expected a whole number between 1 and ${MAX_LIMIT}` })
      // Capped, not refused: a script asking for 5000 gets the first 1000 and a next_cursor.
      .transform((n) => Math.min(n, MAX_LIMIT))
      .optional()
      .default(def),
  );

const statusList = <T extends readonly [string, ...string[]]>(values: T) => enumList(values, "status");

const isoDate = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    // Strict: Date.parse alone reads "1" as the year 2001 and rolls "2026-02-30" into March.
    .refine(isIsoTimestamp, { message: "expected an ISO date-time like 2026-01-31T12:00:00Z" })
    // Without an offset: UTC (README), never the server's time zone.
    .transform((s) => new Date(toUtcIso(s)))
    .optional(),
);

/** The shared boolean (true/false, 1/0, yes/no); absent or empty = not given. */
const optionalBool = z.preprocess(emptyToUndefined, boolParam.optional());

const hoursParam = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, { message: "expected a positive number of hours" })
    .transform(Number)
    .refine((n) => n > 0 && n <= 24 * 366 * 10, { message: "expected a positive number of hours (at most ten years)" })
    .optional(),
);

// Text reaches PostgreSQL as a parameter, which cannot hold NUL: safeText refuses control characters (400).
const typeParam = z.preprocess(emptyToUndefined, safeText(100).optional());
const cursorParam = z.preprocess(emptyToUndefined, safeText(512).optional());

export const jobListSchema = z
  .object({
    status: statusList(JOB_STATUSES),
    job_type: typeParam,
    hours: hoursParam,
    since: isoDate,
    until: isoDate,
    q: z.preprocess(
      emptyToUndefined,
      safeText(64)
        .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: "expected the start of a job id (letters, digits, - _ . :)" })
        .optional(),
    ),
    sort: z.preprocess(
      emptyToUndefined,
      z.enum(["created", "updated"], { message: "expected created or updated" }).optional().default("created"),
    ),
    limit: limitParam(100),
    cursor: cursorParam,
    total: optionalBool,
  })
  .refine((v) => !(v.since && v.until) || v.since < v.until, {
    message: "since must be before until",
    path: ["since"],
  });
export type JobListParams = z.infer<typeof jobListSchema>;

export const taskListSchema = z.object({
  status: statusList(TASK_STATUSES),
  task_type: typeParam,
  job_id: z.preprocess(emptyToUndefined, safeText(64).optional()),
  stuck: optionalBool,
  limit: limitParam(50),
  cursor: cursorParam,
});
export type TaskListParams = z.infer<typeof taskListSchema>;

export const jobTasksSchema = z.object({
  stage: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,4}$/, { message: "expected a stage number" })
      .transform(Number)
      .optional(),
  ),
  status: statusList(TASK_STATUSES),
  limit: limitParam(MAX_LIMIT),
  cursor: cursorParam,
});
export type JobTasksParams = z.infer<typeof jobTasksSchema>;

/** Search params of a page (Next gives string | string[]) as the flat record the schemas read. */
export function flattenSearchParams(sp: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(",") : v;
  }
  return out;
}

/** Builds a query string, dropping empty values, in a stable order (so the same view = the same URL). */
export function toQueryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v === undefined || v === null || v === "" || v === false) continue;
    sp.set(key, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/**
 * The one line of an error worth showing in a list: the first non-empty line, except for a
 * Python traceback, where the last line (the exception) says what went wrong.
 */
export function errorHeadline(s: string | null | undefined, max = 300): string | null {
  if (!s) return null;
  const lines = s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return null;
  const line =
    /^Traceback \(most recent call last\)/.test(lines[0]) && lines.length > 1 ? lines[lines.length - 1] : lines[0];
  return line.slice(0, max);
}
