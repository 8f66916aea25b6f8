/** Shown while a jobs page (list or detail) is being read on the server. */
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-3">
      <div className="h-8 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-24 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-64 rounded bg-slate-200 dark:bg-slate-800" />
      <span className="sr-only">Loading jobs…</span>
    </div>
  );
}
