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

/** Each job-list parameter on its own: the API's schema below, and the /jobs page's URL parsers (lib/url-state). */
export const jobListFields = {
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
};

export const jobListSchema = z.object(jobListFields).refine((v) => !(v.since && v.until) || v.since < v.until, {
  message: "since must be before until",
  path: ["since"],
});
export type JobListParams = z.infer<typeof jobListSchema>;

export const taskListFields = {
  status: statusList(TASK_STATUSES),
  task_type: typeParam,
  job_id: z.preprocess(emptyToUndefined, safeText(64).optional()),
  stuck: optionalBool,
  limit: limitParam(50),
  cursor: cursorParam,
};
export const taskListSchema = z.object(taskListFields);
export type TaskListParams = z.infer<typeof taskListSchema>;

export const jobTasksFields = {
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
};
export const jobTasksSchema = z.object(jobTasksFields);
export type JobTasksParams = z.infer<typeof jobTasksSchema>;
