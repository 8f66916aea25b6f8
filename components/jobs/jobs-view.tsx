"use client";
import { fetchJson } from "@/lib/fetch-json";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { formatCount, formatDuration, shortId } from "@/lib/format";
import { QueryLiveRefresh } from "@/components/ui/live-refresh";
import { Notice } from "@/components/ui/notice";
import { KeysetPager } from "@/components/ui/pager";
import { Table, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { JobSummary } from "@/lib/db/jobs";
import { JobFilters } from "./job-filters";
import { StageProgress, StatusBadge } from "./status-badge";
import { jobsApiQuery, jobsHref, type JobsUrlState } from "@/lib/url-state/jobs";

export interface JobsData {
  jobs: JobSummary[];
  next_cursor: string | null;
  prev_cursor: string | null;
  total: number | null;
  total_exact: boolean | null;
  /** job_ids whose status differs from the previous fetch of the same view (for highlighting). */
  changed?: string[];
}

/** The current filter (no page position, no page size) for the export endpoints. */
const exportHref = (state: JobsUrlState, format: "csv" | "json") =>
  jobsHref(`/api/export/jobs?format=${format}`, { ...state, cursor: null, limit: null });

const fetchJobs = (qs: string, signal: AbortSignal) => fetchJson<JobsData>(`/api/dbadmin/jobs${qs}`, signal);

/**
 * The jobs table: server-rendered first page (initial), then TanStack Query for live refresh.
 * Refreshing replaces the rows in place, so filters (URL), scroll and open rows are kept;
 * rows whose status changed since the last refresh flash briefly.
 */
export function JobsView({ state, initial, jobTypes }: { state: JobsUrlState; initial: JobsData; jobTypes: string[] }) {
  const qs = jobsApiQuery("?total=true", state);
  const queryKey = ["jobs", qs] as const;
  const qc = useQueryClient();
  const [open, setOpen] = useState<Set<string>>(() => new Set());

  const q = useQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      const prev = qc.getQueryData<JobsData>(queryKey);
      const next = await fetchJobs(qs, signal);
      const before = new Map(prev?.jobs.map((j) => [j.job_id, j.status]) ?? []);
      next.changed = next.jobs
        .filter((j) => before.has(j.job_id) && before.get(j.job_id) !== j.status)
        .map((j) => j.job_id);
      return next;
    },
    initialData: initial,
    initialDataUpdatedAt: Date.now,
    placeholderData: keepPreviousData,
  });
  const data = q.data ?? initial;
  const changed = new Set(data.changed ?? []);
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const filtered = !!(state.status || state.job_type || state.hours || state.since || state.until || state.q);
  const totalText =
    data.total === null
      ? null
      : `${formatCount(data.total, data.total_exact ?? true)} ${data.total === 1 ? "job" : "jobs"}${filtered ? " match" : ""}`;

  return (
    <div>
      <style>{`@keyframes geoetl-flash{0%{background-color:rgba(251,191,36,.55)}100%{background-color:transparent}}`}</style>
      <JobFilters key={jobsHref("", { ...state, cursor: null })} jobTypes={jobTypes} />
      <div className="mb-2 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="jobs-total">
          {totalText ?? ""}
          {q.isPlaceholderData ? " · loading…" : ""}
        </p>
        <div className="flex flex-wrap items-center gap-4">
          <QueryLiveRefresh storageKey="geoetl.refresh.jobs" query={q} />
          <span className="text-sm">
            Export:{" "}
            <a className="text-sky-700 underline dark:text-sky-400" href={exportHref(state, "csv")} download>
              CSV
            </a>{" "}
            ·{" "}
            <a className="text-sky-700 underline dark:text-sky-400" href={exportHref(state, "json")} download>
              JSON
            </a>{" "}
            <span className="text-xs text-slate-600 dark:text-slate-400">(this filter, first 50,000 rows)</span>
          </span>
        </div>
      </div>

      {q.isError ? (
        <div className="mb-3">
          <Notice title="Could not refresh the jobs" tone="error">
            <p>{(q.error as Error).message} The rows below are from the last successful load.</p>
            <button
              type="button"
              onClick={() => q.refetch()}
              className="mt-2 rounded border border-red-300 px-3 py-1 text-sm dark:border-red-800"
            >
              Try again
            </button>
          </Notice>
        </div>
      ) : null}

      {data.jobs.length === 0 ? (
        <Notice title={state.cursor ? "No more jobs on this page" : "No jobs match these filters"}>
          <p>
            {state.cursor ? (
              <Link
                className="text-sky-700 underline dark:text-sky-400"
                href={jobsHref("/jobs", { ...state, cursor: null })}
              >
                Go to the first page
              </Link>
            ) : filtered ? (
              <>
                Widen the time window or clear a filter.{" "}
                <Link className="text-sky-700 underline dark:text-sky-400" href="/jobs">
                  Clear all filters
                </Link>
              </>
            ) : (
              "The pipeline has not recorded any job yet."
            )}
          </p>
        </Notice>
      ) : (
        <Table
          caption="Jobs"
          testId="jobs-table"
          head={
            <>
              <Th className="w-8 px-2">
                <span className="sr-only">Details</span>
              </Th>
              <Th>Job id</Th>
              <Th>Type</Th>
              <Th>Status</Th>
              <Th>Stage</Th>
              <Th>Created</Th>
              <Th>Updated</Th>
              <Th align="right">Duration</Th>
            </>
          }
        >
          {data.jobs.map((j) => {
            const isOpen = open.has(j.job_id);
            const flash = changed.has(j.job_id);
            return (
              <Fragment key={j.job_id}>
                <tr
                  data-job-id={j.job_id}
                  data-status={j.status}
                  data-changed={flash ? "true" : undefined}
                  style={flash ? { animation: "geoetl-flash 4s ease-out" } : undefined}
                  className="hover:bg-slate-50 dark:hover:bg-slate-800/50"
                >
                  <td className="px-2 py-1.5">
                    <button
                      type="button"
                      onClick={() => toggle(j.job_id)}
                      aria-expanded={isOpen}
                      aria-label={`${isOpen ? "Hide" : "Show"} details of job ${j.job_id}`}
                      className="rounded px-1 text-slate-600 hover:bg-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:hover:bg-slate-700"
                    >
                      {isOpen ? "▾" : "▸"}
                    </button>
                  </td>
                  <td className="px-3 py-1.5">
                    <div className="flex items-center gap-2">
                      <Link
                        href={`/jobs/${encodeURIComponent(j.job_id)}`}
                        className="font-mono text-sky-700 hover:underline dark:text-sky-400"
                        title={j.job_id}
                      >
                        {shortId(j.job_id)}
                      </Link>
                      <CopyButton value={j.job_id} label={`Copy job id ${j.job_id}`} />
                    </div>
                  </td>
                  <td className="px-3 py-1.5">{j.job_type}</td>
                  <td className="px-3 py-1.5" data-testid="job-status">
                    <StatusBadge status={j.status} />
                  </td>
                  <td className="px-3 py-1.5">
                    <StageProgress stage={j.stage} total={j.total_stages} status={j.status} />
                  </td>
                  <td className="px-3 py-1.5">
                    <RelativeTime iso={j.created_at} />
                  </td>
                  <td className="px-3 py-1.5">
                    <RelativeTime iso={j.updated_at} />
                  </td>
                  <td
                    className="px-3 py-1.5 text-right tabular-nums"
                    title={j.duration_seconds === null ? "Still running" : undefined}
                  >
                    {j.duration_seconds === null ? (
                      <span className="text-slate-600 dark:text-slate-400">running</span>
                    ) : (
                      formatDuration(j.duration_seconds)
                    )}
                  </td>
                </tr>
                {isOpen ? (
                  <tr className="bg-slate-50 dark:bg-slate-950">
                    <td />
                    <td colSpan={7} className="px-3 py-2 text-sm">
                      <div className="flex flex-wrap gap-x-6 gap-y-1">
                        <span>
                          Full id: <code className="font-mono">{j.job_id}</code>
                        </span>
                        <span>
                          Created: <code>{j.created_at ?? "—"}</code>
                        </span>
                        <span>
                          Updated: <code>{j.updated_at ?? "—"}</code>
                        </span>
                      </div>
                      {j.error ? <p className="mt-1 text-red-700 dark:text-red-300">Error: {j.error}</p> : null}
                      <Link
                        href={`/jobs/${encodeURIComponent(j.job_id)}`}
                        className="mt-1 inline-block text-sky-700 underline dark:text-sky-400"
                      >
                        Open job, stage timeline and tasks
                      </Link>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </Table>
      )}
      <KeysetPager
        rows={data.jobs.length}
        cursor={state.cursor}
        page={data}
        href={(cursor) => jobsHref("/jobs", { ...state, cursor })}
      />
    </div>
  );
}
