import { NextResponse } from "next/server";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { countJobs, jobFilterFromParams, listJobs } from "@/lib/db/jobs";
import { jobListSchema } from "@/lib/db/jobs-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/jobs?hours=24&limit=100&status=failed, plus job_type, q (job-id
 * prefix), since/until, sort=created|updated and cursor (the next_cursor / prev_cursor of a
 * previous response). limit is capped at 1000. total is computed on the first page (or with
 * total=true): exact up to 10,000 matches, otherwise an estimate (total_exact=false).
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const params = parseSearchParams(req, jobListSchema);
  const filter = jobFilterFromParams(params);
  const wantTotal = params.total ?? !params.cursor;
  const [page, total] = await Promise.all([listJobs(filter), wantTotal ? countJobs(filter) : Promise.resolve(null)]);
  return NextResponse.json({
    jobs: page.jobs,
    count: page.jobs.length,
    limit: params.limit,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    total: total?.value ?? null,
    total_exact: total?.exact ?? null,
    filters_applied: {
      ...(params.status ? { status: params.status } : {}),
      ...(params.job_type ? { job_type: params.job_type } : {}),
      ...(params.hours !== undefined ? { hours: params.hours } : {}),
      ...(filter.since ? { since: filter.since.toISOString() } : {}),
      ...(filter.until ? { until: filter.until.toISOString() } : {}),
      ...(params.q ? { q: params.q } : {}),
      sort: params.sort,
    },
  });
});
