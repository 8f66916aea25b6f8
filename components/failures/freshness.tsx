import { Notice } from "@/components/ui/notice";
import { RelativeTime } from "@/components/ui/relative-time";
import type { Freshness } from "@/lib/failures/groups";

/**
 * How current the failure rollup is: the page counts what the rollup holds, so it says when that
 * was last refreshed, and says so loudly when it has never been built or the last run failed.
 */
export function FreshnessLine({ freshness, staleAfterSeconds }: { freshness: Freshness; staleAfterSeconds: number }) {
  const f = freshness;
  if (!f.refreshed_at)
    return (
      <div className="mb-4">
        <Notice title="The failure index is being built" tone="warning">
          <p>
            The console groups failures from its own index of the pipeline&apos;s tables, and this server has not built
            it yet. It starts on the first visit; reload in a minute.
          </p>
        </Notice>
      </div>
    );
  const stale = staleAfterSeconds > 0 && (f.age_seconds ?? 0) > 3 * staleAfterSeconds;
  return (
    <p
      className={`mb-3 text-xs ${stale || f.last_error ? "text-amber-800 dark:text-amber-300" : "text-slate-600 dark:text-slate-400"}`}
      data-testid="failures-freshness"
    >
      Index refreshed <RelativeTime iso={f.refreshed_at} />
      {f.last_duration_ms !== null ? ` (took ${(f.last_duration_ms / 1000).toFixed(1)} s)` : ""}
      {stale ? " · older than expected: the refresh may be failing, see the server log" : ""}
      {f.last_error ? ` · the last refresh failed: ${f.last_error}` : ""}
      {staleAfterSeconds > 0 ? ` · refreshes every ${staleAfterSeconds} s` : " · refreshes only on demand"}
    </p>
  );
}
