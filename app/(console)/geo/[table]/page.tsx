import Link from "next/link";
import { notFound } from "next/navigation";
import { formatCount, formatDate } from "@/lib/format";
import { UnpublishButton } from "@/components/geo/unpublish-button";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { VectorMap } from "@/components/ui/vector-map";
import { requirePageRole } from "@/lib/auth/page";
import { canMutate } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { getLayer, listFeatures } from "@/lib/db/geo";
import { isPlainIdentifier } from "@/lib/db/identifiers";
import { getStacItem } from "@/lib/db/stac";
import { PROTECTED_GEO_TABLES } from "@/lib/db/protected-tables";
import { MAX_FEATURES_PER_TILE } from "@/lib/db/tiles";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ table: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${paramTitle(p.table)} · layer` };
}

type Props = {
  params: Promise<{ table: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-2 border-b border-slate-100 py-1.5 text-sm last:border-0 dark:border-slate-800">
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words">{children ?? "—"}</dd>
    </div>
  );
}

const countOrDash = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : formatCount(n));

export default async function LayerPage({ params, searchParams }: Props) {
  const user = await requirePageRole("reader");
  const { table } = await params;
  // The catalog itself is not a layer (and must never get an unpublish button).
  if (!isPlainIdentifier(table) || PROTECTED_GEO_TABLES.includes(table)) notFound();
  const layer = await getLayer(table);
  if (!layer) notFound();
  const sp = await searchParams;
  const after = typeof sp.after === "string" ? sp.after : null;
  const m = layer.metadata;
  const [stac, features] = await Promise.all([
    m?.stac_item_id ? getStacItem(m.stac_item_id, m.stac_collection_id) : Promise.resolve(null),
    layer.exists ? listFeatures(layer.table, { after, limit: 20 }) : Promise.resolve(null),
  ]);

  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href="/geo" className="text-sky-800 hover:underline dark:text-sky-300">
          ← Geo layers
        </Link>
      </nav>
      <PageHeader title={m?.title || layer.table}>
        {canMutate(user) ? <UnpublishButton impact={{ table_name: layer.table }} afterDone="/geo" /> : null}
      </PageHeader>
      {!m ? (
        <div className="mb-4">
          <Notice title="Orphaned table" tone="warning">
            <p>
              geo.{layer.table} has no row in geo.table_metadata (created outside the ETL, or its metadata was removed).
            </p>
          </Notice>
        </div>
      ) : null}
      {!layer.exists ? (
        <div className="mb-4">
          <Notice title="Table is gone" tone="warning">
            <p>The metadata row remains but geo.{layer.table} no longer exists.</p>
          </Notice>
        </div>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <section aria-label="Map">
          {layer.exists && layer.geometry && !layer.geometry.srid ? (
            <Notice title="No spatial reference (SRID 0)" tone="warning">
              <p>
                geo.{layer.table}.{layer.geometry.column} has no spatial reference, so it cannot be drawn on a map. Set
                it with{" "}
                <code>
                  UpdateGeometrySRID(&apos;geo&apos;, &apos;{layer.table}&apos;, &apos;{layer.geometry.column}&apos;,
                  &lt;srid&gt;)
                </code>
                .
              </p>
            </Notice>
          ) : layer.exists && layer.geometry ? (
            <VectorMap
              tiles={`/api/tiles/${encodeURIComponent(layer.table)}/{z}/{x}/{y}.mvt`}
              sourceLayer={layer.table}
              geometryType={layer.geometry.type}
              bbox={layer.bbox}
              featureCount={layer.row_count}
              tileCap={MAX_FEATURES_PER_TILE}
              basemapStyleUrl={getConfig().basemapStyleUrl}
            />
          ) : layer.exists ? (
            <Notice title="No geometry column">
              <p>geometry_columns lists no geometry for geo.{layer.table}.</p>
            </Notice>
          ) : null}
        </section>
        <section
          aria-label="Metadata"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 className="mb-2 font-semibold">Metadata</h2>
          <dl>
            <Field label="Table">
              <code className="font-mono">geo.{layer.table}</code>
            </Field>
            <Field label="Description">{m?.description}</Field>
            <Field label="Geometry">
              {layer.geometry
                ? `${layer.geometry.column} · ${layer.geometry.type} · EPSG:${layer.geometry.srid}`
                : m?.geometry_type}
            </Field>
            <Field label="Features">
              {layer.row_count !== null
                ? formatCount(layer.row_count, layer.row_count_exact)
                : countOrDash(m?.feature_count)}
              {layer.row_count_exact &&
              m?.feature_count !== undefined &&
              layer.row_count !== null &&
              m?.feature_count !== layer.row_count
                ? ` (metadata says ${countOrDash(m?.feature_count)})`
                : ""}
            </Field>
            <Field label="Size">{layer.stats?.size_pretty}</Field>
            <Field label="Bounding box">{(m?.bbox ?? layer.bbox)?.map((v) => v.toFixed(4)).join(", ")}</Field>
            <Field label="License">{m?.license}</Field>
            <Field label="Attribution">{m?.attribution}</Field>
            <Field label="Keywords">{m?.keywords}</Field>
            <Field label="Source">{m?.source_file ? `${m.source_file} (${m.source_format ?? "?"})` : null}</Field>
            <Field label="Source CRS">{m?.source_crs}</Field>
            <Field label="ETL job">
              {m?.etl_job_id ? (
                <Link className="font-mono text-xs underline" href={`/jobs/${encodeURIComponent(m.etl_job_id)}`}>
                  {m.etl_job_id}
                </Link>
              ) : null}
            </Field>
            <Field label="STAC item">
              {m?.stac_item_id ? (
                m.stac_collection_id ? (
                  <Link
                    className="font-mono text-xs underline"
                    href={`/stac/${encodeURIComponent(m.stac_collection_id)}/${encodeURIComponent(m.stac_item_id)}`}
                  >
                    {m.stac_item_id}
                  </Link>
                ) : (
                  `${m.stac_item_id} (no collection)`
                )
              ) : (
                <span className="italic">not catalogued</span>
              )}
            </Field>
            <Field label="Created">{formatDate(m?.created_at)}</Field>
            <Field label="Updated">{formatDate(m?.updated_at)}</Field>
          </dl>
        </section>
      </div>

      {stac ? (
        <section aria-label="STAC item" className="mt-6">
          <h2 className="mb-2 font-semibold">STAC item</h2>
          {stac.status === "found" ? (
            <details className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
              <summary className="cursor-pointer text-sm">{m?.stac_item_id} (JSON)</summary>
              <pre className="mt-2 max-h-96 overflow-auto text-xs" data-testid="stac-json">
                {JSON.stringify(stac.item, null, 2)}
              </pre>
            </details>
          ) : (
            <Notice title={stac.status === "missing" ? "STAC item not found" : "pgSTAC unavailable"} tone="warning">
              <p>{stac.status === "missing" ? `pgSTAC has no item ${m?.stac_item_id}.` : stac.reason}</p>
            </Notice>
          )}
        </section>
      ) : null}

      {features ? (
        <section aria-label="Attributes" className="mt-6">
          <h2 className="mb-2 font-semibold">Attribute table</h2>
          <Table
            caption="Attribute table"
            testId="attribute-table"
            dense
            head={features.columns.map((c) => (
              <Th key={c} className="whitespace-nowrap">
                {c}
              </Th>
            ))}
          >
            {features.rows.map((r, i) => (
              <tr key={features.keyColumn ? String(r[features.keyColumn]) : i}>
                {features.columns.map((c) => (
                  <Td key={c} className="max-w-64 truncate" title={r[c] ?? ""}>
                    {r[c] ?? ""}
                  </Td>
                ))}
              </tr>
            ))}
          </Table>
          <nav aria-label="Attribute pages" className="mt-2 flex gap-4 text-sm">
            {after ? (
              <Link className="underline" href={`/geo/${encodeURIComponent(layer.table)}`}>
                First rows
              </Link>
            ) : null}
            {features.nextAfter ? (
              <Link
                className="underline"
                href={`/geo/${encodeURIComponent(layer.table)}?after=${encodeURIComponent(features.nextAfter)}`}
              >
                Next rows →
              </Link>
            ) : null}
          </nav>
        </section>
      ) : null}
    </>
  );
}
