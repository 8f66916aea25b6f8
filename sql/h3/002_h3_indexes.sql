-- A reference filter names cells by H3 index alone; the grids' primary key leads with grid_id, so
-- this index serves the filter tiles and extent (lib/db/catalog-tiles.ts, lib/db/h3.ts getFilter).
CREATE INDEX IF NOT EXISTS idx_h3_grids_h3_index ON h3.grids (h3_index, resolution);
