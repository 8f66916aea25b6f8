import "server-only";
import { NextResponse } from "next/server";
import { AppError } from "../api/errors";
import { apiRoute } from "../api/respond";
import { requireRole } from "../auth/guard";
import { inputKeys, planOperation, requireOperator, runOperation } from "./pipeline";
import type { AnyOperation } from "./types";

/**
 * The JSON API of a destructive operation, the same for all of them:
 *   GET  <path>?<params>            → the plan (reader: read-only), with its fingerprint
 *   POST <path>?<params>&confirm=yes[&fingerprint=…][&cascade=yes] → the result (admin)
 * Each handler calls the guard first thing; apiRoute refuses cross-site cookie POSTs.
 */
export function operationRoutes(
  op: AnyOperation,
  opts: { onError?: (err: AppError, params: Record<string, string>) => Response | null } = {},
) {
  const GET = apiRoute(async (req: Request) => {
    await requireRole("reader");
    const params = Object.fromEntries(new URL(req.url).searchParams);
    return NextResponse.json({ plan: await planOperation(op, params) });
  });

  const POST = apiRoute(async (req: Request) => {
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const user = await requireOperator(op.action, params.table_name ?? null, params, inputKeys(op));
    try {
      const { result } = await runOperation(op, params, user, {
        confirm: { api: params.confirm },
        fingerprint: params.fingerprint || null,
        acceptDependents: params.cascade === "yes",
      });
      return NextResponse.json(result);
    } catch (err) {
      if (err instanceof AppError) {
        const custom = opts.onError?.(err, params);
        if (custom) return custom;
      }
      throw err;
    }
  });
  return { GET, POST };
}
