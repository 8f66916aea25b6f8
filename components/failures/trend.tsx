/**
 * A group's failures per bucket over the window: a plain SVG bar strip, server-rendered. The
 * figure carries a text summary for screen readers (and a <title> per bar on hover).
 */
export function Trend({
  counts,
  label,
  large = false,
}: {
  counts: number[];
  /** What one bucket is, e.g. "hour" or "day". */
  label: string;
  large?: boolean;
}) {
  const W = large ? 720 : 120;
  const H = large ? 120 : 24;
  const max = Math.max(1, ...counts);
  const bw = W / Math.max(1, counts.length);
  const peak = counts.indexOf(Math.max(...counts));
  const summary = `${counts.reduce((a, b) => a + b, 0).toLocaleString("en-US")} failures over ${counts.length} ${label}s, at most ${max.toLocaleString("en-US")} in one ${label} (${label} ${peak + 1})`;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className={large ? "h-32 w-full" : "h-6 w-28"}
      role="img"
      aria-label={summary}
      preserveAspectRatio="none"
    >
      {counts.map((n, i) => {
        const h = n === 0 ? 0 : Math.max(1, (n / max) * H);
        return (
          <rect
            key={i}
            x={i * bw + bw * 0.1}
            y={H - h}
            width={bw * 0.8}
            height={h}
            className="fill-red-500 dark:fill-red-400"
          >
            {large ? <title>{`${label} ${i + 1} of ${counts.length}: ${n.toLocaleString("en-US")}`}</title> : null}
          </rect>
        );
      })}
      <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} className="stroke-slate-300 dark:stroke-slate-700" />
    </svg>
  );
}

/** What one trend bucket spans in each window (lib/failures/params.ts WINDOW_BUCKETS). */
export const BUCKET_LABEL = { "1h": "5-minute span", "24h": "hour", "7d": "6-hour span", "30d": "day" } as const;
