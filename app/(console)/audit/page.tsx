import Link from "next/link";
import { AuditFilters } from "@/components/audit/audit-filters";
import { formatDate, formatDuration, formatExact } from "@/lib/format";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { auditFilterFromParams, listAudit, type AuditRow } from "@/lib/db/audit";
import type { AuditOutcome } from "@/lib/db/audit-params";
import { auditHref, auditUrl } from "@/lib/url-state/audit";
import { loadForUrlState, orUndefined } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import { EXPORT_CAP } from "@/lib/export/stream";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Audit log" };

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

/** The audit log: every attempted mutation, newest first, keyset-paged; the view lives in the URL (lib/url-state/audit). */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  const { data: page, state } = await loadForUrlState(readUrlState(auditUrl, await searchParams), (v) =>
    listAudit(auditFilterFromParams({ ...orUndefined(v), limit: PAGE_SIZE })),
  );
  const p = state.values;
  const filtered = Boolean(p.actor || p.action || p.outcome?.length || p.window || p.since || p.until);
  const href = (before: string | null) => auditHref("/audit", { ...p, before });

  return (
    <>
      <PageHeader title="Audit log">
        <span className="text-sm">
          <a
            className="text-sky-700 underline dark:text-sky-400"
            href={auditHref("/api/export/audit?format=csv", { ...p, before: null })}
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
      <InvalidLinkNotice invalid={state.invalid} clearHref="/audit" />
      <AuditFilters key={href(null)} />
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
        <Table
          caption="Audit log entries"
          testId="audit-table"
          head={
            <>
              <Th>When</Th>
              <Th>Who</Th>
              <Th>Action</Th>
              <Th>Target</Th>
              <Th>Outcome</Th>
              <Th>Duration</Th>
              <Th>Details</Th>
            </>
          }
        >
          {page.rows.map((r) => (
            <AuditTableRow key={r.id} r={r} />
          ))}
        </Table>
      )}
      <Pager
        summary={page.rows.length && !page.nextBefore ? "No older entries." : undefined}
        firstHref={p.before ? href(null) : null}
        prevHref={null}
        nextHref={page.nextBefore ? href(page.nextBefore) : null}
      />
    </>
  );
}

function AuditTableRow({ r }: { r: AuditRow }) {
  const name = r.actor_name ?? r.actor;
  const hasMore =
    !isEmpty(r.parameters) || !isEmpty(r.details) || r.fingerprint || r.request_id || r.client_address || r.actor_oid;
  return (
    <tr data-testid="audit-row">
      <Td className="whitespace-nowrap text-xs">
        <time dateTime={r.at} title={formatExact(r.at)}>
          {formatDate(r.at)}
        </time>
      </Td>
      <Td>
        <span title={r.actor_oid ?? undefined}>{name}</span>
        {r.actor_username && r.actor_username !== name ? (
          <div className="text-xs text-slate-600 dark:text-slate-400">{r.actor_username}</div>
        ) : null}
        <div className="text-xs text-slate-600">{r.actor_role}</div>
      </Td>
      <Td className="font-mono text-xs">{r.action}</Td>
      <Td className="break-all font-mono text-xs">{r.target ?? "—"}</Td>
      <Td>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[r.outcome] ?? ""}`}
          title={OUTCOME_TITLE[r.outcome]}
        >
          {r.outcome}
        </span>
      </Td>
      <Td className="whitespace-nowrap text-xs tabular-nums">{durationText(r.duration_ms)}</Td>
      <Td className="max-w-md text-xs">
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
      </Td>
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
