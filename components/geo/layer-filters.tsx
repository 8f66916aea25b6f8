"use client";
import { useQueryStates } from "nuqs";
import { useState, type FormEvent } from "react";
import { ApplyButton, ClearLink, inputClass, SelectField } from "@/components/ui/filter-controls";
import { geoUrl } from "@/lib/url-state/geo";

/** The /geo filters, written to the URL through the page's parsers (a change starts at the first page). */
export function LayerFilters() {
  const [state, setState] = useQueryStates(geoUrl, { shallow: false, history: "push", scroll: false });
  const [q, setQ] = useState(state.q ?? "");
  const [jobId, setJobId] = useState(state.job_id ?? "");
  const filtered = !!(state.q || state.job_id || state.has_stac !== null);

  function submit(e: FormEvent) {
    e.preventDefault();
    void setState({ q: q.trim() || null, job_id: jobId.trim() || null, cursor: null });
  }

  return (
    <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter layers">
      <label className="flex flex-col gap-1 text-sm">
        Search
        <input
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="title, table or keyword"
          className={inputClass}
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        ETL job id
        <input value={jobId} onChange={(e) => setJobId(e.target.value)} className={`${inputClass} font-mono`} />
      </label>
      <SelectField
        label="STAC"
        name="has_stac"
        value={state.has_stac === null ? "" : String(state.has_stac)}
        onChange={(v) => setState({ has_stac: v ? v === "true" : null, cursor: null })}
      >
        <option value="">any</option>
        <option value="true">catalogued</option>
        <option value="false">not catalogued</option>
      </SelectField>
      <ApplyButton />
      {filtered ? <ClearLink href="/geo" /> : null}
    </form>
  );
}
