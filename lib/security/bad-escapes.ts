import { type IncomingMessage, type ServerResponse, Server } from "node:http";
import { randomUUID } from "node:crypto";
import { log } from "../log";
import { REQUEST_ID_HEADER, apiSecurityHeaders } from "./headers";

/**
 * A path segment whose percent-escapes are not UTF-8 (`/jobs/%FF`) makes Next's router throw
 * while matching dynamic routes, before the proxy or any handler runs: a plain-text 500 with no
 * security headers and no log line (vercel/next.js#92527, open). Such a path names nothing, so it
 * is answered here, at the HTTP server, before Next sees it: 400 JSON for /api/, a short "bad
 * link" page otherwise, with the console's headers and a log line. Installed once at start-up
 * (lib/startup.ts) on the server prototype, so `next start` and the standalone server.js both get it.
 */
export function hasBadEscape(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0];
  if (!path.includes("%")) return false;
  for (const segment of path.split("/"))
    try {
      decodeURIComponent(segment);
    } catch {
      return true;
    }
  return false;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad link · GeoETL</title></head>
<body><main><h1>This link is broken</h1><p>Part of its address is not valid text (a malformed percent-escape), so it names nothing in the console.</p>
<p><a href="/">Go to the overview</a></p></main></body></html>`;

function answer(req: IncomingMessage, res: ServerResponse, https: boolean): void {
  const requestId = randomUUID();
  const api = (req.url ?? "").startsWith("/api/");
  log.warn("bad percent-escape in the path", {
    path: (req.url ?? "").slice(0, 256),
    method: req.method,
    request_id: requestId,
  });
  const headers: Record<string, string> = {
    ...apiSecurityHeaders({ https }),
    [REQUEST_ID_HEADER]: requestId,
    "Cache-Control": "no-store",
    "Content-Type": api ? "application/json" : "text/html; charset=utf-8",
  };
  res.writeHead(400, headers);
  res.end(
    api
      ? JSON.stringify({
          error: {
            code: "bad_request",
            message: "Invalid path: a percent-escape in it is not valid UTF-8.",
            parameter: "path",
          },
        })
      : PAGE,
  );
}

const g = globalThis as unknown as { __geoetlBadEscapes?: boolean };
export function installBadEscapeGuard(https: boolean): void {
  if (g.__geoetlBadEscapes) return;
  g.__geoetlBadEscapes = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      if (req.url && hasBadEscape(req.url)) {
        answer(req, res, https);
        return true;
      }
    }
    return (emit as (this: Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof Server.prototype.emit;
}
