import { NextResponse } from "next/server";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { failureFilterFromParams, listFailureGroups } from "@/lib/failures/groups";
import { failureListSchema } from "@/lib/failures/params";
import { refreshIfStale } from "@/lib/failures/schedule";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/failures?window=24h: failed tasks and jobs grouped by error signature, with
 * job_type, stage, source (task|job), q (text in the template or class), sort (count|last_seen|
 * newest), limit and offset. `freshness` says when the rollup was last refreshed.
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, failureListSchema);
  await refreshIfStale();
  const list = await listFailureGroups(failureFilterFromParams(p));
  return NextResponse.json({
    ...list,
    count: list.groups.length,
    limit: p.limit,
    offset: p.offset,
    filters_applied: {
      window: p.window,
      sort: p.sort,
      ...(p.job_type ? { job_type: p.job_type } : {}),
      ...(p.stage !== undefined ? { stage: p.stage } : {}),
      ...(p.source ? { source: p.source } : {}),
      ...(p.q ? { q: p.q } : {}),
    },
  });
});
