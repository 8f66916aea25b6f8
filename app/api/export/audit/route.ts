import { z } from "zod";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { auditFilterFromParams, auditFiltersApplied, listAudit, type AuditRow } from "@/lib/db/audit";
import { auditListSchema } from "@/lib/db/audit-params";
import { exportResponse } from "@/lib/export/stream";

export const dynamic = "force-dynamic";

const schema = auditListSchema.and(
  z.object({ format: z.enum(["csv", "json"], { message: "expected csv or json" }).default("csv") }),
);
const COLUMNS = [
  "id",
  "at",
  "actor",
  "actor_oid",
  "actor_name",
  "actor_username",
  "actor_role",
  "action",
  "target",
  "outcome",
  "duration_ms",
  "warnings",
  "error",
  "parameters",
  "details",
  "fingerprint",
  "request_id",
  "client_address",
] as const satisfies readonly (keyof AuditRow)[];

/** GET /api/export/audit?format=csv|json&<the /audit filters>: streamed, capped (X-Export-Cap). */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, schema);
  // The whole filter from the newest entry on: the page position (before) and page size are not part of it.
  const base = auditFilterFromParams({ ...p, before: undefined });
  return exportResponse<AuditRow>({
    name: "audit",
    format: p.format,
    columns: COLUMNS,
    filters: auditFiltersApplied(p, base),
    page: async (cursor, limit) => {
      const r = await listAudit({ ...base, before: cursor ?? null, limit });
      return { rows: r.rows, next: r.nextBefore };
    },
  });
});
