import "server-only";
import type { ClientBase } from "pg";
import { readQuery } from "./pool";

/**
 * pgSTAC 0.9.x access with its real names only: pgstac.items (partitioned by collection),
 * pgstac.get_item(_id, _collection) when installed, pgstac.delete_item(_id, _collection) (STRICT:
 * raises when the item is not there). A database without the pgstac schema degrades to warnings.
 */
export type StacItemResult =
  | { status: "found"; item: Record<string, unknown> }
  | { status: "missing" }
  | { status: "unavailable"; reason: string };

/** The STAC item JSON: pgstac.get_item() (hydrated) when it exists, else the stored content. */
export async function getStacItem(id: string, collection: string | null): Promise<StacItemResult> {
  try {
    const [info] = await readQuery<{ items: boolean; get_item: boolean }>(
      `SELECT to_regclass('pgstac.items') IS NOT NULL AS items,
              to_regprocedure('pgstac.get_item(text,text)') IS NOT NULL AS get_item`,
    );
    if (!info?.items) return { status: "unavailable", reason: "The pgstac schema is not installed in this database." };
    const rows = info.get_item
      ? await readQuery<{ item: Record<string, unknown> | null }>(`SELECT pgstac.get_item($1, $2) AS item`, [id, collection])
      : await readQuery<{ item: Record<string, unknown> | null }>(
          `SELECT content AS item FROM pgstac.items WHERE id = $1 AND ($2::text IS NULL OR collection = $2) LIMIT 1`,
          [id, collection],
        );
    return rows[0]?.item ? { status: "found", item: rows[0].item } : { status: "missing" };
  } catch (err) {
    // The raw message (relation names, internals) stays in the server log; the page gets a sentence.
    const code = (err as { code?: string }).code;
    console.error(JSON.stringify({ level: "error", msg: "pgSTAC read failed", item: id, collection, code, error: (err as Error).message }));
    return { status: "unavailable", reason: `pgSTAC could not be read${code ? ` (SQLSTATE ${code})` : ""}. The error was logged on the server.` };
  }
}

/** Inside the caller's transaction. Throws whatever pgSTAC raises (the caller wraps it in a SAVEPOINT). */
export async function deleteStacItem(client: ClientBase, id: string, collection: string | null): Promise<void> {
  await client.query(`SELECT pgstac.delete_item($1, $2)`, [id, collection]);
}
