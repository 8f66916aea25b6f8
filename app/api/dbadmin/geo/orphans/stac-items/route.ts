import { operationRoutes } from "@/lib/destructive/http";
import { stacOrphansOperation } from "@/lib/destructive/operations/stac-orphans";

export const dynamic = "force-dynamic";

/** GET → the plan (orphaned STAC items); POST ?confirm=yes (admin) → deletes them through the destructive pipeline. */
const routes = operationRoutes(stacOrphansOperation);
export const GET = routes.GET;
export const POST = routes.POST;
