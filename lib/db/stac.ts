import "server-only";
import type { ClientBase } from "pg";
import { pgstacRead, withPgstacPath } from "./pgstac-session";
import { readQuery } from "./pool";
import { log } from "../log";
import { isoTime } from "./timestamps";

/**
 * pgSTAC 0.9.x access with its real names only: pgstac.items (partitioned by collection, content
 * stored dehydrated), pgstac.get_item(_id, _collection) (the hydrated STAC JSON),
 * pgstac.delete_item(_id, _collection) (raises P0002 when the item is not there). Every call into
 * pgSTAC runs with search_path = pgstac, public (lib/db/pgstac-session.ts): pgSTAC's functions
 * and triggers name their tables unqualified. A database without the pgstac schema degrades to
 * warnings.
 */
export type StacItemResult =
  | { status: "found"; item: Record<string, unknown> }
  | { status: "missing" }
  | { status: "unavailable"; reason: string };

/** The STAC item JSON from pgstac.get_item(), read through pgstacRead (reader pool, read only). */
export async function getStacItem(id: string, collection: string | null): Promise<StacItemResult> {
  try {
    const [info] = await readQuery<{ items: boolean; get_item: boolean }>(
      `SELECT to_regclass('pgstac.items') IS NOT NULL AS items,
              to_regprocedure('pgstac.get_item(text,text)') IS NOT NULL AS get_item`,
    );
    if (!info?.items) return { status: "unavailable", reason: "The pgstac schema is not installed in this database." };
    if (!info.get_item)
      return {
        status: "unavailable",
        reason: "pgstac.get_item(text, text) is not installed: the console expects pgSTAC 0.9.x.",
      };
    const rows = await pgstacRead<{ item: Record<string, unknown> | null }>(`SELECT pgstac.get_item($1, $2) AS item`, [
      id,
      collection,
    ]);
    return rows[0]?.item ? { status: "found", item: rows[0].item } : { status: "missing" };
  } catch (err) {
    // The raw message (relation names, internals) stays in the server log; the page gets a sentence.
    const code = (err as { code?: string }).code;
    log.error("pgSTAC read failed", { item: id, collection, code, error: (err as Error).message });
    return {
      status: "unavailable",
      reason: `pgSTAC could not be read${code ? ` (SQLSTATE ${code})` : ""}. The error was logged on the server.`,
    };
  }
}

/**
 * Deletes one item with pgstac.delete_item, inside the caller's transaction (the caller wraps it
 * in a SAVEPOINT). Sets search_path = pgstac, public first (SET LOCAL: reverted by ROLLBACK TO
 * SAVEPOINT, kept after RELEASE for the rest of the transaction, whose SQL is schema-qualified).
 * Throws whatever pgSTAC raises (P0002 when the item is not there).
 */
export async function deleteStacItem(client: ClientBase, id: string, collection: string | null): Promise<void> {
  await withPgstacPath(client);
  await client.query(`SELECT pgstac.delete_item($1, $2)`, [id, collection]);
}

// ------------------------------------------------------------------ system collections

/** The pipeline's system STAC collections: vector layers (schema geo) and raster COGs. */
export const SYSTEM_VECTOR_COLLECTION = "system-vectors";
export const SYSTEM_RASTER_COLLECTION = "system-rasters";

const PROVIDERS = [{ name: "GeoETL Platform", roles: ["processor", "host"] }];

/**
 * Their content, as the demo seed (sql/demo/30_stac.sql) creates it; only the extent (and the
 * vectors' geometry_type summary) depends on the data. tests/integration/pgstac.test.ts checks
 * that the two stay the same.
 */
function systemCollections(v: VectorExtent, now: string): Record<string, unknown>[] {
  return [
    {
      id: SYSTEM_VECTOR_COLLECTION,
      type: "Collection",
      stac_version: "1.0.0",
      stac_extensions: [],
      title: "System Vectors",
      description: "Vector datasets published to PostGIS (schema geo) by the GeoETL pipeline. One item per table.",
      license: "various",
      keywords: ["vector", "postgis", "geoetl"],
      providers: PROVIDERS,
      extent: {
        spatial: { bbox: [v.bbox ?? [-180, -90, 180, 90]] },
        temporal: { interval: [[v.start ?? now, null]] },
      },
      summaries: { geometry_type: v.geometry_types ?? [] },
      links: [],
    },
    {
      id: SYSTEM_RASTER_COLLECTION,
      type: "Collection",
      stac_version: "1.0.0",
      stac_extensions: ["https://stac-extensions.github.io/raster/v1.1.0/schema.json"],
      title: "System Rasters",
      description: "Cloud-optimised GeoTIFFs produced by process_raster jobs (silver-cogs container).",
      license: "various",
      keywords: ["raster", "cog", "geoetl"],
      providers: PROVIDERS,
      extent: {
        spatial: { bbox: [[-180, -90, 180, 90]] },
        temporal: { interval: [[now, null]] },
      },
      links: [],
    },
  ];
}

interface VectorExtent {
  bbox: [number, number, number, number] | null;
  start: string | null;
  geometry_types: string[] | null;
}

