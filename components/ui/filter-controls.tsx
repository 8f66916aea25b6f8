"use client";
import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The pieces every list page's filter form is made of, so the forms look and behave alike:
 * a checkbox group (status, outcome), a labelled select, a from/to pair of local date-times and
 * the Apply button. Values go to the URL through the page's parsers (lib/url-state).
 */
export const inputClass =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

export function CheckboxGroup<T extends string>({
  legend,
  options,
  selected,
  onToggle,
  label = (o) => o.replace(/_/g, " "),
}: {
  legend: string;
  options: readonly T[];
  selected: readonly T[] | null;
  onToggle: (option: T) => void;
  label?: (option: T) => string;
}) {
  return (
    <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <legend className="sr-only">{legend}</legend>
      <span className="text-sm font-medium" aria-hidden="true">
        {legend}
      </span>
      {options.map((o) => (
        <label key={o} className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" checked={selected?.includes(o) ?? false} onChange={() => onToggle(o)} />
          {label(o)}
        </label>
      ))}
    </fieldset>
  );
}

/** A new selection: `option` toggled in `selected`, in the options' own order; null when none is left. */
export function toggled<T extends string>(options: readonly T[], selected: readonly T[] | null, option: T): T[] | null {
  const set = new Set(selected ?? []);
  if (set.has(option)) set.delete(option);
  else set.add(option);
  return set.size ? options.filter((o) => set.has(o)) : null;
}

export function SelectField({
  label,
  value,
  onChange,
  children,
  name,
}: {
  label: string;
  name?: string;
  value: string | number;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      {label}
      <select name={name} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
  );
}

/** From / To inputs of a custom time window (datetime-local, the browser's time zone). */
export function DateRangeInputs({
  since,
  until,
  onSince,
  onUntil,
}: {
  since: string;
  until: string;
  onSince: (v: string) => void;
  onUntil: (v: string) => void;
}) {
  return (
    <>
      <label className="flex flex-col gap-1 text-sm">
        From
        <input type="datetime-local" className={inputClass} value={since} onChange={(e) => onSince(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        To
        <input type="datetime-local" className={inputClass} value={until} onChange={(e) => onUntil(e.target.value)} />
      </label>
    </>
  );
}

export function ApplyButton() {
  return (
    <button
      type="submit"
      className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
    >
      Apply
    </button>
  );
}

/** Back to the plain view (no filter). */
export function ClearLink({ href }: { href: string }) {
  return (
    <Link href={href} className="py-1.5 text-sm text-sky-700 underline dark:text-sky-400">
      Clear
    </Link>
  );
}
