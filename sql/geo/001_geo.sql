-- Vector data. The pipeline creates one table per dataset at runtime; table_metadata is the
-- source of truth for what was published. Never wiped.
CREATE SCHEMA IF NOT EXISTS geo;

CREATE TABLE IF NOT EXISTS geo.table_metadata (
    table_name VARCHAR(255) PRIMARY KEY,
    schema_name VARCHAR(63) NOT NULL DEFAULT 'geo',
    title TEXT,
    description TEXT,
    attribution TEXT,
    license VARCHAR(100),
    keywords TEXT,
    feature_count INTEGER,
    geometry_type VARCHAR(50),
    source_file VARCHAR(500),
    source_format VARCHAR(50),
    source_crs VARCHAR(50),
    etl_job_id VARCHAR(64),
    stac_item_id VARCHAR(100),
    stac_collection_id VARCHAR(100),
    bbox DOUBLE PRECISION[],
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
-- Console: filter by ETL job and list newest first.
CREATE INDEX IF NOT EXISTS idx_table_metadata_etl_job_id ON geo.table_metadata(etl_job_id);
CREATE INDEX IF NOT EXISTS idx_table_metadata_created_at ON geo.table_metadata(created_at DESC);
