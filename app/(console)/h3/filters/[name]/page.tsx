import Link from "next/link";
import { notFound } from "next/navigation";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { VectorMap } from "@/components/ui/vector-map";
import { requirePageRole } from "@/lib/auth/page";
import { getConfig } from "@/lib/config";
import { getFilter } from "@/lib/db/h3";
import { MAX_FEATURES_PER_TILE } from "@/lib/db/tiles";
import { pathParam } from "@/lib/path-param";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${paramTitle(p.name)} · H3 filter` };
}

export const dynamic = "force-dynamic";

/** One H3 reference filter: the cells it names, drawn from the grids that hold them. */
export default async function H3FilterPage({ params }: { params: Promise<{ name: string }> }) {
  await requirePageRole("reader");
  const name = pathParam((await params).name, 100);
  const filter = name ? await getFilter(name) : null;
  if (!filter) notFound();
  const missing = filter.cell_count - filter.drawn;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/h3" className="text-sky-700 underline dark:text-sky-400">
          H3 grids
        </Link>{" "}
        / filter <span className="font-mono">{filter.filter_name}</span>
      </nav>
      <PageHeader title={filter.filter_name} />
      <p className="mb-4 text-sm" data-testid="h3-filter-summary">
        Resolution {filter.resolution} · {filter.cell_count.toLocaleString("en-US")} cells
        {filter.description ? ` · ${filter.description}` : ""}
      </p>
      {missing > 0 ? (
        <div className="mb-4">
          <Notice title="Some cells cannot be drawn" tone="warning">
            <p>
              {missing.toLocaleString("en-US")} of the filter&apos;s cells are in no grid of resolution{" "}
              {filter.resolution}, so the map has no shape for them.
            </p>
          </Notice>
        </div>
      ) : null}
      <VectorMap
        tiles={`/api/tiles/h3/filters/${encodeURIComponent(filter.filter_name)}/{z}/{x}/{y}.mvt`}
        sourceLayer="cells"
        noun="cells"
        geometryType="POLYGON"
        bbox={filter.bbox}
        featureCount={filter.drawn}
        tileCap={MAX_FEATURES_PER_TILE}
        basemapStyleUrl={getConfig().basemapStyleUrl}
      />
    </>
  );
}
