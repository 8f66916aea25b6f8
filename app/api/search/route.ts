import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { safeText } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/guard";
import { search } from "@/lib/db/search";

export const dynamic = "force-dynamic";

const searchSchema = z.object({ q: safeText(100).min(1, { message: "expected 1 to 100 characters" }) });

/**
 * GET /api/search?q= (the command palette): job id and task id prefixes, layer names and titles,
 * STAC item id prefixes and page names → { results: [{ kind, id, title, subtitle?, href }] },
 * at most 20, grouped by kind (page, job, task, layer, stac_item).
 */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const { q } = parseSearchParams(req, searchSchema);
  return NextResponse.json({ results: await search(q) });
});
