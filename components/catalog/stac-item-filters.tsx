"use client";
import { useQueryStates } from "nuqs";
import { useState, type FormEvent } from "react";
import { ApplyButton, ClearLink, DateRangeInputs, inputClass } from "@/components/ui/filter-controls";
import { fromLocalInput, toLocalInput } from "@/lib/format";
import { stacItemsUrl } from "@/lib/url-state/catalog";

/** A collection's item filters: id prefix and datetime window, in the URL (a change starts at the first page). */
export function StacItemFilters({ clearHref }: { clearHref: string }) {
  const [state, setState] = useQueryStates(stacItemsUrl, { shallow: false, history: "push", scroll: false });
  const [prefix, setPrefix] = useState(state.id_prefix ?? "");
  const [since, setSince] = useState(toLocalInput(state.since));
  const [until, setUntil] = useState(toLocalInput(state.until));
  const filtered = !!(state.id_prefix || state.since || state.until);

  function submit(e: FormEvent) {
    e.preventDefault();
    void setState({
      id_prefix: prefix.trim() || null,
      since: fromLocalInput(since),
      until: fromLocalInput(until),
      cursor: null,
    });
  }

  return (
    <form onSubmit={submit} role="search" aria-label="Filter items" className="mb-4 flex flex-wrap items-end gap-3">
      <label className="flex flex-col gap-1 text-sm">
        Item id starts with
        <input
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
          className={`${inputClass} w-64 font-mono`}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <DateRangeInputs since={since} until={until} onSince={setSince} onUntil={setUntil} />
      <ApplyButton />
      {filtered ? <ClearLink href={clearHref} /> : null}
    </form>
  );
}
