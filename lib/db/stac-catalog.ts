import "server-only";
import { AppError } from "../api/errors";
import { decodeCursor, encodeCursor, tsKeySql } from "./cursor";
import { countOrEstimate, type CountResult } from "./estimate";
import { keysetPage, SqlParams, timestampKeysetCondition, type KeysetPage } from "./keyset";
import { likePrefix } from "./like";
import { pgstacRead } from "./pgstac-session";
import { readQuery } from "./pool";
import { isoTime } from "./timestamps";

/**
 * The STAC catalog as pgSTAC 0.9.x stores it, read-only: pgstac.collections (content is the whole
 * collection JSON), pgstac.items (partitioned by collection; content dehydrated: id, collection,
 * geometry and type live in their own columns). Whole items are put back together by pgSTAC's own
 * get_item(), called through pgstacRead (search_path = pgstac, public). Lists read the columns only.
 */

export interface StacAvailability {
  available: boolean;
  reason?: string;
}

export async function stacAvailability(): Promise<StacAvailability> {
  const [r] = await readQuery<{ items: boolean; get_item: boolean }>(
    `SELECT to_regclass('pgstac.items') IS NOT NULL AS items,
            to_regprocedure('pgstac.get_item(text,text)') IS NOT NULL AS get_item`,
  );
  if (!r?.items) return { available: false, reason: "The pgstac schema is not installed in this database." };
  if (!r.get_item)
    return { available: false, reason: "pgstac.get_item(text, text) is missing: the console expects pgSTAC 0.9.x." };
  return { available: true };
}

export interface StacCollection {
  id: string;
  title: string | null;
  description: string | null;
  license: string | null;
  /** [minx, miny, maxx, maxy] of the first spatial extent, when the collection states one. */
  bbox: number[] | null;
  /** [start, end] of the first temporal interval (null = open). */
  interval: [string | null, string | null] | null;
  item_count: CountResult;
  content: Record<string, unknown>;
}

interface CollectionRow {
  id: string;
  content: Record<string, unknown>;
}

function toCollection(r: CollectionRow, count: CountResult): StacCollection {
  const c = r.content as {
    title?: string;
    description?: string;
    license?: string;
    extent?: { spatial?: { bbox?: unknown[] }; temporal?: { interval?: unknown[] } };
  };
  const bbox = c.extent?.spatial?.bbox?.[0];
  const interval = c.extent?.temporal?.interval?.[0];
  return {
    id: r.id,
    title: c.title ?? null,
    description: c.description ?? null,
    license: c.license ?? null,
    bbox: Array.isArray(bbox) && bbox.length >= 4 && bbox.every((n) => typeof n === "number") ? bbox.slice(0, 4) : null,
    interval: Array.isArray(interval) ? [(interval[0] as string) ?? null, (interval[1] as string) ?? null] : null,
    item_count: count,
    content: r.content,
  };
}

/** Items of one collection: exact up to 10,000, the planner's estimate above (said which). */
const countItems = (id: string) => countOrEstimate(`SELECT 1 FROM pgstac.items WHERE collection = $1`, [id]);

/** Every collection with its item count. There are few collections; each count is bounded. */
export async function listCollections(): Promise<StacCollection[]> {
  const rows = await readQuery<CollectionRow>(`SELECT id, content FROM pgstac.collections ORDER BY id`);
  const counts = await Promise.all(rows.map((r) => countItems(r.id)));
  return rows.map((r, i) => toCollection(r, counts[i]));
}

export async function getCollection(id: string): Promise<StacCollection | null> {
  const rows = await readQuery<CollectionRow>(`SELECT id, content FROM pgstac.collections WHERE id = $1`, [id]);
  return rows[0] ? toCollection(rows[0], await countItems(id)) : null;
}

export interface StacItemSummary {
  id: string;
  collection: string;
  datetime: string;
  end_datetime: string;
  title: string | null;
  /** The ETL job that produced it (properties."geoetl:job_id"), when it says. */
  job_id: string | null;
  bbox: number[];
}

