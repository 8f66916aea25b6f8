import Link from "next/link";
import { notFound } from "next/navigation";
import { StacItemFilters } from "@/components/catalog/stac-item-filters";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { VectorMap } from "@/components/ui/vector-map";
import { requirePageRole } from "@/lib/auth/page";
import { getConfig } from "@/lib/config";
import { getCollection, listItems, stacAvailability } from "@/lib/db/stac-catalog";
import { MAX_FEATURES_PER_TILE } from "@/lib/db/tiles";
import { formatCount, formatDate, shortId } from "@/lib/format";
import { pathParam } from "@/lib/path-param";
import { stacItemsHref, stacItemsUrl } from "@/lib/url-state/catalog";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ collection: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${paramTitle(p.collection)} · STAC` };
}

export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

type Props = {
  params: Promise<{ collection: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** One STAC collection: its extent and the footprints of all its items on a map, its items keyset-paged. */
export default async function StacCollectionPage({ params, searchParams }: Props) {
  await requirePageRole("reader");
  const id = pathParam((await params).collection);
  if (!id || !(await stacAvailability()).available) notFound();
  const collection = await getCollection(id);
  if (!collection) notFound();
  const { data: page, state } = await loadForUrlState(readUrlState(stacItemsUrl, await searchParams), (v) =>
    listItems({
      collection: id,
      idPrefix: v.id_prefix ?? undefined,
      since: v.since ?? undefined,
      until: v.until ?? undefined,
      cursor: v.cursor ?? undefined,
      limit: PAGE_SIZE,
    }),
  );
  const base = `/stac/${encodeURIComponent(id)}`;
  const p = state.values;
  const href = (cursor: string | null) => stacItemsHref(base, { ...p, cursor });
  const count = collection.item_count;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/stac" className="text-sky-700 underline dark:text-sky-400">
          STAC catalog
        </Link>{" "}
        / <span className="font-mono">{id}</span>
      </nav>
      <PageHeader title={collection.title ?? id}>
        <a
          className="text-sm text-sky-700 underline dark:text-sky-400"
          href={`/api/stac/collections/${encodeURIComponent(id)}/items`}
        >
          Items as JSON (STAC API)
        </a>
      </PageHeader>
      {collection.description ? <p className="mb-4 max-w-3xl text-sm">{collection.description}</p> : null}
      <section aria-label="Footprints" className="mb-6">
        <VectorMap
          tiles={`/api/tiles/stac/${encodeURIComponent(id)}/{z}/{x}/{y}.mvt`}
          sourceLayer="footprints"
          noun={count.exact ? "item footprints" : "item footprints (estimated)"}
          geometryType="POLYGON"
          bbox={collection.bbox}
          featureCount={count.value}
          tileCap={MAX_FEATURES_PER_TILE}
          basemapStyleUrl={getConfig().basemapStyleUrl}
        />
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" data-testid="collection-extent">
          Extent: {collection.bbox ? collection.bbox.map((n) => Number(n.toFixed(3))).join(", ") : "not stated"} ·{" "}
          {collection.interval
            ? `${collection.interval[0] ?? "open"} → ${collection.interval[1] ?? "open"}`
            : "no temporal extent"}{" "}
          · {formatCount(count.value, count.exact)} items {count.exact ? "" : "(estimated)"}
        </p>
      </section>
      <h2 className="mb-2 font-semibold">Items</h2>
      <InvalidLinkNotice invalid={state.invalid} clearHref={base} />
      <StacItemFilters key={href(null)} clearHref={base} />
      {page.rows.length === 0 ? (
        <Notice title={p.cursor ? "No more items" : "No items match"}>
          <p>{p.id_prefix || p.since || p.until ? "Widen the filter." : "This collection has no items yet."}</p>
        </Notice>
      ) : (
        <Table
          caption={`Items of ${id}`}
          testId="stac-items"
          head={
            <>
              <Th>Item</Th>
              <Th>Datetime</Th>
              <Th>Footprint (W, S, E, N)</Th>
              <Th>ETL job</Th>
            </>
          }
        >
          {page.rows.map((i) => (
            <tr key={i.id} data-testid={`stac-item-${i.id}`}>
              <Td>
                <Link
                  href={`${base}/${encodeURIComponent(i.id)}`}
                  className="font-mono text-xs text-sky-800 hover:underline dark:text-sky-300"
                >
                  {i.id}
                </Link>
                {i.title ? <div className="text-xs">{i.title}</div> : null}
              </Td>
              <Td className="whitespace-nowrap text-xs">{formatDate(i.datetime)}</Td>
              <Td className="font-mono text-xs">{i.bbox.map((n) => Number(n.toFixed(3))).join(", ")}</Td>
              <Td className="font-mono text-xs">
                {i.job_id ? (
                  <Link href={`/jobs/${encodeURIComponent(i.job_id)}`} className="hover:underline" title={i.job_id}>
                    {shortId(i.job_id)}
                  </Link>
                ) : (
                  "—"
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
