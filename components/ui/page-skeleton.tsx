/**
 * What a slow page shows while its queries run (loading.tsx): its title and grey bars where the
 * content will be, announced once to screen readers.
 */
export function PageSkeleton({ title, rows = 8 }: { title: string; rows?: number }) {
  return (
    <div aria-busy="true" data-testid="page-skeleton">
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      </header>
      <p role="status" className="sr-only">
        Loading {title.toLowerCase()}…
      </p>
      <div className="mb-4 h-16 animate-pulse rounded-lg bg-slate-200 motion-reduce:animate-none dark:bg-slate-800" />
      <div className="space-y-2">
        {Array.from({ length: rows }, (_, i) => (
          <div
            key={i}
            className="h-8 animate-pulse rounded bg-slate-100 motion-reduce:animate-none dark:bg-slate-800/60"
          />
        ))}
      </div>
    </div>
  );
}
