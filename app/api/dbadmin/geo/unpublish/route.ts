import { NextResponse } from "next/server";
import { operationRoutes } from "@/lib/destructive/http";
import { unpublishOperation } from "@/lib/destructive/operations/unpublish";

export const dynamic = "force-dynamic";

/**
 * GET  /api/dbadmin/geo/unpublish?table_name=X → the plan (what would go, dependents, fingerprint).
 * POST /api/dbadmin/geo/unpublish?table_name=X&confirm=yes[&fingerprint=F][&cascade=yes] (admin):
 * the pipeline's response shape; an unknown table is the pipeline's 404 {success:false, error, table_name}.
 */
const routes = operationRoutes(unpublishOperation, {
  onError: (err, params) =>
    err.code === "not_found"
      ? NextResponse.json({ success: false, error: err.message, table_name: params.table_name }, { status: 404 })
      : null,
});
export const GET = routes.GET;
export const POST = routes.POST;
