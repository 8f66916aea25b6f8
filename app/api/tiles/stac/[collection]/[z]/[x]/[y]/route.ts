import { tileRoute } from "@/lib/api/tile-response";
import { catalogTile } from "@/lib/db/catalog-tiles";

export const dynamic = "force-dynamic";

/** GET /api/tiles/stac/{collection}/{z}/{x}/{y}.mvt: the footprints of a STAC collection (pgstac.items). */
export const GET = tileRoute<{ collection: string }>((p, z, x, y, signal) =>
  catalogTile("stac", p.collection, z, x, y, signal),
);
