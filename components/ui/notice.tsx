import type { ReactNode } from "react";

/** A plain panel for empty, error and "not built yet" states. */
export function Notice({
  title,
  children,
  tone = "info",
}: {
  title: string;
  children?: ReactNode;
  tone?: "info" | "error" | "warning";
}) {
  const tones = {
    info: "border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900",
    warning: "border-amber-300 bg-amber-50 dark:border-amber-700 dark:bg-amber-950/40",
    error: "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40",
  };
  return (
    <section role={tone === "error" ? "alert" : "status"} className={`rounded-lg border p-6 ${tones[tone]}`}>
      <h2 className="text-lg font-semibold">{title}</h2>
      {children ? <div className="mt-2 text-sm text-slate-700 dark:text-slate-300">{children}</div> : null}
    </section>
  );
}
