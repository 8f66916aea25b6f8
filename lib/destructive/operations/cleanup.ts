import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { isIsoTimestamp } from "../../api/params";
import type { Operation, Querier, Step } from "../types";

/**
 * Cleanup (the pipeline's "delete completed jobs older than N days"): completed jobs whose last
 * update is older than the cut-off, and their tasks. In batches, each its own short transaction,
 * so a 10M-row tasks table is never locked for long and progress is visible (step n of m). The
 * cut-off is fixed by the plan (`before`), so a batch can only ever delete what the plan counted.
 */
export const CLEANUP_ACTION = "maintenance.cleanup";
export const CLEANUP_BATCH_JOBS = 2_000;

const Input = z.object({
  days: z
    .string({ message: "required: an integer number of days >= 1" })
    .regex(/^\d{1,5}$/, "expected an integer number of days >= 1")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 36_500, "expected an integer number of days between 1 and 36500"),
  // The cut-off the confirmation was made for (UI): without it, now − days.
  before: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/,
      "expected an ISO UTC timestamp like 2026-01-31T12:00:00Z",
    )
    // The same strict calendar check as every timestamp parameter: 2020-13-45 or year 0000 is a 400, not a 500.
    .refine(
      (v) => isIsoTimestamp(v) && Number(v.slice(0, 4)) >= 1,
      "expected an ISO UTC timestamp like 2026-01-31T12:00:00Z",
    )
    .optional(),
});
type Input = z.infer<typeof Input>;

interface Data {
  days: number;
  cutoff: string;
  jobs: number;
  tasks: number;
}

export interface CleanupResult {
  status: "success";
  message: string;
  days: number;
  cutoff: string;
  jobs_deleted: number;
  tasks_deleted: number;
}

async function planCleanup(q: Querier, input: Input) {
  const cutoff = input.before ?? new Date(Date.now() - input.days * 86_400_000).toISOString();
  if (input.before && Date.parse(input.before) > Date.now() - input.days * 86_400_000 + 24 * 3_600_000) {
    throw new AppError("bad_request", `Invalid before: it must be at least ${input.days} days ago`, {
      parameter: "before",
    });
  }
  // Index (status, updated_at DESC, job_id DESC) for the jobs; tasks by (job_id, stage, task_id).
  const [c] = await q<{ jobs: string; tasks: string }>(
    `WITH j AS (SELECT job_id FROM app.jobs WHERE status = 'completed' AND updated_at < $1::timestamptz)
     SELECT (SELECT count(*) FROM j)::text AS jobs,
            (SELECT count(*) FROM app.tasks t WHERE t.job_id IN (SELECT job_id FROM j))::text AS tasks`,
    [cutoff],
  );
  const jobs = Number(c.jobs);
  const tasks = Number(c.tasks);
  return {
    target: `completed jobs older than ${input.days} days`,
    summary: jobs
      ? `Delete ${jobs.toLocaleString("en-US")} completed jobs last updated before ${cutoff} and their ${tasks.toLocaleString("en-US")} tasks, in batches of ${CLEANUP_BATCH_JOBS.toLocaleString("en-US")} jobs.`
      : `Nothing to delete: no completed job was last updated before ${cutoff}.`,
    items: [
      { kind: "jobs", name: "app.jobs (status completed)", detail: `${jobs.toLocaleString("en-US")} rows` },
      { kind: "tasks", name: "app.tasks of those jobs", detail: `${tasks.toLocaleString("en-US")} rows` },
    ],
    dependents: [],
    warnings: [],
    bind: { before: cutoff },
    confirmText: "cleanup",
    state: { cutoff, jobs, tasks },
    data: { days: input.days, cutoff, jobs, tasks } satisfies Data,
  };
}

export const cleanupOperation: Operation<Input, Data, CleanupResult> = {
  action: CLEANUP_ACTION,
  title: "Clean up old completed jobs",
  input: Input,
  scope: "global",
  transaction: "per-step",
  statementTimeoutMs: 120_000,
  plan: planCleanup,
  steps: (plan) => {
    const batches = Math.max(1, Math.ceil(plan.data.jobs / CLEANUP_BATCH_JOBS));
    return Array.from({ length: batches }, (_, i): Step<Data> => ({
      label: `Delete batch ${i + 1} of ${batches}`,
      async run(client, { data }, state) {
        // Tasks first (they reference their job), then the jobs of this batch.
        const r = await client.query<{ jobs: string; tasks: string }>(
          `WITH batch AS (
             SELECT job_id FROM app.jobs
              WHERE status = 'completed' AND updated_at < $1::timestamptz
              ORDER BY updated_at, job_id
              LIMIT $2
              FOR UPDATE SKIP LOCKED
           ), t AS (
             DELETE FROM app.tasks WHERE job_id IN (SELECT job_id FROM batch) RETURNING 1
           ), j AS (
             DELETE FROM app.jobs WHERE job_id IN (SELECT job_id FROM batch) RETURNING 1
           )
           SELECT (SELECT count(*) FROM j)::text AS jobs, (SELECT count(*) FROM t)::text AS tasks`,
          [data.cutoff, CLEANUP_BATCH_JOBS],
        );
        state.out.jobs_deleted = Number(state.out.jobs_deleted ?? 0) + Number(r.rows[0].jobs);
        state.out.tasks_deleted = Number(state.out.tasks_deleted ?? 0) + Number(r.rows[0].tasks);
      },
    }));
  },
  result: (plan, state) => ({
    status: "success",
    message: `Deleted ${Number(state.out.jobs_deleted ?? 0)} completed jobs and ${Number(state.out.tasks_deleted ?? 0)} tasks older than ${plan.data.cutoff}`,
    days: plan.data.days,
    cutoff: plan.data.cutoff,
    jobs_deleted: Number(state.out.jobs_deleted ?? 0),
    tasks_deleted: Number(state.out.tasks_deleted ?? 0),
  }),
};
