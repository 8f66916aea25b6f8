import "server-only";
import { requireRole } from "../auth/guard";
import { apiRoute } from "./respond";
import { AppError } from "./errors";
import type { Tile } from "../db/tiles";
import { MAX_FEATURES_PER_TILE } from "../db/tiles";

// Tiles need a signed-in caller, so shared caches must not keep them.
const CACHE_CONTROL = "private, max-age=300, must-revalidate";

/** z, x and "{y}.mvt" from a tile route's path, as integers (400 naming the bad one). */
export function tileCoords(p: { z: string; x: string; y: string }): [number, number, number] {
  const int = (v: string, name: string): number => {
    if (!/^\d{1,9}$/.test(v))
      throw new AppError("bad_request", `Invalid ${name}: expected a non-negative integer`, { parameter: name });
    return Number(v);
  };
  const m = /^(\d{1,9})\.mvt$/.exec(p.y);
  if (!m) throw new AppError("bad_request", "Invalid y: expected {y}.mvt", { parameter: "y" });
  return [int(p.z, "z"), int(p.x, "x"), Number(m[1])];
}

/**
 * The HTTP answer for a tile, the same for every tile route: 204 when empty, ETag and 304,
 * X-Tile-Capped when the tile stopped at the feature cap, Server-Timing (auth vs tile query).
 */
export function tileResponse(req: Request, tile: Tile, timing: { started: number; queried: number }): Response {
  const done = performance.now();
  const serverTiming = `auth;dur=${(timing.queried - timing.started).toFixed(1)}, tile;dur=${(done - timing.queried).toFixed(1)}, total;dur=${(done - timing.started).toFixed(1)}`;
  if (!tile.data)
    return new Response(null, {
      status: 204,
      headers: { "Cache-Control": CACHE_CONTROL, "Server-Timing": serverTiming },
    });
  const headers: Record<string, string> = {
    "Cache-Control": CACHE_CONTROL,
    ETag: tile.etag!,
    Vary: "Cookie, Authorization",
    "Server-Timing": serverTiming,
  };
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
}

/**
 * A tile route: GET .../{z}/{x}/{y}.mvt for a reader; `render` draws the tile for the route's
 * other path parameters. Every tile route is this, so they answer alike.
 */
export function tileRoute<P extends Record<string, string>>(
  render: (params: P, z: number, x: number, y: number, signal: AbortSignal) => Promise<Tile>,
) {
  return apiRoute(async (req, ctx: { params: Promise<P & { z: string; x: string; y: string }> }) => {
    const started = performance.now();
    await requireRole("reader");
    const p = await ctx.params;
    const [z, x, y] = tileCoords(p);
    const queried = performance.now();
    // req.signal aborts when the client goes away: a tile still queued for a renderer then leaves the queue.
    return tileResponse(req, await render(p, z, x, y, req.signal), { started, queried });
  });
}
