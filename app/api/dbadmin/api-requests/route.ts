import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { listApiRequests } from "@/lib/db/activity";
import { apiRequestFields } from "@/lib/db/catalog-params";

export const dynamic = "force-dynamic";

const Query = z.object(apiRequestFields).refine((v) => !(v.since && v.until) || v.since < v.until, {
  message: "since must be before until",
  path: ["since"],
});

/** GET /api/dbadmin/api-requests?status=&data_type=&dataset=&since=&until=&cursor=&limit=: newest first, keyset. */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const q = parseSearchParams(req, Query);
  const page = await listApiRequests({
    status: q.status,
    dataType: q.data_type,
    dataset: q.dataset,
    since: q.since,
    until: q.until,
    cursor: q.cursor,
    limit: q.limit,
  });
  return NextResponse.json({
    api_requests: page.rows,
    count: page.rows.length,
    limit: q.limit,
    next_cursor: page.next_cursor,
    prev_cursor: page.prev_cursor,
  });
});
