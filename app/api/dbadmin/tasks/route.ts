import { NextResponse } from "next/server";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { taskListSchema } from "@/lib/db/jobs-params";
import { listTasks, taskFilterFromParams } from "@/lib/db/tasks";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/tasks?status=failed&limit=50, plus task_type, job_id,
 * stuck=true (processing with a heartbeat older than STUCK_TASK_MINUTES) and cursor.
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, taskListSchema);
  const page = await listTasks(taskFilterFromParams(p));
  return NextResponse.json({
    tasks: page.tasks,
    count: page.tasks.length,
    limit: p.limit,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    stuck_threshold_minutes: page.stuck_threshold_minutes,
    filters_applied: {
      ...(p.status ? { status: p.status } : {}),
      ...(p.task_type ? { task_type: p.task_type } : {}),
      ...(p.job_id ? { job_id: p.job_id } : {}),
      ...(p.stuck ? { stuck: true } : {}),
    },
  });
});
