import { AppError } from "../api/errors";

/**
 * Cross-site request forgery defence for cookie-authenticated mutations (route handlers; Next
 * checks server actions' Origin itself). A browser marks where a request comes from: it must be
 * this very origin. `Sec-Fetch-Site: same-site` is refused too: another port on localhost or a
 * sibling subdomain is "same-site" but not us. Browsers without Fetch Metadata send Origin on
 * every POST; a request with neither is not from a browser form, and is refused as well.
 * Bearer-token calls are exempt: a cross-site page cannot attach an Authorization header. So is
 * a request with no session cookie at all: there is nothing to forge, and the handler's guard
 * answers it 401 like any anonymous call.
 */
export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOriginRequest(req: Request, origin: string): boolean {
  const site = req.headers.get("sec-fetch-site");
  const from = req.headers.get("origin");
  if (site) return site === "same-origin" && (!from || from === origin);
  return from === origin;
}

/** Whether the request carries the console's session cookie (by name; valid or not). */
export function hasSessionCookie(req: Request, cookieName: string): boolean {
  const cookie = req.headers.get("cookie");
  return !!cookie && cookie.split(";").some((c) => c.trim().startsWith(`${cookieName}=`));
}

export function assertSameOrigin(req: Request, origin: string, cookieName: string): void {
  if (SAFE_METHODS.has(req.method.toUpperCase()) || req.headers.has("authorization")) return;
  if (!hasSessionCookie(req, cookieName)) return;
  if (!isSameOriginRequest(req, origin)) {
    throw new AppError(
      "forbidden",
      "Cross-site request refused: send it from the console's own pages, or with an Authorization: Bearer token.",
      {
        reason: "cross_site",
      },
    );
  }
}
