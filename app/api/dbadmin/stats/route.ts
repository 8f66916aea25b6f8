import { NextResponse } from "next/server";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute } from "@/lib/api/respond";
import { getOverviewCounts } from "@/lib/db/overview";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/stats: total_jobs, total_tasks, schemas, plus counts by status.
 * On big tables the totals are estimates (counts_exact says which); rare statuses stay exact.
 */
export const GET = apiRoute(async () => {
  await requireRole("reader");
  const o = await getOverviewCounts();
  return NextResponse.json({
    total_jobs: o.jobs.total,
    total_tasks: o.tasks.total,
    schemas: o.schemas,
    jobs_by_status: o.jobs.by_status,
    tasks_by_status: o.tasks.by_status,
    counts_exact: {
      jobs: o.jobs.exact,
      tasks: o.tasks.exact,
      jobs_by_status: o.jobs.exact_by_status,
      tasks_by_status: o.tasks.exact_by_status,
    },
    stuck_tasks: o.stuck_tasks,
    stuck_tasks_capped: o.stuck_tasks_capped,
    stuck_threshold_minutes: o.stuck_threshold_minutes,
    pgstac_version: o.pgstac.version,
    pgstac: o.pgstac,
  });
});
