import { JOB_STATUSES, type JobStatus } from "@/lib/db/jobs-params";
import type { HourBucket } from "@/lib/db/overview";

/** Fill colours per status; same meaning as the badges (the legend names them too). */
const FILL: Record<JobStatus, string> = {
  completed: "fill-emerald-500",
  completed_with_errors: "fill-amber-500",
  failed: "fill-red-500",
  processing: "fill-indigo-500",
  queued: "fill-slate-400 dark:fill-slate-500",
};
const SWATCH: Record<JobStatus, string> = {
  completed: "bg-emerald-500",
  completed_with_errors: "bg-amber-500",
  failed: "bg-red-500",
  processing: "bg-indigo-500",
  queued: "bg-slate-400 dark:bg-slate-500",
};
const ORDER: JobStatus[] = ["completed", "completed_with_errors", "failed", "processing", "queued"];

/**
 * Jobs created per hour, stacked by status: plain SVG, server-rendered, no chart library.
 * Each bar has a <title> (hover / screen readers); the figure has a text summary too.
 */
export function JobsChart({ buckets, range }: { buckets: HourBucket[]; range: "24h" | "7d" }) {
  const W = 960;
  const H = 220;
  const pad = { l: 40, r: 8, t: 8, b: 24 };
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const nice = niceMax(max);
  const bw = (W - pad.l - pad.r) / buckets.length;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / nice);
  const total = buckets.reduce((a, b) => a + b.total, 0);
  const failed = buckets.reduce((a, b) => a + b.counts.failed, 0);
  const labelEvery = range === "24h" ? 3 : 24;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-56 w-full"
        role="img"
        aria-label={`Jobs created per hour over the last ${range === "24h" ? "24 hours" : "7 days"}: ${total} jobs, ${failed} failed`}
        data-testid="jobs-chart"
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={pad.l}
              x2={W - pad.r}
              y1={y(nice * f)}
              y2={y(nice * f)}
              className="stroke-slate-200 dark:stroke-slate-800"
            />
            <text x={pad.l - 6} y={y(nice * f) + 4} textAnchor="end" className="fill-slate-500 text-[11px]">
              {Math.round(nice * f)}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          let acc = 0;
          const x = pad.l + i * bw;
          const d = new Date(b.hour);
          return (
            <g key={b.hour}>
              <title>{`${d.toISOString().slice(0, 13).replace("T", " ")}:00 UTC: ${b.total} jobs (${
                ORDER.filter((s) => b.counts[s])
                  .map((s) => `${b.counts[s]} ${s.replace(/_/g, " ")}`)
                  .join(", ") || "none"
              })`}</title>
              <rect x={x} y={pad.t} width={bw} height={H - pad.t - pad.b} className="fill-transparent" />
              {ORDER.map((s) => {
                const v = b.counts[s];
                if (!v) return null;
                const y1 = y(acc + v);
                const h = y(acc) - y1;
                acc += v;
                return (
                  <rect
                    key={s}
                    x={x + bw * 0.1}
                    width={Math.max(1, bw * 0.8)}
                    y={y1}
                    height={Math.max(0.5, h)}
                    className={FILL[s]}
                  />
                );
              })}
              {i % labelEvery === 0 ? (
                <text x={x + bw / 2} y={H - 6} textAnchor="middle" className="fill-slate-500 text-[11px]">
                  {range === "24h" ? `${String(d.getUTCHours()).padStart(2, "0")}:00` : d.toISOString().slice(5, 10)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600 dark:text-slate-400">
        {ORDER.map((s) => (
          <span key={s} className="flex items-center gap-1.5">
            <span className={`inline-block h-2.5 w-2.5 rounded-sm ${SWATCH[s]}`} aria-hidden="true" />{" "}
            {s.replace(/_/g, " ")}
          </span>
        ))}
        <span className="ml-auto">Hours in UTC · {total.toLocaleString("en-US")} jobs in range</span>
      </figcaption>
    </figure>
  );
}

function niceMax(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

export const CHART_STATUSES = JOB_STATUSES;
