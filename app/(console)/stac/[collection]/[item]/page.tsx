import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonViewer } from "@/components/ui/json-viewer";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { VectorMap } from "@/components/ui/vector-map";
import { requirePageRole } from "@/lib/auth/page";
import { getConfig } from "@/lib/config";
import { collectionExists, getItem, layersOfItem, stacAvailability } from "@/lib/db/stac-catalog";
import { pathParam } from "@/lib/path-param";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ item: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${paramTitle(p.item)} · STAC item` };
}

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ collection: string; item: string }> };

interface Asset {
  href?: string;
  type?: string;
  title?: string;
  roles?: string[];
}

/** One STAC item: its footprint, its assets, its JSON, and links to the geo layer and the ETL job. */
export default async function StacItemPage({ params }: Props) {
  await requirePageRole("reader");
  const p = await params;
  const id = pathParam(p.collection);
  const itemId = pathParam(p.item);
  if (!id || !itemId || !(await stacAvailability()).available) notFound();
  const [exists, item, layers] = await Promise.all([
    collectionExists(id),
    getItem(id, itemId),
    layersOfItem(id, itemId),
  ]);
  if (!exists || !item) notFound();
  const props = (item.properties ?? {}) as Record<string, unknown>;
  const assets = Object.entries((item.assets ?? {}) as Record<string, Asset>);
  const bbox = Array.isArray(item.bbox) ? (item.bbox as number[]) : null;
  const jobId = (props["geoetl:job_id"] as string | undefined) ?? layers.find((l) => l.etl_job_id)?.etl_job_id ?? null;
  const base = `/stac/${encodeURIComponent(id)}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/stac" className="text-sky-700 underline dark:text-sky-400">
          STAC catalog
        </Link>{" "}
        /{" "}
        <Link href={base} className="text-sky-700 underline dark:text-sky-400">
          {id}
        </Link>{" "}
        / <span className="font-mono">{itemId}</span>
      </nav>
      <PageHeader title={(props.title as string | undefined) ?? itemId}>
        <a
          className="text-sm text-sky-700 underline dark:text-sky-400"
          href={`/api/stac/collections/${encodeURIComponent(id)}/items/${encodeURIComponent(itemId)}`}
        >
          JSON (STAC API)
        </a>
      </PageHeader>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <section aria-label="Footprint">
          <VectorMap
            tiles={`/api/tiles/stac/${encodeURIComponent(id)}/{z}/{x}/{y}.mvt`}
            sourceLayer="footprints"
            noun={`footprint of ${itemId} (the collection's others around it)`}
            geometryType="POLYGON"
            bbox={bbox}
            featureCount={1}
            basemapStyleUrl={getConfig().basemapStyleUrl}
          />
        </section>
        <section
          aria-label="Links"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 className="font-semibold">Where it comes from</h2>
          <p>
            Datetime: <code>{String(props.datetime ?? "—")}</code>
          </p>
          <p data-testid="item-layer">
            Geo layer:{" "}
            {layers.length ? (
              layers.map((l, i) => (
                <span key={l.table_name}>
                  {i > 0 ? ", " : ""}
                  <Link className="font-mono underline" href={`/geo/${encodeURIComponent(l.table_name)}`}>
                    {l.table_name}
                  </Link>
                </span>
              ))
            ) : (
              <span className="italic">no geo.table_metadata row names this item</span>
            )}
          </p>
          <p data-testid="item-job">
            ETL job:{" "}
            {jobId ? (
              <Link className="break-all font-mono text-xs underline" href={`/jobs/${encodeURIComponent(jobId)}`}>
                {jobId}
              </Link>
            ) : (
              <span className="italic">not recorded</span>
            )}
          </p>
        </section>
      </div>
      <section aria-label="Assets" className="mt-6">
        <h2 className="mb-2 font-semibold">Assets</h2>
        {assets.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">This item has no assets.</p>
        ) : (
          <Table
            caption="Assets"
            testId="stac-assets"
            head={
              <>
                <Th>Key</Th>
                <Th>Href</Th>
                <Th>Type</Th>
                <Th>Roles</Th>
              </>
            }
          >
            {assets.map(([key, a]) => (
              <tr key={key}>
                <Td className="font-mono text-xs">{key}</Td>
                <Td className="break-all font-mono text-xs">
                  {a.href && /^https?:\/\//.test(a.href) ? (
                    <a className="underline" href={a.href} rel="noreferrer noopener" target="_blank">
                      {a.href}
                    </a>
                  ) : (
                    (a.href ?? "—")
                  )}
                </Td>
                <Td className="text-xs">{a.type ?? "—"}</Td>
                <Td className="text-xs">{a.roles?.join(", ") ?? "—"}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section aria-label="Item JSON" className="mt-6">
        <JsonViewer title="Item (pgstac.get_item)" value={item} />
      </section>
    </>
  );
}
