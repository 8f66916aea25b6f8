import "server-only";
import { NextResponse } from "next/server";
import type { ZodError } from "zod";
import { assertSameOrigin } from "../auth/csrf";
import { recordCrossSite } from "../auth/cross-site";
import { sessionCookieName } from "../auth/session-rules";
import { getConfig } from "../config";
import { apiSecurityHeaders, hostAllowed, REQUEST_ID_HEADER } from "../security/headers";
import { AppError, toAppError } from "./errors";
import { runWithRequestId } from "./request-context";
import { log } from "../log";

/** The API error envelope: {"error": {"code", "message"}}. */
export function errorResponse(err: unknown): NextResponse {
  const e = toAppError(err);
  if (e.code === "internal") log.error("unhandled API error", { error: String((err as Error)?.stack ?? err) });
  return NextResponse.json(
    { error: { code: e.code, message: e.message, ...(e.details ?? {}) } },
    // 503 is temporary by definition (database down, pool or tile renderers busy): say when to retry.
    {
      status: e.status,
      headers:
        e.status === 503
          ? { "Retry-After": String(RETRY_AFTER_SECONDS) }
          : e.status === 429
            ? { "Retry-After": String(e.details?.retry_after_seconds ?? 60) }
            : undefined,
    },
  );
}

export const RETRY_AFTER_SECONDS = 5;

/**
 * Wraps a route handler: refuses a Host that is not the console's (DNS rebinding) and cross-site
 * mutations made with the session cookie (lib/auth/csrf.ts), gives the request its id (audit rows;
 * echoed in x-request-id), turns whatever it throws into the JSON envelope and sets the security
 * headers. It checks no identity: each handler calls the auth guard and parses its input first thing.
 * This, not proxy.ts, is the route handlers' wrapper: Next's proxy costs ~1 ms a request on these
 * machines, more than the console's own work (npm run loadtest -- --cost).
 */
export function apiRoute<C>(handler: (req: Request, ctx: C) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    const cfg = getConfig();
    const requestId = crypto.randomUUID();
    const res = await runWithRequestId(requestId, async () => {
      try {
        // (A Request built in-process has no Host header; its URL names the host it was sent to.)
        if (!hostAllowed(req.headers.get("host") ?? new URL(req.url).host, cfg.allowedHosts))
          throw new AppError("misdirected", `This console answers on ${cfg.origin} only.`);
        try {
          assertSameOrigin(req, cfg.origin, sessionCookieName(cfg.origin));
        } catch (err) {
          // Audited against the session it carried (429 past the refusal limit instead).
          await recordCrossSite(req, "route", requestId);
          throw err;
        }
        return await handler(req, ctx);
      } catch (err) {
        return errorResponse(err);
      }
    });
    return withApiHeaders(res, requestId);
  };
}

/** The security headers (a handler's own Content-Security-Policy wins) and the request id. */
export function withApiHeaders(res: Response, requestId?: string): Response {
  for (const [k, v] of Object.entries(apiSecurityHeaders({ https: getConfig().origin.startsWith("https://") })))
    if (!res.headers.has(k)) res.headers.set(k, v);
  if (requestId) res.headers.set(REQUEST_ID_HEADER, requestId);
  return res;
}

/** A zod failure as a 400 naming the parameter. */
export function badRequestFrom(error: ZodError): AppError {
  const first = error.issues[0];
  const param = first?.path.join(".") || "request";
  return new AppError("bad_request", `Invalid ${param}: ${first?.message ?? "bad value"}`, { parameter: param });
}

/** Parses URL search params with a zod schema; 400 on failure. */
export function parseSearchParams<T>(
  req: Request,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
): T {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const r = schema.safeParse(params);
  if (!r.success) throw badRequestFrom(r.error);
  return r.data;
}
