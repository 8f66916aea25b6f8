import { apiRoute } from "@/lib/api/respond";
import { tileCoords, tileResponse } from "@/lib/api/tile-response";
import { requireRole } from "@/lib/auth/guard";
import { getTile } from "@/lib/db/tiles";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ table: string; z: string; x: string; y: string }> };

/** GET /api/tiles/{table}/{z}/{x}/{y}.mvt: a Mapbox Vector Tile of geo.{table}, built in PostGIS. */
export const GET = apiRoute(async (req, ctx: Ctx) => {
  const started = performance.now();
  await requireRole("reader");
  const p = await ctx.params;
  const [z, x, y] = tileCoords(p);
  const queried = performance.now();
  return tileResponse(req, await getTile(p.table, z, x, y), { started, queried });
});
