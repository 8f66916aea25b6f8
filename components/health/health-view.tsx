"use client";
import { fetchJson } from "@/lib/fetch-json";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { OperationButton } from "@/components/destructive/operation-button";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatBytes, formatCount, formatDate, formatDuration, formatPercent } from "@/lib/format";
import { QueryLiveRefresh } from "@/components/ui/live-refresh";
import { Notice } from "@/components/ui/notice";
import { Table, Td, Th } from "@/components/ui/table";
// Types only (erased at build): the payload as the API sends it.
import type { EndAbility, HealthReport, Level, Section } from "@/lib/db/health-report";
import { ConnectionsChart, type ConnectionPoint } from "./connections-chart";

/**
 * The health page's body: the server renders the first payload, then TanStack Query refreshes it
 * from GET /api/dbadmin/health (off / 5 / 15 / 60 s, 5 s until chosen; paused in hidden tabs and
 * while a cancel/terminate dialog is open, so the row and its dialog stay put). Each refresh adds
 * a sample to the live connections chart (kept in memory only). Every level is a word and a
 * colour; every section that could not be read says why instead of failing the page.
 */
type HealthData = HealthReport & { series: ConnectionPoint[] };
const MAX_POINTS = 720; // an hour at 5 s

function point(r: HealthReport): ConnectionPoint | null {
  if (!r.connections.available) return null;
  const active = r.connections.by_state.find((s) => s.state === "active")?.count ?? 0;
  return { t: Date.parse(r.checked_at), total: r.connections.total, active };
}

function withSample(next: HealthReport, prev: ConnectionPoint[]): HealthData {
  const p = point(next);
  const series = p && prev.at(-1)?.t !== p.t ? [...prev, p].slice(-MAX_POINTS) : prev;
  return { ...next, series };
}

const fetchHealth = (qs: string, signal: AbortSignal) => fetchJson<HealthReport>(`/api/dbadmin/health${qs}`, signal);

export function HealthView({
  initial,
  initialError,
  admin,
  longQuerySeconds,
}: {
  initial: HealthReport | null;
  initialError: string | null;
  admin: boolean;
  longQuerySeconds: number | null;
}) {
  const qs = longQuerySeconds ? `?long_query_seconds=${longQuerySeconds}` : "";
  const queryKey = ["health", qs] as const;
  const qc = useQueryClient();
  const [dialogs, setDialogs] = useState(0);
  const q = useQuery({
    queryKey,
    queryFn: async ({ signal }) =>
      withSample(await fetchHealth(qs, signal), qc.getQueryData<HealthData>(queryKey)?.series ?? []),
    initialData: initial ? withSample(initial, []) : undefined,
    initialDataUpdatedAt: Date.now,
  });
  const onDialog = (open: boolean) => {
    setDialogs((n) => Math.max(0, n + (open ? 1 : -1)));
    if (!open) void q.refetch();
  };
  const data = q.data;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-sm" data-testid="health-overall">
          Overall: {data ? <LevelBadge level={data.status} /> : <Badge>unknown</Badge>}
          {data ? (
            <span className="text-slate-600 dark:text-slate-400">checked {formatDate(data.checked_at)}</span>
          ) : null}
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <QueryLiveRefresh storageKey="geoetl.refresh.health" query={q} fallback={5} paused={dialogs > 0} />
          <button
            type="button"
            onClick={() => void q.refetch()}
            className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Refresh now
          </button>
        </div>
      </div>
      {dialogs > 0 ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">Live refresh is paused while the dialog is open.</p>
      ) : null}

      {q.isError || (!data && initialError) ? (
        <Notice title="Could not read the database's health" tone="error">
          <p>
            {q.isError ? (q.error as Error).message : initialError}
            {data ? " The figures below are from the last successful check." : ""}
          </p>
        </Notice>
      ) : null}

      {data ? <Body data={data} admin={admin} onDialog={onDialog} /> : null}
    </div>
  );
}

