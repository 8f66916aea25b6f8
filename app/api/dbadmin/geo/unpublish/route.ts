import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { auditActor, tryWriteAudit } from "@/lib/db/audit";
import { requireUnpublisher, unpublishTable, UNPUBLISH_ACTION } from "@/lib/db/unpublish";

export const dynamic = "force-dynamic";

const Query = z.object({
  table_name: z.string({ message: "required" }).min(1, "required"),
  confirm: z.literal("yes", { message: 'must be "yes" to execute (safety measure)' }),
});

/**
 * POST /api/dbadmin/geo/unpublish?table_name=X&confirm=yes (seeds/000). Admin only; a refused
 * or malformed attempt changes nothing and is audited too.
 */
export const POST = apiRoute(async (req) => {
  const rawName = new URL(req.url).searchParams.get("table_name");
  const user = await requireUnpublisher(rawName);
  let q: z.infer<typeof Query>;
  try {
    q = parseSearchParams(req, Query);
  } catch (err) {
    await tryWriteAudit({ ...auditActor(user), action: UNPUBLISH_ACTION, target: rawName, outcome: "failure", details: { error: (err as Error).message } });
    throw err;
  }
  const result = await unpublishTable(q.table_name, user);
  return NextResponse.json(result, { status: result.success ? 200 : 404 });
});
