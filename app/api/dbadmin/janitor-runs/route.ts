import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { janitorTypeStatus, listJanitorRuns } from "@/lib/db/activity";
import { janitorRunFields } from "@/lib/db/catalog-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/janitor-runs?run_type=&cursor=&limit=: runs newest first (keyset), and per run
 * type the last run, the last successful one and `stale` (no success within JANITOR_STALE_HOURS).
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const q = parseSearchParams(req, z.object(janitorRunFields));
  const [page, status] = await Promise.all([
    listJanitorRuns({ runType: q.run_type, cursor: q.cursor, limit: q.limit }),
    janitorTypeStatus(),
  ]);
  return NextResponse.json({
    runs: page.rows,
    count: page.rows.length,
    limit: q.limit,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
    run_types: status.types,
    stale_after_hours: status.stale_hours,
  });
});
