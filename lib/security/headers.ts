/**
 * Response security headers, built by proxy.ts for pages and by apiRoute for route handlers. Pure: unit-tested.
 *
 * The Content-Security-Policy allows what the pages and maplibre need and nothing else: scripts
 * only with this request's nonce (Next puts it on its own scripts; 'strict-dynamic' lets those
 * load the chunks they import), maplibre's worker from the console itself, tiles and JSON from
 * the console (plus the basemap's origin when one is configured), images from data:/blob: (map
 * sprites and canvases). Inline style attributes stay allowed: React renders `style={...}` as
 * attributes, which cannot carry a nonce. `form-action` is left out on purpose: sign-out is a
 * form POST whose redirect goes to the identity provider's end-session endpoint, and Chromium
 * applies form-action to that redirect.
 */
/** Request id, set by proxy.ts on every request (audit rows and logs carry it). */
export const REQUEST_ID_HEADER = "x-request-id";

/** Request header carrying the nonce from proxy.ts to the root layout. */
export const NONCE_HEADER = "x-nonce";

export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean; basemapStyleUrl?: string } = {}): string {
  const connect = ["'self'", ...(opts.basemapStyleUrl ? [new URL(opts.basemapStyleUrl).origin] : [])];
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(" ")}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(opts: { csp: string; https: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": opts.csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    ...(opts.https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/**
 * Route handlers' headers (set by apiRoute: the proxy does not run for /api/). JSON and tiles need
 * no script or style, so the policy allows nothing; a handler that serves a script (maplibre's
 * worker) sets its own.
 */
export function apiSecurityHeaders(opts: { https: boolean }): Record<string, string> {
  return securityHeaders({ csp: "default-src 'none'; frame-ancestors 'none'", https: opts.https });
}

/** The Host header must name this console (DNS rebinding: another name resolving to us). */
export function hostAllowed(host: string | null, allowed: readonly string[]): boolean {
  return !!host && allowed.includes(host.toLowerCase());
}
