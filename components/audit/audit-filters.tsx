"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { auditQuery, type AuditUrlFilters } from "./url-state";

const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** datetime-local wants "YYYY-MM-DDTHH:mm" in local time. */
function toLocalInput(iso?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string): string | undefined => {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

/**
 * The /audit filters. A plain GET form underneath (it works before hydration); with JavaScript,
 * every change navigates to the new URL (page position dropped: a new filter starts at the newest
 * entry), and a custom window's local times become ISO timestamps with an offset.
 */
export function AuditFilters({
  filters,
  outcomes,
  windows,
}: {
  filters: AuditUrlFilters;
  outcomes: readonly string[];
  windows: readonly { value: string; label: string }[];
}) {
  const router = useRouter();
  const [actor, setActor] = useState(filters.actor ?? "");
  const [action, setAction] = useState(filters.action ?? "");
  const initialWindow = filters.window ?? (filters.since || filters.until ? "custom" : "all");
  const [windowValue, setWindowValue] = useState(initialWindow);
  const [since, setSince] = useState(toLocalInput(filters.since));
  const [until, setUntil] = useState(toLocalInput(filters.until));

  const current = (): AuditUrlFilters => ({
    actor: actor.trim() || undefined,
    action: action.trim() || undefined,
    outcome: filters.outcome,
    window: windowValue === "all" || windowValue === "custom" ? undefined : windowValue,
    since: windowValue === "custom" ? fromLocalInput(since) : undefined,
    until: windowValue === "custom" ? fromLocalInput(until) : undefined,
  });
  const go = (f: AuditUrlFilters) => router.push(`/audit${auditQuery(f)}`, { scroll: false });

  function toggleOutcome(o: string) {
    const cur = new Set(filters.outcome ?? []);
    if (cur.has(o)) cur.delete(o);
    else cur.add(o);
    go({ ...current(), outcome: outcomes.filter((x) => cur.has(x)) });
  }
  function onWindow(v: string) {
    setWindowValue(v);
    if (v !== "custom") go({ ...current(), window: v === "all" ? undefined : v, since: undefined, until: undefined });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    go(current());
  }

  return (
    <form
      method="get"
      action="/audit"
      onSubmit={submit}
      role="search"
      aria-label="Filter audit log"
      className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <legend className="sr-only">Outcome</legend>
        <span className="text-sm font-medium">Outcome</span>
        {outcomes.map((o) => (
          <label key={o} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              name="outcome"
              value={o}
              checked={filters.outcome?.includes(o) ?? false}
              onChange={() => toggleOutcome(o)}
            />
            {o}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Who
          <input
            name="actor"
            className={`${input} w-56`}
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
            className={`${input} w-56 font-mono`}
            value={action}
            onChange={(e) => setAction(e.target.value)}
            placeholder="geo.unpublish or maintenance."
            title='An action exactly, or every action starting with it when it ends in "." or "*"'
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          When
          <select name="window" className={input} value={windowValue} onChange={(e) => onWindow(e.target.value)}>
            <option value="all">Any time</option>
            {windows.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {windowValue === "custom" ? (
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
        <button
          type="submit"
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        >
          Apply
        </button>
        <Link href="/audit" className="py-1.5 text-sm text-sky-700 underline dark:text-sky-400">
          Clear
        </Link>
      </div>
    </form>
  );
}
