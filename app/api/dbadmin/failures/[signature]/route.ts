import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { getFailureGroup, listFailureMembers } from "@/lib/failures/groups";
import { failureGroupSchema } from "@/lib/failures/params";

export const dynamic = "force-dynamic";

/**
 * GET /api/dbadmin/failures/{signature}?window=24h&limit=50&cursor=: one group (counts, trend,
 * examples) and a keyset page of its tasks and jobs in the window, newest first.
 */
export const GET = apiRoute(async (req: Request, ctx: { params: Promise<{ signature: string }> }) => {
  await requireRole("reader");
  const { signature } = await ctx.params;
  const p = parseSearchParams(req, failureGroupSchema);
  const group = await getFailureGroup(signature, p.window);
  if (!group)
    throw new AppError(
      "not_found",
      `No failure group ${signature}. Groups change as the rollup refreshes: list them at /api/dbadmin/failures.`,
    );
  const members = await listFailureMembers(signature, p.window, { limit: p.limit, cursor: p.cursor });
  return NextResponse.json({
    ...group,
    members: members.rows,
    limit: p.limit,
    next_cursor: members.next_cursor,
    prev_cursor: members.prev_cursor,
  });
});
