import { tileRoute } from "@/lib/api/tile-response";
import { getTile } from "@/lib/db/tiles";

export const dynamic = "force-dynamic";

/** GET /api/tiles/{table}/{z}/{x}/{y}.mvt: a Mapbox Vector Tile of geo.{table}, built in PostGIS. */
export const GET = tileRoute<{ table: string }>((p, z, x, y, signal) => getTile(p.table, z, x, y, signal));
