import { z } from "zod";
import { requireRole } from "@/lib/auth/guard";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { jobFilterFromParams, listJobs, type JobSummary } from "@/lib/db/jobs";
import { jobListSchema } from "@/lib/db/jobs-params";
import { exportResponse } from "@/lib/export/stream";

export const dynamic = "force-dynamic";

const schema = jobListSchema.and(
  z.object({ format: z.enum(["csv", "json"], { message: "expected csv or json" }).default("csv") }),
);
const COLUMNS = [
  "job_id",
  "job_type",
  "status",
  "stage",
  "total_stages",
  "created_at",
  "updated_at",
  "duration_seconds",
  "error",
] as const;

/** GET /api/export/jobs?format=csv|json&<the /jobs filters>: streamed, capped (X-Export-Cap). */
export const GET = apiRoute(async (req: Request) => {
  await requireRole("reader");
  const p = parseSearchParams(req, schema);
  const base = jobFilterFromParams({ ...p, cursor: undefined });
  return exportResponse<JobSummary>({
    name: "jobs",
    format: p.format,
    columns: COLUMNS,
    filters: { status: p.status, job_type: p.job_type, since: base.since, until: base.until, q: p.q, sort: p.sort },
    page: async (cursor, limit) => {
      const r = await listJobs({ ...base, cursor, limit });
      return { rows: r.jobs, next: r.next_cursor };
    },
  });
});
