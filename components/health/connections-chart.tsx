/** One sample of the live chart: taken at each refresh while the page is open (never stored). */
export interface ConnectionPoint {
  /** Epoch ms of the server's check. */
  t: number;
  total: number;
  active: number;
}

/**
 * Connections over the minutes the page has been open: total and active client connections, plain
 * SVG (no chart library). The warning and critical lines are drawn when they fit the scale; the
 * figure's label and caption say the same in words (colour is never the only signal).
 */
export function ConnectionsChart({
  points,
  max,
  warnAt,
  critAt,
}: {
  points: ConnectionPoint[];
  max: number;
  warnAt: number;
  critAt: number;
}) {
  const W = 640;
  const H = 160;
  const pad = { l: 36, r: 8, t: 8, b: 22 };
  const last = points.at(-1);
  const peak = Math.max(0, ...points.map((p) => p.total));
  const top = niceMax(Math.max(4, peak * 1.25));
  const t0 = points[0]?.t ?? 0;
  const t1 = Math.max(last?.t ?? 0, t0 + 60_000);
  const x = (t: number) => pad.l + ((W - pad.l - pad.r) * (t - t0)) / (t1 - t0);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - Math.min(v, top) / top);
  const line = (key: "total" | "active") => points.map((p) => `${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
  const minutes = Math.max(1, Math.round((t1 - t0) / 60_000));
  const label = last
    ? `Client connections over the last ${minutes} min: now ${last.total} (${last.active} active), peak ${peak}; max_connections ${max}, warning above ${warnAt}, critical above ${critAt}.`
    : "No samples yet.";
  return (
    <figure className="mt-3">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-40 w-full"
        role="img"
        aria-label={label}
        data-testid="connections-chart"
        data-points={points.length}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={pad.l}
              x2={W - pad.r}
              y1={y(top * f)}
              y2={y(top * f)}
              className="stroke-slate-200 dark:stroke-slate-800"
            />
            <text
              x={pad.l - 6}
              y={y(top * f) + 4}
              textAnchor="end"
              className="fill-slate-600 text-[11px] dark:fill-slate-400"
            >
              {Math.round(top * f)}
            </text>
          </g>
        ))}
        {[
          { v: warnAt, cls: "stroke-amber-500", text: "warning" },
          { v: critAt, cls: "stroke-red-500", text: "critical" },
        ]
          .filter((l) => l.v <= top)
          .map((l) => (
            <g key={l.text}>
              <line x1={pad.l} x2={W - pad.r} y1={y(l.v)} y2={y(l.v)} strokeDasharray="4 3" className={l.cls} />
              <text
                x={W - pad.r - 4}
                y={y(l.v) - 3}
                textAnchor="end"
                className="fill-slate-700 text-[11px] dark:fill-slate-300"
              >
                {l.text} ({l.v})
              </text>
            </g>
          ))}
        {points.length > 1 ? (
          <>
            <polyline
              points={line("total")}
              fill="none"
              strokeWidth={2}
              className="stroke-sky-600 dark:stroke-sky-400"
            />
            <polyline
              points={line("active")}
              fill="none"
              strokeWidth={2}
              strokeDasharray="2 2"
              className="stroke-indigo-600 dark:stroke-indigo-300"
            />
          </>
        ) : null}
        {last ? <circle cx={x(last.t)} cy={y(last.total)} r={3} className="fill-sky-600 dark:fill-sky-400" /> : null}
        <text x={pad.l} y={H - 6} className="fill-slate-600 text-[11px] dark:fill-slate-400">
          {points.length > 1 ? `${minutes} min ago` : "page opened"}
        </text>
        <text x={W - pad.r} y={H - 6} textAnchor="end" className="fill-slate-600 text-[11px] dark:fill-slate-400">
          now
        </text>
      </svg>
      <figcaption className="mt-1 flex flex-wrap gap-4 text-xs text-slate-600 dark:text-slate-400">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-0.5 w-4 bg-sky-600 dark:bg-sky-400" aria-hidden="true" /> all client
          connections
        </span>
        <span className="flex items-center gap-1.5">
          <span
            className="inline-block h-0.5 w-4 border-t-2 border-dashed border-indigo-600 dark:border-indigo-300"
            aria-hidden="true"
          />{" "}
          active
        </span>
        <span>
          Sampled at each refresh while this page is open ({points.length} {points.length === 1 ? "sample" : "samples"}
          ).
        </span>
      </figcaption>
    </figure>
  );
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
