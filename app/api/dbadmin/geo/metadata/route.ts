import { NextResponse } from "next/server";
import { z } from "zod";
import { boolParam, safeText } from "@/lib/api/params";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { listMetadata } from "@/lib/db/geo";

export const dynamic = "force-dynamic";

const Query = z.object({
  job_id: safeText(64).pipe(z.string().min(1, "must not be empty")).optional(),
  has_stac: boolParam.optional(),
  q: safeText(200).pipe(z.string().min(1, "must not be empty")).optional(),
  limit: z.coerce.number({ message: "expected a number" }).int().min(1).max(1000).default(100),
  offset: z.coerce.number({ message: "expected a number" }).int().min(0).default(0),
});

/** GET /api/dbadmin/geo/metadata?job_id=&has_stac=&q=&limit=&offset= (seeds/000). */
export const GET = apiRoute(async (req) => {
  await requireRole("reader");
  const q = parseSearchParams(req, Query);
  return NextResponse.json(await listMetadata(q));
});
