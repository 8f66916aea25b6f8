import { NextResponse } from "next/server";
import { z } from "zod";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { boolParam, emptyToUndefined } from "@/lib/api/params";
import { refreshFailuresAudited } from "@/lib/failures/schedule";

export const dynamic = "force-dynamic";

const schema = z.object({ rebuild: z.preprocess(emptyToUndefined, boolParam.optional()) });

/**
 * POST /api/dbadmin/failures/refresh[?rebuild=true] (admin): runs the failure rollup now
 * (incremental, or from scratch) and says what it did; 409 when another instance is running it.
 * It writes only the console's own rollup tables; audited as failures.refresh / failures.rebuild.
 */
export const POST = apiRoute(async (req: Request) => {
  const user = await requireRole("admin");
  const p = parseSearchParams(req, schema);
  const run = await refreshFailuresAudited(user, !!p.rebuild);
  return NextResponse.json(run);
});
