"use client";
import { useQueryStates } from "nuqs";
import type { FormEvent } from "react";
import { ApplyButton, ClearLink, inputClass, SelectField } from "@/components/ui/filter-controls";
import { useUrlDraft } from "@/components/ui/use-url-draft";
import { FAILURE_WINDOWS, WINDOW_LABELS, type FailureSort, type FailureWindow } from "@/lib/failures/params";
import { failuresUrl, type FailuresUrlState } from "@/lib/url-state/failures";

const SORT_LABELS: Record<FailureSort, string> = {
  count: "Most failures",
  last_seen: "Last seen",
  newest: "Newest groups",
};

/** The /failures filters, written to the URL (a change goes back to the first page). */
export function FailureFilters({ jobTypes }: { jobTypes: string[] }) {
  const [state, setState] = useQueryStates(failuresUrl, { shallow: false, history: "push", scroll: false });
  const [q, setQ] = useUrlDraft(state.q ?? "");
  const [stage, setStage] = useUrlDraft(state.stage !== null ? String(state.stage) : "");
  const go = (patch: Partial<FailuresUrlState>) => setState({ ...patch, offset: null });
  const filtered = !!(state.q || state.job_type || state.stage !== null || state.source);

  function submit(e: FormEvent) {
    e.preventDefault();
    const n = stage.trim();
    go({ q: q.trim() || null, stage: /^\d{1,4}$/.test(n) ? Number(n) : null });
  }

  return (
    <form
      onSubmit={submit}
      className="mb-4 flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Failure filters"
    >
      <SelectField label="Window" value={state.window} onChange={(v) => go({ window: v as FailureWindow })}>
        {FAILURE_WINDOWS.map((w) => (
          <option key={w} value={w}>
            {WINDOW_LABELS[w]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Sort" value={state.sort} onChange={(v) => go({ sort: v as FailureSort })}>
        {Object.entries(SORT_LABELS).map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </SelectField>
      <SelectField label="Job type" value={state.job_type ?? ""} onChange={(v) => go({ job_type: v || null })}>
        <option value="">All types</option>
        {jobTypes.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
        {state.job_type && !jobTypes.includes(state.job_type) ? (
          <option value={state.job_type}>{state.job_type}</option>
        ) : null}
      </SelectField>
      <SelectField
        label="From"
        value={state.source ?? ""}
        onChange={(v) => go({ source: v === "task" || v === "job" ? v : null })}
      >
        <option value="">Tasks and jobs</option>
        <option value="task">Tasks only</option>
        <option value="job">Jobs only</option>
      </SelectField>
      <label className="flex flex-col gap-1 text-sm">
        Stage
        <input
          value={stage}
          onChange={(e) => setStage(e.target.value)}
          className={`${inputClass} w-20`}
          inputMode="numeric"
          pattern="\d{0,4}"
          title="A stage number"
          autoComplete="off"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Message contains
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className={`${inputClass} w-64`}
          spellCheck={false}
          autoComplete="off"
          maxLength={200}
        />
      </label>
      <ApplyButton />
      {filtered ? <ClearLink href={`/failures?window=${state.window}`} /> : null}
    </form>
  );
}
