import type { ReactNode } from "react";

/**
 * The one table of the console: a framed, horizontally scrollable region (focusable, so keyboard
 * users can scroll it), a caption for screen readers, a sticky header, and cells that right-align
 * numbers. Every list uses it, so a column is added the same way everywhere.
 */
export function Table({
  caption,
  head,
  headRows,
  children,
  testId,
  dense,
  bare,
}: {
  caption: string;
  /** The header cells (Th), without the <tr>. */
  head?: ReactNode;
  /** Or whole header rows, for grouped columns. */
  headRows?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Smaller text (attribute tables). */
  dense?: boolean;
  /** No frame (inside a card that has one). */
  bare?: boolean;
}) {
  const frame = bare ? "" : "rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900";
  return (
    <div
      className={`max-h-[80vh] overflow-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${frame}`}
      role="region"
      aria-label={caption}
      tabIndex={0}
    >
      <table className={`w-full text-left ${dense ? "text-xs" : "text-sm"}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-800 dark:bg-slate-950 dark:text-slate-400">
          {headRows ?? <tr>{head}</tr>}
        </thead>
        <tbody className="[&>tr]:border-b [&>tr]:border-slate-100 [&>tr:last-child]:border-0 dark:[&>tr]:border-slate-800">
          {children}
        </tbody>
      </table>
    </div>
  );
}

type Align = "left" | "right";

export function Th({
  children,
  align,
  className = "",
  colSpan,
}: {
  children?: ReactNode;
  align?: Align;
  className?: string;
  /** A group heading over this many columns. */
  colSpan?: number;
}) {
  return (
    <th
      scope={colSpan ? "colgroup" : "col"}
      colSpan={colSpan}
      className={`px-3 py-2 ${align === "right" ? "text-right" : ""} ${className}`}
    >
      {children}
    </th>
  );
}

export function Td({
  children,
  align,
  className = "",
  colSpan,
  testId,
  title,
}: {
  children?: ReactNode;
  align?: Align;
  className?: string;
  colSpan?: number;
  testId?: string;
  title?: string;
}) {
  return (
    <td
      colSpan={colSpan}
      title={title}
      data-testid={testId}
      className={`px-3 py-1.5 align-top ${align === "right" ? "text-right tabular-nums" : ""} ${className}`}
    >
      {children}
    </td>
  );
}
