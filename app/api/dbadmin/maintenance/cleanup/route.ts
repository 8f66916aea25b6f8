import { operationRoutes } from "@/lib/destructive/http";
import { cleanupOperation } from "@/lib/destructive/operations/cleanup";

export const dynamic = "force-dynamic";

/** GET → the plan; POST ?confirm=yes (admin) → runs it through the destructive pipeline (lib/destructive). */
const routes = operationRoutes(cleanupOperation);
export const GET = routes.GET;
export const POST = routes.POST;
