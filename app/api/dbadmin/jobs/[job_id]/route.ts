import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute } from "@/lib/api/respond";
import { getJob } from "@/lib/db/jobs";

export const dynamic = "force-dynamic";

/** GET /api/dbadmin/jobs/{job_id}: the job with parameters, results, stage timeline and task counts. */
export const GET = apiRoute(async (_req: Request, ctx: { params: Promise<{ job_id: string }> }) => {
  await requireRole("reader");
  const { job_id } = await ctx.params;
  const job = job_id.length <= 64 ? await getJob(job_id) : null;
  if (!job) throw new AppError("not_found", `No job with id "${job_id.slice(0, 80)}". Check the id, or list jobs at /api/dbadmin/jobs.`);
  return NextResponse.json(job);
});
