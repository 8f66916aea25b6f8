import "server-only";
import type { QueryResultRow } from "pg";
import { readerPool } from "./pool";
import { withPgstacPath } from "./pgstac-path";

/**
 * One way into pgSTAC for the whole console (see lib/db/pgstac-path.ts for why): writes call
 * withPgstacPath(client) inside their own transaction, reads go through pgstacRead().
 */
export { PGSTAC_SEARCH_PATH, withPgstacPath } from "./pgstac-path";

/**
 * A read that calls into pgSTAC (get_version(), get_item(), ...), on the reader pool:
 * BEGIN READ ONLY; SET LOCAL search_path TO pgstac, public; <sql>; COMMIT. Returns the rows;
 * on error it rolls back and rethrows the driver's error (with its SQLSTATE). The connection's
 * statement_timeout applies as for every other read.
 */
export async function pgstacRead<T extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await readerPool().connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN READ ONLY");
    await withPgstacPath(client);
    const res = await client.query<T>(sql, params);
    await client.query("COMMIT");
    return res.rows;
  } catch (err) {
    // A connection that cannot even roll back is not handed back to the pool.
    await client.query("ROLLBACK").catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
