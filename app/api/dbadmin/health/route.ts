import { NextResponse } from "next/server";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { healthReport } from "@/lib/db/health-report";
import { healthParams } from "@/lib/db/health-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/health[?long_query_seconds=N]: the health page's data (connections, long-running
 * queries, lock waits, sizes, vacuum, slow queries, pools, TLS, replication, server). Each section
 * is {available: true, level: ok|warning|critical, ...} or {available: false, error, missing_grant?}.
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const params = parseSearchParams(req, healthParams);
  return NextResponse.json(await healthReport({ longQuerySeconds: params.long_query_seconds }), {
    headers: { "Cache-Control": "no-store" },
  });
});
