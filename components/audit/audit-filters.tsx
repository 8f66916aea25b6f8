"use client";
import { useQueryStates } from "nuqs";
import { useState, type FormEvent } from "react";
import { useUrlDraft } from "@/components/ui/use-url-draft";
import {
  ClearLink,
  ApplyButton,
  CheckboxGroup,
  DateRangeInputs,
  inputClass,
  SelectField,
  toggled,
} from "@/components/ui/filter-controls";
import { AUDIT_OUTCOMES, AUDIT_WINDOWS } from "@/lib/db/audit-params";
import { fromLocalInput, toLocalInput } from "@/lib/format";
import { auditUrl, type AuditUrlState } from "@/lib/url-state/audit";

/**
 * The /audit filters, written to the URL through the page's parsers: every change drops the page
 * position (a new filter starts at the newest entry); a custom window's local times become ISO
 * timestamps with an offset; a preset window wins over since/until.
 */
export function AuditFilters() {
  const [state, setState] = useQueryStates(auditUrl, { shallow: false, history: "push", scroll: false });
  const [actor, setActor] = useUrlDraft(state.actor ?? "");
  const [action, setAction] = useUrlDraft(state.action ?? "");
  const initialWindow = state.window ?? (state.since || state.until ? "custom" : "all");
  const [windowValue, setWindowValue] = useState<string>(initialWindow);
  const [since, setSince] = useUrlDraft(toLocalInput(state.since));
  const [until, setUntil] = useUrlDraft(toLocalInput(state.until));

  const current = (): Partial<AuditUrlState> => ({
    actor: actor.trim() || null,
    action: action.trim() || null,
    window: windowValue === "all" || windowValue === "custom" ? null : (windowValue as AuditUrlState["window"]),
    since: windowValue === "custom" ? fromLocalInput(since) : null,
    until: windowValue === "custom" ? fromLocalInput(until) : null,
  });
  const go = (patch: Partial<AuditUrlState>) => setState({ ...patch, before: null });

  function onWindow(v: string) {
    setWindowValue(v);
    if (v !== "custom")
      go({ ...current(), window: v === "all" ? null : (v as AuditUrlState["window"]), since: null, until: null });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    go(current());
  }

  return (
    <form
      onSubmit={submit}
      role="search"
      aria-label="Filter audit log"
      className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <CheckboxGroup
        legend="Outcome"
        options={AUDIT_OUTCOMES}
        selected={state.outcome}
        onToggle={(o) => go({ ...current(), outcome: toggled(AUDIT_OUTCOMES, state.outcome, o) })}
      />
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Who
          <input
            name="actor"
            className={`${inputClass} w-56`}
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            placeholder="name, username or oid"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Action
          <input
            name="action"
            className={`${inputClass} w-56 font-mono`}
            value={action}
            onChange={(e) => setAction(e.target.value)}
            placeholder="geo.unpublish or maintenance."
            title='An action exactly, or every action starting with it when it ends in "." or "*"'
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <SelectField label="When" value={windowValue} onChange={onWindow}>
          <option value="all">Any time</option>
          {AUDIT_WINDOWS.map((w) => (
            <option key={w.value} value={w.value}>
              {w.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </SelectField>
        {windowValue === "custom" ? (
          <DateRangeInputs since={since} until={until} onSince={setSince} onUntil={setUntil} />
        ) : null}
        <ApplyButton />
        <ClearLink href="/audit" />
      </div>
    </form>
  );
}
