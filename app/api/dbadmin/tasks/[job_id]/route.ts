import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { isSafeText } from "@/lib/api/params";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { jobExists } from "@/lib/db/jobs";
import { jobTasksSchema } from "@/lib/db/jobs-params";
import { listJobTasks } from "@/lib/db/tasks";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/tasks/{job_id}: the job's tasks in stage order, up to 1000 per
 * call (limit), optionally one stage and/or statuses; next_cursor continues. Unknown job: 404.
 */
export const GET = apiRoute(async (req: Request, ctx: { params: Promise<{ job_id: string }> }) => {
  await requireRole("reader");
  const { job_id } = await ctx.params;
  const p = parseSearchParams(req, jobTasksSchema);
  // An id that is not safe text (NUL, control characters) or longer than any job id: 404, no query.
  if (!isSafeText(job_id, 64) || !(await jobExists(job_id))) {
    throw new AppError(
      "not_found",
      `No job with id "${printable(job_id)}". Check the id, or list jobs at /api/dbadmin/jobs.`,
    );
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

/** The id as it may be echoed in a message: bounded, control characters shown as "?". */
const printable = (id: string) => id.slice(0, 80).replace(/[\u0000-\u001f\u007f]/g, "?");
