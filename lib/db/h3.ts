import "server-only";
import { readQuery } from "./pool";
import { isoTime } from "./timestamps";

/** The H3 reference data (schema h3): grids of hexagonal cells and the named filters over them. Read-only. */

export interface H3Grid {
  grid_id: string;
  resolution: number;
  cell_count: number;
  bbox: number[] | null;
  source_job_id: string | null;
  created_at: string | null;
}

const toGrid = (r: H3Grid): H3Grid => ({
  ...r,
  cell_count: Number(r.cell_count),
  bbox: r.bbox ? r.bbox.map(Number) : null,
  created_at: isoTime(r.created_at),
});

export async function listGrids(): Promise<H3Grid[]> {
  const rows = await readQuery<H3Grid>(
    `SELECT grid_id, resolution, cell_count, bbox, source_job_id, created_at FROM h3.grid_metadata ORDER BY resolution, grid_id`,
  );
  return rows.map(toGrid);
}

export async function getGrid(id: string): Promise<H3Grid | null> {
  const rows = await readQuery<H3Grid>(
    `SELECT grid_id, resolution, cell_count, bbox, source_job_id, created_at FROM h3.grid_metadata WHERE grid_id = $1`,
    [id],
  );
  return rows[0] ? toGrid(rows[0]) : null;
}

export interface H3Filter {
  filter_name: string;
  description: string | null;
  resolution: number;
  cell_count: number;
  created_at: string | null;
}

export async function listFilters(): Promise<H3Filter[]> {
  const rows = await readQuery<H3Filter>(
    `SELECT filter_name, description, resolution, cardinality(h3_indices) AS cell_count, created_at
       FROM h3.reference_filters ORDER BY filter_name`,
  );
  return rows.map((r) => ({ ...r, created_at: isoTime(r.created_at) }));
}

/** A filter and the extent of its cells (from the grids that hold them; idx_h3_grids_h3_index). */
export async function getFilter(name: string): Promise<(H3Filter & { bbox: number[] | null; drawn: number }) | null> {
  const rows = await readQuery<
    H3Filter & { xmin: number | null; ymin: number; xmax: number; ymax: number; drawn: number }
  >(
    `SELECT r.filter_name, r.description, r.resolution, cardinality(r.h3_indices) AS cell_count, r.created_at,
            ST_XMin(e.ext) AS xmin, ST_YMin(e.ext) AS ymin, ST_XMax(e.ext) AS xmax, ST_YMax(e.ext) AS ymax, e.drawn
       FROM h3.reference_filters r
       CROSS JOIN LATERAL (
         SELECT ST_Extent(g.geom) AS ext, count(DISTINCT g.h3_index)::int AS drawn
           FROM h3.grids g WHERE g.h3_index = ANY (r.h3_indices) AND g.resolution = r.resolution
       ) e
      WHERE r.filter_name = $1`,
    [name],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    filter_name: r.filter_name,
    description: r.description,
    resolution: r.resolution,
    cell_count: Number(r.cell_count),
    created_at: isoTime(r.created_at),
    bbox: r.xmin === null ? null : [r.xmin, r.ymin, r.xmax, r.ymax].map(Number),
    drawn: r.drawn,
  };
}