// ----------------------------------------------------------------------------- pieces

const LEVEL_TONE: Record<Level, BadgeTone> = { ok: "success", warning: "warning", critical: "danger" };

function LevelBadge({ level, title }: { level: Level | null; title?: string }) {
  if (!level) return <Badge title={title}>not read</Badge>;
  return (
    <Badge tone={LEVEL_TONE[level]} title={title}>
      {level}
    </Badge>
  );
}

type Ok<S> = Extract<S, { available: true }>;

function Panel<S extends Section<object>>({
  id,
  title,
  section,
  children,
  actions,
}: {
  id: string;
  title: string;
  section: S;
  children: (s: Ok<S>) => ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`health-${id}`}
      data-testid={`health-${id}`}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={`health-${id}`} className="flex items-center gap-2 text-base font-semibold">
          {title} <LevelBadge level={section.level} />
        </h2>
        {actions}
      </div>
      {section.available ? (
        <>
          {section.note ? <p className="mb-2 text-xs text-amber-800 dark:text-amber-300">{section.note}</p> : null}
          {children(section as Ok<S>)}
        </>
      ) : (
        <p
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-200"
          data-testid="section-unavailable"
        >
          {section.error}
        </p>
      )}
    </section>
  );
}

/** Connections grouped by one property: the property, then the count. */
function CountTable({
  caption,
  label,
  rows,
  mono,
}: {
  caption: string;
  label: string;
  rows: [string, number][];
  mono?: boolean;
}) {
  return (
    <Table
      bare
      caption={caption}
      head={
        <>
          <Th>{label}</Th>
          <Th align="right">Connections</Th>
        </>
      }
    >
      {rows.map(([key, count]) => (
        <tr key={key}>
          <Td className={mono ? "break-all font-mono text-xs" : ""}>{key}</Td>
          <Td align="right">{count}</Td>
        </tr>
      ))}
    </Table>
  );
}

function QueryText({ text, truncated, label }: { text: string; truncated?: boolean; label: string }) {
  const flat = text.replace(/\s+/g, " ").trim();
  if (!flat) return <span className="text-slate-600 dark:text-slate-400">—</span>;
  if (flat.length <= 80 && !truncated) return <code className="break-all font-mono text-xs">{flat}</code>;
  return (
    <details className="max-w-xl">
      <summary
        className="cursor-pointer break-all font-mono text-xs"
        aria-label={`${label}: ${flat.slice(0, 80)}… (show all)`}
      >
        {flat.slice(0, 80)}…
      </summary>
      <pre
        className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950"
        tabIndex={0}
      >
        {text}
        {truncated ? "\n… (cut here by the console)" : ""}
      </pre>
    </details>
  );
}

function EndButtons({
  pid,
  refusal,
  admin,
  onDialog,
}: {
  pid: number;
  refusal: EndAbility;
  admin: boolean;
  onDialog: (open: boolean) => void;
}) {
  if (!admin) return null;
  const reasons = [...new Set([refusal.cancel, refusal.terminate].filter((r): r is string => !!r))];
  // "Nothing to cancel" is obvious from the state when terminate is offered.
  const shown = refusal.terminate === null ? [] : reasons;
  return (
    <div className="flex flex-col items-start gap-1">
      <div className="flex gap-1">
        {refusal.cancel === null ? (
          <OperationButton
            operation="health-cancel"
            params={{ pid: String(pid) }}
            label="Cancel query"
            ariaLabel={`Cancel the query of pid ${pid}`}
            dismissLabel="Keep it running"
            compact
            onOpenChange={onDialog}
          />
        ) : null}
        {refusal.terminate === null ? (
          <OperationButton
            operation="health-terminate"
            params={{ pid: String(pid) }}
            label="Terminate"
            ariaLabel={`Terminate the session of pid ${pid}`}
            dismissLabel="Keep the session"
            compact
            onOpenChange={onDialog}
          />
        ) : null}
      </div>
      {shown.map((r) => (
        <p key={r} className="max-w-xs text-xs text-slate-600 dark:text-slate-400" data-testid="end-refusal">
          {r}
        </p>
      ))}
    </div>
  );
}

