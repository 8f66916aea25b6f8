import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { verifySchemas } from "@/lib/db/verify";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/maintenance/verify: the pipeline's schema verification (schemas, app tables,
 * statuses and functions, pgSTAC version, search and hash functions, h3 tables, the console's
 * migrations), read-only. 200 with {ok, checked_at, checks: [{id, label, ok, detail}]} whatever
 * the checks say; a missing schema is a failed check.
 */
export const GET = apiRoute(async () => {
  await requireRole("reader");
  return NextResponse.json(await verifySchemas());
});
