import { apiRoute } from "@/lib/api/respond";
import { tileCoords, tileResponse } from "@/lib/api/tile-response";
import { requireRole } from "@/lib/auth/guard";
import { catalogTile } from "@/lib/db/catalog-tiles";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ collection: string; z: string; x: string; y: string }> };

/** GET /api/tiles/stac/{collection}/{z}/{x}/{y}.mvt: the footprints of a STAC collection (pgstac.items), as a vector tile. */
export const GET = apiRoute(async (req, ctx: Ctx) => {
  const started = performance.now();
  await requireRole("reader");
  const p = await ctx.params;
  const [z, x, y] = tileCoords(p);
  const queried = performance.now();
  return tileResponse(req, await catalogTile("stac", p.collection, z, x, y), { started, queried });
});
