import "server-only";
import { NextResponse } from "next/server";
import type { ZodError } from "zod";
import { assertSameOrigin } from "../auth/csrf";
import { getConfig } from "../config";
import { AppError, toAppError } from "./errors";
import { log } from "../log";

/** The API error envelope: {"error": {"code", "message"}}. */
export function errorResponse(err: unknown): NextResponse {
  const e = toAppError(err);
  if (e.code === "internal") log.error("unhandled API error", { error: String((err as Error)?.stack ?? err) });
  return NextResponse.json(
    { error: { code: e.code, message: e.message, ...(e.details ?? {}) } },
    // 503 is temporary by definition (database down, pool or tile renderers busy): say when to retry.
    { status: e.status, headers: e.status === 503 ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : undefined },
  );
}

export const RETRY_AFTER_SECONDS = 5;

/**
 * Wraps a route handler so whatever it throws becomes the JSON envelope, and refuses
 * cross-site mutations made with the session cookie (lib/auth/csrf.ts). It checks no identity:
 * each handler calls the auth guard and parses its input first thing.
 */
export function apiRoute<C>(handler: (req: Request, ctx: C) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      assertSameOrigin(req, getConfig().origin);
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
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
