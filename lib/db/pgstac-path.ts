import type { ClientBase } from "pg";

/**
 * The search path pgSTAC's own code needs. pgSTAC 0.9.x (and its stand-in,
 * sql/fixtures/pgstac_standin.sql) names its tables unqualified in PL/pgSQL functions and trigger
 * functions (delete_item: `items%ROWTYPE`, the collection and item triggers: `items`,
 * `collections`, `partition_stats`, ...) and relies on `search_path = pgstac, public`, which
 * pypgstac sets on its own connections. The console's connections do not have it (a role setting
 * on pgstac_* roles does not reach member roles), so every call into pgSTAC (its functions, and
 * INSERT/DELETE on its tables, which fire its triggers) must run after this, in a transaction.
 *
 * This module has no "server-only" marker on purpose: scripts/demo-data.ts (plain tsx) uses it
 * too. lib/db/pgstac-session.ts re-exports it for the server, with pgstacRead().
 */
export const PGSTAC_SEARCH_PATH = "pgstac, public";

/**
 * `SET LOCAL search_path TO pgstac, public` on a client that is inside a transaction (BEGIN ...).
 * It lasts until that transaction ends (outside one, PostgreSQL ignores SET LOCAL with a warning,
 * so always call it after BEGIN). Inside a SAVEPOINT it is reverted by ROLLBACK TO SAVEPOINT and
 * kept by RELEASE SAVEPOINT, so the statements after it in the same transaction run with pgstac
 * first on the path: the console's own SQL keeps schema-qualifying every table (geo., app.,
 * console., pgstac.), which it does everywhere, and must go on doing.
 */
export async function withPgstacPath(client: ClientBase): Promise<void> {
  await client.query(`SET LOCAL search_path TO ${PGSTAC_SEARCH_PATH}`);
}
