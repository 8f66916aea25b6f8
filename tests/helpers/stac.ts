import type { ClientBase } from "pg";
import { withPgstacPath } from "@/lib/db/pgstac-path";

export interface TestItem {
  id: string;
  collection: string;
  datetime?: string;
  /** A GeoJSON geometry; default a 1° square at 0,0. */
  geometry?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/**
 * Loads collections (created when missing) and items through pgSTAC's own loaders,
 * pgstac.create_collection and pgstac.create_items, as the pipeline does: on real pgSTAC a plain
 * INSERT INTO pgstac.items has no partition to go to. Runs inside the caller's transaction.
 */
export async function loadStac(client: ClientBase, items: TestItem[], collections: string[] = []): Promise<void> {
  await withPgstacPath(client);
  for (const id of new Set([...collections, ...items.map((i) => i.collection)]))
    await client.query(
      `SELECT pgstac.create_collection(jsonb_build_object('id', $1::text, 'type', 'Collection', 'stac_version', '1.0.0',
         'description', 'test', 'license', 'proprietary', 'links', '[]'::jsonb,
         'extent', '{"spatial": {"bbox": [[-180, -90, 180, 90]]}, "temporal": {"interval": [[null, null]]}}'::jsonb))
        WHERE NOT EXISTS (SELECT 1 FROM pgstac.collections WHERE id = $1)`,
      [id],
    );
  if (!items.length) return;
  await client.query(`SELECT pgstac.create_items($1::jsonb)`, [
    JSON.stringify(
      items.map((i) => ({
        type: "Feature",
        stac_version: "1.0.0",
        id: i.id,
        collection: i.collection,
        geometry: i.geometry ?? {
          type: "Polygon",
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
              [0, 0],
            ],
          ],
        },
        bbox: [0, 0, 1, 1],
        properties: { datetime: i.datetime ?? "2024-01-01T00:00:00Z", ...i.properties },
        links: [],
        assets: {},
      })),
    ),
  ]);
}
