import { z } from "zod";
import { boolParam, cursorParam, emptyToUndefined, enumList, isoDateParam, limitParam, safeText } from "../api/params";

/**
 * The job and task filters, shared by the pages (URL search params), the JSON API and the
 * exports, so a link to /jobs and a curl of /api/dbadmin/jobs mean the same thing.
 * Pure (no server-only): client components use the same names to build URLs.
 */

export const JOB_STATUSES = ["queued", "processing", "completed", "failed", "completed_with_errors"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TASK_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

import { MAX_LIMIT } from "../api/params";

const statusList = <T extends readonly [string, ...string[]]>(values: T) => enumList(values, "status");

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

/** Each job-list parameter on its own: the API's schema below, and the /jobs page's URL parsers (lib/url-state). */
export const jobListFields = {
  status: statusList(JOB_STATUSES),
  job_type: typeParam,
  hours: hoursParam,
  since: isoDateParam,
  until: isoDateParam,
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

/** A stage number (job tasks, failure groups); absent or empty = all stages. */
export const stageParam = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^\d{1,4}$/, { message: "expected a stage number" })
    .transform(Number)
    .optional(),
);

export const jobTasksFields = {
  stage: stageParam,
  status: statusList(TASK_STATUSES),
  limit: limitParam(MAX_LIMIT),
  cursor: cursorParam,
};
export const jobTasksSchema = z.object(jobTasksFields);
export type JobTasksParams = z.infer<typeof jobTasksSchema>;
