"use client";
import { useQueryStates } from "nuqs";
import { SelectField } from "@/components/ui/filter-controls";
import { janitorRunsUrl } from "@/lib/url-state/catalog";

/** The janitor run list's filter: one run type or all, in the URL. */
export function JanitorFilter({ runTypes }: { runTypes: string[] }) {
  const [state, setState] = useQueryStates(janitorRunsUrl, { shallow: false, history: "push", scroll: false });
  return (
    <div className="mb-3">
      <SelectField
        label="Run type"
        value={state.run_type ?? ""}
        onChange={(v) => setState({ run_type: v || null, cursor: null })}
      >
        <option value="">all</option>
        {runTypes.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
