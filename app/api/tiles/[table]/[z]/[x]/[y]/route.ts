import { apiRoute } from "@/lib/api/respond";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { MAX_FEATURES_PER_TILE, getTile } from "@/lib/db/tiles";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ table: string; z: string; x: string; y: string }> };

const INT = /^\d{1,9}$/;
const int = (v: string, name: string): number => {
  if (!INT.test(v))
    throw new AppError("bad_request", `Invalid ${name}: expected a non-negative integer`, { parameter: name });
  return Number(v);
};

// Tiles need a signed-in caller, so shared caches must not keep them.
const CACHE_CONTROL = "private, max-age=300, must-revalidate";

/** GET /api/tiles/{table}/{z}/{x}/{y}.mvt: a Mapbox Vector Tile built in PostGIS. */
export const GET = apiRoute(async (req, ctx: Ctx) => {
  const started = performance.now();
  await requireRole("reader");
  const p = await ctx.params;
  const m = /^(\d{1,9})\.mvt$/.exec(p.y);
  if (!m) throw new AppError("bad_request", "Invalid y: expected {y}.mvt", { parameter: "y" });
  const t0 = performance.now();
  const tile = await getTile(p.table, int(p.z, "z"), int(p.x, "x"), Number(m[1]));
  const t1 = performance.now();
  // Where the time went (auth + parsing vs the tile query), for browsers' devtools and the benchmark.
  const timing = `auth;dur=${(t0 - started).toFixed(1)}, tile;dur=${(t1 - t0).toFixed(1)}, total;dur=${(t1 - started).toFixed(1)}`;
  if (!tile.data)
    return new Response(null, { status: 204, headers: { "Cache-Control": CACHE_CONTROL, "Server-Timing": timing } });
  const headers: Record<string, string> = {
    "Cache-Control": CACHE_CONTROL,
    ETag: tile.etag!,
    Vary: "Cookie, Authorization",
    "Server-Timing": timing,
  };
  // The tile stopped at the feature cap: the rest of its features are not in it.
  if (tile.capped) headers["X-Tile-Capped"] = String(MAX_FEATURES_PER_TILE);
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === tile.etag))
    return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(tile.data), {
    status: 200,
    headers: {
      ...headers,
      "Content-Type": "application/vnd.mapbox-vector-tile",
      "Content-Length": String(tile.data.length),
    },
  });
});
