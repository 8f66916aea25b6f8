/**
 * Tables in schema geo that belong to the pipeline's catalog, not to a dataset: they are never a
 * layer, never an orphan, and never unpublished or dropped by the console. One list for the
 * orphan report (lib/db/orphans.ts), unpublish and any cleanup: pass it as a query parameter
 * (`c.relname <> ALL($n::text[])`), never spliced into SQL.
 *   table_metadata: the registry of published layers.
 */
export const PROTECTED_GEO_TABLES: readonly string[] = Object.freeze(["table_metadata"]);

/** True for a geo table the console must treat as the pipeline's, not as a layer. */
export function isProtectedGeoTable(name: string): boolean {
  return PROTECTED_GEO_TABLES.includes(name);
}
