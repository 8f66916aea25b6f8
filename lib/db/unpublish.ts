import "server-only";
import type { PoolClient } from "pg";
import { AppError } from "../api/errors";
import { getCurrentUser, requireRole } from "../auth/guard";
import type { User } from "../auth/permissions";
import { auditActor, tryWriteAudit, writeAudit } from "./audit";
import { findGeoTable, isPlainIdentifier, qualifiedGeoTable } from "./identifiers";
import { exactRowCount, getMetadata, tableStats } from "./geo";
import { readQuery, withAdminTransaction } from "./pool";
import { deleteStacItem } from "./stac";
import { forgetTileLayer } from "./tiles";

/**
 * Unpublish (seeds/000 "Unpublish (Delete) Geo Table"): the one function behind the server
 * action and POST /api/dbadmin/geo/unpublish. One admin transaction, in the seed's order:
 *   1. the STAC item, inside a SAVEPOINT: a pgSTAC failure rolls back only that step and
 *      becomes a warning;
 *   2. the geo.table_metadata row;
 *   3. DROP TABLE geo.<table> CASCADE.
 * A transaction-scoped advisory lock on the table name serialises concurrent unpublishes of the
 * same table: the second waits, then finds nothing and reports "not found". Every attempt is
 * audited; a successful one inside the same transaction, so a layer never disappears unaudited.
 * Locks are waited for at most LOCK_TIMEOUT: DROP TABLE needs ACCESS EXCLUSIVE, and while it
 * queues behind a tile read every new query on the table queues behind it. Past that it gives
 * up (409, nothing deleted) instead of stalling the layer for the whole statement_timeout.
 * Raw database error text never reaches the response or the audit row (readers see /audit): it
 * is logged on the server, and the client gets a fixed sentence with at most the SQLSTATE.
 */
export const UNPUBLISH_ACTION = "geo.unpublish";
export const LOCK_TIMEOUT = "3s";
const LOCK_NOT_AVAILABLE = "55P03";
export const TABLE_IN_USE_MESSAGE = "The table is in use (map tiles or queries are reading it); retry in a moment.";

const sqlstateOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

function logDbError(msg: string, table: string, err: unknown): void {
  console.error(JSON.stringify({ level: "error", msg, table_name: table, code: sqlstateOf(err), error: (err as Error)?.message ?? String(err) }));
}

/** What the audit row says about a failure: the AppError's user message, else a fixed sentence. */
function auditError(err: unknown): Record<string, string> {
  if (err instanceof AppError) return { error: err.message, code: err.code };
  const code = sqlstateOf(err);
  return { error: "The database refused the unpublish; nothing was deleted. The error was logged on the server.", ...(code ? { sqlstate: code } : {}) };
}

export interface UnpublishResult {
  success: boolean;
  table_name: string;
  deleted?: { stac_item: string | null; metadata_row: boolean; geo_table: boolean };
  warnings?: string[];
  was_orphaned?: boolean;
  error?: string;
}

type Actor = Pick<User, "id" | "name" | "role">;

interface MetadataRow {
  stac_item_id: string | null;
  stac_collection_id: string | null;
}

async function pgstacPresent(client: PoolClient): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(`SELECT to_regprocedure('pgstac.delete_item(text,text)') IS NOT NULL AS ok`);
  return !!r.rows[0]?.ok;
}