function Stat({
  label,
  value,
  level,
  detail,
}: {
  label: string;
  value: string;
  level?: Level | null;
  detail?: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center justify-between gap-2 text-xs uppercase text-slate-600 dark:text-slate-400">
        {label} {level !== undefined ? <LevelBadge level={level} /> : null}
      </div>
      <div className="text-xl font-semibold tabular-nums">{value}</div>
      {detail ? <div className="text-xs text-slate-600 dark:text-slate-400">{detail}</div> : null}
    </div>
  );
}

const dash = (v: string | null | undefined) => v || "—";

// ----------------------------------------------------------------------------- the sections

function Body({ data, admin, onDialog }: { data: HealthData; admin: boolean; onDialog: (open: boolean) => void }) {
  const t = data.thresholds;
  const c = data.connections;
  return (
    <>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Connections"
          value={c.available ? `${c.total} / ${c.max}` : "—"}
          level={c.level}
          detail={c.available ? `${c.percent} % of max_connections` : "not read"}
        />
        <Stat
          label="Long-running"
          value={data.long_queries.available ? formatCount(data.long_queries.total) : "—"}
          level={data.long_queries.level}
          detail={`older than ${formatDuration(t.long_query_seconds)}`}
        />
        <Stat
          label="Lock waits"
          value={data.locks.available ? formatCount(data.locks.waits.length) : "—"}
          level={data.locks.level}
        />
        <Stat label="Database size" value={data.sizes.available ? formatBytes(data.sizes.database_bytes) : "—"} />
        <Stat
          label="Cache hit"
          value={data.vacuum.available ? formatPercent(data.vacuum.cache.tables) : "—"}
          level={data.vacuum.available ? data.vacuum.cache.level : null}
          detail={data.vacuum.available ? `indexes ${formatPercent(data.vacuum.cache.indexes)}` : undefined}
        />
        <Stat
          label="Server"
          value={data.server.available ? `PostgreSQL ${data.server.version.split(" ")[0]}` : "—"}
          detail={
            data.server.available
              ? `up ${formatDuration(data.server.uptime_seconds)} · ${data.server.pgstac}`
              : undefined
          }
        />
      </div>

      <Panel id="connections" title="Connections" section={data.connections}>
        {(s) => (
          <>
            <p className="text-sm" data-testid="connections-summary">
              <strong className="tabular-nums">{s.total}</strong> of max_connections{" "}
              <strong className="tabular-nums">{s.max}</strong> in use ({s.percent} %): <strong>{s.level}</strong>.
              Thresholds: warning above {t.connections_warn_pct} % ({s.warn_at}), critical above{" "}
              {t.connections_crit_pct} % ({s.crit_at}).
            </p>
            <ConnectionsChart points={data.series} max={s.max} warnAt={s.warn_at} critAt={s.crit_at} />
            <div className="mt-3 grid gap-4 md:grid-cols-3">
              <CountTable
                caption="Client connections by state"
                label="State"
                rows={s.by_state.map((r) => [r.state, r.count])}
              />
              <CountTable
                caption="Client connections by application"
                label="Application"
                rows={s.by_application.map((r) => [r.application, r.count])}
                mono
              />
              <CountTable
                caption="Client connections by database"
                label="Database"
                rows={s.by_database.map((r) => [r.database, r.count])}
                mono
              />
            </div>
          </>
        )}
      </Panel>

      <Panel
        id="long-queries"
        title="Long-running queries"
        section={data.long_queries}
        actions={
          <form method="get" action="/health" className="flex items-end gap-2 text-sm">
            <label className="flex items-center gap-2">
              Older than (seconds)
              <input
                name="long_query_seconds"
                type="number"
                min={1}
                max={86400}
                defaultValue={t.long_query_seconds}
                className="w-24 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-950"
              />
            </label>
            <button
              type="submit"
              className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
            >
              Set
            </button>
          </form>
        }
      >
        {(s) =>
          s.queries.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              None: no query or open transaction is older than {formatDuration(s.threshold_seconds)}.
            </p>
          ) : (
            <>
              <p className="mb-2 text-sm">
                {s.total} {s.total === 1 ? "query or open transaction is" : "queries or open transactions are"} older
                than {formatDuration(s.threshold_seconds)}
                {s.total > s.queries.length ? ` (the ${s.queries.length} oldest shown)` : ""}.
              </p>
              <Table
                bare
                caption={`Queries and transactions older than ${formatDuration(s.threshold_seconds)}`}
                testId="long-queries"
                headRows={
                  <tr>
                    <Th>pid</Th>
                    <Th>User · database</Th>
                    <Th>Application · client</Th>
                    <Th>State · wait</Th>
                    <Th align="right">Duration</Th>
                    <Th>Query</Th>
                    {admin ? <Th>Actions</Th> : null}
                  </tr>
                }
              >
                {s.queries.map((r) => (
                  <tr key={r.pid} data-pid={r.pid} data-testid={`long-query-${r.pid}`}>
                    <Td className="font-mono tabular-nums">{r.pid}</Td>
                    <Td>
                      {dash(r.user)}
                      {r.superuser ? (
                        <span className="ml-1">
                          <Badge tone="info">superuser</Badge>
                        </span>
                      ) : null}
                      <div className="font-mono text-xs text-slate-600 dark:text-slate-400">{dash(r.database)}</div>
                    </Td>
                    <Td>
                      <span className="break-all font-mono text-xs">{dash(r.application)}</span>
                      <div className="text-xs text-slate-600 dark:text-slate-400">{dash(r.client)}</div>
                    </Td>
                    <Td>
                      {dash(r.state)}
                      <div className="text-xs text-slate-600 dark:text-slate-400">
                        {r.wait_event ? `${r.wait_event_type}: ${r.wait_event}` : "not waiting"}
                      </div>
                    </Td>
                    <Td
                      align="right"
                      className="whitespace-nowrap"
                      title={
                        r.state === "active"
                          ? `query started ${dash(r.query_start)}`
                          : `transaction started ${dash(r.xact_start)}`
                      }
                    >
                      {formatDuration(r.duration_seconds)}
                    </Td>
                    <Td>
                      <QueryText text={r.query} truncated={r.query_truncated} label={`Query of pid ${r.pid}`} />
                    </Td>
                    {admin ? (
                      <Td>
                        <EndButtons pid={r.pid} refusal={r.refusal} admin={admin} onDialog={onDialog} />
                      </Td>
                    ) : null}
                  </tr>
                ))}
              </Table>
            </>
          )
        }
      </Panel>

      <Panel id="locks" title="Locks: who waits on whom" section={data.locks}>
        {(s) =>
          s.waits.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No session is waiting for a lock.</p>
          ) : (
            <Table
              bare
              caption="Blocked sessions and the sessions blocking them"
              testId="lock-waits"
              headRows={
                <>
                  <tr>
                    <Th colSpan={3} className="border-r border-slate-200 dark:border-slate-800">
                      Blocked (waiting)
                    </Th>
                    <Th colSpan={admin ? 4 : 3}>Blocking (holding the lock)</Th>
                  </tr>
                  <tr>
                    <Th>pid · who</Th>
                    <Th>Waiting for</Th>
                    <Th className="border-r border-slate-200 dark:border-slate-800">Query</Th>
                    <Th>pid · who</Th>
                    <Th>State · transaction age</Th>
                    <Th>Query</Th>
                    {admin ? <Th>Actions</Th> : null}
                  </tr>
                </>
              }
            >
              {s.waits.map((w) => (
                <tr
                  key={`${w.blocked.pid}:${w.blocking.pid}`}
                  data-testid={`lock-wait-${w.blocked.pid}`}
                  data-blocked-pid={w.blocked.pid}
                  data-blocking-pid={w.blocking.pid}
                >
                  <Td>
                    <span className="font-mono tabular-nums">{w.blocked.pid}</span> · {dash(w.blocked.user)}
                    <div className="break-all font-mono text-xs text-slate-600 dark:text-slate-400">
                      {dash(w.blocked.application)}
                    </div>
                  </Td>
                  <Td>
                    <span className="whitespace-nowrap">{formatDuration(w.blocked.waiting_seconds)}</span>
                    <div className="text-xs">
                      {w.lock.relation ? <span className="font-mono">{w.lock.relation}</span> : null}
                      <div className="text-slate-600 dark:text-slate-400">
                        {[w.lock.type, w.lock.mode].filter(Boolean).join(", ")}
                      </div>
                    </div>
                  </Td>
                  <Td className="border-r border-slate-200 dark:border-slate-800">
                    <QueryText text={w.blocked.query} label={`Query of blocked pid ${w.blocked.pid}`} />
                  </Td>
                  <Td>
                    <span className="font-mono tabular-nums">{w.blocking.pid}</span> · {dash(w.blocking.user)}
                    <div className="break-all font-mono text-xs text-slate-600 dark:text-slate-400">
                      {dash(w.blocking.application)}
                    </div>
                  </Td>
                  <Td>
                    {dash(w.blocking.state)}
                    <div className="text-xs text-slate-600 dark:text-slate-400">
                      {w.blocking.xact_seconds !== null
                        ? `transaction open ${formatDuration(w.blocking.xact_seconds)}`
                        : "no transaction"}
                    </div>
                  </Td>
                  <Td>
                    <QueryText text={w.blocking.query} label={`Query of blocking pid ${w.blocking.pid}`} />
                  </Td>
                  {admin ? (
                    <Td>
                      <EndButtons pid={w.blocking.pid} refusal={w.blocking.refusal} admin={admin} onDialog={onDialog} />
                    </Td>
                  ) : null}
                </tr>
              ))}
            </Table>
          )
        }
      </Panel>

      <div className="flex flex-col gap-6">
        <Panel id="sizes" title="Sizes" section={data.sizes}>
          {(s) => (
            <>
              <p className="mb-2 text-sm">
                Database: <strong>{formatBytes(s.database_bytes)}</strong>. The {s.per_schema} largest tables of each
                schema:
              </p>
              <Table
                bare
                caption={`The ${s.per_schema} largest tables of each schema`}
                testId="table-sizes"
                headRows={
                  <tr>
                    <Th>Table</Th>
                    <Th align="right">Rows (est.)</Th>
                    <Th align="right">Table</Th>
                    <Th align="right">Indexes</Th>
                    <Th align="right">TOAST</Th>
                    <Th align="right">Total</Th>
                  </tr>
                }
              >
                {s.tables.map((r) => (
                  <tr key={`${r.schema}.${r.name}`}>
                    <Td className="break-all font-mono text-xs">
                      {r.schema}.{r.name}
                      {r.locked ? (
                        <span className="ml-1">
                          <Badge
                            tone="warning"
                            title="Held or awaited in ACCESS EXCLUSIVE mode: sizes from the planner's page count"
                          >
                            locked: estimated
                          </Badge>
                        </span>
                      ) : null}
                    </Td>
                    <Td align="right">{formatCount(r.estimated_rows, false)}</Td>
                    <Td align="right">{formatBytes(r.table_bytes)}</Td>
                    <Td align="right">{formatBytes(r.index_bytes)}</Td>
                    <Td align="right">{formatBytes(r.toast_bytes)}</Td>
                    <Td align="right">{formatBytes(r.total_bytes)}</Td>
                  </tr>
                ))}
              </Table>
            </>
          )}
        </Panel>

        <Panel id="vacuum" title="Vacuum and bloat" section={data.vacuum}>
          {(s) => (
            <>
              <p className="mb-2 text-sm">
                Cache hit ratio: tables <strong>{formatPercent(s.cache.tables, 2)}</strong>, indexes{" "}
                <strong>{formatPercent(s.cache.indexes, 2)}</strong>: <strong>{s.cache.level}</strong> (warning below{" "}
                {formatPercent(t.cache_hit_warn, 0)}, critical below {formatPercent(t.cache_hit_crit, 0)}). Tables with
                at least {formatCount(t.vacuum_min_rows)} rows, flagged above{" "}
                {formatPercent(t.dead_tuple_ratio_warn, 0)} dead tuples:
              </p>
              {s.tables.length === 0 ? (
                <p className="text-sm text-slate-600 dark:text-slate-400">No table is that large yet.</p>
              ) : (
                <Table
                  bare
                  caption="Dead tuples and the last vacuum and analyze of large tables"
                  testId="vacuum-tables"
                  headRows={
                    <tr>
                      <Th>Table</Th>
                      <Th align="right">Live</Th>
                      <Th align="right">Dead</Th>
                      <Th align="right">Dead ratio</Th>
                      <Th>Last vacuum</Th>
                      <Th>Last analyze</Th>
                    </tr>
                  }
                >
                  {s.tables.map((r) => (
                    <tr key={`${r.schema}.${r.name}`}>
                      <Td className="break-all font-mono text-xs">
                        {r.schema}.{r.name}
                      </Td>
                      <Td align="right">{formatCount(r.live_tuples)}</Td>
                      <Td align="right">{formatCount(r.dead_tuples)}</Td>
                      <Td align="right" className="whitespace-nowrap">
                        {formatPercent(r.dead_ratio)} {r.flagged ? <Badge tone="warning">vacuum due</Badge> : null}
                      </Td>
                      <Td className="text-xs">
                        <Latest manual={r.last_vacuum} auto={r.last_autovacuum} />
                      </Td>
                      <Td className="text-xs">
                        <Latest manual={r.last_analyze} auto={r.last_autoanalyze} />
                      </Td>
                    </tr>
                  ))}
                </Table>
              )}
            </>
          )}
        </Panel>
      </div>

      <Panel id="slow-queries" title="Slow queries (pg_stat_statements)" section={data.slow_queries}>
        {(s) =>
          !s.enabled ? (
            <div className="text-sm" data-testid="slow-queries-disabled">
              <p className="font-medium">Not available.</p>
              <p className="text-slate-700 dark:text-slate-300">{s.how_to_enable}</p>
            </div>
          ) : s.queries.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No statements recorded for this database yet.</p>
          ) : (
            <>
              <p className="mb-2 text-sm">
                By total time in this database since the statistics were last reset. Mean time: warning above{" "}
                {t.slow_query_mean_warn_ms} ms, critical above {t.slow_query_mean_crit_ms} ms (statements called at
                least 10 times set the section&apos;s level).
              </p>
              <Table
                bare
                caption="Statements by total execution time"
                testId="slow-queries"
                headRows={
                  <tr>
                    <Th>Query</Th>
                    <Th>User</Th>
                    <Th align="right">Calls</Th>
                    <Th align="right">Mean</Th>
                    <Th align="right">Total</Th>
                    <Th align="right">Rows</Th>
                  </tr>
                }
              >
                {s.queries.map((r, i) => (
                  <tr key={i}>
                    <Td>
                      <QueryText text={r.query} label={`Statement ${i + 1}`} />
                    </Td>
                    <Td className="text-xs">{dash(r.user)}</Td>
                    <Td align="right">{formatCount(r.calls)}</Td>
                    <Td align="right" className="whitespace-nowrap">
                      {r.mean_ms.toFixed(1)} ms {r.level !== "ok" ? <LevelBadge level={r.level} /> : null}
                    </Td>
                    <Td align="right" className="whitespace-nowrap">
                      {formatDuration(r.total_ms / 1000)}
                    </Td>
                    <Td align="right">{formatCount(r.rows)}</Td>
                  </tr>
                ))}
              </Table>
            </>
          )
        }
      </Panel>

      <div className="grid gap-6 xl:grid-cols-2">
        <Panel id="pools" title="Console pools" section={data.pools}>
          {(s) => (
            <>
              <Table
                bare
                caption="The console's connection pools in this server process"
                testId="pools"
                headRows={
                  <tr>
                    <Th>Pool</Th>
                    <Th align="right">Open</Th>
                    <Th align="right">Idle</Th>
                    <Th align="right">Waiting</Th>
                    <Th align="right">Max</Th>
                  </tr>
                }
              >
                {s.pools.map((p) => (
                  <tr key={p.name}>
                    <Td>
                      {p.name}
                      {p.shared_with ? ` (also ${p.shared_with})` : ""}
                    </Td>
                    <Td align="right">{p.total}</Td>
                    <Td align="right">{p.idle}</Td>
                    <Td align="right">
                      {p.waiting}
                      {p.waiting > 0 ? (
                        <span className="ml-1">
                          <Badge tone="warning">queued</Badge>
                        </span>
                      ) : null}
                    </Td>
                    <Td align="right">{p.max}</Td>
                  </tr>
                ))}
              </Table>
              <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
                Budget: max_connections {s.budget.max_connections} (DB_MAX_CONNECTIONS) × 0.5 ÷ {s.budget.instances}{" "}
                instance{s.budget.instances === 1 ? "" : "s"} = {s.budget.per_instance} per instance;{" "}
                {s.budget.pool_max_overridden
                  ? `pool size ${s.budget.pool_max} set by DB_POOL_MAX`
                  : `÷ 2 pools = ${s.budget.pool_max} each`}
                . The health pool ({s.budget.health_pool_max}, HEALTH_POOL_MAX) is reserved on top, for the load
                balancer&apos;s probe and this page.
              </p>
            </>
          )}
        </Panel>

        <Panel id="tls" title="TLS of the console's connections" section={data.tls}>
          {(s) => (
            <>
              <ul className="mb-2 space-y-1 text-sm">
                {s.targets.map((x) => (
                  <li key={x.pool}>
                    <span className="font-medium">{x.pool}</span>:{" "}
                    <span className="font-mono text-xs">
                      {x.user}@{x.host}:{x.port}/{x.database}
                    </span>
                    , sslmode <code className="font-mono">{x.sslmode}</code>{" "}
                    {x.warning ? (
                      <Badge tone="warning">warning</Badge>
                    ) : (
                      <Badge tone="success">{x.local ? "ok (local)" : "ok"}</Badge>
                    )}
                    {x.warning ? <p className="text-xs text-amber-800 dark:text-amber-300">{x.warning}</p> : null}
                  </li>
                ))}
              </ul>
              {s.connections.length ? (
                <Table
                  bare
                  caption="Encryption of the console's open connections (pg_stat_ssl)"
                  headRows={
                    <tr>
                      <Th>Connection</Th>
                      <Th>Encrypted</Th>
                      <Th>Protocol · cipher</Th>
                    </tr>
                  }
                >
                  {s.connections.map((x) => (
                    <tr key={x.pid}>
                      <Td className="font-mono text-xs">
                        {x.application} (pid {x.pid})
                      </Td>
                      <Td>{x.ssl === null ? "unknown" : x.ssl ? "yes" : "no"}</Td>
                      <Td className="text-xs">
                        {x.ssl ? `${dash(x.version)} · ${dash(x.cipher)}${x.bits ? ` (${x.bits} bits)` : ""}` : "—"}
                      </Td>
                    </tr>
                  ))}
                </Table>
              ) : null}
            </>
          )}
        </Panel>
      </div>

      <div className="grid gap-6 xl:grid-cols-2">
        <Panel id="replication" title="Replication" section={data.replication}>
          {(s) => (
            <div className="space-y-2 text-sm">
              <p>
                This server is a <strong>{s.in_recovery ? "replica" : "primary"}</strong>
                {s.in_recovery
                  ? `; last replayed transaction ${s.replay_lag_seconds === null ? "unknown" : `${formatDuration(s.replay_lag_seconds)} ago`}`
                  : ""}
                .
              </p>
              {s.replicas.length === 0 && s.slots.length === 0 ? (
                <p className="text-slate-600 dark:text-slate-400">No replicas and no replication slots.</p>
              ) : null}
              {s.replicas.length ? (
                <Table
                  bare
                  caption="Replicas (pg_stat_replication)"
                  headRows={
                    <tr>
                      <Th>Replica</Th>
                      <Th>State</Th>
                      <Th align="right">Replay lag</Th>
                    </tr>
                  }
                >
                  {s.replicas.map((r, i) => (
                    <tr key={i}>
                      <Td className="font-mono text-xs">
                        {dash(r.application)} {r.client ? `(${r.client})` : ""}
                      </Td>
                      <Td>
                        {dash(r.state)} {r.sync_state ? `· ${r.sync_state}` : ""}
                      </Td>
                      <Td align="right">
                        {formatDuration(r.replay_lag_seconds)}
                        {r.replay_lag_bytes !== null ? ` · ${formatBytes(r.replay_lag_bytes)}` : ""}
                      </Td>
                    </tr>
                  ))}
                </Table>
              ) : null}
              {s.slots.length ? (
                <Table
                  bare
                  caption="Replication slots"
                  headRows={
                    <tr>
                      <Th>Slot</Th>
                      <Th>Active</Th>
                      <Th align="right">WAL retained</Th>
                    </tr>
                  }
                >
                  {s.slots.map((r) => (
                    <tr key={r.name}>
                      <Td className="font-mono text-xs">
                        {r.name} ({r.type})
                      </Td>
                      <Td>{r.active ? "yes" : <Badge tone="warning">inactive</Badge>}</Td>
                      <Td align="right">{formatBytes(r.retained_bytes)}</Td>
                    </tr>
                  ))}
                </Table>
              ) : null}
            </div>
          )}
        </Panel>

        <Panel id="server" title="Server" section={data.server}>
          {(s) => (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-600 dark:text-slate-400">Version</dt>
              <dd>PostgreSQL {s.version}</dd>
              <dt className="text-slate-600 dark:text-slate-400">Up since</dt>
              <dd>
                {formatDate(s.started_at)} ({formatDuration(s.uptime_seconds)})
              </dd>
              <dt className="text-slate-600 dark:text-slate-400">Database</dt>
              <dd className="font-mono text-xs">{s.database}</dd>
              <dt className="text-slate-600 dark:text-slate-400">max_connections</dt>
              <dd>
                {s.max_connections} ({s.reserved_connections} reserved for superusers)
              </dd>
              <dt className="text-slate-600 dark:text-slate-400">Read as</dt>
              <dd>
                {data.privileges.role}
                {data.privileges.superuser
                  ? " (superuser)"
                  : data.privileges.read_all_stats
                    ? " (pg_read_all_stats)"
                    : " (without pg_read_all_stats: some sections are hidden)"}
              </dd>
            </dl>
          )}
        </Panel>
      </div>
    </>
  );
}

function Latest({ manual, auto }: { manual: string | null; auto: string | null }) {
  const latest = [manual && { at: manual, how: "manual" }, auto && { at: auto, how: "auto" }]
    .filter(Boolean)
    .sort((a, b) => ((a as { at: string }).at < (b as { at: string }).at ? 1 : -1))[0] as
    { at: string; how: string } | undefined;
  if (!latest) return <span className="text-amber-800 dark:text-amber-300">never</span>;
  return (
    <span title={`manual: ${manual ?? "never"}; auto: ${auto ?? "never"}`}>
      {formatDate(latest.at)} <span className="text-slate-600 dark:text-slate-400">({latest.how})</span>
    </span>
  );
}
