"use client";
import { useQueryStates } from "nuqs";
import { useState, type FormEvent } from "react";
import { useUrlDraft } from "@/components/ui/use-url-draft";
import {
  ApplyButton,
  CheckboxGroup,
  DateRangeInputs,
  inputClass,
  SelectField,
  toggled,
} from "@/components/ui/filter-controls";
import { JOB_STATUSES } from "@/lib/db/jobs-params";
import { fromLocalInput, toLocalInput } from "@/lib/format";
import { jobsUrl, type JobsUrlState } from "@/lib/url-state/jobs";
import { PAGE_SIZES, WINDOW_PRESETS } from "@/lib/url-state/presets";

/**
 * The /jobs filters, written to the URL through the page's parsers. Every change drops the
 * cursor (a new filter starts at the first page) and pushes a history entry, so the view is
 * shareable and Back undoes a filter change; the server renders the new view.
 */
export function JobFilters({ jobTypes }: { jobTypes: string[] }) {
  const [state, setState] = useQueryStates(jobsUrl, { shallow: false, history: "push", scroll: false });
  const [q, setQ] = useUrlDraft(state.q ?? "");
  const windowValue = state.hours !== null ? String(state.hours) : state.since || state.until ? "custom" : "";
  const [custom, setCustom] = useState(windowValue === "custom");
  const [since, setSince] = useUrlDraft(toLocalInput(state.since));
  const [until, setUntil] = useUrlDraft(toLocalInput(state.until));

  const go = (patch: Partial<JobsUrlState>) => setState({ ...patch, cursor: null });

  function onWindow(v: string) {
    if (v === "custom") {
      setCustom(true);
      return;
    }
    setCustom(false);
    go({ hours: v ? Number(v) : null, since: null, until: null });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Partial<JobsUrlState> = { q: q.trim() || null };
    if (custom) {
      patch.hours = null;
      patch.since = fromLocalInput(since);
      patch.until = fromLocalInput(until);
    }
    go(patch);
  }

  return (
    <form
      onSubmit={submit}
      className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Job filters"
    >
      <CheckboxGroup
        legend="Status"
        options={JOB_STATUSES}
        selected={state.status}
        onToggle={(s) => go({ status: toggled(JOB_STATUSES, state.status, s) })}
      />
      <div className="flex flex-wrap items-end gap-3">
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
        <SelectField label="Created within" value={custom ? "custom" : windowValue} onChange={onWindow}>
          <option value="">Any time</option>
          {WINDOW_PRESETS.map((w) => (
            <option key={w.hours} value={String(w.hours)}>
              last {w.label}
            </option>
          ))}
          {state.hours !== null && !WINDOW_PRESETS.some((w) => w.hours === state.hours) ? (
            <option value={String(state.hours)}>last {state.hours} h</option>
          ) : null}
          <option value="custom">Custom…</option>
        </SelectField>
        {custom ? <DateRangeInputs since={since} until={until} onSince={setSince} onUntil={setUntil} /> : null}
        <label className="flex flex-col gap-1 text-sm">
          Job id starts with
          <input
            className={`${inputClass} w-48 font-mono`}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="e.g. c9c9fd5b"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <ApplyButton />
        <div className="ml-auto flex items-end gap-3">
          <SelectField label="Sort by" value={state.sort} onChange={(v) => go({ sort: v as JobsUrlState["sort"] })}>
            <option value="created">Created (newest first)</option>
            <option value="updated">Updated (newest first)</option>
          </SelectField>
          <SelectField
            label="Page size"
            value={state.limit}
            onChange={(v) => go({ limit: Number(v) as JobsUrlState["limit"] })}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
    </form>
  );
}
