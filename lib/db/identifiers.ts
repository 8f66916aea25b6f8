import "server-only";
import { escapeIdentifier } from "pg";

/**
 * Table names from a URL or a form never reach SQL as text. They must (1) look like a plain
 * identifier, (2) match a real table in schema geo in the catalog, and only then (3) are quoted
 * with pg's escapeIdentifier. Values always travel as parameters.
 */
export const GEO_SCHEMA = "geo";
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isPlainIdentifier(name: unknown): name is string {
  return typeof name === "string" && PLAIN_IDENTIFIER.test(name);
}

export const quoteIdent = (name: string): string => escapeIdentifier(name);

/** geo."table": only for names that came back from the catalog. */
export const qualifiedGeoTable = (catalogName: string): string =>
  `${quoteIdent(GEO_SCHEMA)}.${quoteIdent(catalogName)}`;

type Query = <T extends Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>;

/** The table's catalog name when geo.<name> is a real table (plain or partitioned), else null. */
export async function findGeoTable(query: Query, name: string): Promise<string | null> {
  if (!isPlainIdentifier(name)) return null;
  const rows = await query<{ relname: string }>(
    `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [GEO_SCHEMA, name],
  );
  return rows[0]?.relname ?? null;
}
