import { NextResponse } from "next/server";
import { RETRY_AFTER_SECONDS, withApiHeaders } from "@/lib/api/respond";
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

/**
 * Liveness + database reachability for load balancers and uptime probes. The one route that
 * asks no identity: it reveals nothing but "ok"/"unavailable". Not wrapped in apiRoute: no Host
 * check either, since probes often call an instance by its internal name or address.
 */
export async function GET() {
  const db = await checkDatabase();
  const res = NextResponse.json(
    { status: db.ok ? "ok" : "degraded", database: db.ok ? "ok" : "unavailable" },
    {
      status: db.ok ? 200 : 503,
      headers: { "Cache-Control": "no-store", ...(db.ok ? {} : { "Retry-After": String(RETRY_AFTER_SECONDS) }) },
    },
  );
  return withApiHeaders(res);
}
