import { operationRoutes } from "@/lib/destructive/http";
import { stacNukeOperation } from "@/lib/destructive/operations/schemas";

export const dynamic = "force-dynamic";

/** GET ?mode=all|items → the plan; POST ?mode=all|items&confirm=yes (admin) → clears STAC through the pipeline. */
const routes = operationRoutes(stacNukeOperation);
export const GET = routes.GET;
export const POST = routes.POST;