export interface StacItemFilter {
  collection: string;
  idPrefix?: string;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

type ItemRow = Omit<StacItemSummary, "bbox"> & {
  sort_key: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
};

/** Items newest first, keyset-paged on (datetime, id): any depth costs the same. */
export async function listItems(f: StacItemFilter): Promise<KeysetPage<StacItemSummary>> {
  const page = await keysetPage<ItemRow>({
    cursor: f.cursor ? decodeCursor(f.cursor, "datetime") : undefined,
    limit: f.limit,
    fetch: (cursor, take) => {
      const direction = cursor?.direction ?? "next";
      const p = new SqlParams([f.collection]);
      // The collection is the partition key: only that collection's partition is read.
      const conds = ["i.collection = $1"];
      if (f.idPrefix) conds.push(`i.id LIKE ${p.add(likePrefix(f.idPrefix))}`);
      if (f.since) conds.push(`i.datetime >= ${p.add(f.since)}`);
      if (f.until) conds.push(`i.datetime < ${p.add(f.until)}`);
      if (cursor) conds.push(timestampKeysetCondition("i.datetime", "i.id", direction, cursor.key, cursor.id, p));
      const order = direction === "next" ? "i.datetime DESC, i.id DESC" : "i.datetime ASC, i.id ASC";
      return readQuery<ItemRow>(
        `SELECT i.id, i.collection, i.datetime, i.end_datetime, ${tsKeySql("i.datetime")} AS sort_key,
                i.content->'properties'->>'title' AS title, i.content->'properties'->>'geoetl:job_id' AS job_id,
                ST_XMin(i.geometry) AS xmin, ST_YMin(i.geometry) AS ymin, ST_XMax(i.geometry) AS xmax, ST_YMax(i.geometry) AS ymax
           FROM pgstac.items i WHERE ${conds.join(" AND ")} ORDER BY ${order} LIMIT ${p.add(take)}`,
        p.values,
      );
    },
    cursorOf: (direction, r) => encodeCursor({ direction, sort: "datetime", key: r.sort_key, id: r.id }),
  });
  return {
    ...page,
    rows: page.rows.map(({ sort_key: _k, xmin, ymin, xmax, ymax, ...r }) => ({
      ...r,
      datetime: isoTime(r.datetime)!,
      end_datetime: isoTime(r.end_datetime)!,
      bbox: [xmin, ymin, xmax, ymax].map(Number),
    })),
  };
}

/** The whole items (pgSTAC's get_item) of a page, in the page's order. */
export async function hydrateItems(collection: string, ids: string[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const rows = await pgstacRead<{ item: Record<string, unknown> | null }>(
    `SELECT pgstac.get_item(x.id, $1) AS item FROM unnest($2::text[]) WITH ORDINALITY AS x(id, n) ORDER BY x.n`,
    [collection, ids],
  );
  return rows.map((r) => r.item).filter((i): i is Record<string, unknown> => i !== null);
}

/** One whole item, or null. A collection that does not exist is a 404 before this is asked. */
export async function getItem(collection: string, id: string): Promise<Record<string, unknown> | null> {
  const rows = await pgstacRead<{ item: Record<string, unknown> | null }>(`SELECT pgstac.get_item($1, $2) AS item`, [
    id,
    collection,
  ]);
  return rows[0]?.item ?? null;
}

/** The published geo layers whose metadata names this item (usually one). */
export async function layersOfItem(
  collection: string,
  id: string,
): Promise<{ table_name: string; etl_job_id: string | null }[]> {
  return readQuery(
    `SELECT table_name, etl_job_id FROM geo.table_metadata
      WHERE stac_item_id = $1 AND (stac_collection_id IS NULL OR stac_collection_id = $2) ORDER BY table_name`,
    [id, collection],
  );
}

/** Whether a collection exists: one primary-key lookup (no item count). */
export async function collectionExists(id: string): Promise<boolean> {
  return (await readQuery(`SELECT 1 FROM pgstac.collections WHERE id = $1`, [id])).length > 0;
}

/** 404 unless the collection exists (so an unknown collection never reads as an empty one). */
export async function requireCollection(id: string): Promise<void> {
  if (!(await collectionExists(id))) throw new AppError("not_found", `No STAC collection "${id}".`);
}
