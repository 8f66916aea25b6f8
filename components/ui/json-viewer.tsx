"use client";
import { useMemo } from "react";
import { CopyButton } from "./copy-button";

/** A collapsible, copyable JSON block. Open by default when it is short. */
export function JsonViewer({ title, value, defaultOpen }: { title: string; value: unknown; defaultOpen?: boolean }) {
  const text = useMemo(() => (value === undefined ? "null" : JSON.stringify(value, null, 2)), [value]);
  const empty =
    value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0);
  const lines = text.split("\n").length;
  return (
    // The copy button sits beside the summary, not inside it: a button in a <summary> is a
    // control inside a control (axe nested-interactive; screen readers announce only one).
    <details
      open={defaultOpen ?? (!empty && lines <= 20)}
      className="group relative rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <summary className="flex cursor-pointer items-center gap-2 py-2 pl-4 pr-28 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        <span>
          {title}{" "}
          <span className="font-normal text-slate-600 dark:text-slate-400">
            {empty ? "(empty)" : `(${lines} lines)`}
          </span>
        </span>
      </summary>
      <div className="absolute right-3 top-1.5">
        <CopyButton value={text} label={`Copy ${title} JSON`} />
      </div>
      <pre className="max-h-96 overflow-auto border-t border-slate-200 px-4 py-3 font-mono text-xs leading-relaxed text-slate-800 dark:border-slate-800 dark:text-slate-200">
        {text}
      </pre>
    </details>
  );
}
