import { operationRoutes } from "@/lib/destructive/http";
import { terminateSessionOperation } from "@/lib/destructive/operations/sessions";

export const dynamic = "force-dynamic";

/**
 * GET  /api/dbadmin/health/terminate?pid=N → the plan; 404 no such pid, 409 a session the console never ends.
 * POST /api/dbadmin/health/terminate?pid=N&confirm=yes[&fingerprint=F] (admin): pg_terminate_backend
 *      through the destructive pipeline (audited as health.terminate). In the UI the typed
 *      confirmation is "terminate <pid>".
 */
const routes = operationRoutes(terminateSessionOperation);
export const GET = routes.GET;
export const POST = routes.POST;
