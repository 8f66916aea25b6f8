import { z } from "zod";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { taskListSchema } from "@/lib/db/jobs-params";
import { listTasks, taskFilterFromParams, type TaskSummary } from "@/lib/db/tasks";
import { exportResponse } from "@/lib/export/stream";

export const dynamic = "force-dynamic";

const schema = taskListSchema.and(
  z.object({ format: z.enum(["csv", "json"], { message: "expected csv or json" }).default("csv") }),
);
const COLUMNS = [
  "task_id",
  "job_id",
  "task_type",
  "status",
  "stage",
  "retry_count",
  "heartbeat",
  "heartbeat_age_seconds",
  "stuck",
  "error_message",
  "created_at",
  "updated_at",
] as const;

/** GET /api/export/tasks?format=csv|json&<the /tasks filters>: streamed, capped (X-Export-Cap). */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, schema);
  return exportResponse<TaskSummary>({
    name: "tasks",
    format: p.format,
    columns: COLUMNS,
    filters: { status: p.status, task_type: p.task_type, job_id: p.job_id, stuck: p.stuck },
    page: async (cursor, limit) => {
      const r = await listTasks(taskFilterFromParams({ ...p, limit, cursor }));
      return { rows: r.tasks, next: r.next_cursor };
    },
  });
});
