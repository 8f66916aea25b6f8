import { ActivityTabs } from "@/components/catalog/activity-tabs";
import { JanitorFilter } from "@/components/catalog/janitor-filter";
import { JanitorStaleWarning, JanitorStatusTable } from "@/components/catalog/janitor-status";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { JsonViewer } from "@/components/ui/json-viewer";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { janitorTypeStatus, listJanitorRuns } from "@/lib/db/activity";
import { errorHeadline, formatDate, formatDuration } from "@/lib/format";
import { janitorRunsHref, janitorRunsUrl } from "@/lib/url-state/catalog";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Janitor runs" };

export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

/** The janitor's runs (app.janitor_runs): each type's last success at the top, then every run, newest first. */
export default async function JanitorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  const { data, state } = await loadForUrlState(readUrlState(janitorRunsUrl, await searchParams), (v) =>
    Promise.all([
      listJanitorRuns({ runType: v.run_type ?? undefined, cursor: v.cursor ?? undefined, limit: PAGE_SIZE }),
      janitorTypeStatus(),
    ]),
  );
  const [page, status] = data;
  const p = state.values;
  const href = (cursor: string | null) => janitorRunsHref("/activity/janitor", { ...p, cursor });

  return (
    <>
      <PageHeader title="Platform activity">
        <LiveRefresh storageKey="geoetl.refresh.activity" />
      </PageHeader>
      <ActivityTabs current="janitor" />
      <JanitorStaleWarning types={status.types} staleHours={status.stale_hours} />
      <InvalidLinkNotice invalid={state.invalid} clearHref="/activity/janitor" />
      {status.types.length ? (
        <section aria-label="Last runs by type" className="mb-6">
          <JanitorStatusTable types={status.types} />
        </section>
      ) : null}
      <JanitorFilter key={href(null)} runTypes={status.types.map((t) => t.run_type)} />
      {page.rows.length === 0 ? (
        <Notice title={p.cursor ? "No more runs" : "No janitor runs"}>
          <p>{p.run_type ? "No run of this type." : "app.janitor_runs has no rows yet."}</p>
        </Notice>
      ) : (
        <Table
          caption="Janitor runs"
          testId="janitor-runs"
          head={
            <>
              <Th>Run type</Th>
              <Th>Status</Th>
              <Th>Started</Th>
              <Th align="right">Duration</Th>
              <Th align="right">Scanned</Th>
              <Th align="right">Fixed</Th>
              <Th>Actions and errors</Th>
            </>
          }
        >
          {page.rows.map((r) => (
            <tr key={r.run_id} data-testid="janitor-run" data-status={r.status}>
              <Td className="font-mono text-xs">{r.run_type}</Td>
              <Td className={`text-xs ${r.status === "failed" ? "font-semibold text-red-700 dark:text-red-300" : ""}`}>
                {r.status}
              </Td>
              <Td className="whitespace-nowrap text-xs">{formatDate(r.started_at)}</Td>
              <Td align="right">{r.duration_seconds === null ? "running" : formatDuration(r.duration_seconds)}</Td>
              <Td align="right">{r.items_scanned.toLocaleString("en-US")}</Td>
              <Td align="right">{r.items_fixed.toLocaleString("en-US")}</Td>
              <Td className="max-w-xl text-xs">
                {r.error_details ? (
                  <p className="mb-1 text-red-700 dark:text-red-300">{errorHeadline(r.error_details, 200)}</p>
                ) : null}
                {Array.isArray(r.actions_taken) && r.actions_taken.length ? (
                  <JsonViewer title="Actions taken" value={r.actions_taken} defaultOpen={false} />
                ) : (
                  <span className="text-slate-600 dark:text-slate-400">no action</span>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPager rows={page.rows.length} cursor={p.cursor} page={page} href={href} />
    </>
  );
}
