import { apiRoute } from "@/lib/api/respond";
import { tileCoords, tileResponse } from "@/lib/api/tile-response";
import { requireRole } from "@/lib/auth/guard";
import { catalogTile } from "@/lib/db/catalog-tiles";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ grid: string; z: string; x: string; y: string }> };

/** GET /api/tiles/h3/grids/{grid}/{z}/{x}/{y}.mvt: the cells of an H3 grid (h3.grids), as a vector tile. */
export const GET = apiRoute(async (req, ctx: Ctx) => {
  const started = performance.now();
  await requireRole("reader");
  const p = await ctx.params;
  const [z, x, y] = tileCoords(p);
  const queried = performance.now();
  return tileResponse(req, await catalogTile("grid", p.grid, z, x, y), { started, queried });
});
