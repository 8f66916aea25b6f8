import { readFile } from "node:fs/promises";
import path from "node:path";
import { apiRoute } from "@/lib/api/respond";
import { requireUser } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";

/**
 * maplibre-gl's web worker (a self-contained ES module). Bundlers rewrite the library's own
 * `new URL("./maplibre-gl-worker.mjs", import.meta.url)`, so the map sets its worker URL to this
 * route instead: served from the installed package, same origin, no CDN.
 */
let cached: { body: Buffer; etag: string } | undefined;

export const GET = apiRoute(async (req) => {
  await requireUser();
  if (!cached) {
    const file = path.join(process.cwd(), "node_modules", "maplibre-gl", "dist", "maplibre-gl-worker.mjs");
    const pkg = JSON.parse(
      await readFile(path.join(process.cwd(), "node_modules", "maplibre-gl", "package.json"), "utf8"),
    ) as { version: string };
    cached = { body: await readFile(file), etag: `"maplibre-worker-${pkg.version}"` };
  }
  const headers = { "Cache-Control": "private, max-age=86400", ETag: cached.etag };
  if (req.headers.get("if-none-match") === cached.etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(cached.body), {
    headers: { ...headers, "Content-Type": "text/javascript; charset=utf-8" },
  });
});
