import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { VectorMap } from "@/components/ui/vector-map";
import { requirePageRole } from "@/lib/auth/page";
import { getConfig } from "@/lib/config";
import { getGrid } from "@/lib/db/h3";
import { MAX_FEATURES_PER_TILE } from "@/lib/db/tiles";
import { formatDate } from "@/lib/format";
import { pathParam } from "@/lib/path-param";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

/** The tab names the object (from the URL alone: no database read for a title). */
export async function generateMetadata({ params }: { params: Promise<{ grid: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${paramTitle(p.grid)} · H3 grid` };
}

export const dynamic = "force-dynamic";

/** One H3 grid: its cells on the map as hexagons (vector tiles from h3.grids.geom, capped per tile). */
export default async function H3GridPage({ params }: { params: Promise<{ grid: string }> }) {
  await requirePageRole("reader");
  const id = pathParam((await params).grid, 100);
  const grid = id ? await getGrid(id) : null;
  if (!grid) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/h3" className="text-sky-700 underline dark:text-sky-400">
          H3 grids
        </Link>{" "}
        / <span className="font-mono">{grid.grid_id}</span>
      </nav>
      <PageHeader title={grid.grid_id} />
      <p className="mb-4 text-sm" data-testid="h3-grid-summary">
        Resolution {grid.resolution} · {grid.cell_count.toLocaleString("en-US")} cells · created{" "}
        {formatDate(grid.created_at)}
        {grid.source_job_id ? (
          <>
            {" "}
            · by job{" "}
            <Link className="font-mono underline" href={`/jobs/${encodeURIComponent(grid.source_job_id)}`}>
              {grid.source_job_id.slice(0, 12)}…
            </Link>
          </>
        ) : null}
      </p>
      <VectorMap
        tiles={`/api/tiles/h3/grids/${encodeURIComponent(grid.grid_id)}/{z}/{x}/{y}.mvt`}
        sourceLayer="cells"
        noun="cells"
        geometryType="POLYGON"
        bbox={grid.bbox}
        featureCount={grid.cell_count}
        tileCap={MAX_FEATURES_PER_TILE}
        basemapStyleUrl={getConfig().basemapStyleUrl}
      />
    </>
  );
}
