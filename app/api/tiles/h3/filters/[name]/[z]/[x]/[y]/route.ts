import { tileRoute } from "@/lib/api/tile-response";
import { catalogTile } from "@/lib/db/catalog-tiles";

export const dynamic = "force-dynamic";

/** GET /api/tiles/h3/filters/{name}/{z}/{x}/{y}.mvt: the cells an H3 reference filter names. */
export const GET = tileRoute<{ name: string }>((p, z, x, y, signal) => catalogTile("filter", p.name, z, x, y, signal));