/**
 * Creates system-vectors and system-rasters when missing (a full rebuild, after pgSTAC was
 * reinstalled); existing ones are left alone. The vectors' extent comes from the metadata of the
 * layers catalogued in it (geo survives a rebuild), else the whole world from now on. Runs in the
 * caller's transaction, with search_path = pgstac, public (the collections trigger creates the
 * items partition with unqualified names). Returns the ids it created.
 */
export async function createSystemCollections(client: ClientBase): Promise<string[]> {
  const hasMetadata = (
    await client.query<{ ok: boolean }>(`SELECT to_regclass('geo.table_metadata') IS NOT NULL AS ok`)
  ).rows[0]?.ok;
  const extent: VectorExtent = hasMetadata
    ? (
        await client.query<VectorExtent>(
          `SELECT CASE WHEN count(m.bbox) > 0 THEN ARRAY[min(m.bbox[1]), min(m.bbox[2]), max(m.bbox[3]), max(m.bbox[4])] END AS bbox,
                  to_char(min(m.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start,
                  array_agg(DISTINCT m.geometry_type) FILTER (WHERE m.geometry_type IS NOT NULL) AS geometry_types
             FROM geo.table_metadata m WHERE m.stac_collection_id = $1`,
          [SYSTEM_VECTOR_COLLECTION],
        )
      ).rows[0]
    : { bbox: null, start: null, geometry_types: null };
  const now = (
    await client.query<{ now: string }>(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS now`)
  ).rows[0].now;
  await withPgstacPath(client);
  const res = await client.query<{ id: string }>(
    `INSERT INTO pgstac.collections (content)
     SELECT c.content FROM jsonb_array_elements($1::jsonb) AS c(content)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(systemCollections(extent, now))],
  );
  return res.rows.map((r) => r.id).sort();
}

// ------------------------------------------------------------------ orphaned items

export interface OrphanStacItem {
  id: string;
  collection: string;
  datetime: string;
}

/**
 * STAC items whose layer is gone: items in the vector collections (system-vectors, plus any
 * collection a geo.table_metadata row catalogs its layer in) whose id no
 * geo.table_metadata.stac_item_id names. An item named by a metadata row whose table is gone is
 * not listed here: it goes with that orphaned metadata row. Columns id, collection, datetime;
 * callers wrap it (SELECT ... FROM (<this>) s ORDER BY ... LIMIT ...).
 *
 * Plan on a 1,000,000-item pgstac.items (EXPLAIN ANALYZE, PostgreSQL 15): the vector
 * collections are a tiny derived table (the inner DISTINCT is a HashAggregate over
 * table_metadata, estimated from its statistics), joined LATERAL so that `i.collection = c.id` is
 * a nested-loop parameter: run-time partition pruning then reads only those collections'
 * partitions, the others show "never executed" (with `collection = ANY(ARRAY(subquery))`
 * PostgreSQL 15 prunes nothing and reads every partition). No index is used: the items side is a
 * sequential scan of the vector partition(s), and NOT EXISTS is a hash anti-join whose hash is
 * built once per vector collection from geo.table_metadata (which has no index on stac_item_id,
 * and needs none: it is read once, not probed per item). Measured on the shared 2-core build
 * machine (load ~5): 10,000 vector items among 1,000,000 raster items, 100 orphans: ~25 ms; the
 * worst case, 1,000,000 vector items against 999,900 metadata rows: 1.5-3 s, inside
 * statement_timeout.
 */
export const ORPHAN_STAC_ITEMS_SQL = `
SELECT o.id, o.collection, o.datetime
  FROM (SELECT '${SYSTEM_VECTOR_COLLECTION}'::text AS id
         UNION
        SELECT d.id FROM (SELECT DISTINCT m.stac_collection_id::text AS id
                            FROM geo.table_metadata m WHERE m.stac_collection_id IS NOT NULL) d) c
 CROSS JOIN LATERAL (
        SELECT i.id, i.collection, i.datetime
          FROM pgstac.items i
         WHERE i.collection = c.id
           AND NOT EXISTS (SELECT 1 FROM geo.table_metadata m WHERE m.stac_item_id::text = i.id)) o`;

type Query = <T extends Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * The first `limit` orphaned STAC items (see ORPHAN_STAC_ITEMS_SQL), by collection and id, in one
 * statement. A plain SELECT on pgSTAC's tables, fully qualified: no pgSTAC function runs, so no
 * search_path is needed. Pass readQuery, or a transaction's client.query wrapped the same way.
 */
export async function listOrphanStacItems(query: Query, limit: number): Promise<OrphanStacItem[]> {
  const rows = await query<{ id: string; collection: string; datetime: Date | string }>(
    `SELECT s.id, s.collection, s.datetime FROM (${ORPHAN_STAC_ITEMS_SQL}) s ORDER BY s.collection, s.id LIMIT $1`,
    [Math.max(0, Math.floor(limit))],
  );
  return rows.map((r) => ({ id: r.id, collection: r.collection, datetime: isoTime(r.datetime)! }));
}
