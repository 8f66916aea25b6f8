import { NextResponse } from "next/server";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { listMetadata, listMetadataPage } from "@/lib/db/geo";
import { geoMetadataQuery } from "@/lib/db/geo-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/geo/metadata?job_id=&has_stac=&q=&limit=&offset= (the pipeline's API, OFFSET
 * paging kept for its scripts), or with `cursor=` (from a previous next_cursor) keyset paging.
 */
export const GET = apiRoute(async (req) => {
  await requireRole("reader");
  const q = parseSearchParams(req, geoMetadataQuery);
  if (new URL(req.url).searchParams.has("cursor")) {
    return NextResponse.json(await listMetadataPage({ ...q, cursor: q.cursor }));
  }
  return NextResponse.json(await listMetadata(q));
});
