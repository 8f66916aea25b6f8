import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { listMetadata, listMetadataPage } from "@/lib/db/geo";
import { geoListFields } from "@/lib/db/geo-params";

export const dynamic = "force-dynamic";

const Query = z.object({
  ...geoListFields,
  limit: z.coerce.number({ message: "expected a number" }).int().min(1).max(1000).default(100),
  offset: z.coerce.number({ message: "expected a number" }).int().min(0).default(0),
});

/**
 * GET /api/dbadmin/geo/metadata?job_id=&has_stac=&q=&limit=&offset= (the pipeline's API, OFFSET
 * paging kept for its scripts), or with `cursor=` (from a previous next_cursor) keyset paging.
 */
export const GET = apiRoute(async (req) => {
  await requireRole("reader");
  const q = parseSearchParams(req, Query);
  if (new URL(req.url).searchParams.has("cursor")) {
    return NextResponse.json(await listMetadataPage({ ...q, cursor: q.cursor }));
  }
  return NextResponse.json(await listMetadata(q));
});
