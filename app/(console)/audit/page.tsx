import Link from "next/link";
import { z } from "zod";
import { formatDate } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { isInt64, safeText } from "@/lib/api/params";
import { requirePageRole } from "@/lib/auth/page";
import { listAudit } from "@/lib/db/audit";

const Params = z.object({
  // A cursor that is not a bigint (19 digits can overflow) or text with control characters would
  // be a 500 in PostgreSQL: ignored instead, like any other malformed filter.
  before: z.string().regex(/^\d{1,19}$/).refine(isInt64).optional().catch(undefined),
  action: safeText(100).optional().catch(undefined),
});

const OUTCOME_STYLE = {
  success: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200",
  failure: "bg-red-100 text-red-900 dark:bg-red-900/40 dark:text-red-200",
  denied: "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200",
} as const;

/** The audit log: every attempted mutation, newest first, keyset-paged. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageRole("reader");
  const p = Params.parse(await searchParams);
  const page = await listAudit({ before: p.before, action: p.action || null, limit: 50 });
  const qs = (before?: string) => {
    const q = new URLSearchParams();
    if (p.action) q.set("action", p.action);
    if (before) q.set("before", before);
    const s = q.toString();
    return s ? `/audit?${s}` : "/audit";
  };
  const th = "px-3 py-2";
  return (
    <>
      <PageHeader title="Audit log" />
      <form method="get" action="/audit" className="mb-4 flex items-end gap-3" role="search" aria-label="Filter audit log">
        <label className="flex flex-col text-xs font-medium">
          Action
          <input name="action" defaultValue={p.action} placeholder="e.g. geo.unpublish" className="rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-600 dark:bg-slate-900" />
        </label>
        <button type="submit" className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">Apply</button>
      </form>
      {page.rows.length === 0 ? (
        <Notice title="No entries"><p>{p.before ? "No older entries." : "Nothing has been changed through the console yet."}</p></Notice>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
              <tr><th className={th}>When</th><th className={th}>Who</th><th className={th}>Action</th><th className={th}>Target</th><th className={th}>Outcome</th><th className={th}>Details</th></tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id} className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="audit-row">
                  <td className={`${th} whitespace-nowrap text-xs`}>{formatDate(r.at)}</td>
                  <td className={th}>{r.actor}<div className="text-xs text-slate-500">{r.actor_role}</div></td>
                  <td className={`${th} font-mono text-xs`}>{r.action}</td>
                  <td className={`${th} font-mono text-xs`}>{r.target ?? "—"}</td>
                  <td className={th}><span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[r.outcome]}`}>{r.outcome}</span></td>
                  <td className={`${th} text-xs`}>
                    {r.warnings.length ? (
                      <ul className="mb-1 list-disc pl-4 text-amber-800 dark:text-amber-300">{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
                    ) : null}
                    {Object.keys(r.details).length ? <code className="break-all font-mono text-[11px] text-slate-600 dark:text-slate-400">{JSON.stringify(r.details)}</code> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="mt-4 flex gap-4 text-sm">
        {p.before ? <Link className="underline" href={qs()}>Newest</Link> : null}
        {page.nextBefore ? <Link className="underline" href={qs(page.nextBefore)}>Older →</Link> : null}
      </nav>
    </>
  );
}
