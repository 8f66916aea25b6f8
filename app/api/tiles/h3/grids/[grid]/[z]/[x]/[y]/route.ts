import { tileRoute } from "@/lib/api/tile-response";
import { catalogTile } from "@/lib/db/catalog-tiles";

export const dynamic = "force-dynamic";

/** GET /api/tiles/h3/grids/{grid}/{z}/{x}/{y}.mvt: the cells of an H3 grid (h3.grids). */
export const GET = tileRoute<{ grid: string }>((p, z, x, y, signal) => catalogTile("grid", p.grid, z, x, y, signal));
