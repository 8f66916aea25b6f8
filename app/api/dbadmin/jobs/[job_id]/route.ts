import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { isSafeText } from "@/lib/api/params";
import { apiRoute } from "@/lib/api/respond";
import { getJob } from "@/lib/db/jobs";

export const dynamic = "force-dynamic";

/** GET /api/dbadmin/jobs/{job_id}: the job with parameters, results, stage timeline and task counts. */
export const GET = apiRoute(async (_req: Request, ctx: { params: Promise<{ job_id: string }> }) => {
  await requireRole("reader");
  const { job_id } = await ctx.params;
  // An id PostgreSQL could not even hold (NUL, control characters) or longer than any job id
  // names no job: 404 without a query.
  const job = isSafeText(job_id, 64) ? await getJob(job_id) : null;
  if (!job)
    throw new AppError(
      "not_found",
      `No job with id "${printable(job_id)}". Check the id, or list jobs at /api/dbadmin/jobs.`,
    );
  return NextResponse.json(job);
});

/** The id as it may be echoed in a message: bounded, control characters shown as "?". */
const printable = (id: string) => id.slice(0, 80).replace(/[\u0000-\u001f\u007f]/g, "?");
