import { operationRoutes } from "@/lib/destructive/http";
import { pgstacMigrateOperation } from "@/lib/destructive/operations/pgstac-migrate";

export const dynamic = "force-dynamic";

/** GET → the plan; POST ?confirm=yes (admin) → runs it through the destructive pipeline (lib/destructive). */
const routes = operationRoutes(pgstacMigrateOperation);
export const GET = routes.GET;
export const POST = routes.POST;
