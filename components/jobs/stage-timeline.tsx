import { formatDuration } from "@/lib/format";
import { RelativeTime } from "@/components/ui/relative-time";
import type { StageSummary } from "@/lib/db/jobs";

const SEGMENTS = [
  ["completed", "bg-emerald-500"],
  ["failed", "bg-red-500"],
  ["processing", "bg-indigo-500"],
  ["pending", "bg-slate-400 dark:bg-slate-500"],
] as const;

const STATE_TEXT: Record<StageSummary["state"], string> = {
  not_started: "not started",
  running: "running",
  done: "done",
  failed: "finished with failures",
};

/** One row per stage: a bar of its tasks by status, counts, start, end and duration. */
export function StageTimeline({ stages, current }: { stages: StageSummary[]; current: number }) {
  return (
    <ol className="space-y-3" aria-label="Stage timeline">
      {stages.map((s) => (
        <li
          key={s.stage}
          className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
          data-testid={`stage-${s.stage}`}
        >
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="font-medium">
              Stage {s.stage}
              {s.stage === current ? (
                <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">(current)</span>
              ) : null}
              <span className="ml-2 text-sm font-normal text-slate-600 dark:text-slate-400">{STATE_TEXT[s.state]}</span>
            </h3>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              started <RelativeTime iso={s.started_at} /> ·{" "}
              {s.finished_at ? (
                <>
                  ended <RelativeTime iso={s.finished_at} />
                </>
              ) : (
                "not finished"
              )}{" "}
              · took {formatDuration(s.duration_seconds)}
            </p>
          </div>
          <div className="mt-2 flex h-2.5 overflow-hidden rounded bg-slate-100 dark:bg-slate-800" aria-hidden="true">
            {s.total > 0
              ? SEGMENTS.map(([k, cls]) =>
                  s.counts[k] ? (
                    <div key={k} className={cls} style={{ width: `${(s.counts[k] / s.total) * 100}%` }} />
                  ) : null,
                )
              : null}
          </div>
          <p className="mt-1 text-xs tabular-nums text-slate-700 dark:text-slate-300">
            {s.total} tasks: {s.counts.completed} completed, {s.counts.failed} failed, {s.counts.processing} processing,{" "}
            {s.counts.pending} pending
            {s.stuck ? <strong className="ml-1 text-red-700 dark:text-red-300">· {s.stuck} stuck</strong> : null}
          </p>
        </li>
      ))}
    </ol>
  );
}
