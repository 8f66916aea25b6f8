"use client";
import { useMemo } from "react";
import { CopyButton } from "./copy-button";

/** A collapsible, copyable JSON block. Open by default when it is short. */
export function JsonViewer({ title, value, defaultOpen }: { title: string; value: unknown; defaultOpen?: boolean }) {
  const text = useMemo(() => (value === undefined ? "null" : JSON.stringify(value, null, 2)), [value]);
  const empty = value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0);
  const lines = text.split("\n").length;
  return (
    <details open={defaultOpen ?? (!empty && lines <= 20)} className="group rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <summary className="flex cursor-pointer items-center justify-between gap-2 px-4 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        <span>
          {title}{" "}
          <span className="font-normal text-slate-500 dark:text-slate-400">{empty ? "(empty)" : `(${lines} lines)`}</span>
        </span>
        <CopyButton value={text} label={`Copy ${title} JSON`} />
      </summary>
      <pre className="max-h-96 overflow-auto border-t border-slate-200 px-4 py-3 font-mono text-xs leading-relaxed text-slate-800 dark:border-slate-800 dark:text-slate-200">
        {text}
      </pre>
    </details>
  );
}
