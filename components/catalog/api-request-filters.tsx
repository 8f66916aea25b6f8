"use client";
import { useQueryStates } from "nuqs";
import { useState, type FormEvent } from "react";
import { ApplyButton, ClearLink, DateRangeInputs, inputClass, SelectField } from "@/components/ui/filter-controls";
import { API_REQUEST_STATUSES } from "@/lib/db/catalog-params";
import { fromLocalInput, toLocalInput } from "@/lib/format";
import { apiRequestsUrl, type ApiRequestsUrlState } from "@/lib/url-state/catalog";

/** The API request filters: status, data type, dataset prefix, time window; in the URL. */
export function ApiRequestFilters({ dataTypes }: { dataTypes: string[] }) {
  const [state, setState] = useQueryStates(apiRequestsUrl, { shallow: false, history: "push", scroll: false });
  const [dataset, setDataset] = useState(state.dataset ?? "");
  const [since, setSince] = useState(toLocalInput(state.since));
  const [until, setUntil] = useState(toLocalInput(state.until));
  const go = (patch: Partial<ApiRequestsUrlState>) => setState({ ...patch, cursor: null });
  const filtered = !!(state.status || state.data_type || state.dataset || state.since || state.until);

  function submit(e: FormEvent) {
    e.preventDefault();
    void go({ dataset: dataset.trim() || null, since: fromLocalInput(since), until: fromLocalInput(until) });
  }

  return (
    <form
      onSubmit={submit}
      role="search"
      aria-label="Filter API requests"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <SelectField
        label="Status"
        value={state.status ?? ""}
        onChange={(v) => go({ status: (v || null) as ApiRequestsUrlState["status"] })}
      >
        <option value="">any</option>
        {API_REQUEST_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </SelectField>
      <SelectField label="Data type" value={state.data_type ?? ""} onChange={(v) => go({ data_type: v || null })}>
        <option value="">any</option>
        {dataTypes.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </SelectField>
      <label className="flex flex-col gap-1 text-sm">
        Dataset starts with
        <input
          value={dataset}
          onChange={(e) => setDataset(e.target.value)}
          className={`${inputClass} w-56 font-mono`}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <DateRangeInputs since={since} until={until} onSince={setSince} onUntil={setUntil} />
      <ApplyButton />
      {filtered ? <ClearLink href="/activity" /> : null}
    </form>
  );
}
