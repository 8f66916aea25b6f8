import { NextResponse } from "next/server";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { auditFilterFromParams, auditFiltersApplied, listAudit } from "@/lib/db/audit";
import { auditListSchema } from "@/lib/db/audit-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/audit?actor=&action=&outcome=a,b&since=&until=&window=&before=&limit= (reader): the
 * audit log, newest first. actor = an oid exactly or the start of a name / username; action =
 * exact, or a prefix ending in "." or "*"; outcome = one or more of success, failed, refused,
 * conflict; since/until = ISO date-times with an offset (or window=1h|24h|7d|30d|all); before =
 * the next_before of the previous page; limit 1..200 (default 50).
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const q = parseSearchParams(req, auditListSchema);
  const filter = auditFilterFromParams(q);
  const page = await listAudit(filter);
  return NextResponse.json({
    entries: page.rows,
    count: page.rows.length,
    limit: q.limit,
    next_before: page.nextBefore,
    filters_applied: auditFiltersApplied(q, filter),
  });
});
