import Link from "next/link";
import { AuditFilters } from "@/components/audit/audit-filters";
import { auditQuery, type AuditUrlFilters } from "@/components/audit/url-state";
import { formatDate, formatDuration, formatExact } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import {
  AUDIT_OUTCOMES,
  AUDIT_WINDOWS,
  auditFilterFromParams,
  auditParamsLenient,
  listAudit,
  type AuditOutcome,
  type AuditRow,
} from "@/lib/db/audit";
import { flattenSearchParams } from "@/lib/db/jobs-params";
import { EXPORT_CAP } from "@/lib/export/stream";

export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

const OUTCOME_STYLE: Record<AuditOutcome, string> = {
  success: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200",
  failed: "bg-red-100 text-red-900 dark:bg-red-900/40 dark:text-red-200",
  refused: "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200",
  conflict: "bg-violet-100 text-violet-900 dark:bg-violet-900/40 dark:text-violet-200",
};

const OUTCOME_TITLE: Record<AuditOutcome, string> = {
  success: "The change was made",
  failed: "The operation failed; nothing was changed",
  refused: "Refused: the caller may not do this, or the input was invalid",
  conflict: "Refused: the state changed since the plan, or another operation held the lock",
};

const isEmpty = (v: unknown) =>
  v === null || v === undefined || (typeof v === "object" && Object.keys(v as object).length === 0);

