import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { jobExists } from "@/lib/db/jobs";
import { jobTasksSchema } from "@/lib/db/jobs-params";
import { listJobTasks } from "@/lib/db/tasks";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/tasks/{job_id} (seeds/000): the job's tasks in stage order, up to 1000 per
 * call (limit), optionally one stage and/or statuses; next_cursor continues. Unknown job: 404.
 */
export const GET = apiRoute(async (req: Request, ctx: { params: Promise<{ job_id: string }> }) => {
  await requireRole("reader");
  const { job_id } = await ctx.params;
  const p = parseSearchParams(req, jobTasksSchema);
  if (job_id.length > 64 || !(await jobExists(job_id))) {
    throw new AppError("not_found", `No job with id "${job_id.slice(0, 80)}". Check the id, or list jobs at /api/dbadmin/jobs.`);
  }
  const page = await listJobTasks(job_id, { stage: p.stage, statuses: p.status, limit: p.limit, cursor: p.cursor });
  return NextResponse.json({
    job_id,
    tasks: page.tasks,
    count: page.tasks.length,
    limit: p.limit,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    stuck_threshold_minutes: page.stuck_threshold_minutes,
  });
});
