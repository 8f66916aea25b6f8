import Link from "next/link";
import { ActivityTabs } from "@/components/catalog/activity-tabs";
import { ApiRequestFilters } from "@/components/catalog/api-request-filters";
import { JanitorStaleWarning } from "@/components/catalog/janitor-status";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { apiRequestDataTypes, janitorTypeStatus, listApiRequests } from "@/lib/db/activity";
import { formatDate, shortId } from "@/lib/format";
import { apiRequestsHref, apiRequestsUrl } from "@/lib/url-state/catalog";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "API requests" };

export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

/** Platform activity: the API requests that submitted jobs (app.api_requests), newest first. */
export default async function ActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  const { data, state } = await loadForUrlState(readUrlState(apiRequestsUrl, await searchParams), (v) =>
    Promise.all([
      listApiRequests({
        status: v.status ?? undefined,
        dataType: v.data_type ?? undefined,
        dataset: v.dataset ?? undefined,
        since: v.since ?? undefined,
        until: v.until ?? undefined,
        cursor: v.cursor ?? undefined,
        limit: PAGE_SIZE,
      }),
      apiRequestDataTypes(),
      janitorTypeStatus(),
    ]),
  );
  const [page, dataTypes, janitor] = data;
  const p = state.values;
  const href = (cursor: string | null) => apiRequestsHref("/activity", { ...p, cursor });
  const filtered = !!(p.status || p.data_type || p.dataset || p.since || p.until);

  return (
    <>
      <PageHeader title="Platform activity">
        <LiveRefresh storageKey="geoetl.refresh.activity" />
      </PageHeader>
      <ActivityTabs current="requests" />
      <JanitorStaleWarning types={janitor.types} staleHours={janitor.stale_hours} />
      <InvalidLinkNotice invalid={state.invalid} clearHref="/activity" />
      <ApiRequestFilters key={href(null)} dataTypes={dataTypes} />
      {page.rows.length === 0 ? (
        <Notice title={p.cursor ? "No more requests" : "No API requests match"}>
          <p>{filtered ? "Widen the time window or clear a filter." : "app.api_requests has no rows yet."}</p>
        </Notice>
      ) : (
        <Table
          caption="API requests"
          testId="api-requests"
          head={
            <>
              <Th>Request</Th>
              <Th>Dataset / resource / version</Th>
              <Th>Data type</Th>
              <Th>Status</Th>
              <Th>Job</Th>
              <Th>Created</Th>
              <Th>Updated</Th>
            </>
          }
        >
          {page.rows.map((r) => (
            <tr key={r.request_id} data-testid={`api-request-${r.request_id}`}>
              <Td className="font-mono text-xs" title={r.request_id}>
                {shortId(r.request_id)}
              </Td>
              <Td className="text-xs">
                <span className="font-mono">{r.dataset_id ?? "—"}</span> / {r.resource_id ?? "—"} /{" "}
                {r.version_id ?? "—"}
              </Td>
              <Td className="text-xs">{r.data_type ?? "—"}</Td>
              <Td className="text-xs">{r.status}</Td>
              <Td className="font-mono text-xs">
                {r.job_id ? (
                  <Link className="hover:underline" href={`/jobs/${encodeURIComponent(r.job_id)}`} title={r.job_id}>
                    {shortId(r.job_id)}
                  </Link>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="whitespace-nowrap text-xs">{formatDate(r.created_at)}</Td>
              <Td className="whitespace-nowrap text-xs">{formatDate(r.updated_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPager rows={page.rows.length} cursor={p.cursor} page={page} href={href} />
    </>
  );
}
