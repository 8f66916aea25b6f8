import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { checkDatabase } from "@/lib/db/health";
import { getJob, jobFilterFromParams, listJobs } from "@/lib/db/jobs";
import { jobListSchema, taskListSchema } from "@/lib/db/jobs-params";
import { listMetadata } from "@/lib/db/geo";
import { geoMetadataQuery } from "@/lib/db/geo-params";
import { listTasks, taskFilterFromParams } from "@/lib/db/tasks";

export const dynamic = "force-dynamic";

/**
 * Benchmarks only: the "bare route handler running the same SQL" that scripts/loadtest.ts
 * compares each JSON route with (its per-request cost). Each twin parses the same query string
 * and calls the same lib/db function as its console route, with nothing of the console around
 * it: no proxy (excluded in proxy.ts), no identity check, no CSRF check, no error envelope.
 * Off (404) unless BENCH_BARE_ROUTES=1, which the config refuses for a non-loopback origin.
 */
const query = (url: URL) => Object.fromEntries(url.searchParams);
const TWINS: Record<string, (url: URL) => Promise<unknown>> = {
  empty: async () => ({}),
  jobs: (url) => listJobs(jobFilterFromParams(jobListSchema.parse(query(url)))),
  job: (url) => getJob(url.searchParams.get("id") ?? ""),
  tasks: (url) => listTasks(taskFilterFromParams(taskListSchema.parse(query(url)))),
  geo: (url) => listMetadata(geoMetadataQuery.parse(query(url))),
  health: () => checkDatabase(),
};

export async function GET(req: Request, ctx: { params: Promise<{ twin: string }> }) {
  const { twin: name } = await ctx.params;
  const twin = Object.hasOwn(TWINS, name) ? TWINS[name] : undefined;
  if (!getConfig().benchBareRoutes || !twin)
    return NextResponse.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
  return NextResponse.json(await twin(new URL(req.url)));
}
