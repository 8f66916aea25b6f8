import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { orphanReport } from "@/lib/db/orphans";

export const dynamic = "force-dynamic";

/** GET /api/dbadmin/geo/orphans: a fresh report from the catalog. */
export const GET = apiRoute(async () => {
  await requireRole("reader");
  return NextResponse.json(await orphanReport());
});
