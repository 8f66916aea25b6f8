import "server-only";
import { log } from "../log";
import { Pool, type PoolClient, type QueryResultRow } from "pg";
import { getConfig } from "../config";
import { poolConfigFor } from "./connection";

/**
 * The pools, created once per process and kept on globalThis so dev hot reloads don't leak
 * connections: `reader` serves every read, `admin` only writes and DDL.
 * `health` (the reader's identity, HEALTH_POOL_MAX connections, a short statement_timeout and
 * lock_timeout, read-only sessions) serves only `GET /api/health` and the health page, so neither
 * queues behind user queries when the reader pool is saturated.
 */
type Pools = { reader: Pool; admin: Pool; health: Pool };
export const APPLICATION_NAME_PREFIX = "geoetl-admin-console";
/** How long a health query waits for a table lock before giving up (a section then says so). */
export const HEALTH_LOCK_TIMEOUT_MS = 500;
const g = globalThis as unknown as { __geoetlPools?: Pools };

function createPools(): Pools {
  const cfg = getConfig();
  const opts = (role: string) => ({
    max: cfg.poolMax,
    statementTimeoutMs: cfg.statementTimeoutMs,
    applicationName: `${APPLICATION_NAME_PREFIX}:${role}`,
  });
  const admin = new Pool(poolConfigFor(cfg.admin, opts("admin")));
  const reader = cfg.reader === cfg.admin ? admin : new Pool(poolConfigFor(cfg.reader, opts("reader")));
  const health = new Pool({
    ...poolConfigFor(cfg.reader, {
      max: cfg.health.poolMax,
      statementTimeoutMs: cfg.health.statementTimeoutMs,
      lockTimeoutMs: HEALTH_LOCK_TIMEOUT_MS,
      connectionTimeoutMs: Math.max(cfg.health.statementTimeoutMs, 1_000),
      applicationName: `${APPLICATION_NAME_PREFIX}:health`,
    }),
    // Every health query is a read: the session refuses writes whatever the SQL says. (A SET on
    // each new connection, not a startup option, so poolers that reject startup options still work.)
    onConnect: async (client) => {
      await client.query("SET default_transaction_read_only = on");
    },
  });
  // An idle client that loses its connection emits 'error'; without a listener that kills the process.
  for (const p of new Set([admin, reader, health])) {
    p.on("error", (err) => log.error("idle database client error", { error: err.message }));
    // A connection that dies while checked out (backend terminated, failover) emits 'error' on its
    // client: with no listener that is an uncaught exception and takes the whole server down. The
    // query in flight fails on its own; this only keeps the process alive and says what happened.
    p.on("connect", (client) =>
      client.on("error", (err) => log.warn("database connection lost", { error: err.message })),
    );
  }
  return { admin, reader, health };
}

export function pools(): Pools {
  g.__geoetlPools ??= createPools();
  return g.__geoetlPools;
}

export const readerPool = () => pools().reader;
export const adminPool = () => pools().admin;
export const healthPool = () => pools().health;

/** Ends every pool (scripts and tests, at exit). */
export async function endPools(): Promise<void> {
  const p = g.__geoetlPools;
  g.__geoetlPools = undefined;
  if (p) await Promise.all([...new Set(Object.values(p))].map((x) => x.end().catch(() => undefined)));
}

export async function readQuery<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const res = await readerPool().query<T>(text, values);
  return res.rows;
}

/**
 * Runs fn on one reader connection in a REPEATABLE READ, READ ONLY transaction: several queries
 * that must agree (a list, its totals, its charts) see one snapshot even while a writer commits.
 */
export async function withReadSnapshot<T>(fn: (q: typeof readQuery) => Promise<T>): Promise<T> {
  return inTransaction(readerPool(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", (client) =>
    fn(async (text, values = []) => (await client.query(text, values)).rows),
  );
}

/** Runs fn in one admin transaction: COMMIT on success, ROLLBACK on any throw. */
export async function withAdminTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(adminPool(), "BEGIN", fn);
}

async function inTransaction<T>(pool: Pool, begin: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
