"use client";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import type { FormEvent } from "react";
import { useUrlDraft } from "@/components/ui/use-url-draft";
import {
  ApplyButton,
  CheckboxGroup,
  ClearLink,
  inputClass,
  SelectField,
  toggled,
} from "@/components/ui/filter-controls";
import { TASK_STATUSES } from "@/lib/db/jobs-params";
import { PAGE_SIZES } from "@/lib/url-state/presets";
import { tasksUrl, type TasksUrlState } from "@/lib/url-state/tasks";

/** The /tasks filters, written to the URL through the page's parsers (a change starts at the first page). */
export function TaskFilters({ taskTypes, stuckMinutes }: { taskTypes: string[]; stuckMinutes: number }) {
  const [state, setState] = useQueryStates(tasksUrl, { shallow: false, history: "push", scroll: false });
  const [jobId, setJobId] = useUrlDraft(state.job_id ?? "");
  const go = (patch: Partial<TasksUrlState>) => setState({ ...patch, cursor: null });
  const filtered = !!(state.status || state.task_type || state.job_id || state.stuck);

  function submit(e: FormEvent) {
    e.preventDefault();
    go({ job_id: jobId.trim() || null });
  }

  return (
    <form
      onSubmit={submit}
      className="mb-4 flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Task filters"
    >
      <CheckboxGroup
        legend="Status"
        options={TASK_STATUSES}
        selected={state.status}
        onToggle={(s) => go({ status: toggled(TASK_STATUSES, state.status, s) })}
      />
      <label className="flex items-center gap-1.5 text-sm">
        <input
          type="checkbox"
          checked={state.stuck ?? false}
          onChange={(e) => go({ stuck: e.target.checked ? true : null })}
        />
        stuck only (processing, heartbeat older than {stuckMinutes} min)
      </label>
      <SelectField label="Task type" value={state.task_type ?? ""} onChange={(v) => go({ task_type: v || null })}>
        <option value="">All types</option>
        {taskTypes.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
        {state.task_type && !taskTypes.includes(state.task_type) ? (
          <option value={state.task_type}>{state.task_type}</option>
        ) : null}
      </SelectField>
      <label className="flex flex-col gap-1 text-sm">
        Job id
        <input
          value={jobId}
          onChange={(e) => setJobId(e.target.value)}
          className={`${inputClass} w-56 font-mono`}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <SelectField
        label="Page size"
        value={state.limit}
        onChange={(v) => go({ limit: Number(v) as TasksUrlState["limit"] })}
      >
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </SelectField>
      <ApplyButton />
      {filtered ? <ClearLink href="/tasks" /> : null}
      <Link href="/tasks?status=failed" className="text-sm text-sky-700 underline dark:text-sky-400">
        Failed
      </Link>
      <Link href="/tasks?stuck=true" className="text-sm text-sky-700 underline dark:text-sky-400">
        Stuck
      </Link>
    </form>
  );
}
