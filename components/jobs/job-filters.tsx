"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { JOB_STATUSES, PAGE_SIZES, WINDOW_PRESETS } from "@/lib/db/jobs-params";
import { pageQuery, type JobsUrlState } from "./url-state";

const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** datetime-local wants "YYYY-MM-DDTHH:mm" in local time. */
function toLocalInput(iso?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The /jobs filters. Every change navigates to a new URL (the cursor dropped: a new filter
 * starts at the first page), so the view is shareable and Back undoes a filter change.
 */
export function JobFilters({ state, jobTypes }: { state: JobsUrlState; jobTypes: string[] }) {
  const router = useRouter();
  const [q, setQ] = useState(state.q ?? "");
  const windowValue = state.hours !== undefined ? String(state.hours) : state.since || state.until ? "custom" : "";
  const [custom, setCustom] = useState(windowValue === "custom");
  const [since, setSince] = useState(toLocalInput(state.since));
  const [until, setUntil] = useState(toLocalInput(state.until));

  const go = (patch: Partial<JobsUrlState>) =>
    router.push(`/jobs${pageQuery(state, { ...patch, cursor: undefined })}`, { scroll: false });

  function toggleStatus(s: string) {
    const cur = new Set(state.status ?? []);
    if (cur.has(s)) cur.delete(s);
    else cur.add(s);
    go({ status: cur.size ? JOB_STATUSES.filter((x) => cur.has(x)) : undefined });
  }
  function onWindow(v: string) {
    if (v === "custom") {
      setCustom(true);
      return;
    }
    setCustom(false);
    go({ hours: v ? Number(v) : undefined, since: undefined, until: undefined });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Partial<JobsUrlState> = { q: q.trim() || undefined };
    if (custom) {
      patch.hours = undefined;
      patch.since = since ? new Date(since).toISOString() : undefined;
      patch.until = until ? new Date(until).toISOString() : undefined;
    }
    go(patch);
  }

  return (
    <form
      onSubmit={submit}
      className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Job filters"
    >
      <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <legend className="sr-only">Status</legend>
        <span className="text-sm font-medium">Status</span>
        {JOB_STATUSES.map((s) => (
          <label key={s} className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" checked={state.status?.includes(s) ?? false} onChange={() => toggleStatus(s)} />
            {s.replace(/_/g, " ")}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Job type
          <select
            className={input}
            value={state.job_type ?? ""}
            onChange={(e) => go({ job_type: e.target.value || undefined })}
          >
            <option value="">All types</option>
            {jobTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {state.job_type && !jobTypes.includes(state.job_type) ? (
              <option value={state.job_type}>{state.job_type}</option>
            ) : null}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Created within
          <select className={input} value={custom ? "custom" : windowValue} onChange={(e) => onWindow(e.target.value)}>
            <option value="">Any time</option>
            {WINDOW_PRESETS.map((w) => (
              <option key={w.hours} value={String(w.hours)}>
                last {w.label}
              </option>
            ))}
            {state.hours !== undefined && !WINDOW_PRESETS.some((w) => w.hours === state.hours) ? (
              <option value={String(state.hours)}>last {state.hours} h</option>
            ) : null}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {custom ? (
          <>
            <label className="flex flex-col gap-1 text-sm">
              From
              <input type="datetime-local" className={input} value={since} onChange={(e) => setSince(e.target.value)} />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              To
              <input type="datetime-local" className={input} value={until} onChange={(e) => setUntil(e.target.value)} />
            </label>
          </>
        ) : null}
        <label className="flex flex-col gap-1 text-sm">
          Job id starts with
          <input
            className={`${input} w-48 font-mono`}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="e.g. c9c9fd5b"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button
          type="submit"
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        >
          Apply
        </button>
        <div className="ml-auto flex items-end gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Sort by
            <select
              className={input}
              value={state.sort}
              onChange={(e) => go({ sort: e.target.value as "created" | "updated" })}
            >
              <option value="created">Created (newest first)</option>
              <option value="updated">Updated (newest first)</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Page size
            <select className={input} value={state.limit} onChange={(e) => go({ limit: Number(e.target.value) })}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
    </form>
  );
}