/** Deletes the layer. The caller has checked the admin role; input errors are AppError 400. */
export async function unpublishTable(tableName: string, user: Actor): Promise<UnpublishResult> {
  const audit = { ...auditActor(user), action: UNPUBLISH_ACTION, target: tableName };
  if (!isPlainIdentifier(tableName)) {
    await tryWriteAudit({ ...audit, outcome: "failure", details: { error: "not a plain table name" } });
    throw new AppError("bad_request", "Invalid table_name: expected a plain table name (letters, digits, underscore)", { parameter: "table_name" });
  }
  try {
    const result = await withAdminTransaction(async (client) => {
      await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`geoetl-unpublish:${tableName}`]);
      const query = async <T extends Record<string, unknown>>(sql: string, params: unknown[]) => (await client.query<T>(sql, params)).rows;
      const table = await findGeoTable(query, tableName);
      const meta = (
        await client.query<MetadataRow>(`SELECT stac_item_id, stac_collection_id FROM geo.table_metadata WHERE table_name = $1 FOR UPDATE`, [tableName])
      ).rows[0];
      if (!table && !meta) {
        const out: UnpublishResult = { success: false, error: `Table '${tableName}' does not exist in geo schema`, table_name: tableName };
        await writeAudit({ ...audit, outcome: "failure", details: { error: out.error } }, client);
        return out;
      }
      const warnings: string[] = [];
      let stacDeleted: string | null = null;

      // 1. STAC item, isolated in a SAVEPOINT.
      if (!meta) {
        warnings.push("No metadata found - table was orphaned (created outside ETL or metadata wiped)");
        warnings.push("No STAC item ID in metadata (STAC cataloging may have been skipped)");
      } else if (!meta.stac_item_id) {
        warnings.push("No STAC item ID in metadata (STAC cataloging may have been skipped)");
      } else if (!(await pgstacPresent(client))) {
        warnings.push(`pgSTAC is not installed in this database: STAC item '${meta.stac_item_id}' was not deleted`);
      } else {
        await client.query("SAVEPOINT unpublish_stac");
        try {
          await deleteStacItem(client, meta.stac_item_id, meta.stac_collection_id);
          await client.query("RELEASE SAVEPOINT unpublish_stac");
          stacDeleted = meta.stac_item_id;
        } catch (err) {
          await client.query("ROLLBACK TO SAVEPOINT unpublish_stac");
          const code = sqlstateOf(err);
          if (code === LOCK_NOT_AVAILABLE) throw err; // busy, not broken: give up on the whole unpublish
          if (code === "P0002") {
            warnings.push(`STAC item '${meta.stac_item_id}' was not found in pgSTAC (already deleted?)`);
          } else {
            logDbError("unpublish: pgSTAC delete_item failed", tableName, err);
            warnings.push(`STAC item deletion failed (pgstac error${code ? `, SQLSTATE ${code}` : ""}); metadata and table were still removed`);
          }
        }
      }

      // 2. Metadata row.
      const metadataDeleted = (await client.query(`DELETE FROM geo.table_metadata WHERE table_name = $1`, [tableName])).rowCount! > 0;

      // 3. The table itself (only a name that came back from the catalog, quoted).
      if (table) await client.query(`DROP TABLE ${qualifiedGeoTable(table)} CASCADE`);
      else warnings.push(`Table geo.${tableName} did not exist: removed the orphaned metadata row`);

      const out: UnpublishResult = {
        success: true,
        table_name: tableName,
        deleted: { stac_item: stacDeleted, metadata_row: metadataDeleted, geo_table: !!table },
        warnings,
        was_orphaned: !meta,
      };
      await writeAudit({ ...audit, outcome: "success", details: { deleted: out.deleted, was_orphaned: out.was_orphaned }, warnings }, client);
      return out;
    });
    forgetTileLayer(tableName);
    return result;
  } catch (err) {
    if (sqlstateOf(err) === LOCK_NOT_AVAILABLE) {
      const busy = new AppError("conflict", TABLE_IN_USE_MESSAGE, { table_name: tableName });
      await tryWriteAudit({ ...audit, outcome: "failure", details: auditError(busy) });
      throw busy;
    }
    if (!(err instanceof AppError)) logDbError("unpublish failed", tableName, err);
    await tryWriteAudit({ ...audit, outcome: "failure", details: auditError(err) });
    throw err;
  }
}

/** Records a refused attempt (wrong role or not signed in). */
export async function auditDeniedUnpublish(tableName: string | null, user: Actor, reason: string): Promise<void> {
  await tryWriteAudit({
    ...auditActor(user),
    action: UNPUBLISH_ACTION,
    target: tableName,
    outcome: "denied",
    details: { reason },
  });
}

export interface UnpublishPreview {
  table_name: string;
  table_exists: boolean;
  row_count: number | null;
  size_pretty: string | null;
  metadata_row: boolean;
  stac_item_id: string | null;
  stac_collection_id: string | null;
}

/** What the confirmation dialog lists: exactly what will go. */
export async function unpublishPreview(name: string): Promise<UnpublishPreview | null> {
  if (!isPlainIdentifier(name)) return null;
  const [table, meta] = await Promise.all([findGeoTable(readQuery, name), getMetadata(name)]);
  if (!table && !meta) return null;
  const [stats, rows] = table ? await Promise.all([tableStats(table), exactRowCount(table)]) : [null, null];
  return {
    table_name: name,
    table_exists: !!table,
    row_count: rows,
    size_pretty: stats?.size_pretty ?? null,
    metadata_row: !!meta,
    stac_item_id: meta?.stac_item_id ?? null,
    stac_collection_id: meta?.stac_collection_id ?? null,
  };
}

/**
 * The guard of both entry points (route handler and server action), called first thing:
 * requireRole("admin"), and a refused attempt leaves an audit row with outcome "denied".
 */
export async function requireUnpublisher(tableName: string | null): Promise<User> {
  try {
    return await requireRole("admin");
  } catch (err) {
    if (err instanceof AppError && err.code === "forbidden") {
      const user = await getCurrentUser().catch(() => null);
      if (user) await auditDeniedUnpublish(tableName, user, err.message);
    } else if (err instanceof AppError && err.code === "unauthorized") {
      // Anonymous callers never write to the database (a flood of them would fill the audit
      // log): their refusal is a log line.
      console.warn(JSON.stringify({ level: "warn", msg: "anonymous mutation refused", action: UNPUBLISH_ACTION, target: tableName?.slice(0, 256) }));
    }
    throw err;
  }
}
