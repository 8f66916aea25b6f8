import { operationRoutes } from "@/lib/destructive/http";
import { auditRetentionOperation } from "@/lib/destructive/operations/audit-retention";

export const dynamic = "force-dynamic";

/** GET → the plan; POST ?confirm=yes (admin) → runs it through the destructive pipeline (lib/destructive). */
const routes = operationRoutes(auditRetentionOperation);
export const GET = routes.GET;
export const POST = routes.POST;
