-- H3 hexagonal grids.
CREATE SCHEMA IF NOT EXISTS h3;

CREATE TABLE IF NOT EXISTS h3.grids (
    h3_index BIGINT NOT NULL,
    resolution SMALLINT NOT NULL,
    grid_id VARCHAR(100) NOT NULL,
    geom GEOMETRY(POLYGON, 4326),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    PRIMARY KEY (grid_id, h3_index)
);
CREATE INDEX IF NOT EXISTS idx_h3_grids_geom ON h3.grids USING GIST (geom);

CREATE TABLE IF NOT EXISTS h3.reference_filters (
    filter_name VARCHAR(100) PRIMARY KEY,
    description TEXT,
    resolution SMALLINT NOT NULL,
    h3_indices BIGINT[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS h3.grid_metadata (
    grid_id VARCHAR(100) PRIMARY KEY,
    resolution SMALLINT NOT NULL,
    cell_count BIGINT NOT NULL DEFAULT 0,
    bbox DOUBLE PRECISION[],
    source_job_id VARCHAR(64),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
