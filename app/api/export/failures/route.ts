import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { exportResponse } from "@/lib/export/stream";
import { getFailureGroup, listFailureMembers, type FailureMember } from "@/lib/failures/groups";
import { failureGroupFields } from "@/lib/failures/params";

export const dynamic = "force-dynamic";

const schema = z.object({
  signature: z.string({ message: "expected a failure group key" }),
  window: failureGroupFields.window,
  format: z.enum(["csv", "json"], { message: "expected csv or json" }).default("csv"),
});
const COLUMNS = [
  "source",
  "id",
  "job_id",
  "job_type",
  "stage",
  "failed_at",
  "task_type",
  "status",
  "retry_count",
  "error_message",
] as const;

/** GET /api/export/failures?signature=K&window=24h&format=csv|json: a group's members, streamed, capped. */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, schema);
  if (!(await getFailureGroup(p.signature, p.window)))
    throw new AppError("not_found", `No failure group ${p.signature}.`);
  return exportResponse<FailureMember>({
    name: "failures",
    format: p.format,
    columns: COLUMNS,
    filters: { signature: p.signature, window: p.window },
    page: async (cursor, limit) => {
      const r = await listFailureMembers(p.signature, p.window, { limit, cursor });
      return { rows: r.rows, next: r.next_cursor };
    },
  });
});
