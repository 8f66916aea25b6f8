import { readFile } from "node:fs/promises";
import path from "node:path";
import { apiRoute } from "@/lib/api/respond";
import { requireUser } from "@/lib/auth/guard";
import { getConfig } from "@/lib/config";
import { contentSecurityPolicy } from "@/lib/security/headers";

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
  // A worker runs under its script's policy: the pages' (it fetches tiles, and the basemap when set).
  const csp = contentSecurityPolicy(crypto.randomUUID(), { basemapStyleUrl: getConfig().basemapStyleUrl });
  const headers = { "Cache-Control": "private, max-age=86400", ETag: cached.etag, "Content-Security-Policy": csp };
  if (req.headers.get("if-none-match") === cached.etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(cached.body), {
    headers: { ...headers, "Content-Type": "text/javascript; charset=utf-8" },
  });
});
