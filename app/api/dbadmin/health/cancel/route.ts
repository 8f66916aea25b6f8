import { operationRoutes } from "@/lib/destructive/http";
import { cancelQueryOperation } from "@/lib/destructive/operations/sessions";

export const dynamic = "force-dynamic";

/**
 * GET  /api/dbadmin/health/cancel?pid=N → the plan (the session and its query, fingerprint); 404 no such pid,
 *      409 a session the console never ends (its own, a superuser's it cannot end, another database's).
 * POST /api/dbadmin/health/cancel?pid=N&confirm=yes[&fingerprint=F] (admin): pg_cancel_backend through
 *      the destructive pipeline (audited as health.cancel).
 */
const routes = operationRoutes(cancelQueryOperation);
export const GET = routes.GET;
export const POST = routes.POST;
