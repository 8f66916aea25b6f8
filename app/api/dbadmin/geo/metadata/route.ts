import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { listMetadata } from "@/lib/db/geo";

export const dynamic = "force-dynamic";

const boolParam = z.enum(["true", "false"], { message: 'expected "true" or "false"' }).transform((v) => v === "true");
const Query = z.object({
  job_id: z.string().trim().min(1).max(64).optional(),
  has_stac: boolParam.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number({ message: "expected a number" }).int().min(1).max(1000).default(100),
  offset: z.coerce.number({ message: "expected a number" }).int().min(0).default(0),
});

/** GET /api/dbadmin/geo/metadata?job_id=&has_stac=&q=&limit=&offset= (seeds/000). */
export const GET = apiRoute(async (req) => {
  await requireRole("reader");
  const q = parseSearchParams(req, Query);
  return NextResponse.json(await listMetadata(q));
});
