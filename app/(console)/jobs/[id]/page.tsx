import Link from "next/link";
import { notFound } from "next/navigation";
import { StageTimeline } from "@/components/jobs/stage-timeline";
import { StageProgress, StatusBadge } from "@/components/jobs/status-badge";
import { TaskTable } from "@/components/tasks/task-table";
import { CopyButton } from "@/components/ui/copy-button";
import { formatDuration, formatExact } from "@/lib/format";
import { JsonViewer } from "@/components/ui/json-viewer";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { KeysetPager } from "@/components/ui/pager";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageRole } from "@/lib/auth/page";
import { pathParam } from "@/lib/path-param";
import { apiRequestsOfJob } from "@/lib/db/activity";
import { getJob } from "@/lib/db/jobs";
import { TASK_STATUSES } from "@/lib/db/jobs-params";
import { listJobTasks, type TaskPage } from "@/lib/db/tasks";
import { jobTasksHref, jobTasksUrl, type JobTasksUrlState } from "@/lib/url-state/job-tasks";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import { tasksHref } from "@/lib/url-state/tasks";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `Job ${paramTitle(p.id, 9)}` };
}

export const dynamic = "force-dynamic";

const TASKS_PER_PAGE = 100;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function JobPage({ params, searchParams }: Props) {
  await requirePageRole("reader");
  // Malformed, or not text PostgreSQL can hold (NUL, control characters) or too long for a job id: 404, no query.
  const id = pathParam((await params).id, 64);
  const job = id ? await getJob(id) : null;
  if (!job) notFound();
  const requests = await apiRequestsOfJob(job.job_id);

  // Task list position and filters live in the URL too: ?stage=2&status=failed&cursor=...
  const { data: page, state } = await loadForUrlState(readUrlState(jobTasksUrl, await searchParams), (v) =>
    listJobTasks(job.job_id, {
      stage: v.stage ?? undefined,
      statuses: v.status ?? undefined,
      limit: TASKS_PER_PAGE,
      cursor: v.cursor ?? undefined,
    }),
  );
  const tf = state.values;
  const base = `/jobs/${encodeURIComponent(job.job_id)}`;
  const link = (patch: Partial<JobTasksUrlState>) => `${jobTasksHref(base, { ...patch })}#tasks`;
  const curStatus = tf.status?.join(",");
  const statusList = tf.status;

  // Group the page's tasks by stage (they arrive in stage order).
  const groups = new Map<number, TaskPage["tasks"]>();
  for (const t of page.tasks) groups.set(t.stage, [...(groups.get(t.stage) ?? []), t]);

  const chip = (active: boolean) =>
    `rounded-full px-3 py-0.5 text-sm ring-1 ring-inset ${active ? "bg-sky-700 text-white ring-sky-700" : "ring-slate-300 hover:bg-slate-100 dark:ring-slate-700 dark:hover:bg-slate-800"}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/jobs" className="text-sky-700 underline dark:text-sky-400">
          Jobs
        </Link>{" "}
        / <span className="font-mono">{job.job_id.slice(0, 12)}…</span>
      </nav>
      <header className="mb-6 space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{job.job_type}</h1>
          <StatusBadge status={job.status} />
          <StageProgress stage={job.stage} total={job.total_stages} status={job.status} />
          <div className="ml-auto">
            <LiveRefresh storageKey="geoetl.refresh.job" />
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <code className="break-all font-mono text-sm" data-testid="job-id">
            {job.job_id}
          </code>
          <CopyButton value={job.job_id} label="Copy job id" />
        </div>
        {job.error ? (
          <p className="text-sm text-red-700 dark:text-red-300" data-testid="job-error">
            Error: {job.error}
          </p>
        ) : null}
      </header>
      {requests.length ? (
        <section aria-label="Submitted by" className="mb-6 text-sm" data-testid="job-requests">
          <h2 className="mb-1 font-semibold">Submitted through the platform API</h2>
          <ul className="space-y-0.5">
            {requests.map((r) => (
              <li key={r.request_id}>
                <Link
                  className="font-mono text-xs underline"
                  href={`/activity?dataset=${encodeURIComponent(r.dataset_id ?? "")}`}
                  title={r.request_id}
                >
                  {r.request_id.slice(0, 12)}…
                </Link>{" "}
                {r.dataset_id ?? "—"} / {r.resource_id ?? "—"} / {r.version_id ?? "—"} · {r.data_type ?? "—"} ·{" "}
                {r.status}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <dl className="mb-6 grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4 dark:border-slate-800 dark:bg-slate-900">
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Created</dt>
          <dd title={formatExact(job.created_at)}>
            <RelativeTime iso={job.created_at} />
            <div className="text-xs text-slate-600">{formatExact(job.created_at)}</div>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Updated</dt>
          <dd>
            <RelativeTime iso={job.updated_at} />
            <div className="text-xs text-slate-600">{formatExact(job.updated_at)}</div>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Duration</dt>
          <dd>{job.duration_seconds === null ? "still running" : formatDuration(job.duration_seconds)}</dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Tasks</dt>
          <dd className="tabular-nums">
            {job.task_counts.total} ({job.task_counts.failed} failed
            {job.task_counts.stuck ? (
              <strong className="text-red-700 dark:text-red-300">, {job.task_counts.stuck} stuck</strong>
            ) : null}
            )
          </dd>
        </div>
      </dl>

      <section className="mb-8">
        <h2 className="mb-3 text-lg font-semibold">Stages</h2>
        <StageTimeline stages={job.stages} current={job.stage} />
        {job.hidden_empty_stages ? (
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400" data-testid="hidden-stages">
            {job.hidden_empty_stages.toLocaleString("en-US")} more declared stages have no tasks yet (not listed).
          </p>
        ) : null}
      </section>

      <section className="mb-8 space-y-3">
        <h2 className="text-lg font-semibold">Data</h2>
        <JsonViewer title="parameters" value={job.parameters} />
        <JsonViewer title="stage_results" value={job.stage_results} />
        <JsonViewer title="result_data" value={job.result_data} />
        <JsonViewer title="metadata" value={job.metadata} />
      </section>

      <section id="tasks" className="scroll-mt-4">
        <h2 className="mb-3 text-lg font-semibold">Tasks</h2>
        <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
          A processing task is <strong>stuck</strong> when its heartbeat is older than {job.stuck_threshold_minutes} min
          (STUCK_TASK_MINUTES).
        </p>
        <div className="mb-3 flex flex-wrap items-center gap-2" aria-label="Task filters">
          <span className="text-sm">Stage:</span>
          <Link
            className={chip(tf.stage === null)}
            href={link({ status: statusList })}
            aria-current={tf.stage === null ? "true" : undefined}
          >
            all
          </Link>
          {job.stages.map((s) => (
            <Link
              key={s.stage}
              className={chip(tf.stage === s.stage)}
              href={link({ stage: s.stage, status: statusList })}
              aria-current={tf.stage === s.stage ? "true" : undefined}
            >
              {s.stage}
            </Link>
          ))}
          <span className="ml-4 text-sm">Status:</span>
          <Link className={chip(!curStatus)} href={link({ stage: tf.stage })}>
            all
          </Link>
          {TASK_STATUSES.map((s) => (
            <Link key={s} className={chip(curStatus === s)} href={link({ stage: tf.stage, status: [s] })}>
              {s} (
              {tf.stage === null ? job.task_counts[s] : (job.stages.find((x) => x.stage === tf.stage)?.counts[s] ?? 0)})
            </Link>
          ))}
        </div>
        <InvalidLinkNotice invalid={state.invalid} clearHref={`${base}#tasks`} />
        {page.tasks.length === 0 ? (
          <Notice title={job.task_counts.total === 0 ? "This job has no tasks yet" : "No tasks match this filter"}>
            <p>
              {job.task_counts.total === 0 ? (
                "Tasks appear when the job's first stage starts."
              ) : (
                <Link href={link({})} className="text-sky-700 underline dark:text-sky-400">
                  Show all tasks
                </Link>
              )}
            </p>
          </Notice>
        ) : (
          <div className="space-y-6">
            {[...groups.entries()].map(([stage, tasks]) => (
              <div key={stage}>
                <h3 className="mb-2 font-medium">Stage {stage}</h3>
                <TaskTable
                  tasks={tasks}
                  stuckMinutes={job.stuck_threshold_minutes}
                  caption={`Tasks of stage ${stage}`}
                />
              </div>
            ))}
          </div>
        )}
        <KeysetPager
          rows={page.tasks.length}
          cursor={tf.cursor}
          page={page}
          href={(cursor) => link({ stage: tf.stage, status: statusList, cursor })}
          prevLabel="← Previous"
          nextLabel="Next →"
        />
        <p className="mt-2 text-sm">
          Export this job&apos;s tasks:{" "}
          <a
            className="text-sky-700 underline dark:text-sky-400"
            href={tasksHref("/api/export/tasks?format=csv", { job_id: job.job_id, status: statusList })}
            download
          >
            CSV
          </a>{" "}
          ·{" "}
          <a
            className="text-sky-700 underline dark:text-sky-400"
            href={tasksHref("/api/export/tasks?format=json", { job_id: job.job_id, status: statusList })}
            download
          >
            JSON
          </a>
        </p>
      </section>
    </>
  );
}
