import { LayerFilters } from "@/components/geo/layer-filters";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { listMetadataPage } from "@/lib/db/geo";
import { formatCount, formatDate, shortId } from "@/lib/format";
import { geoHref, geoUrl } from "@/lib/url-state/geo";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import Link from "next/link";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Geo layers" };

export const dynamic = "force-dynamic";

const PAGE_SIZE = 25;

/** Published layers (geo.table_metadata), newest first, keyset-paged; the view lives in the URL (lib/url-state/geo). */
export default async function GeoLayersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  const { data, state } = await loadForUrlState(readUrlState(geoUrl, await searchParams), (v) =>
    listMetadataPage({
      job_id: v.job_id ?? undefined,
      has_stac: v.has_stac ?? undefined,
      q: v.q ?? undefined,
      cursor: v.cursor ?? undefined,
      limit: PAGE_SIZE,
    }),
  );
  const p = state.values;
  const filtered = !!(p.q || p.job_id || p.has_stac !== null);
  const href = (cursor: string | null) => geoHref("/geo", { ...p, cursor });

  return (
    <>
      <PageHeader title="Geo layers">
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="geo-total">
          {formatCount(data.total)} layers{filtered ? " match" : ""}
        </span>
      </PageHeader>
      <InvalidLinkNotice invalid={state.invalid} clearHref="/geo" />
      <LayerFilters key={href(null)} />
      {data.metadata.length === 0 ? (
        <Notice title="No layers">
          <p>
            {p.cursor
              ? "No more layers on this page."
              : filtered
                ? "No published layer matches these filters."
                : "geo.table_metadata has no rows yet."}
          </p>
        </Notice>
      ) : (
        <Table
          caption="Published layers"
          testId="geo-table"
          head={
            <>
              <Th>Title / table</Th>
              <Th>Geometry</Th>
              <Th align="right">Features</Th>
              <Th>Source</Th>
              <Th>STAC</Th>
              <Th>ETL job</Th>
              <Th>Created</Th>
            </>
          }
        >
          {data.metadata.map((m) => (
            <tr key={m.table_name} data-testid={`geo-row-${m.table_name}`}>
              <Td>
                <Link
                  href={`/geo/${encodeURIComponent(m.table_name)}`}
                  className="font-medium text-sky-800 hover:underline dark:text-sky-300"
                >
                  {m.title || m.table_name}
                </Link>
                <div className="font-mono text-xs text-slate-600">{m.table_name}</div>
              </Td>
              <Td>{m.geometry_type ?? "—"}</Td>
              <Td align="right">{m.feature_count === null ? "—" : formatCount(m.feature_count)}</Td>
              <Td>
                <div className="max-w-48 truncate" title={m.source_file ?? undefined}>
                  {m.source_file ?? "—"}
                </div>
                <div className="text-xs text-slate-600">{m.source_format ?? ""}</div>
              </Td>
              <Td>
                {m.stac_item_id ? (
                  <>
                    <div className="font-mono text-xs">{m.stac_item_id}</div>
                    <div className="text-xs text-slate-600">{m.stac_collection_id}</div>
                  </>
                ) : (
                  <span className="text-xs italic text-slate-600">not catalogued</span>
                )}
              </Td>
              <Td className="font-mono text-xs">
                {m.etl_job_id ? (
                  <Link
                    href={`/jobs/${encodeURIComponent(m.etl_job_id)}`}
                    className="hover:underline"
                    title={m.etl_job_id}
                  >
                    {shortId(m.etl_job_id)}
                  </Link>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="whitespace-nowrap text-xs">{formatDate(m.created_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPager rows={data.metadata.length} cursor={p.cursor} page={data} href={href} />
    </>
  );
}