/** The audit log: every attempted mutation, newest first, keyset-paged; filters live in the URL. */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  // A malformed link parameter (a cursor that is not a bigint, text with control characters, an
  // unknown outcome, a time without an offset) would be a 400 in the API: here it is ignored.
  const p = auditParamsLenient(flattenSearchParams(await searchParams));
  const page = await listAudit(auditFilterFromParams({ ...p, limit: PAGE_SIZE }));

  const filters: AuditUrlFilters = {
    actor: p.actor,
    action: p.action,
    outcome: p.outcome,
    window: p.window && p.window !== "all" ? p.window : undefined,
    since: p.since?.toISOString(),
    until: p.until?.toISOString(),
  };
  const filtered = Boolean(
    filters.actor || filters.action || filters.outcome?.length || filters.window || filters.since || filters.until,
  );
  const href = (before?: string) => `/audit${auditQuery(filters, { before })}`;
  const th = "px-3 py-2";

  return (
    <>
      <PageHeader title="Audit log">
        <span className="text-sm">
          <a
            className="text-sky-700 underline dark:text-sky-400"
            href={`/api/export/audit${auditQuery(filters, { format: "csv" })}`}
            download
            data-testid="audit-export-csv"
          >
            Download CSV
          </a>{" "}
          <span className="text-xs text-slate-600 dark:text-slate-400">
            (this filter, newest {EXPORT_CAP.toLocaleString("en-US")} entries at most)
          </span>
        </span>
      </PageHeader>
      <AuditFilters
        key={auditQuery(filters)}
        filters={filters}
        outcomes={AUDIT_OUTCOMES}
        windows={AUDIT_WINDOWS.map(({ value, label }) => ({ value, label }))}
      />
      {page.rows.length === 0 ? (
        <Notice title={p.before ? "No older entries" : "No entries"}>
          <p>
            {p.before
              ? "There is nothing older than the last page."
              : filtered
                ? "No audit entries match these filters."
                : "Nothing has been changed through the console yet."}
          </p>
          {filtered && !p.before ? (
            <p className="mt-2">
              <Link className="text-sky-700 underline dark:text-sky-400" href="/audit">
                Show all entries
              </Link>
            </p>
          ) : null}
        </Notice>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-800">
              <tr>
                <th className={th}>When</th>
                <th className={th}>Who</th>
                <th className={th}>Action</th>
                <th className={th}>Target</th>
                <th className={th}>Outcome</th>
                <th className={th}>Duration</th>
                <th className={th}>Details</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <AuditTableRow key={r.id} r={r} th={th} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="mt-4 flex items-center gap-4 text-sm">
        {p.before ? (
          <Link className="underline" href={href()}>
            Newest
          </Link>
        ) : null}
        {page.nextBefore ? (
          <Link className="underline" href={href(page.nextBefore)}>
            Older →
          </Link>
        ) : page.rows.length > 0 ? (
          <span className="text-slate-600 dark:text-slate-400" data-testid="audit-no-older">
            No older entries.
          </span>
        ) : null}
      </nav>
    </>
  );
}

function AuditTableRow({ r, th }: { r: AuditRow; th: string }) {
  const name = r.actor_name ?? r.actor;
  const hasMore =
    !isEmpty(r.parameters) || !isEmpty(r.details) || r.fingerprint || r.request_id || r.client_address || r.actor_oid;
  return (
    <tr className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="audit-row">
      <td className={`${th} whitespace-nowrap text-xs`}>
        <time dateTime={r.at} title={formatExact(r.at)}>
          {formatDate(r.at)}
        </time>
      </td>
      <td className={th}>
        <span title={r.actor_oid ?? undefined}>{name}</span>
        {r.actor_username && r.actor_username !== name ? (
          <div className="text-xs text-slate-600 dark:text-slate-400">{r.actor_username}</div>
        ) : null}
        <div className="text-xs text-slate-600">{r.actor_role}</div>
      </td>
      <td className={`${th} font-mono text-xs`}>{r.action}</td>
      <td className={`${th} break-all font-mono text-xs`}>{r.target ?? "—"}</td>
      <td className={th}>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[r.outcome] ?? ""}`}
          title={OUTCOME_TITLE[r.outcome]}
        >
          {r.outcome}
        </span>
      </td>
      <td className={`${th} whitespace-nowrap text-xs tabular-nums`}>{durationText(r.duration_ms)}</td>
      <td className={`${th} max-w-md text-xs`}>
        {r.warnings.length ? (
          <ul className="mb-1 list-disc pl-4 text-amber-800 dark:text-amber-300" aria-label="Warnings">
            {r.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        ) : null}
        {r.error ? (
          <p className="mb-1 text-red-800 dark:text-red-300">
            <span className="font-semibold">Error:</span> {r.error.message}
            {r.error.sqlstate ? (
              <span className="ml-1 font-mono text-[11px]">(SQLSTATE {r.error.sqlstate})</span>
            ) : null}
            {r.error.code ? (
              <span className="ml-1 font-mono text-[11px] text-slate-600 dark:text-slate-400">[{r.error.code}]</span>
            ) : null}
          </p>
        ) : null}
        {hasMore ? (
          <details>
            <summary className="cursor-pointer text-slate-600 dark:text-slate-400">
              {isEmpty(r.parameters) ? (
                "More"
              ) : (
                <code className="font-mono text-[11px]">{compact(r.parameters, 80)}</code>
              )}
            </summary>
            <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5">
              {!isEmpty(r.parameters) ? (
                <Field label="Parameters" mono>
                  {JSON.stringify(r.parameters)}
                </Field>
              ) : null}
              {!isEmpty(r.details) ? (
                <Field label="Details" mono>
                  {JSON.stringify(r.details)}
                </Field>
              ) : null}
              {r.fingerprint ? (
                <Field label="Fingerprint" mono>
                  {r.fingerprint}
                </Field>
              ) : null}
              {r.actor_oid ? (
                <Field label="Actor oid" mono>
                  {r.actor_oid}
                </Field>
              ) : null}
              {r.request_id ? (
                <Field label="Request id" mono>
                  {r.request_id}
                </Field>
              ) : null}
              {r.client_address ? (
                <Field label="Client address" mono>
                  {r.client_address}
                </Field>
              ) : null}
            </dl>
          </details>
        ) : null}
      </td>
    </tr>
  );
}

function Field({ label, mono, children }: { label: string; mono?: boolean; children: string }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className={`break-all ${mono ? "font-mono text-[11px] text-slate-700 dark:text-slate-300" : ""}`}>
        {children}
      </dd>
    </>
  );
}

/** 340 ms, 1.2 s, then formatDuration's minutes and hours. */
function durationText(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")} s`;
  return formatDuration(ms / 1000);
}

/** One line of JSON, cut to `max` characters. */
function compact(v: unknown, max: number): string {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
