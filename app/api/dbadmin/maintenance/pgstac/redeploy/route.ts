import { operationRoutes } from "@/lib/destructive/http";
import { redeployPgstacOperation } from "@/lib/destructive/operations/schemas";

export const dynamic = "force-dynamic";

/** GET → the plan; POST ?confirm=yes (admin) → runs it through the destructive pipeline (lib/destructive). */
const routes = operationRoutes(redeployPgstacOperation);
export const GET = routes.GET;
export const POST = routes.POST;
