import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<string, BadgeTone> = {
  queued: "neutral",
  pending: "neutral",
  processing: "progress",
  completed: "success",
  completed_with_errors: "warning",
  failed: "danger",
};

/** Job or task status as a badge; "stuck" overrides a processing task's colour and says why. */
export function StatusBadge({ status, stuck, stuckTitle }: { status: string; stuck?: boolean; stuckTitle?: string }) {
  if (stuck) {
    return (
      <Badge tone="danger" title={stuckTitle}>
        stuck · {status}
      </Badge>
    );
  }
  return <Badge tone={TONE[status] ?? "neutral"}>{status.replace(/_/g, " ")}</Badge>;
}

/** "2 / 3" with a bar. */
export function StageProgress({ stage, total, status }: { stage: number; total: number; status: string }) {
  const done = status === "completed" || status === "completed_with_errors" ? total : Math.max(0, stage - 1);
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const bar =
    status === "failed"
      ? "bg-red-500"
      : status === "completed_with_errors"
        ? "bg-amber-500"
        : status === "completed"
          ? "bg-emerald-500"
          : "bg-indigo-500";
  return (
    <div className="flex min-w-24 items-center gap-2" title={`Stage ${stage} of ${total}`}>
      <span className="tabular-nums text-xs">
        {stage} / {total}
      </span>
      <div
        className="h-1.5 w-16 overflow-hidden rounded bg-slate-200 dark:bg-slate-700"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label={`Stage ${stage} of ${total}`}
      >
        <div className={`h-full ${bar}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
