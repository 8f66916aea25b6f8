import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { requireRole } from "@/lib/auth/guard";
import { getConfig } from "@/lib/config";
import { runningOperations } from "@/lib/destructive/pipeline";

export const dynamic = "force-dynamic";

/** GET /api/dbadmin/maintenance/status (reader): what runs now, step n of m; whether schema maintenance is enabled. */
export const GET = apiRoute(async () => {
  await requireRole("reader");
  const cfg = getConfig();
  return NextResponse.json({
    running: await runningOperations(),
    destructive_maintenance_enabled: cfg.allowDestructiveMaintenance,
    pgstac_install: cfg.pgstacInstall?.kind ?? null,
  });
});
