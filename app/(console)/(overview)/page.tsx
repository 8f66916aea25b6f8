import Link from "next/link";
import { StatusBadge } from "@/components/jobs/status-badge";
import { TopFailureGroups } from "@/components/failures/top-groups";
import { JobsChart } from "@/components/overview/jobs-chart";
import { formatCount, shortId } from "@/lib/format";
import { Notice } from "@/components/ui/notice";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageRole } from "@/lib/auth/page";
import { JOB_STATUSES, TASK_STATUSES } from "@/lib/db/jobs-params";
import { getOverviewCounts, jobsPerHour, KNOWN_SCHEMAS, latestFailures, type StatusCounts } from "@/lib/db/overview";
import { listFailureGroups } from "@/lib/failures/groups";
import { refreshIfStale } from "@/lib/failures/schedule";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Overview" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;
const card = "rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

export default async function OverviewPage({ searchParams }: { searchParams: SP }) {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  await requirePageRole("reader");
  const range = (await searchParams).range === "7d" ? "7d" : "24h";
  const counts = await getOverviewCounts();
  const hasApp = counts.schemas.includes("app");
  if (hasApp) await refreshIfStale();
  const [buckets, failures, groups] = hasApp
    ? await Promise.all([
        jobsPerHour(range),
        latestFailures(8),
        listFailureGroups({ window: "24h", sort: "count", limit: 5, offset: 0 }),
      ])
    : [[], [], null];

  return (
    <>
      <PageHeader title="Overview">
        <LiveRefresh storageKey="geoetl.refresh.overview" />
      </PageHeader>
      {!hasApp ? (
        <div className="mb-6">
          <Notice title="The app schema is missing" tone="warning">
            <p>
              There are no CoreMachine jobs or tasks to show: schema <code>app</code> does not exist in this database.
              Deploy the schema (Maintenance → redeploy) or point DATABASE_URL at the pipeline&apos;s database.
            </p>
          </Notice>
        </div>
      ) : null}

      <div className="mb-6 grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <CountsCard title="Jobs" counts={counts.jobs} statuses={JOB_STATUSES} hrefFor={(s) => `/jobs?status=${s}`} />
        <CountsCard
          title="Tasks"
          counts={counts.tasks}
          statuses={TASK_STATUSES}
          hrefFor={(s) => `/tasks?status=${s}`}
        />
        <section className={card} aria-labelledby="stuck-h">
          <h2 id="stuck-h" className="text-sm font-medium text-slate-600 dark:text-slate-400">
            Stuck tasks
          </h2>
          <p
            className={`mt-1 text-3xl font-semibold tabular-nums ${counts.stuck_tasks ? "text-red-700 dark:text-red-300" : ""}`}
            data-testid="stuck-count"
          >
            {counts.stuck_tasks.toLocaleString("en-US")}
            {counts.stuck_tasks_capped ? "+" : ""}
          </p>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            processing with no heartbeat for over {counts.stuck_threshold_minutes} min
          </p>
          {counts.stuck_tasks ? (
            <Link
              href="/tasks?stuck=true"
              className="mt-2 inline-block text-sm text-sky-700 underline dark:text-sky-400"
            >
              See stuck tasks
            </Link>
          ) : null}
        </section>
        <section className={card} aria-labelledby="db-h">
          <h2 id="db-h" className="text-sm font-medium text-slate-600 dark:text-slate-400">
            Database
          </h2>
          <p className="mt-1 text-sm" data-testid="pgstac-version">
            {counts.pgstac.present ? (
              counts.pgstac.version ? (
                <>
                  <strong>{counts.pgstac.label}</strong>
                  {counts.pgstac.standIn ? ` (demo and tests only; reports version ${counts.pgstac.version})` : ""}
                </>
              ) : (
                <span className="text-amber-700 dark:text-amber-300">
                  pgSTAC: schema present, version unreadable ({counts.pgstac.problem})
                </span>
              )
            ) : (
              <span className="text-amber-700 dark:text-amber-300">pgSTAC: not installed (no pgstac schema)</span>
            )}
          </p>
          <ul className="mt-2 flex flex-wrap gap-1.5 text-xs" aria-label="Schemas" data-testid="schemas">
            {KNOWN_SCHEMAS.map((s) => (
              <li
                key={s}
                className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${counts.schemas.includes(s) ? "ring-emerald-300 dark:ring-emerald-800" : "text-slate-400 line-through ring-slate-200 dark:ring-slate-700"}`}
                title={counts.schemas.includes(s) ? "present" : "missing"}
              >
                {s}
                {counts.schemas.includes(s) ? "" : " (missing)"}
              </li>
            ))}
            {counts.schemas
              .filter((s) => !(KNOWN_SCHEMAS as readonly string[]).includes(s))
              .map((s) => (
                <li key={s} className="rounded px-1.5 py-0.5 ring-1 ring-inset ring-slate-200 dark:ring-slate-700">
                  {s}
                </li>
              ))}
          </ul>
        </section>
      </div>

      {hasApp ? (
        <section className={`${card} mb-6`} aria-labelledby="chart-h">
          <div className="mb-2 flex items-center justify-between">
            <h2 id="chart-h" className="font-medium">
              Jobs created per hour, by status
            </h2>
            <div className="flex gap-1 text-sm" role="group" aria-label="Chart range">
              {(["24h", "7d"] as const).map((r) => (
                <Link
                  key={r}
                  href={r === "24h" ? "/" : "/?range=7d"}
                  aria-current={range === r ? "true" : undefined}
                  className={`rounded px-2 py-0.5 ${range === r ? "bg-sky-700 text-white" : "ring-1 ring-slate-300 hover:bg-slate-100 dark:ring-slate-700 dark:hover:bg-slate-800"}`}
                >
                  {r === "24h" ? "24 h" : "7 d"}
                </Link>
              ))}
            </div>
          </div>
          <JobsChart buckets={buckets} range={range} />
        </section>
      ) : null}

      {groups ? <TopFailureGroups list={groups} /> : null}

      {hasApp ? (
        <section className={card} aria-labelledby="fail-h">
          <div className="mb-2 flex items-center justify-between">
            <h2 id="fail-h" className="font-medium">
              Latest failures
            </h2>
            <Link href="/jobs?status=failed&sort=updated" className="text-sm text-sky-700 underline dark:text-sky-400">
              All failed jobs
            </Link>
          </div>
          {failures.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No failed jobs. </p>
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="latest-failures">
              {failures.map((f) => (
                <li key={f.job_id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2 text-sm">
                  <StatusBadge status="failed" />
                  <Link
                    href={`/jobs/${encodeURIComponent(f.job_id)}`}
                    className="font-mono text-sky-700 hover:underline dark:text-sky-400"
                    title={f.job_id}
                  >
                    {shortId(f.job_id)}
                  </Link>
                  <span>{f.job_type}</span>
                  <span className="text-slate-600 dark:text-slate-400">
                    <RelativeTime iso={f.failed_at} />
                  </span>
                  <span className="w-full truncate text-red-700 dark:text-red-300" title={f.error ?? undefined}>
                    {f.error ?? "no error message recorded"}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}

function CountsCard<S extends string>({
  title,
  counts,
  statuses,
  hrefFor,
}: {
  title: string;
  counts: StatusCounts<S>;
  statuses: readonly S[];
  hrefFor: (s: S) => string;
}) {
  return (
    <section className={card} aria-label={`${title} by status`}>
      <h2 className="text-sm font-medium text-slate-600 dark:text-slate-400">{title}</h2>
      <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid={`total-${title.toLowerCase()}`}>
        {formatCount(counts.total, counts.exact)}
      </p>
      <ul className="mt-2 space-y-1 text-sm">
        {statuses.map((s) => (
          <li key={s} className="flex items-center justify-between gap-2">
            <Link href={hrefFor(s)} className="hover:underline">
              <StatusBadge status={s} />
            </Link>
            <span
              className="tabular-nums"
              title={counts.exact_by_status[s] ? "exact" : "estimate from planner statistics"}
            >
              {formatCount(counts.by_status[s], counts.exact_by_status[s])}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
